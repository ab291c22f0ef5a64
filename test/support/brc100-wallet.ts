// The viewer's own BRC-100 wallet for a test: a real @bsv/wallet-toolbox wallet on the test host's devnet (one chain
// for both), funded from its faucet, served where WalletClient('auto') looks for a desktop wallet
// (http://localhost:3321). That port is fixed by the SDK, so tests holding it run one at a time (npm test runs with
// --test-concurrency=1).
import { rmSync } from 'node:fs'
import { openDevnetWallet, type DevnetWallet } from '../../scripts/devnet-wallet/devnet-wallet.ts'
import { serveWalletHttp, WALLET_JSON_PORT, type WalletHttpServer } from '../../scripts/devnet-wallet/wallet-http.ts'
import { tempDir, type TestHost } from './host.ts'

export interface TestBrc100Wallet extends DevnetWallet {
  http: WalletHttpServer
  dispose(): Promise<void>
}

/** `amounts`: the faucet coins it starts with, one output each. A 'main' chain wallet takes none: it is to be refused. */
export async function startTestWallet(host: TestHost, amounts: readonly number[], chain: 'test' | 'main' = 'test'): Promise<TestBrc100Wallet> {
  const dataDir = tempDir('wallet')
  const wallet = await openDevnetWallet({ devnetBaseUrl: `${host.url}/devnet`, dataDir, mine: async () => void host.ledger!.mine(), feeRate: host.chainView.feeRate, chain })
  if (amounts.length > 0) await wallet.fund(amounts)
  const http = await serveWalletHttp(wallet.apps, WALLET_JSON_PORT)
  return {
    ...wallet,
    http,
    async dispose() {
      await http.close()
      await wallet.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
