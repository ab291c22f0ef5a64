// `npm run wallet -- [--url http://127.0.0.1:8080] [--coins 100000] [--port 3321] [--data .devnet-wallet]`: a BRC-100
// wallet for trying "Pay with your BSV wallet" on a devnet host, where no desktop wallet can go: the toolbox's wallet
// on the host's devnet, funded from its faucet, served where the player looks for BSV Desktop. Its approval prompts
// are answered yes and printed. Stop it with Ctrl-C; its SQLite file stays in --data for the next run.
import { Command, Option } from 'commander'
import { PrivateKey } from '@bsv/sdk'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ArcClient } from '../protocol/chain/arc.ts'
import { openDevnetWallet } from './devnet-wallet/devnet-wallet.ts'
import { serveWalletHttp, WALLET_JSON_PORT } from './devnet-wallet/wallet-http.ts'

const program = new Command()
  .name('wallet')
  .description("A BRC-100 wallet on a host's devnet, served on localhost where the player finds it.")
  .addOption(new Option('--url <url>', "the devnet host's base URL").default('http://127.0.0.1:8080'))
  .addOption(new Option('--coins <sats>', 'faucet coins to take in at start (0: none)').argParser(Number).default(100_000))
  .addOption(new Option('--port <n>', 'where to serve it (WalletClient looks on 3321)').argParser(Number).default(WALLET_JSON_PORT))
  .addOption(new Option('--data <dir>', "the wallet's folder: its key and SQLite storage").default('.devnet-wallet'))

async function main(): Promise<void> {
  const options = program.parse().opts<{ url: string; coins: number; port: number; data: string }>()
  const devnetBaseUrl = `${options.url.replace(/\/+$/, '')}/devnet`
  const dataDir = resolve(options.data)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 })
  // The key stays with its storage, so the wallet and its coins survive a restart (devnet coins only).
  const keyFile = join(dataDir, 'root.key')
  const rootKey = existsSync(keyFile) ? PrivateKey.fromHex(readFileSync(keyFile, 'utf8').trim()) : PrivateKey.fromRandom()
  if (!existsSync(keyFile)) writeFileSync(keyFile, rootKey.toHex(), { mode: 0o600 })
  const feeRate = await new ArcClient({ baseUrl: `${devnetBaseUrl}/arc` }).policy()
  const mine = async () => {
    const res = await fetch(`${devnetBaseUrl}/mine`, { method: 'POST' })
    if (!res.ok) throw new Error(`the devnet would not mine (HTTP ${res.status}): the wallet takes coins in once they are mined`)
  }
  const wallet = await openDevnetWallet({ devnetBaseUrl, dataDir, rootKey, feeRate, mine })
  if (options.coins > 0) await wallet.fund([options.coins])
  const http = await serveWalletHttp(wallet.apps, options.port)
  let shown = 0
  const timer = setInterval(() => {
    for (const approval of wallet.approvals.slice(shown)) console.log(`approved for ${approval.originator}: ${approval.type} ${approval.protocol ?? ''} ${approval.satoshis ?? ''}`.trim())
    shown = wallet.approvals.length
  }, 500)
  console.log(`BRC-100 wallet on ${http.url} (devnet of ${options.url}), identity key ${wallet.identityKey}, balance ${await wallet.balance()} sat`)
  const stop = async () => {
    clearInterval(timer)
    await http.close()
    await wallet.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  console.error(`wallet: ${error instanceof Error ? error.message : String(error)}`)
  process.exitCode = 1
})
