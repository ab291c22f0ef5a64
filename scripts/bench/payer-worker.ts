// Worker thread body: the payer's pure work (client/payer/payer.ts) done off the load generator's event loop, so the
// bench's clock measures the server, not the client's signing. Keys sign through libsecp256k1 (server/crypto), which
// makes the very signatures the SDK would, fast enough to pre-sign every update of a 2,000-viewer run.
import { parentPort } from 'node:worker_threads'
import type { FeeRate, OpenRequest, Terms } from '../../protocol/messages.ts'
import type { SpendableUtxo } from '../../protocol/transactions.ts'
import { openPayerChannel } from '../../client/payer/channel-offer.ts'
import { markDelivered, signSegment, type PayerChannel } from '../../client/payer/payer.ts'
import { signingKeyFromHex } from '../../server/crypto/signing-key.ts'

export type PayerJob =
  | { kind: 'open'; keyHex: string; utxo: SpendableUtxo; terms: Terms; cap: number }
  | { kind: 'presign'; keyHex: string; channel: PayerChannel; segments: Array<{ path: string; price: number }>; feeRate: FeeRate }

export type PayerAnswer =
  | { kind: 'open'; request: OpenRequest; fundingHex: string; channel: PayerChannel }
  | { kind: 'presign'; txs: string[]; channel: PayerChannel }

function run(job: PayerJob): PayerAnswer {
  const key = signingKeyFromHex(job.keyHex)
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
