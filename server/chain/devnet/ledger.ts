// The devnet: a one-node ledger inside the host process. It validates transactions with the real script
// interpreter and the same fee, dust and finality rules a BSV node applies, keeps a UTXO set and a mempool,
// mines blocks on demand, and persists everything in SQLite so a restart keeps the chain.
import { DEFAULT_FEE_RATE } from '../../../protocol/fees.ts'
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { P2PKH, PrivateKey, Transaction, UnlockingScript, Utils } from '@bsv/sdk'
import type { FeeRate } from '../../../protocol/messages.ts'
import { ChainError, type TxStatus } from '../../../protocol/chain/chain.ts'
import { checkTransaction, parseRawTx, type PrevOut } from './validate.ts'
import { buildSignedP2pkhTx, p2pkhScriptHex, pubKeyHashOfAddress, pubKeyHashOfScript } from './p2pkh.ts'

export interface LedgerLogger {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
}

export interface DevnetLedgerOptions {
  dataDir: string
  feeRate?: FeeRate
  logger?: LedgerLogger
  /** Largest single faucet payment. */
  faucetCap?: number
}

export interface LedgerTxStatus {
  txid: string
  status: TxStatus
  blockHeight?: number
  blockHash?: string
  timestamp: number
}

export interface LedgerUtxo {
  txid: string
  vout: number
  satoshis: number
  /** Block height, 0 while in the mempool (as WhatsOnChain reports it). */
  height: number
  lockingScriptHex: string
}

export interface BlockInfo {
  height: number
  hash: string
  time: number
  txCount: number
}

