// What one fleet viewer did, as plain data: the viewer loop fills it in, the summary and the ledger check read it.

/** Why a viewer's request or step failed. `http_<status>` for unexpected HTTP answers. */
export type ErrorKind = 'connect' | 'open' | 'pay' | 'network' | 'close' | 'playlist' | `http_${number}` | 'ledger'

export interface ViewerResult {
  index: number
  /** Where the viewer's share goes (P2PKH hex): its key's script, or the one its BRC-100 wallet derived. */
  payerScript: string
  /** Where the host's terms said its updates pay. */
  payoutScript: string
  channelId: string | null
  fundingTxid: string | null
  fundingVout: number
  capacity: number
  /** Close fee fixed at opening. */
  fee: number
  segmentsOk: number
  /** 402 answers met (each is resynchronised and retried once). */
  paymentRequired: number
  errors: Partial<Record<ErrorKind, number>>
  /** Time from sending the segment request to its last byte, per served segment. */
  segmentLatencyMs: number[]
  /** Time from sending an update to the host's acknowledgement, per accepted payment. */
  payLatencyMs: number[]
  /** The cumulative total of the last update this viewer signed and the host acknowledged. */
  paid: number
  /** Sum of the prices of the segments the viewer actually received. */
  served: number
  /** Tips the host acknowledged: part of `paid`, never of `served`. */
  tipped: number
  /**
   * A segment paid for whose bytes the host then refused because it had just settled the channel on its own (Stop):
   * the one segment ahead that the payment rules allow a viewer to lose. Part of `paid`, never of `served`.
   */
  paidUnserved: number
  /** What the host's close summary says was paid; null when the channel never settled. */
  settled: number | null
  /** What the host's close summary says goes back to the viewer. */
  change: number | null
  closeTxid: string | null
  /** Why the viewer stopped before its time was up, if it did. */
  stoppedEarly: 'cap' | 'end_of_stream' | 'settled_by_host' | 'error' | null
  firstError: string | null
  /** Times the viewer lost its host's socket and got it back (a restart, another instance), and the longest wait. */
  outages: number
  longestOutageMs: number
}

export function emptyResult(index: number): ViewerResult {
  return {
    index,
    payerScript: '',
    payoutScript: '',
    channelId: null,
    fundingTxid: null,
    fundingVout: 0,
    capacity: 0,
    fee: 0,
    segmentsOk: 0,
    paymentRequired: 0,
    errors: {},
    segmentLatencyMs: [],
    payLatencyMs: [],
    paid: 0,
    served: 0,
    tipped: 0,
    paidUnserved: 0,
    settled: null,
    change: null,
    closeTxid: null,
    stoppedEarly: null,
    firstError: null,
    outages: 0,
    longestOutageMs: 0,
  }
}

/** Counts an error of `kind` on the result, keeping the first message for the report. */
export function recordError(result: ViewerResult, kind: ErrorKind, message: string): void {
  result.errors[kind] = (result.errors[kind] ?? 0) + 1
  result.firstError ??= `${kind}: ${message}`
}
