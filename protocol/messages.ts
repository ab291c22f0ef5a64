// The Socket.IO protocol between a viewer (payer) and a host (payee). Isomorphic: no Node-only imports.
// Every inbound message is parsed with these schemas before anything else looks at it.
import { z } from 'zod'
import { parseSegmentKey, SEGMENT_ID_MAX_LENGTH, SEGMENT_KEY_MAX_LENGTH } from './hls/segment-key.ts'
import type { FundingLoss } from './funding-loss.ts'
import { CHANNEL_ID_PATTERN, EVEN_HEX_PATTERN, MAX_FUNDING_BEEF_HEX_CHARS, MAX_FUNDING_PARENTS, MAX_FUNDING_PARENTS_HEX_CHARS, TIP_NOTE_MAX_CHARS } from './message-limits.ts'

/** Largest transaction we accept in a message: an update is ~300 bytes, a funding tx with many inputs a few KB. */
export const MAX_TX_HEX_CHARS = 200_000
/** Socket.IO's maxHttpBufferSize on the host: the refund or funding tx is the largest legitimate message. */
export const MAX_MESSAGE_BYTES = 256 * 1024

const hex = (maxChars: number) =>
  z.string().max(maxChars, `at most ${maxChars} hex characters`).regex(EVEN_HEX_PATTERN, 'must be even-length hex')
export const TxHex = hex(MAX_TX_HEX_CHARS)
export const Txid = z.string().regex(/^[0-9a-f]{64}$/, 'must be a 64-character lowercase hex txid')
export const PublicKeyHex = z.string().regex(/^0[23][0-9a-f]{64}$/, 'must be a 33-byte compressed public key in hex')
export const ChannelId = z.string().regex(CHANNEL_ID_PATTERN, 'must be a 24-character hex channel id')
export const AccessToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a 43-character base64url token')
const Satoshis = z.number().int().nonnegative().max(21e14)
/**
 * What a payment pays for: a segment or part's canonical key (protocol/hls/segment-key.ts), its path on the host, its
 * query when the playlist's URI has one, and for a byte range of a file both ends: /media/sample/360p/seg_003.ts,
 * /media/show/360p/index.mp4#bytes=1325-77809 or /media/kvs/getMP4MediaFragment.mp4?FragmentNumber=91.
 */
export const SegmentId = z
  .string()
  .max(SEGMENT_ID_MAX_LENGTH)
  .startsWith('/media/')
  .refine((text) => parseSegmentKey(text) !== null, 'must be /media/PATH[?QUERY][#bytes=START-END]')

/** A folder's own price (stream.json), for protocol/stream-prices.ts; null: its settings are broken, nothing below is sold. */
export const FolderPrice = z.object({ folder: z.string().max(SEGMENT_KEY_MAX_LENGTH), pricePerSecond: Satoshis.nullable() })
export type FolderPrice = z.infer<typeof FolderPrice>

/** A pay-to-public-key-hash locking script in hex: the only kind of payee output both sides size the close fee for. */
export const P2pkhScript = z.string().regex(/^76a914[0-9a-f]{40}88ac$/, 'must be a P2PKH locking script in lowercase hex')

export const FeeRate = z.object({ satoshis: Satoshis, bytes: z.number().int().positive() })
export type FeeRate = z.infer<typeof FeeRate>

export const Network = z.enum(['devnet', 'testnet', 'mainnet'])
export type Network = z.infer<typeof Network>

/** What the host offers, sent on every connection. */
export const Terms = z.object({
  network: Network,
  /** The channel key: it co-signs the 2-of-2 and nothing else. */
  payeePublicKey: PublicKeyHex,
  /** What every update's output 0 pays, and so the close: the host's payout address. */
  payoutScript: P2pkhScript,
  pricePerSecond: Satoshis,
  /** Price multiplier per rendition name (the folder of the media playlist, e.g. "720p"); missing means 1. */
  renditionMultipliers: z.record(z.string(), z.number().positive()),
  lifetimeBlocks: z.number().int().positive(),
  /** Chain height now; the refund's nLockTime is height + lifetimeBlocks. */
  height: z.number().int().nonnegative(),
  feeRate: FeeRate,
  minCapacity: Satoshis,
  maxCapacity: Satoshis,
  /** False while the host is stopped: new channels are refused. */
  accepting: z.boolean(),
  /** Per-stream prices per second (stream.json), nearest folder wins; pricePerSecond applies where none does. */
  streamPrices: z.array(FolderPrice),
  /** The first seconds of every stream's media time are served without a channel (0: no preview). */
  previewSeconds: z.number().nonnegative(),
  /**
   * How paid segments are delivered. 'edge': each accepted update carries a signed URL (UpdateAccepted.segmentUrl)
   * that nginx or a CDN serves without the host; absent or 'gate': fetch the segment from the host with the token.
   */
  delivery: z.enum(['gate', 'edge']).optional(),
})
export type Terms = z.infer<typeof Terms>

