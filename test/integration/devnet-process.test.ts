// `npm run devnet` as a process of its own, and a host process started with --devnet-url: a faucet payment made
// through the host and a block mined on the ledger, each seen through both.
import { test, describe, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { PrivateKey } from '@bsv/sdk'
import { tempDir } from '../support/host.ts'
import { runScript as run, type ScriptProcess } from '../support/script-process.ts'

const repo = new URL('../..', import.meta.url).pathname

const json = async <T>(res: Promise<Response>): Promise<T> => {
  const answer = await res
  assert.equal(answer.status, 200, `${answer.url}: ${answer.status}`)
  return (await answer.json()) as T
}

describe('npm run devnet, shared by a host', () => {
  const dirs = [tempDir('devnet-process'), tempDir('host-process')]
  const processes: ScriptProcess[] = []
  after(async () => {
    await Promise.all(processes.map((p) => p.stop()))
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  test('npm run devnet runs the devnet entry point', () => {
    const scripts = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
    assert.match(scripts.devnet, /node --import tsx devnet\/main\.ts$/)
  })

  test('a host with --devnet-url uses the shared ledger: the faucet through the host, a block on the ledger, seen by both', async () => {
    const devnet = run('devnet/main.ts', ['--port', '0', '--data', dirs[0], '--block-interval', '0', '--log-level', 'warn'])
    processes.push(devnet)
    const devnetUrl = (await devnet.waitFor(/Devnet ledger: (http:\/\/127\.0\.0\.1:\d+\/devnet)/))[1]
    const host = run('scripts/start.ts', ['--port', '0', '--data', dirs[1], '--no-sample', '--devnet-url', devnetUrl, '--log-level', 'warn'])
    processes.push(host)
    const hostUrl = (await host.waitFor(/Player:\s+(http:\/\/127\.0\.0\.1:\d+)\//))[1]
    await host.waitFor(/Devnet:\s+http:\S+ \(shared/)

    const address = PrivateKey.fromRandom().toAddress()
    const paid = await json<{ txid: string }>(fetch(`${hostUrl}/devnet/faucet`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ address, satoshis: 12_345 }),
    }))
    for (const base of [devnetUrl, `${hostUrl}/devnet`]) {
      assert.equal((await json<{ txStatus: string }>(fetch(`${base}/arc/v1/tx/${paid.txid}`))).txStatus, 'SEEN_ON_NETWORK', base)
    }

    const { height } = await json<{ height: number }>(fetch(`${devnetUrl}/mine`, { method: 'POST' }))
    for (const base of [devnetUrl, `${hostUrl}/devnet`]) {
      assert.equal((await json<{ blocks: number }>(fetch(`${base}/woc/v1/bsv/devnet/chain/info`))).blocks, height, base)
      assert.equal((await json<{ txStatus: string; blockHeight: number }>(fetch(`${base}/arc/v1/tx/${paid.txid}`))).blockHeight, height, base)
    }
    // The host's own view of the chain follows the shared ledger.
    let seen = 0
    for (let i = 0; i < 100 && seen !== height; i++, await new Promise((r) => setTimeout(r, 100))) {
      seen = (await json<{ height: number }>(fetch(`${hostUrl}/health`))).height
    }
    assert.equal(seen, height)
    assert.equal(existsSync(join(dirs[1], 'devnet.sqlite')), false, 'the host opened no ledger of its own')
    assert.equal(existsSync(join(dirs[0], 'devnet.sqlite')), true)

    assert.equal(await host.stop(), 0)
    assert.equal(await devnet.stop(), 0)
  })

  test('a host pointed at a devnet that does not answer refuses to start, and says what to do', async () => {
    const host = run('scripts/start.ts', ['--port', '0', '--data', dirs[1], '--no-sample', '--devnet-url', 'http://127.0.0.1:9/devnet', '--log-level', 'warn'])
    processes.push(host)
    await host.waitFor(/No devnet ledger answers at http:\/\/127\.0\.0\.1:9\/devnet .*npm run devnet/)
    assert.equal(await host.exit, 1)
  })
})
