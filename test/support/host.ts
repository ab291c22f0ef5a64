// Starts a real host (express, Socket.IO, devnet, SQLite in a temp folder) for a test.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { startHost, type HostHooks, type RunningHost } from '../../server/app.ts'
import { parseConfig, type HostConfigInput } from '../../server/config.ts'

export interface TestHost extends RunningHost {
  dataDir: string
  /** Stops the host and removes its data folder. */
  dispose(): Promise<void>
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `p2p-${prefix}-`))
}

export async function startTestHost(overrides: HostConfigInput = {}, hooks: HostHooks = {}): Promise<TestHost> {
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
  const host = await startHost(config, { logger: pino({ level: config.logLevel }), ...hooks })
  return {
    ...host,
    dataDir,
    async dispose() {
      await host.close()
      if (!overrides.dataDir) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