export const DEFAULT_FAUCET_CAP = 10_000_000
/** The genesis coin the faucet pays from: 10 million BSV, more than any test run can spend. */
const GENESIS_SATOSHIS = 1_000_000_000_000_000
const GENESIS_NOTE = Utils.toArray('p2p-channels devnet genesis', 'utf8')

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocks (height INTEGER PRIMARY KEY, hash TEXT NOT NULL, time INTEGER NOT NULL, tx_count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS txs (
  txid TEXT PRIMARY KEY, raw TEXT NOT NULL, fee INTEGER NOT NULL,
  block_height INTEGER, received_at INTEGER NOT NULL, seq INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS txs_mempool ON txs (block_height, seq);
CREATE TABLE IF NOT EXISTS outputs (
  txid TEXT NOT NULL, vout INTEGER NOT NULL, satoshis INTEGER NOT NULL, script TEXT NOT NULL,
  pkh TEXT, spent_by TEXT, PRIMARY KEY (txid, vout)
);
CREATE INDEX IF NOT EXISTS outputs_unspent_pkh ON outputs (pkh) WHERE spent_by IS NULL;
`

interface TxRow { txid: string; raw: string; fee: number; block_height: number | null; received_at: number }
interface OutputRow { txid: string; vout: number; satoshis: number; script: string; pkh: string | null; spent_by: string | null }

export class DevnetLedger {
  readonly feeRate: FeeRate
  readonly faucetCap: number
  private readonly db: Database.Database
  private readonly logger?: LedgerLogger
  private readonly faucetKey: PrivateKey
  private tip: number
  /** Faucet payments are built across awaits (signing); one at a time, or two would pick the same coin. */
  private faucetQueue: Promise<unknown> = Promise.resolve()

  private constructor(db: Database.Database, opts: DevnetLedgerOptions) {
    this.db = db
    this.logger = opts.logger
    this.feeRate = opts.feeRate ?? DEFAULT_FEE_RATE
    this.faucetCap = opts.faucetCap ?? DEFAULT_FAUCET_CAP
    db.exec(SCHEMA)
    const keyHex = this.meta('faucet_key')
    if (keyHex === undefined) {
      this.faucetKey = PrivateKey.fromRandom()
      this.createGenesis()
    } else {
      this.faucetKey = PrivateKey.fromHex(keyHex)
    }
    this.tip = Number(this.meta('height'))
  }

  static open(opts: DevnetLedgerOptions): DevnetLedger {
    mkdirSync(opts.dataDir, { recursive: true })
    const db = new Database(join(opts.dataDir, 'devnet.sqlite'))
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    return new DevnetLedger(db, opts)
  }

  close(): void {
    this.db.close()
  }

  get height(): number {
    return this.tip
  }

  /** The faucet's own address (mainnet prefix); its coins show in unspent() like anyone's. */
  get faucetAddress(): string {
    return this.faucetKey.toAddress()
  }

  /**
   * Validates and accepts a tx into the mempool. Throws ChainError with ARC's code when it is refused.
   * Submitting a tx the ledger already has answers its current status: broadcasting twice is harmless.
   */
  submit(rawHex: string): { txid: string; status: TxStatus } {
    const parsed = parseRawTx(rawHex)
    if (!parsed.ok) throw new ChainError(parsed.reason, parsed.code)
    const txid = parsed.tx.id('hex')
    const known = this.txStatus(txid)
    if (known) return { txid, status: known.status }

    const verdict = checkTransaction(parsed.tx, parsed.size, {
      lookup: (t, v) => this.lookup(t, v),
      height: this.tip,
      feeRate: this.feeRate,
    })
    if (!verdict.ok) {
      this.logger?.info({ txid, code: verdict.code, reason: verdict.reason }, 'devnet rejected tx')
      throw new ChainError(verdict.reason, verdict.code, txid)
    }
    this.store(parsed.tx, txid, rawHex.trim().toLowerCase(), verdict.fee, null)
    this.logger?.info({ txid, fee: verdict.fee, size: verdict.size }, 'devnet accepted tx')
    return { txid, status: 'SEEN_ON_NETWORK' }
  }

  /** Mines one block holding the whole mempool; returns the new height. */
  mine(): number {
    const mineTx = this.db.transaction(() => {
      const height = this.tip + 1
      const mempool = this.db.prepare('SELECT txid FROM txs WHERE block_height IS NULL ORDER BY seq').pluck().all() as string[]
      const prevHash = (this.db.prepare('SELECT hash FROM blocks WHERE height = ?').pluck().get(this.tip) as string | undefined) ?? ''
      const hash = createHash('sha256').update(`${prevHash}:${height}:${mempool.join(',')}`).digest('hex')
      this.db.prepare('UPDATE txs SET block_height = ? WHERE block_height IS NULL').run(height)
      this.db.prepare('INSERT INTO blocks (height, hash, time, tx_count) VALUES (?, ?, ?, ?)').run(height, hash, Math.floor(Date.now() / 1000), mempool.length)
      this.setMeta('height', String(height))
      return { height, count: mempool.length }
    })
    const { height, count } = mineTx()
    this.tip = height
    this.logger?.info({ height, txs: count }, 'devnet mined block')
    return height
  }

  txStatus(txid: string): LedgerTxStatus | null {
    const row = this.db.prepare('SELECT txid, block_height, received_at FROM txs WHERE txid = ?').get(txid) as TxRow | undefined
    if (!row) return null
    if (row.block_height === null) return { txid, status: 'SEEN_ON_NETWORK', timestamp: row.received_at }
    const block = this.block(row.block_height)
    return { txid, status: 'MINED', blockHeight: row.block_height, blockHash: block?.hash, timestamp: row.received_at }
  }

  rawTx(txid: string): string | null {
    return (this.db.prepare('SELECT raw FROM txs WHERE txid = ?').pluck().get(txid) as string | undefined) ?? null
  }

  block(height: number): BlockInfo | null {
    const row = this.db.prepare('SELECT height, hash, time, tx_count FROM blocks WHERE height = ?').get(height) as
      | { height: number; hash: string; time: number; tx_count: number }
      | undefined
    return row ? { height: row.height, hash: row.hash, time: row.time, txCount: row.tx_count } : null
  }

  /** Unspent P2PKH outputs paying to the address (either prefix), mempool ones included with height 0. */
  unspent(address: string): LedgerUtxo[] {
    const pkh = pubKeyHashOfAddress(address)
    if (pkh === null) throw new ChainError(`${address} is not a P2PKH address`, 400)
    const rows = this.db
      .prepare(
        `SELECT o.txid, o.vout, o.satoshis, o.script, t.block_height FROM outputs o JOIN txs t ON t.txid = o.txid
         WHERE o.pkh = ? AND o.spent_by IS NULL ORDER BY t.seq, o.vout`,
      )
      .all(pkh) as Array<{ txid: string; vout: number; satoshis: number; script: string; block_height: number | null }>
    return rows.map((r) => ({ txid: r.txid, vout: r.vout, satoshis: r.satoshis, height: r.block_height ?? 0, lockingScriptHex: r.script }))
  }

  /** The outputs of a tx with who spends them, for the tx view. */
  outputsOf(txid: string): Array<{ vout: number; satoshis: number; lockingScriptHex: string; spentBy: string | null }> {
    const rows = this.db.prepare('SELECT vout, satoshis, script, spent_by FROM outputs WHERE txid = ? ORDER BY vout').all(txid) as OutputRow[]
    return rows.map((r) => ({ vout: r.vout, satoshis: r.satoshis, lockingScriptHex: r.script, spentBy: r.spent_by }))
  }

  /** Pays test coins from the devnet's own genesis coin, through submit() like any other tx. */
  faucet(address: string, satoshis: number): Promise<{ txid: string; vout: number; satoshis: number }> {
    const run = this.faucetQueue.then(() => this.payFromFaucet(address, satoshis))
    this.faucetQueue = run.catch(() => undefined)
    return run
  }

  private async payFromFaucet(address: string, satoshis: number): Promise<{ txid: string; vout: number; satoshis: number }> {
    if (pubKeyHashOfAddress(address) === null) throw new ChainError(`${address} is not a P2PKH address`, 400)
    if (!Number.isSafeInteger(satoshis) || satoshis < 1 || satoshis > this.faucetCap) {
      throw new ChainError(`the faucet pays between 1 and ${this.faucetCap} satoshis at a time`, 400)
    }
    const coin = this.unspent(this.faucetAddress).sort((a, b) => b.satoshis - a.satoshis)[0]
    if (!coin || coin.satoshis < satoshis + 1000) throw new ChainError('the devnet faucet has run dry', 503)
    const tx = await buildSignedP2pkhTx({
      key: this.faucetKey,
      inputs: [coin],
      outputs: [{ address, satoshis }],
      changeAddress: this.faucetAddress,
      feeRate: this.feeRate,
    })
    const { txid } = this.submit(tx.toHex())
    this.logger?.info({ txid, address, satoshis }, 'devnet faucet paid')
    return { txid, vout: 0, satoshis }
  }

  private lookup(txid: string, vout: number): PrevOut | undefined {
    const row = this.db.prepare('SELECT satoshis, script, spent_by FROM outputs WHERE txid = ? AND vout = ?').get(txid, vout) as
      | Pick<OutputRow, 'satoshis' | 'script' | 'spent_by'>
      | undefined
    return row ? { satoshis: row.satoshis, lockingScriptHex: row.script, spentBy: row.spent_by } : undefined
  }

  /** Writes a tx, its outputs, and marks what it spends, all or nothing. */
  private store(tx: Transaction, txid: string, raw: string, fee: number, blockHeight: number | null): void {
    const write = this.db.transaction(() => {
      const seq = (this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 FROM txs').pluck().get() as number)
      this.db.prepare('INSERT INTO txs (txid, raw, fee, block_height, received_at, seq) VALUES (?, ?, ?, ?, ?, ?)')
        .run(txid, raw, fee, blockHeight, Math.floor(Date.now() / 1000), seq)
      const spend = this.db.prepare('UPDATE outputs SET spent_by = ? WHERE txid = ? AND vout = ? AND spent_by IS NULL')
      for (const input of tx.inputs) {
        if (input.sourceTXID === '0'.repeat(64)) continue
        const changed = spend.run(txid, input.sourceTXID, input.sourceOutputIndex).changes
        // checkTransaction saw these unspent; anything else means a bug, and the whole write must roll back.
        if (changed !== 1) throw new ChainError(`input ${input.sourceTXID}:${input.sourceOutputIndex} vanished while storing ${txid}`, 500, txid)
      }
      const insertOut = this.db.prepare('INSERT INTO outputs (txid, vout, satoshis, script, pkh, spent_by) VALUES (?, ?, ?, ?, ?, NULL)')
      tx.outputs.forEach((out, vout) => {
        const script = out.lockingScript.toHex()
        insertOut.run(txid, vout, out.satoshis ?? 0, script, pubKeyHashOfScript(script))
      })
    })
    write()
  }

  /** First start: a coinbase-shaped tx paying the faucet key, mined as block 0. */
  private createGenesis(): void {
    const pkh = pubKeyHashOfAddress(this.faucetKey.toAddress())!
    const genesis = new Transaction(
      1,
      [{
        sourceTXID: '0'.repeat(64),
        sourceOutputIndex: 0xffffffff,
        unlockingScript: new UnlockingScript([{ op: GENESIS_NOTE.length, data: GENESIS_NOTE }]),
        sequence: 0xffffffff,
      }],
      [{ lockingScript: new P2PKH().lock(this.faucetKey.toAddress()), satoshis: GENESIS_SATOSHIS }],
      0,
    )
    const raw = genesis.toHex()
    const txid = genesis.id('hex')
    const init = this.db.transaction(() => {
      this.setMeta('faucet_key', this.faucetKey.toHex())
      this.setMeta('height', '0')
      this.store(genesis, txid, raw, 0, 0)
      this.db.prepare('INSERT INTO blocks (height, hash, time, tx_count) VALUES (0, ?, ?, 1)')
        .run(createHash('sha256').update(`genesis:${txid}`).digest('hex'), Math.floor(Date.now() / 1000))
    })
    init()
    this.logger?.info({ txid, faucetAddress: this.faucetKey.toAddress(), script: p2pkhScriptHex(pkh) }, 'devnet genesis created')
  }

  private meta(key: string): string | undefined {
    return this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined
  }

  private setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value)
  }
}