export const OpenRequest = z.object({
  payerPublicKey: PublicKeyHex,
  fundingTxid: Txid,
  fundingVout: z.number().int().nonnegative().max(10_000),
  capacity: Satoshis,
  /** The refund, signed by the payer only; the host answers with its co-signature. */
  refundTx: TxHex,
  /** The terms' payout script the payer's updates will pay: the channel keeps it for life. */
  payoutScript: P2pkhScript,
  /**
   * Where the viewer's share goes, for the channel's life: the refund's only output and every update's change. A
   * BRC-100 wallet pays it to a key it derives, so the coins come back into the wallet. Absent: the P2PKH of payerPublicKey.
   */
  payerScript: P2pkhScript.optional(),
  /** The viewer's identity key, sent only when the viewer lets this host know them: the dashboard counts their channels. */
  identityKey: PublicKeyHex.optional(),
})
export type OpenRequest = z.infer<typeof OpenRequest>

export const FundRequest = z.object({
  channelId: ChannelId,
  fundingTx: TxHex,
  /**
   * The raw transactions the funding spends from, so the host can broadcast it in Extended Format and the ledger
   * need not look them up. Optional: without them the host sends the funding raw.
   */
  fundingParents: z
    .array(TxHex)
    .max(MAX_FUNDING_PARENTS, `at most ${MAX_FUNDING_PARENTS} parent transactions`)
    .refine((parents) => parents.reduce((sum, hex) => sum + hex.length, 0) <= MAX_FUNDING_PARENTS_HEX_CHARS, `parents total at most ${MAX_FUNDING_PARENTS_HEX_CHARS} hex characters`)
    .optional(),
  /**
   * The funding as BEEF (BRC-62/95): the tx with its unmined ancestors and the merkle paths of mined ones, as a BRC-100
   * wallet returns it. The host broadcasts it as it is, so ancestors the wallet has not sent yet travel along.
   * Optional; it must carry exactly `fundingTx`.
   */
  fundingBeef: hex(MAX_FUNDING_BEEF_HEX_CHARS).optional(),
})
export type FundRequest = z.infer<typeof FundRequest>

export const ResumeRequest = z.object({ channelId: ChannelId, token: AccessToken })
export type ResumeRequest = z.infer<typeof ResumeRequest>

export const UpdateRequest = z.object({ channelId: ChannelId, tx: TxHex, segment: SegmentId })
export type UpdateRequest = z.infer<typeof UpdateRequest>

export const TipRequest = z.object({
  channelId: ChannelId,
  tx: TxHex,
  amount: z.number().int().positive().max(21e14),
  /** Free text from the viewer, shown to the host: untrusted, and bounded once here for both sides. */
  note: z.string().max(TIP_NOTE_MAX_CHARS, `at most ${TIP_NOTE_MAX_CHARS} characters`).optional(),
})
export type TipRequest = z.infer<typeof TipRequest>

export const CloseRequest = z.object({ channelId: ChannelId })
export type CloseRequest = z.infer<typeof CloseRequest>

/** Why the host refused something. Stable strings: clients and metrics key on them. */
export const RejectCode = z.enum([
  'malformed',
  'too_large',
  'rate_limited',
  'unknown_channel',
  'channel_not_open',
  'host_stopped',
  'replay',
  'stale',
  'wrong_version',
  'wrong_input_count',
  'wrong_outpoint',
  'wrong_sequence',
  'wrong_locktime',
  'wrong_payee_script',
  'wrong_payer_script',
  'payer_output_dust',
  'extra_output',
  'underpaid',
  'over_capacity',
  'fee_too_low',
  'fee_too_high',
  'bad_signature_encoding',
  'high_s',
  'wrong_sighash',
  'bad_signature',
  'past_deadline',
  'unknown_segment',
  'not_priced',
  'not_for_sale',
  'bad_funding',
  'bad_refund',
  'capacity_out_of_range',
  'ledger_rejected',
  /** The ledger could not be reached, timed out, failed (5xx) or answered garbage: nothing happened, try again later. */
  'ledger_unavailable',
  /** The host's data folder is full or read-only: it cannot record the payment, so it serves nothing for it. */
  'storage_unavailable',
  /** The channel's funding lost to a conflicting transaction: the host serves it no more. */
  'funding_double_spent',
  /** The channel's funding output was spent by another transaction (the viewer's refund, say): the host serves it no more. */
  'funding_spent',
  /** The funding outpoint backs another channel, now or before (a co-signed refund for it exists), or is already spent. */
  'outpoint_reused',
  /** The open waited longer than the host's --open-timeout for its funding: it is gone, open again. */
  'open_expired',
  /** Bounded pending work: too many unfunded opens on this connection, from this address, or on the whole host. */
  'pending_opens_connection',
  'pending_opens_address',
  'pending_opens_host',
  /** Too many messages from one client address (all its connections together). */
  'address_rate_limited',
  /** Refused at the handshake (connect_error): the address holds as many connections as the host allows. */
  'too_many_connections',
  'internal',
])
export type RejectCode = z.infer<typeof RejectCode>

