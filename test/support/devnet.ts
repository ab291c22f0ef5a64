// A real devnet for a test: the ledger on SQLite in a temp folder, its router served over HTTP on a free port.
import { rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import assert from 'node:assert/strict'
import express from 'express'
import { ChainError } from '../../protocol/chain/chain.ts'
import { DevnetLedger } from '../../devnet/ledger.ts'
import { devnetRouter, type DevnetRouterOptions } from '../../devnet/routes.ts'
import { tempDir } from './host.ts'

export interface Served {
  /** e.g. http://127.0.0.1:PORT/devnet */
  base: string
  close: () => Promise<void>
}

/** Serves `ledger` at /devnet on a free port. */
export async function serve(ledger: DevnetLedger, opts?: DevnetRouterOptions): Promise<Served> {
  const app = express()
  app.use('/devnet', devnetRouter(ledger, opts))
  const server: Server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    base: `http://127.0.0.1:${port}/devnet`,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}

export interface TestDevnet extends Served {
  ledger: DevnetLedger
}

/** A fresh ledger, served; close() stops it and removes its folder. */
export async function startTestDevnet(opts: { testMode?: boolean } = {}): Promise<TestDevnet> {
  const dir = tempDir('devnet')
  const ledger = DevnetLedger.open({ dataDir: dir, testMode: opts.testMode })
  const served = await serve(ledger)
  return {
    ...served,
    ledger,
    async close() {
      await served.close()
      ledger.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Awaits `p`, expecting a ChainError with `code` (and a message matching `pattern`); returns it. */
export async function rejectsWithCode(p: Promise<unknown>, code: number, pattern?: RegExp): Promise<ChainError> {
  try {
    await p
  } catch (err) {
    assert.ok(err instanceof ChainError, `expected ChainError, got ${String(err)}`)
    assert.equal(err.code, code, `code ${err.code}: ${err.message}`)
    if (pattern) assert.match(err.message, pattern)
    return err
  }
  assert.fail(`expected a ChainError with code ${code}`)
}

/** Calls `fn`, expecting it to throw a ChainError with `code` and a message matching `pattern`. */
export function throwsWithCode(fn: () => unknown, code: number, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof ChainError, `expected ChainError, got ${String(err)}`)
    assert.equal(err.code, code, `code ${err.code}: ${err.message}`)
    assert.match(err.message, pattern)
    return true
  })
}
