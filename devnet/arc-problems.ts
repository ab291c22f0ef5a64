// ARC's error bodies: RFC 7807 problems {type, title, status, detail, instance, txid, extraInfo}, titled and worded as
// ARC words them (bitcoin-sv/arc pkg/api/status.go NewErrorFields; 467 from pkg/api/arc.yaml). The specific reason
// goes in extraInfo, as ARC puts it there. Pure.

const ARC_ERRORS_URL = 'https://bitcoin-sv.github.io/arc/#/errors?id=_'

const PROBLEMS: Record<number, { title: string; detail: string }> = {
  400: { title: 'Bad request', detail: 'The request seems to be malformed and cannot be processed' },
  404: { title: 'Not found', detail: 'The requested resource could not be found' },
  409: { title: 'Generic error', detail: 'Transaction could not be processed' },
  // HTTP's own, for a body over the size limit.
  413: { title: 'Payload too large', detail: 'The request body is larger than the server accepts' },
  460: { title: 'Not extended format', detail: 'Missing input scripts: Transaction could not be transformed to extended format' },
  461: { title: 'Malformed transaction', detail: 'Transaction is malformed and cannot be processed' },
  462: { title: 'Invalid inputs', detail: 'Transaction is invalid because the inputs are non-existent or spent' },
  463: { title: 'Malformed transaction', detail: 'Transaction is malformed and cannot be processed' },
  464: { title: 'Invalid outputs', detail: 'Transaction is invalid because the outputs are non-existent or invalid' },
  465: { title: 'Fee too low', detail: 'Fees are insufficient' },
  466: { title: 'Conflicting tx found', detail: 'Transaction is valid, but there is a conflicting tx in the block template' },
  467: { title: 'Mined ancestors not found', detail: 'Error validating BEEF: mined ancestors not found in transaction inputs' },
  468: { title: 'Invalid BUMPs', detail: 'BEEF validation failed: BEEF invalid' },
  469: { title: 'Merkle Roots validation failed', detail: "BEEF validation failed: couldn't verify Merkle Roots" },
  474: { title: 'Transaction size validation failed', detail: 'Transaction size validation failed' },
}

export interface ArcProblem {
  type: string
  title: string
  status: number
  detail: string
  instance: string | null
  txid: string | null
  extraInfo: string
}

/** A code ARC does not know becomes its 409 "Generic error", as NewErrorFields does. */
export function arcProblem(code: number, extraInfo: string, txid?: string): ArcProblem {
  const status = PROBLEMS[code] ? code : 409
  return {
    type: `${ARC_ERRORS_URL}${status}`,
    ...PROBLEMS[status],
    status,
    instance: null,
    txid: txid ?? null,
    extraInfo,
  }
}
