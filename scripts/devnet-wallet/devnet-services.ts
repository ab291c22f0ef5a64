// The chain services a @bsv/wallet-toolbox Wallet needs, answered by the devnet over the same ARC and WhatsOnChain
// routes the host uses: so the wallet and the host live on one chain. Block headers come from WhatsOnChain's header
// route, merkle paths from ARC's status (BUMP), broadcasts go to ARC as BEEF. What the devnet cannot answer (exchange
// rates, script-hash histories) is refused with a clear error rather than guessed.
import { createHash } from 'node:crypto'
import { Beef, MerklePath, Transaction, Utils, type ChainTracker } from '@bsv/sdk'
import type {
  BlockHeader,
  GetMerklePathResult,
  GetRawTxResult,
  GetStatusForTxidsResult,
  GetUtxoStatusResult,
  GetScriptHashHistoryResult,
  PostBeefResult,
  PostTxResultForTxid,
  ServicesCallHistory,
  WalletServices,
} from '@bsv/wallet-toolbox/out/src/sdk/WalletServices.interfaces.js'
import { ArcClient } from '../../protocol/chain/arc.ts'
import { ChainError, ledgerUnavailable } from '../../protocol/chain/chain.ts'
import { trimSlash } from '../../protocol/chain/ledger-http.ts'
import { WhatsOnChainClient } from '../../protocol/chain/whatsonchain.ts'
import { headerHash, serializeHeader } from '../../devnet/block-header.ts'

const NAME = 'devnet'
/** How far back getBeefForTxid follows unmined parents before it gives up. */
const MAX_UNMINED_DEPTH = 50

function unavailable(what: string): never {
  throw new Error(`the devnet has no ${what}: a wallet on the devnet does without it`)
}

/** WalletServices over a devnet mounted at `devnetBaseUrl` (…/devnet). The wallet's chain is 'test'. */
export class DevnetServices implements WalletServices {
  readonly chain = 'test' as const
  private readonly arc: ArcClient
  private readonly woc: WhatsOnChainClient
  private readonly wocBase: string

  constructor(devnetBaseUrl: string) {
    const base = trimSlash(devnetBaseUrl)
    this.arc = new ArcClient({ baseUrl: `${base}/arc` })
    this.wocBase = `${base}/woc/v1/bsv/devnet`
    this.woc = new WhatsOnChainClient({ baseUrl: this.wocBase })
  }

  async getChainTracker(): Promise<ChainTracker> {
    return {
      isValidRootForHeight: async (root, height) => (await this.header(height))?.merkleRoot === root,
      currentHeight: () => this.getHeight(),
    }
  }

  async getHeaderForHeight(height: number): Promise<number[]> {
    const header = await this.header(height)
    if (!header) throw new Error(`the devnet has no block ${height}`)
    return [...serializeHeader({ ...header, prevHash: header.previousHash })]
  }

  getHeight(): Promise<number> {
    return this.woc.height()
  }

  async hashToHeader(hash: string): Promise<BlockHeader> {
    const header = await this.fetchHeader(`block/${hash}/header`)
    if (!header) throw new Error(`the devnet has no block ${hash}`)
    return header
  }

  async getRawTx(txid: string): Promise<GetRawTxResult> {
    const hex = await this.woc.rawTx(txid)
    return hex ? { txid, name: NAME, rawTx: Utils.toArray(hex, 'hex') } : { txid }
  }

  async getMerklePath(txid: string): Promise<GetMerklePathResult> {
    const info = await this.arc.txStatus(txid)
    if (!info?.merklePath || info.blockHeight === undefined) return { name: NAME }
    const merklePath = MerklePath.fromHex(info.merklePath)
    const header = await this.header(info.blockHeight)
    return { name: NAME, merklePath, ...(header ? { header } : {}) }
  }

  /** Sends the BEEF to ARC; the devnet takes its unmined txs in order, then each txid's status is read back. */
  async postBeef(beef: Beef, txids: string[]): Promise<PostBeefResult[]> {
    let failure: ChainError | null = null
    try {
      await this.arc.broadcast(beef.toHex())
    } catch (error) {
      if (!(error instanceof ChainError)) throw error
      failure = error
    }
    const txidResults: PostTxResultForTxid[] = await Promise.all(
      txids.map(async (txid): Promise<PostTxResultForTxid> => {
        const info = await this.arc.txStatus(txid).catch(() => null)
        if (info && info.status !== 'REJECTED' && info.status !== 'DOUBLE_SPEND_ATTEMPTED') return { txid, status: 'success', ...(info.blockHash ? { blockHash: info.blockHash } : {}) }
        const doubleSpend = info?.status === 'DOUBLE_SPEND_ATTEMPTED' || failure?.code === 466
        return { txid, status: 'error', doubleSpend, ...(info?.competingTxs ? { competingTxs: info.competingTxs } : {}), serviceError: failure !== null && ledgerUnavailable(failure), data: { detail: failure?.message ?? info?.extraInfo ?? 'rejected' } }
      }),
    )
    const status = txidResults.every((r) => r.status === 'success') ? 'success' : 'error'
    return [{ name: NAME, status, txidResults }]
  }

