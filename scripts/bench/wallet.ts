// `npm run bench:wallet [-- --loads N --signatures N]`: what paying from the viewer's own BRC-100 wallet costs, next to
// this device's wallet: the wallet's signing round trip per segment, a whole segment's payment round trip, and the
// time to first frame in Chromium. The host runs in this process on the devnet; the wallet is the toolbox's
// (scripts/devnet-wallet/) on http://localhost:3321, where the player finds it. Prints a table, writes
// bench/wallet.json.
import { Command, Option } from 'commander'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { startHost } from '../../server/app.ts'
import { parseConfig } from '../../server/config.ts'
import { ensureSampleStream } from '../../server/media/sample.ts'
import { embedDevnet } from '../../devnet/embedded.ts'
import { launchBrowser } from '../../test/support/browser.ts'
import { buildClient } from '../build-client.ts'
import { openDevnetWallet } from '../devnet-wallet/devnet-wallet.ts'
import { serveWalletHttp, WALLET_JSON_PORT, type WalletHttpServer } from '../devnet-wallet/wallet-http.ts'
import { measureWalletCosts } from './phases/wallet-costs.ts'
import { measureWalletTtff } from './phases/wallet-ttff.ts'

const STREAM = '/media/sample/360p/index.m3u8'
const program = new Command()
  .name('bench:wallet')
  .addOption(new Option('--loads <n>', 'time-to-first-frame loads of each kind').argParser(Number).default(7))
  .addOption(new Option('--signatures <n>', 'signatures timed of each kind').argParser(Number).default(200))
  .addOption(new Option('--channels <n>', 'channels opened and paid through, of each kind, after one to warm up').argParser(Number).default(3))
  .addOption(new Option('--out <file>', 'where to write the JSON results').default('bench/wallet.json'))

const log = (line: string) => process.stderr.write(`[bench:wallet] ${line}\n`)

async function main(): Promise<void> {
  const options = program.parse().opts<{ loads: number; signatures: number; channels: number; out: string }>()
  const mediaDir = fileURLToPath(new URL('../../media/', import.meta.url))
  await ensureSampleStream(mediaDir)
  await buildClient()
  const dataDir = mkdtempSync(join(tmpdir(), 'p2p-bench-wallet-'))
  const config = parseConfig({ port: 0, dataDir: join(dataDir, 'host'), mediaDir, blockIntervalSeconds: 0, generateSample: false, logLevel: 'silent', price: 10, adminToken: 'bench-wallet-admin-token-0123456789' })
  const host = await startHost(config, { logger: pino({ level: 'silent' }), openDevnet: embedDevnet })
  const devnet = await openDevnetWallet({ devnetBaseUrl: `${host.url}/devnet`, dataDir: join(dataDir, 'wallet'), mine: async () => void host.devnet!.ledger.mine(), feeRate: host.chainView.feeRate })
  let http: WalletHttpServer | null = null
  const walletOnline = async (online: boolean) => {
    if (online && !http) http = await serveWalletHttp(devnet.apps, WALLET_JSON_PORT)
    if (!online && http) {
      await http.close()
      http = null
    }
  }
  const browser = await launchBrowser()
  try {
    await devnet.fund(Array(options.loads + options.channels + 4).fill(20_000))
    await walletOnline(true)
    log('signing and paying per segment…')
    const costs = await measureWalletCosts({ hostUrl: host.url, walletUrl: `http://localhost:${WALLET_JSON_PORT}`, playlistPath: STREAM, cap: 1_000, signatures: options.signatures, channels: options.channels })
    log('time to first frame…')
    const ttff = await measureWalletTtff({ browser, hostUrl: host.url, stream: STREAM, loads: options.loads, walletOnline })
    const results = { at: new Date().toISOString(), costs, ttff }
    mkdirSync(dirname(resolve(options.out)), { recursive: true })
    writeFileSync(options.out, JSON.stringify(results, null, 2) + '\n')
    const row = (what: string, device: unknown, wallet: unknown) => `| ${what} | ${device} | ${wallet} |`
    process.stdout.write([
      '| per segment / start | this device\'s wallet | BRC-100 wallet |',
      '|---|---|---|',
      row('signature p50 / p95 (ms)', `${costs.sign.device.p50_ms} / ${costs.sign.device.p95_ms}`, `${costs.sign.wallet.p50_ms} / ${costs.sign.wallet.p95_ms}`),
      row('payment round trip p50 / p95 (ms)', `${costs.pay.device.p50_ms} / ${costs.pay.device.p95_ms}`, `${costs.pay.wallet.p50_ms} / ${costs.pay.wallet.p95_ms}`),
      row(`channel open p50 of ${costs.open.device.count} (ms)`, costs.open.device.p50_ms, costs.open.wallet.p50_ms),
      row(`time to first frame, median of ${ttff.loads} (ms)`, ttff.device_ms, `${ttff.wallet_ms} (first load, approvals included: ${ttff.wallet_first_ms})`),
      '',
    ].join('\n'))
  } finally {
    await browser.close()
    await walletOnline(false)
    await devnet.close()
    await host.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  console.error(`bench:wallet: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
