// Worker thread body: the payer's CPU-heavy pure work (client/payer/payer.ts, pure-JS secp256k1) done off the
// load generator's event loop, so the bench's clock measures the server, not the client's signing.
import { PrivateKey } from '@bsv/sdk'
import { parentPort } from 'node:worker_threads'
import type { FeeRate, OpenRequest, Terms } from '../../protocol/messages.ts'
import type { SpendableUtxo } from '../../protocol/transactions.ts'
import { markDelivered, openPayerChannel, signSegment, type PayerChannel } from '../../client/payer/payer.ts'

export type PayerJob =
  | { kind: 'open'; keyHex: string; utxo: SpendableUtxo; terms: Terms; cap: number }
  | { kind: 'presign'; keyHex: string; channel: PayerChannel; segments: Array<{ path: string; price: number }>; feeRate: FeeRate }

export type PayerAnswer =
  | { kind: 'open'; request: OpenRequest; fundingHex: string; channel: PayerChannel }
  | { kind: 'presign'; txs: string[]; channel: PayerChannel }

function run(job: PayerJob): PayerAnswer {
  const key = PrivateKey.fromHex(job.keyHex)
  if (job.kind === 'open') {
    const opened = openPayerChannel({ payerKey: key, terms: job.terms, cap: job.cap, utxos: [job.utxo] })
    const { channel } = opened
    return {
      kind: 'open',
      request: opened.request,
      fundingHex: opened.fundingHex,
      channel,
    }
  }
  // Update k pays k segments: each is signed only after the previous one counts as delivered, as in a player.
  let channel = job.channel
  const txs: string[] = []
  for (const segment of job.segments) {
    const signed = signSegment(channel, key, segment.path, segment.price, job.feeRate)
    if (!signed.ok) throw new Error(`presign refused at ${segment.path}: ${signed.message}`)
    txs.push(signed.tx)
    channel = markDelivered(signed.channel, segment.path)
  }
  return { kind: 'presign', txs, channel }
}

parentPort!.on('message', ({ id, job }: { id: number; job: PayerJob }) => {
  try {
    parentPort!.postMessage({ id, answer: run(job) })
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? error.message : String(error) })
  }
})