  async getStatusForTxids(txids: string[]): Promise<GetStatusForTxidsResult> {
    const height = await this.getHeight()
    const results = await Promise.all(
      txids.map(async (txid) => {
        const info = await this.arc.txStatus(txid)
        if (!info || info.status === 'REJECTED') return { txid, depth: undefined, status: 'unknown' as const }
        if (info.blockHeight !== undefined) return { txid, depth: height - info.blockHeight + 1, status: 'mined' as const }
        return { txid, depth: 0, status: 'known' as const }
      }),
    )
    return { name: NAME, status: 'success', results }
  }

  async nLockTimeIsFinal(txOrLockTime: string | number[] | Transaction | number): Promise<boolean> {
    const tx = typeof txOrLockTime === 'number' ? null : txOrLockTime instanceof Transaction ? txOrLockTime : Array.isArray(txOrLockTime) ? Transaction.fromBinary(txOrLockTime) : Transaction.fromHex(txOrLockTime)
    const lockTime = tx ? tx.lockTime : (txOrLockTime as number)
    if (tx && tx.inputs.every((input) => (input.sequence ?? 0xffffffff) === 0xffffffff)) return true
    // Heights only on the devnet: final once the next block's height passes it.
    return lockTime === 0 || lockTime < (await this.getHeight()) + 1
  }

  /** The tx with its unmined ancestors, back to mined ones with their merkle paths. */
  async getBeefForTxid(txid: string): Promise<Beef> {
    const beef = new Beef()
    const add = async (id: string, depth: number): Promise<void> => {
      if (beef.findTxid(id)) return
      if (depth > MAX_UNMINED_DEPTH) throw new Error(`more than ${MAX_UNMINED_DEPTH} unmined ancestors behind ${txid}`)
      const { rawTx } = await this.getRawTx(id)
      if (!rawTx) throw new Error(`the devnet does not know ${id}`)
      const { merklePath } = await this.getMerklePath(id)
      if (merklePath) {
        beef.mergeBump(merklePath)
        beef.mergeRawTx(rawTx)
        return
      }
      const tx = Transaction.fromBinary(rawTx)
      for (const input of tx.inputs) await add(input.sourceTXID!, depth + 1)
      beef.mergeRawTx(rawTx)
    }
    await add(txid, 0)
    return beef
  }

  hashOutputScript(script: string): string {
    return createHash('sha256').update(Buffer.from(script, 'hex')).digest().reverse().toString('hex')
  }

  isUtxo(): Promise<boolean> {
    return unavailable('UTXO lookup by script hash')
  }

  getUtxoStatus(): Promise<GetUtxoStatusResult> {
    return unavailable('UTXO lookup by script hash')
  }

  getScriptHashHistory(): Promise<GetScriptHashHistoryResult> {
    return unavailable('script hash history')
  }

  getBsvExchangeRate(): Promise<number> {
    return unavailable('exchange rate: its coins are worth nothing')
  }

  getFiatExchangeRate(): Promise<number> {
    return unavailable('exchange rate: its coins are worth nothing')
  }

  getServicesCallHistory(): ServicesCallHistory {
    const none = { serviceName: NAME, historyByProvider: {} }
    return { version: 2, getMerklePath: none, getRawTx: none, postBeef: none, getUtxoStatus: none, getStatusForTxids: none, getScriptHashHistory: none, updateFiatExchangeRates: none }
  }

  private header(height: number): Promise<BlockHeader | null> {
    return this.fetchHeader(`block/${height}/header`)
  }

  /** A header from the devnet's WhatsOnChain route (JSON, as a node's getblockheader), or null when there is none. */
  private async fetchHeader(path: string): Promise<BlockHeader | null> {
    const res = await fetch(`${this.wocBase}/${path}`, { headers: { Accept: 'application/json' } })
    if (res.status === 404) return null
    if (!res.ok) throw new ChainError(`the devnet answered HTTP ${res.status} for ${path}`, res.status)
    const h = (await res.json()) as { version: number; previousblockhash?: string; merkleroot: string; time: number; bits: string; nonce: number; height: number; hash: string }
    const header = { version: h.version, previousHash: h.previousblockhash ?? '0'.repeat(64), merkleRoot: h.merkleroot, time: h.time, bits: parseInt(h.bits, 16), nonce: h.nonce }
    const hash = headerHash(serializeHeader({ ...header, prevHash: header.previousHash }))
    if (hash !== h.hash) throw new Error(`the devnet's header for ${path} does not hash to its block hash`)
    return { ...header, height: h.height, hash }
  }
}
