// The devnet: a one-node ledger. It validates transactions with the real script interpreter and the fee, dust and
// finality rules a BSV node applies, takes them raw, in Extended Format or as BEEF, keeps a UTXO set and a mempool,
// records double spends the way ARC reports them, mines blocks with real headers and merkle roots on demand, and
// persists everything in SQLite so a restart keeps the chain.
import { DEFAULT_FEE_RATE } from '../protocol/fees.ts'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { PrivateKey, type Beef, type Transaction } from '@bsv/sdk'
import type { FeeRate } from '../protocol/messages.ts'
import { ChainError } from '../protocol/chain/chain.ts'
import type { LedgerTxStatus, SubmitResult, BeefOutcome, LedgerUtxo } from './ledger-answers.ts'
import { checkTransaction, type PrevOut, type Verdict } from './validate.ts'
import { pubKeyHashOfAddress, pubKeyHashOfScript } from './p2pkh.ts'
import { BlockStore, type BlockInfo, type TxProof } from './blocks.ts'
import { coinbaseTx, genesisTx } from './block-header.ts'
import { checkBeef } from './beef-check.ts'
import { ConflictBook } from './conflicts.ts'
import { DEFAULT_FAUCET_CAP, DevnetFaucet, type FaucetPayment } from './faucet.ts'
import { applySchema } from './ledger-schema.ts'
import { decodeSubmission, submissionBytes } from './submission.ts'
import { reorganize, type ChainWriter, type ReorgOutcome, type ReorgRequest } from './reorg.ts'

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
  /**
   * Allows forceConflict and reorg, a test's ways to let a conflicting tx win as a miner could, and to reorganise the
   * chain. Off unless a test turns it on.
   */
  testMode?: boolean
}

export type { BeefOutcome, LedgerTxStatus, LedgerUtxo, SubmitResult } from './ledger-answers.ts'
export type { BlockInfo, TxProof }

const nowSeconds = (): number => Math.floor(Date.now() / 1000)

interface TxRow { block_height: number | null; received_at: number }
interface OutputRow { txid: string; vout: number; satoshis: number; script: string; pkh: string | null; spent_by: string | null }

export class DevnetLedger {
  readonly feeRate: FeeRate
  readonly testMode: boolean
  private readonly db: Database.Database
  private readonly logger?: LedgerLogger
  private readonly blocks: BlockStore
  private readonly conflicts: ConflictBook
  private readonly faucetPayer: DevnetFaucet
  private tip: number

