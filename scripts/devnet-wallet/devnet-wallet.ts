// A real BRC-100 wallet on the devnet, for tests and the QA fleet: @bsv/wallet-toolbox's Wallet with SQLite storage
// (knex over better-sqlite3) and the devnet's chain services, behind the toolbox's WalletPermissionsManager, the
// component desktop wallets put between apps and keys. Its prompts are answered here, always yes, and every one is
// logged, so a test can count what the viewer would have been asked. Funding comes from the devnet faucet as BRC-29
// payments the wallet takes in (internalizeAction), mined first so each arrives with its merkle path.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { KeyDeriver, P2PKH, PrivateKey, Random, Transaction, Utils, type WalletInterface } from '@bsv/sdk'
import knexFactory, { type Knex } from 'knex'
import { Monitor, Wallet, WalletPermissionsManager, WalletStorageManager } from '@bsv/wallet-toolbox/out/src/index.client.js'
import { TaskSendWaiting } from '@bsv/wallet-toolbox/out/src/monitor/tasks/TaskSendWaiting.js'
import type { ChaintracksClientApi } from '@bsv/wallet-toolbox/out/src/services/chaintracker/chaintracks/Api/ChaintracksClientApi.js'
import { StorageKnex } from '@bsv/wallet-toolbox/out/src/storage/StorageKnex.js'
import type { PermissionRequest } from '@bsv/wallet-toolbox/out/src/WalletPermissionsManager.js'
import type { FeeRate } from '../../protocol/messages.ts'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import { feeFor, P2PKH_INPUT_BYTES, P2PKH_OUTPUT_BYTES } from '../../protocol/fees.ts'
import { buildSignedP2pkhTx } from '../../devnet/p2pkh.ts'
import { PAYMENT_PROTOCOL } from '../../client/payer/wallet-keys.ts'
import { DevnetServices } from './devnet-services.ts'

/** The wallet's own screens: allowed everything, never asked. */
export const ADMIN_ORIGINATOR = 'admin.wallet.devnet'

/** One prompt the viewer would have seen, and what it was for. */
export interface Approval {
  type: PermissionRequest['type']
  originator: string
  protocol?: string
  counterparty?: string
  satoshis?: number
}

export interface DevnetWalletOptions {
  devnetBaseUrl: string
  /** Where the wallet's SQLite file lives. */
  dataDir: string
  /** Mines one devnet block: incoming coins are taken in with their merkle paths. */
  mine: () => Promise<void>
  feeRate: FeeRate
  rootKey?: PrivateKey
  /** 'main' makes a wallet that says it is on mainnet, for tests of one the devnet must refuse. Default 'test'. */
  chain?: 'test' | 'main'
}

export interface DevnetWallet {
  /** What apps talk to, as they would to a desktop wallet: every call goes through the permission prompts. */
  readonly apps: WalletInterface
  /** The wallet itself, for its own screens (balance, history) and for the test's checks. */
  readonly wallet: Wallet
  readonly identityKey: string
  /** Every prompt so far, in order; each was approved. */
  readonly approvals: Approval[]
  /** Takes coins from the devnet faucet as one output per amount, each a payment the wallet can spend alone. */
  fund(amounts: readonly number[]): Promise<void>
  /** Spendable satoshis in the wallet's change basket. */
  balance(): Promise<number>
  close(): Promise<void>
}

function approvalOf(request: PermissionRequest): Approval {
  return {
    type: request.type,
    originator: request.originator,
    ...(request.protocolID ? { protocol: `${request.protocolID[0]}:${request.protocolID[1]}` } : {}),
    ...(request.counterparty ? { counterparty: request.counterparty } : {}),
    ...(request.spending ? { satoshis: request.spending.satoshis } : {}),
  }
}

