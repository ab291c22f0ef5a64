// A playlist request: fetched from the origin and read into the media book before it is served, as the origin wrote
// it. One the HLS model refuses (unparseable, over the size limit, overlapping byte ranges...) is not served: a 502
// that names the problem, and nothing the paywall knows changes.
import type { Response } from 'express'
import type { PaywallParts } from './paywall-parts.ts'
import { Refusal } from './refusal.ts'

export async function servePlaylist(parts: Pick<PaywallParts, 'book'>, res: Response): Promise<void> {
  const read = await parts.book.read(res.locals.mediaPath)
  if (!read.ok) throw new Refusal(read.status, read.error, read.message, { body: { issues: read.issues.slice(0, 10) } })
  res.type('application/vnd.apple.mpegurl').send(read.text)
}