  private constructor(db: Database.Database, opts: DevnetLedgerOptions) {
    this.db = db
    this.logger = opts.logger
    this.feeRate = opts.feeRate ?? DEFAULT_FEE_RATE
    this.testMode = opts.testMode === true
    const headersMissing = applySchema(db)
    this.blocks = new BlockStore(db)
    this.conflicts = new ConflictBook(db)
    const keyHex = this.meta('faucet_key')
    const faucetKey = keyHex === undefined ? PrivateKey.fromRandom() : PrivateKey.fromHex(keyHex)
    if (keyHex === undefined) this.createGenesis(faucetKey)
    if (headersMissing) this.rebuildOldBlocks()
    this.tip = Number(this.meta('height'))
    this.faucetPayer = new DevnetFaucet(this, faucetKey, opts.faucetCap ?? DEFAULT_FAUCET_CAP, (paid) =>
      this.logger?.info(paid, 'devnet faucet paid'))
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

  get faucetCap(): number {
    return this.faucetPayer.cap
  }

  /** The faucet's own address (mainnet prefix); its coins show in unspent() like anyone's. */
  get faucetAddress(): string {
    return this.faucetPayer.address
  }

  /**
   * Takes one tx, raw, Extended Format or BEEF hex, and answers the status it now has. A refusal throws ChainError with
   * ARC's code. Spending what a mempool tx spends is no refusal: it is a double spend, answered DOUBLE_SPEND_ATTEMPTED.
   * Submitting a tx the ledger already has answers its current status: broadcasting twice is harmless.
   */
  submit(hex: string): SubmitResult {
    const unit = decodeSubmission(submissionBytes(hex))
    if (unit.kind === 'tx') return this.submitTx(unit.tx)
    const outcome = this.submitBeef(unit.beef)
    if (outcome.error) throw outcome.error
    return { txid: outcome.subject, status: this.txStatus(outcome.subject)?.status ?? 'UNKNOWN' }
  }

  submitTx(tx: Transaction): SubmitResult {
    const txid = tx.id('hex')
    const known = this.txStatus(txid)
    if (known) return { txid, status: known.status }
    const verdict = this.check(tx)
    const { rivals, mined } = this.rivalsIn(verdict)
    const spent = verdict.conflicts.map((c) => `input ${c.input} spends ${c.outpoint}, already spent by ${c.spentBy}`).join('; ')
    // Against a mined spend there is no race left to run: the outputs are simply gone.
    if (mined) throw new ChainError(`${spent}, mined in block ${this.txStatus(mined)?.blockHeight}`, 466, txid)
    if (rivals.length > 0) {
      const inputs = tx.inputs.map((input) => ({ txid: input.sourceTXID ?? '', vout: input.sourceOutputIndex }))
      this.conflicts.addLoser(txid, tx.toHex(), inputs, nowSeconds(), null)
      this.logger?.info({ txid, competingTxs: rivals }, 'devnet saw a double spend')
      return { txid, status: 'DOUBLE_SPEND_ATTEMPTED' }
    }
    this.store(tx, txid, verdict.fee, null, null)
    this.logger?.info({ txid, fee: verdict.fee, size: verdict.size }, 'devnet accepted tx')
    return { txid, status: 'SEEN_ON_NETWORK' }
  }

  /** A BEEF is checked whole against the chain (467, 468, 469), then its unmined txs are taken in order. */
  submitBeef(beef: Beef): BeefOutcome {
    const subject = beef.atomicTxid ?? beef.txs[beef.txs.length - 1]?.txid ?? ''
    const verdict = checkBeef(beef, (height) => this.blocks.at(height)?.header.merkleRoot ?? null)
    if (!verdict.ok) return { subject, accepted: [], error: new ChainError(verdict.reason, verdict.code, subject || undefined) }
    const accepted: SubmitResult[] = []
    for (const tx of verdict.unmined) {
      try {
        accepted.push(this.submitTx(tx))
      } catch (err) {
        if (err instanceof ChainError) return { subject, accepted, error: err }
        throw err
      }
    }
    return { subject, accepted }
  }

  /**
   * Test mode only: what a miner may do with two conflicting txs. `hex` (raw or EF) takes the place of the mempool txs
   * it conflicts with; they and their descendants leave the mempool, DOUBLE_SPEND_ATTEMPTED until `hex` is mined, then
   * REJECTED.
   */
  forceConflict(hex: string): SubmitResult {
    if (!this.testMode) throw new ChainError('forced double spends exist only in devnet test mode', 403)
    const unit = decodeSubmission(submissionBytes(hex))
    if (unit.kind !== 'tx') throw new ChainError('send the winning transaction raw or in Extended Format', 400)
    const txid = unit.tx.id('hex')
    const live = this.db.prepare('SELECT 1 FROM txs WHERE txid = ?').get(txid) !== undefined
    if (live) return { txid, status: this.txStatus(txid)!.status }
    const verdict = this.check(unit.tx)
    const { rivals, mined } = this.rivalsIn(verdict)
    if (rivals.length === 0) throw new ChainError(`${txid} conflicts with no mempool tx: submit it the normal way`, 400, txid)
    if (mined) throw new ChainError(`${txid} conflicts with ${mined}, which is already mined: no miner can take that back`, 466, txid)
    const swap = this.db.transaction(() => {
      const evicted = rivals.flatMap((rival) => this.conflicts.evict(rival, null))
      this.conflicts.removeLoser(txid)
      this.store(unit.tx, txid, verdict.fee, null, null)
      return evicted
    })
    const evicted = swap()
    this.logger?.warn({ txid, evicted }, 'devnet test mode: a double spend won')
    // Both sides read DOUBLE_SPEND_ATTEMPTED until the winner is mined, as on ARC.
    return { txid, status: this.txStatus(txid)!.status }
  }

  /** Test mode only: a chain reorganisation (reorg.ts), all or nothing. */
  reorg(request: ReorgRequest): ReorgOutcome {
    if (!this.testMode) throw new ChainError('chain reorganisations exist only in devnet test mode', 403)
    const outcome = this.db.transaction(() => reorganize(this.writer(), request))()
    this.tip = outcome.height
    const { fork, height, replaced, dropped } = outcome
    this.logger?.warn({ fork, height, replaced, dropped }, 'devnet test mode: the chain reorganised')
    return outcome
  }

  /** Mines one block: a coinbase, then the whole mempool in arrival order. Returns the new height. */
  mine(): number {
    const height = this.tip + 1
    const place = this.db.transaction(() => {
      const mempool = this.db.prepare('SELECT txid FROM txs WHERE block_height IS NULL ORDER BY seq').pluck().all() as string[]
      const block = this.placeBlock(height, mempool, nowSeconds())
      this.setMeta('height', String(height))
      return { count: mempool.length, hash: block.hash }
    })
    const { count, hash } = place()
    this.tip = height
    this.logger?.info({ height, txs: count, hash }, 'devnet mined block')
    return height
  }

  txStatus(txid: string): LedgerTxStatus | null {
    const row = this.db.prepare('SELECT block_height, received_at FROM txs WHERE txid = ?').get(txid) as TxRow | undefined
    if (row) {
      const rivals = this.conflicts.rivalsOf(txid)
      const timestamp = row.received_at
      if (row.block_height === null) {
        if (rivals.length === 0) return { txid, status: 'SEEN_ON_NETWORK', timestamp }
        return { txid, status: 'DOUBLE_SPEND_ATTEMPTED', competingTxs: rivals, extraInfo: 'a competing transaction spends the same outputs', timestamp }
      }
      const proof = this.blocks.proofOf(txid)!
      return {
        txid,
        status: 'MINED',
        blockHeight: proof.blockHeight,
        blockHash: proof.blockHash,
        merklePath: proof.merklePath.toHex(),
        // As ARC: a mined tx no longer lists its competitors, but says it had some.
        ...(rivals.length > 0 ? { extraInfo: 'previously double spend attempted' } : {}),
        timestamp,
      }
    }
    const loser = this.conflicts.statusOf(txid, (rival) => this.isMined(rival))
    if (!loser) return null
    return { txid, status: loser.status, competingTxs: loser.competingTxs, extraInfo: loser.extraInfo, timestamp: loser.receivedAt }
  }

  /** The hex of a tx in the mempool or chain; with `includeLosers`, also of one that lost a double spend. */
  rawTx(txid: string, includeLosers = false): string | null {
    const raw = (this.db.prepare('SELECT raw FROM txs WHERE txid = ?').pluck().get(txid) as string | undefined) ?? null
    return raw ?? (includeLosers ? this.conflicts.loserRaw(txid) : null)
  }

  block(height: number): BlockInfo | null {
    return this.blocks.at(height)
  }

  blockByHash(hash: string): BlockInfo | null {
    return this.blocks.byHash(hash)
  }

  /** The newest `count` blocks, tip first. */
  recentBlocks(count: number): BlockInfo[] {
    return this.blocks.recent(count)
  }

  /** Where a mined tx sits in its block, with its merkle path; null until it is mined. */
  proofOf(txid: string): TxProof | null {
    return this.blocks.proofOf(txid)
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
  faucet(address: string, satoshis: number): Promise<FaucetPayment> {
    return this.faucetPayer.pay(address, satoshis)
  }

  /** Full validation against the UTXO set; outputs already spent come back as conflicts. Throws on a refusal. */
  private check(tx: Transaction, height = this.tip): Extract<Verdict, { ok: true }> {
    const verdict = checkTransaction(tx, tx.toBinary().length, { lookup: (t, v) => this.lookup(t, v), height, feeRate: this.feeRate })
    if (!verdict.ok) {
      this.logger?.info({ txid: verdict.txid, code: verdict.code, reason: verdict.reason }, 'devnet rejected tx')
      throw new ChainError(verdict.reason, verdict.code, verdict.txid)
    }
    return verdict
  }

  /** The txs that already spend what the tx spends, and one of them that is mined, if any. */
  private rivalsIn(verdict: Extract<Verdict, { ok: true }>): { rivals: string[]; mined: string | undefined } {
    const rivals = [...new Set(verdict.conflicts.map((c) => c.spentBy))]
    return { rivals, mined: rivals.find((rival) => this.isMined(rival)) }
  }

  private isMined(txid: string): boolean {
    return (this.db.prepare('SELECT block_height FROM txs WHERE txid = ?').pluck().get(txid) ?? null) !== null
  }

  private lookup(txid: string, vout: number): PrevOut | undefined {
    const row = this.db.prepare('SELECT satoshis, script, spent_by FROM outputs WHERE txid = ? AND vout = ?').get(txid, vout) as
      | Pick<OutputRow, 'satoshis' | 'script' | 'spent_by'>
      | undefined
    return row ? { satoshis: row.satoshis, lockingScriptHex: row.script, spentBy: row.spent_by } : undefined
  }

  /** What reorg.ts may do to the chain: the ledger's own checks and writes. */
  private writer(): ChainWriter {
    return {
      db: this.db,
      blocks: this.blocks,
      conflicts: this.conflicts,
      tip: this.tip,
      check: (tx, height) => this.check(tx, height),
      store: (tx, txid, fee) => this.store(tx, txid, fee, null, null),
      placeBlock: (height, txids) => this.placeBlock(height, txids, nowSeconds()),
      setHeight: (height) => this.setMeta('height', String(height)),
    }
  }

  /** Writes a tx, its outputs, and marks what it spends, all or nothing. */
  private store(tx: Transaction, txid: string, fee: number, blockHeight: number | null, blockPos: number | null): void {
    const write = this.db.transaction(() => {
      const seq = this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 FROM txs').pluck().get() as number
      this.db.prepare('INSERT INTO txs (txid, raw, fee, block_height, block_pos, received_at, seq) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(txid, tx.toHex(), fee, blockHeight, blockPos, nowSeconds(), seq)
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

  /** Puts a coinbase and `txids` (in order) into block `height` and mines its header. Inside the caller's transaction. */
  private placeBlock(height: number, txids: readonly string[], time: number): BlockInfo {
    const coinbase = coinbaseTx(height)
    const coinbaseTxid = coinbase.id('hex')
    this.store(coinbase, coinbaseTxid, 0, height, 0)
    const place = this.db.prepare('UPDATE txs SET block_height = ?, block_pos = ? WHERE txid = ?')
    txids.forEach((txid, i) => place.run(height, i + 1, txid))
    return this.blocks.append(height, [coinbaseTxid, ...txids], time)
  }

  /** First start: a coinbase-shaped tx paying the faucet key, alone in block 0. */
  private createGenesis(faucetKey: PrivateKey): void {
    const genesis = genesisTx(faucetKey.toAddress())
    const txid = genesis.id('hex')
    const init = this.db.transaction(() => {
      this.setMeta('faucet_key', faucetKey.toHex())
      this.setMeta('height', '0')
      this.store(genesis, txid, 0, 0, 0)
      this.blocks.append(0, [txid], nowSeconds())
    })
    init()
    this.logger?.info({ txid, faucetAddress: faucetKey.toAddress() }, 'devnet genesis created')
  }

  /** A data folder from before real headers: every block after genesis gets its coinbase, then a mined header. */
  private rebuildOldBlocks(): void {
    const rebuild = this.db.transaction(() => {
      const old = this.db.prepare('SELECT height, time FROM blocks WHERE header IS NULL ORDER BY height').all() as Array<{ height: number; time: number }>
      for (const { height, time } of old) {
        const txids = this.db.prepare('SELECT txid FROM txs WHERE block_height = ? ORDER BY seq').pluck().all(height) as string[]
        if (height === 0) {
          this.db.prepare('UPDATE txs SET block_pos = 0 WHERE block_height = 0').run()
          this.blocks.append(0, txids, time)
        } else {
          this.placeBlock(height, txids, time)
        }
      }
      return old.length
    })
    const blocks = rebuild()
    this.logger?.info({ blocks }, 'devnet blocks given real headers')
  }

  private meta(key: string): string | undefined {
    return this.db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(key) as string | undefined
  }

  private setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value)
  }
}
