// The devnet's WhatsOnChain face, in the shapes WhatsOnChain answers (and @bsv/sdk's WhatsOnChain chain tracker and
// broadcaster parse): chain info and block headers with their merkle roots, raw txs as text, TSC merkle proofs,
// an address's unspent outputs, what spends an output, and broadcasting. JSON where WhatsOnChain answers JSON, text where it answers text.
import express, { type Response } from 'express'
import { Transaction } from '@bsv/sdk'
import { ChainError } from '../protocol/chain/chain.ts'
import { difficultyOf, workOf } from './block-header.ts'
import type { BlockInfo, DevnetLedger } from './ledger.ts'
import { p2pkhScriptHex, pubKeyHashOfAddress } from './p2pkh.ts'
import { BODY_LIMIT, jsonError, TXID } from './route-helpers.ts'

/** WhatsOnChain's /block/headers lists the latest ten. */
const HEADERS_LISTED = 10
const HEIGHT = /^\d{1,10}$/
const OUTPUT_INDEX = /^\d{1,5}$/

const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0')

/** A header as WhatsOnChain (and a node's getblockheader) describes it. */
function headerJson(ledger: DevnetLedger, block: BlockInfo) {
  const { header } = block
  const next = ledger.block(block.height + 1)
  return {
    hash: block.hash,
    confirmations: ledger.height - block.height + 1,
    height: block.height,
    version: header.version,
    versionHex: hex8(header.version),
    merkleroot: header.merkleRoot,
    time: header.time,
    mediantime: block.medianTime,
    nonce: header.nonce,
    bits: hex8(header.bits),
    difficulty: difficultyOf(header.bits),
    // Every devnet block has the same target, so the chain's work is its length times one block's.
    chainwork: (workOf(header.bits) * BigInt(block.height + 1)).toString(16).padStart(64, '0'),
    nTx: block.txCount,
    ...(block.height > 0 ? { previousblockhash: header.prevHash } : {}),
    ...(next ? { nextblockhash: next.hash } : {}),
  }
}

export function wocRouter(ledger: DevnetLedger): express.Router {
  const router = express.Router()
  const json = express.json({ limit: BODY_LIMIT, strict: true })
  const text = express.text({ type: 'text/plain', limit: BODY_LIMIT })
  const notFound = (res: Response, what: string) => void res.status(404).type('text/plain').send(`Not Found: ${what}`)
  const badTxid = (res: Response) => void res.status(400).type('text/plain').send('txid must be 64 hex characters')

  router.get('/chain/info', (_req, res) => {
    const tip = ledger.block(ledger.height)
    res.json({
      chain: 'devnet',
      blocks: ledger.height,
      headers: ledger.height,
      bestblockhash: tip?.hash ?? '',
      difficulty: tip ? difficultyOf(tip.header.bits) : 0,
      mediantime: tip?.medianTime ?? 0,
      verificationprogress: 1,
      pruned: false,
    })
  })

  router.get('/block/headers', (_req, res) => {
    res.json(ledger.recentBlocks(HEADERS_LISTED).map((block) => headerJson(ledger, block)))
  })

  const header = (res: Response, id: string) => {
    if (!HEIGHT.test(id) && !TXID.test(id)) return void res.status(400).type('text/plain').send('give a block height or a 64-hex block hash')
    const block = HEIGHT.test(id) ? ledger.block(Number(id)) : ledger.blockByHash(id)
    if (!block) return notFound(res, `block ${id}`)
    res.json(headerJson(ledger, block))
  }
  router.get('/block/hash/:hash/header', (req, res) => header(res, String(req.params.hash)))
  router.get('/block/:id/header', (req, res) => header(res, String(req.params.id)))

  router.get('/tx/:txid/hex', (req, res) => {
    const txid = String(req.params.txid)
    if (!TXID.test(txid)) return badTxid(res)
    const hex = ledger.rawTx(txid.toLowerCase())
    if (!hex) return notFound(res, `transaction ${txid}`)
    res.type('text/plain').send(hex)
  })

  /** The TSC proof (index, txOrId, target = block hash, nodes); null while the tx waits in the mempool. */
  router.get('/tx/:txid/proof/tsc', (req, res) => {
    const txid = String(req.params.txid).toLowerCase()
    if (!TXID.test(txid)) return badTxid(res)
    if (!ledger.txStatus(txid)) return notFound(res, `transaction ${txid}`)
    const proof = ledger.proofOf(txid)
    res.json(proof ? [{ index: proof.index, txOrId: txid, target: proof.blockHash, nodes: proof.nodes }] : null)
  })

  /** What spends an output: { txid, vin, status }, or 404 while nothing does (as WhatsOnChain answers an unknown tx too). */
  router.get('/tx/:txid/:vout/spent', (req, res) => {
    const txid = String(req.params.txid).toLowerCase()
    if (!TXID.test(txid)) return badTxid(res)
    const vout = String(req.params.vout)
    if (!OUTPUT_INDEX.test(vout)) return void res.status(400).type('text/plain').send('vout must be an output index')
    const spentBy = ledger.outputsOf(txid).find((output) => output.vout === Number(vout))?.spentBy
    if (!spentBy) return notFound(res, `a spend of ${txid}:${vout}`)
    const vin = Transaction.fromHex(ledger.rawTx(spentBy)!).inputs.findIndex((input) => input.sourceTXID === txid && input.sourceOutputIndex === Number(vout))
    res.json({ txid: spentBy, vin, status: ledger.txStatus(spentBy)?.status === 'MINED' ? 'confirmed' : 'unconfirmed' })
  })

  router.get('/address/:address/unspent/all', (req, res) => {
    const address = String(req.params.address ?? '')
    const pkh = pubKeyHashOfAddress(address)
    if (!pkh) return jsonError(res, 400, `${address.slice(0, 64)} is not a P2PKH address`)
    const utxos = ledger.unspent(address)
    res.json({
      address,
      script: p2pkhScriptHex(pkh),
      result: utxos.map((u) => ({
        height: u.height,
        tx_pos: u.vout,
        tx_hash: u.txid,
        value: u.satoshis,
        isSpentInMempoolTx: false,
        status: u.height > 0 ? 'confirmed' : 'unconfirmed',
      })),
      error: '',
    })
  })

  router.post('/tx/raw', json, text, (req, res) => {
    const body: unknown = req.body
    const hex = typeof body === 'string' ? body : (body as { txhex?: unknown } | undefined)?.txhex
    if (typeof hex !== 'string' || hex.trim() === '') return jsonError(res, 400, 'send JSON {"txhex": "<hex>"} or text/plain hex')
    try {
      const { txid, status } = ledger.submit(hex)
      // A node refuses a double spend outright, in its own words.
      if (status === 'DOUBLE_SPEND_ATTEMPTED' || status === 'REJECTED') {
        return jsonError(res, 400, `258: txn-mempool-conflict: ${txid} spends outputs another tx already spends`, 466)
      }
      res.json(txid)
    } catch (err) {
      if (err instanceof ChainError) return jsonError(res, 400, err.message, err.code)
      throw err
    }
  })

  return router
}