export async function openDevnetWallet(options: DevnetWalletOptions): Promise<DevnetWallet> {
  mkdirSync(options.dataDir, { recursive: true })
  const rootKey = options.rootKey ?? PrivateKey.fromRandom()
  const knex: Knex = knexFactory({ client: 'better-sqlite3', connection: { filename: join(options.dataDir, 'wallet.sqlite') }, useNullAsDefault: true })
  const satoshisPerKb = Math.ceil((options.feeRate.satoshis * 1000) / options.feeRate.bytes)
  const chain = options.chain ?? 'test'
  const storage = new StorageKnex({ ...StorageKnex.defaultOptions(), chain, knex, feeModel: { model: 'sat/kb', value: satoshisPerKb } })
  await storage.migrate('devnet wallet', PrivateKey.fromRandom().toPublicKey().toString())
  await storage.makeAvailable()
  const keyDeriver = new KeyDeriver(rootKey)
  const manager = new WalletStorageManager(keyDeriver.identityKey, storage)
  await manager.makeAvailable()
  const services = new DevnetServices(options.devnetBaseUrl)
  const wallet = new Wallet({ chain, keyDeriver, storage: manager, services })
  const stopSending = sendWaiting(manager, services)

  const approvals: Approval[] = []
  // Grouped permissions would fetch a manifest from the app's site; the prompts come one by one instead.
  const apps = new WalletPermissionsManager(wallet, ADMIN_ORIGINATOR, { seekGroupedPermission: false })
  const approve = async (request: PermissionRequest & { requestID: string }) => {
    approvals.push(approvalOf(request))
    await apps.grantPermission({ requestID: request.requestID, ...(request.spending ? { amount: request.spending.satoshis * 1_000 } : {}) })
  }
  apps.bindCallback('onProtocolPermissionRequested', approve)
  apps.bindCallback('onSpendingAuthorizationRequested', approve)
  apps.bindCallback('onBasketAccessRequested', approve)
  apps.bindCallback('onCertificateAccessRequested', approve)

  return {
    apps,
    wallet,
    identityKey: keyDeriver.identityKey,
    approvals,
    fund: (amounts) => fundFromFaucet(wallet, options, amounts),
    balance: () => wallet.balance(),
    async close() {
      await stopSending()
      await wallet.destroy()
    },
  }
}

/** The monitor prints each task's log; the wallet's sends are the devnet's log's business. */
class QuietSendWaiting extends TaskSendWaiting {
  override async runTask(): Promise<string> {
    await super.runTask()
    return ''
  }
}

/**
 * What a desktop wallet's monitor does in the background, the one part this wallet needs: send the transactions it
 * created for later broadcast (the permission prompts' tokens). Headers, proofs and reorgs are the devnet's business.
 */
function sendWaiting(storage: WalletStorageManager, services: DevnetServices): () => Promise<void> {
  const monitor = new Monitor({
    chain: 'test',
    services,
    storage,
    // Only the tasks that follow the chain's headers use it; none of them runs here.
    chaintracks: undefined as unknown as ChaintracksClientApi,
    msecsWaitPerMerkleProofServiceReq: 0,
    taskRunWaitMsecs: 200,
    abandonedMsecs: 5 * 60_000,
    unprovenAttemptsLimitTest: 100,
    unprovenAttemptsLimitMain: 144,
    maxRebroadcastAttempts: 0,
  })
  monitor.addTask(new QuietSendWaiting(monitor, 200, 0))
  const running = monitor.startTasks()
  return async () => {
    monitor.stopTasks()
    await running
  }
}

/**
 * Faucet coins to a throwaway key, then one transaction paying each amount to a BRC-29 key of the wallet; once mined,
 * the wallet takes them all in with one internalizeAction.
 */
async function fundFromFaucet(wallet: Wallet, options: DevnetWalletOptions, amounts: readonly number[]): Promise<void> {
  const carrier = PrivateKey.fromRandom()
  const fee = feeFor(10 + P2PKH_INPUT_BYTES + (amounts.length + 1) * P2PKH_OUTPUT_BYTES, options.feeRate) + 10
  const total = amounts.reduce((sum, amount) => sum + amount, 0)
  const coin = await requestFaucet(options.devnetBaseUrl, carrier.toAddress(), total + fee)
  const self = wallet.identityKey
  // BRC-29 derivations are base64.
  const prefix = Utils.toBase64(Random(8))
  const payments = amounts.map((satoshis, i) => {
    const remittance = { derivationPrefix: prefix, derivationSuffix: Utils.toBase64(Utils.toArray(String(i), 'utf8')), senderIdentityKey: self }
    const key = wallet.keyDeriver.derivePublicKey(PAYMENT_PROTOCOL, `${remittance.derivationPrefix} ${remittance.derivationSuffix}`, self, true)
    return { satoshis, remittance, lockingScript: new P2PKH().lock(key.toAddress()) }
  })
  const split = await buildSignedP2pkhTx({ key: carrier, inputs: [coin], outputs: payments.map(({ satoshis, lockingScript }) => ({ lockingScriptHex: lockingScript.toHex(), satoshis })), feeRate: options.feeRate })
  const res = await fetch(`${options.devnetBaseUrl}/arc/v1/tx`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ rawTx: split.toHex() }) })
  if (!res.ok) throw new Error(`the devnet refused the wallet's funding: ${await res.text()}`)
  await options.mine()
  const { merklePath } = await wallet.getServices().getMerklePath(split.id('hex'))
  if (!merklePath) throw new Error(`the devnet mined ${split.id('hex')} without a merkle path`)
  const proven = Transaction.fromBinary(split.toBinary())
  proven.merklePath = merklePath
  await wallet.internalizeAction({
    tx: proven.toAtomicBEEF(),
    outputs: payments.map(({ remittance }, outputIndex) => ({ outputIndex, protocol: 'wallet payment' as const, paymentRemittance: remittance })),
    description: 'Coins from the devnet faucet',
  })
}
