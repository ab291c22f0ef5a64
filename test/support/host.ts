// Starts a real host (express, Socket.IO, its own devnet, SQLite in a temp folder) for a test.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { startHost, type HostHooks, type RunningHost } from '../../server/app.ts'
import { parseConfig, type HostConfigInput } from '../../server/config.ts'
import { embedDevnet, type EmbeddedDevnet } from '../../devnet/embedded.ts'
import type { DevnetLedger } from '../../devnet/ledger.ts'

/** What a test may hook into a host; its own devnet is always the real one, embedded as `npm start` does. */
export type TestHostHooks = Omit<HostHooks<EmbeddedDevnet>, 'openDevnet'>

export interface TestHost extends RunningHost<EmbeddedDevnet> {
  /** The host's own devnet ledger; null with --devnet-url. */
  ledger: DevnetLedger | null
  dataDir: string
  /** Stops the host and removes its data folder. */
  dispose(): Promise<void>
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `p2p-${prefix}-`))
}

export async function startTestHost(overrides: HostConfigInput = {}, hooks: TestHostHooks = {}): Promise<TestHost> {
  const dataDir = overrides.dataDir ?? tempDir('host')
  const config = parseConfig({
    port: 0,
    dataDir,
    blockIntervalSeconds: 0,
    generateSample: false,
    logLevel: 'silent',
    adminToken: 'test-admin-token-0123456789',
    ...overrides,
  })
  const host = await startHost(config, { logger: pino({ level: config.logLevel }), ...hooks, openDevnet: embedDevnet })
  return {
    ...host,
    ledger: host.devnet?.ledger ?? null,
    dataDir,
    async dispose() {
      await host.close()
      if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