export interface Rejection {
  ok: false
  code: RejectCode
  message: string
  /**
   * With `channel_not_open` for a channel the host has settled: its summary, close txid included, so a viewer whose
   * payment crossed the settlement still learns how it ended.
   */
  settlement?: SettlementSummary
}
export type Reply<T> = ({ ok: true } & T) | Rejection

/** The last update a host accepted on a channel: echoed so a client that lost its state can resync. */
export const LastUpdate = z.object({ sequence: z.number().int().nonnegative(), paid: Satoshis, tx: TxHex })
export type LastUpdate = z.infer<typeof LastUpdate>

export interface OpenAccepted {
  channelId: string
  /** The host's signature on the refund, DER + sighash byte, hex. */
  refundPayeeSignature: string
  /**
   * The channel's token, the same `fund` answers with. It opens nothing until the channel is funded; a segment request
   * sent with it and X-Payment-Wait beside `fund` and the first `update` is held until then (protocol/paywall.ts).
   */
  token: string
}
export interface FundAccepted {
  channelId: string
  token: string
  fundingTxid: string
  ledgerStatus: string
}
export interface ChannelSnapshot {
  channelId: string
  state: ChannelState
  capacity: number
  paid: number
  tips: number
  segments: number
  lastUpdate: LastUpdate | null
}
export interface UpdateAccepted {
  sequence: number
  paid: number
  /**
   * Edge mode: a short-lived signed URL for exactly the segment paid for (its file and byte range), bound to the
   * channel; fetch it without the token. Relative URLs are relative to the host. Absent when the host is the gate.
   */
  segmentUrl?: string
}

export type ChannelState = 'opening' | 'open' | 'closing' | 'closed'

export type CloseReason = 'viewer' | 'idle' | 'deadline' | 'host_stopped' | 'recovery' | FundingLoss

/** The host stopped a channel because its funding is no longer money; `txid` is the tx that took the coins, if known. */
export interface FundingLostNotice {
  channelId: string
  reason: FundingLoss
  txid: string | null
}

/** What the viewer sees when a channel settles. */
export interface SettlementSummary {
  channelId: string
  reason: CloseReason
  seconds: number
  segments: number
  /** Total paid to the host, tips included. */
  paid: number
  tips: number
  fee: number
  /** What goes back to the viewer in the close tx. */
  change: number
  capacity: number
  closeTxid: string | null
  /** Set when nothing was paid: the viewer's own refund returns the funds from this height. */
  refundAfterHeight?: number
}

/** Typed event maps shared by server and client, after socket.io's own convention. */
export interface ClientToServerEvents {
  open: (req: OpenRequest, ack: (reply: Reply<OpenAccepted>) => void) => void
  fund: (req: FundRequest, ack: (reply: Reply<FundAccepted>) => void) => void
  resume: (req: ResumeRequest, ack: (reply: Reply<ChannelSnapshot>) => void) => void
  update: (req: UpdateRequest, ack: (reply: Reply<UpdateAccepted>) => void) => void
  tip: (req: TipRequest, ack: (reply: Reply<UpdateAccepted>) => void) => void
  close: (req: CloseRequest, ack: (reply: Reply<SettlementSummary>) => void) => void
}

/** A viewer's request event, e.g. "update". */
export type ClientEvent = keyof ClientToServerEvents
/** The payload an event carries. */
export type RequestOf<E extends ClientEvent> = Parameters<ClientToServerEvents[E]>[0]
/** What the host answers an event with, through its acknowledgement. */
export type ReplyOf<E extends ClientEvent> = Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]

/** The schema each request is parsed with, tied to its event: a schema of the wrong shape does not compile. */
export const RequestSchemas: { readonly [E in ClientEvent]: z.ZodType<RequestOf<E>> } = {
  open: OpenRequest,
  fund: FundRequest,
  resume: ResumeRequest,
  update: UpdateRequest,
  tip: TipRequest,
  close: CloseRequest,
}

/** Every event a viewer may send, derived from the event map's schemas. */
export const CLIENT_EVENTS: readonly ClientEvent[] = Object.keys(RequestSchemas) as ClientEvent[]

export function isClientEvent(name: string): name is ClientEvent {
  return Object.prototype.hasOwnProperty.call(RequestSchemas, name)
}

export interface ServerToClientEvents {
  terms: (terms: Terms) => void
  /** The host settled this channel on its own (idle, deadline, stop): the viewer gets its summary. */
  settled: (summary: SettlementSummary) => void
  hostStatus: (status: { accepting: boolean; reason?: string }) => void
  /** The channel's funding stopped being money: the host serves it no more, and its settlement follows. */
  fundingLost: (notice: FundingLostNotice) => void
  protocolError: (error: { code: RejectCode; message: string; event?: string }) => void
}

/** Explains a zod failure in one line, naming the field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'message'}: ${issue.message}`)
    .join('; ')
}
