// A playlist request: fetched from the origin and read into the media book before it is served, as the origin wrote
// it. One the HLS model refuses (unparseable, over the size limit, overlapping byte ranges...) is not served: a 502
// that names the problem, and nothing the paywall knows changes.
import type { Response } from 'express'
import type { PaywallParts } from './paywall-parts.ts'

export async function servePlaylist(parts: Pick<PaywallParts, 'book'>, mediaPath: string, res: Response): Promise<void> {
  const read = await parts.book.read(mediaPath)
  if (!read.ok) {
    res.status(read.status).json({ error: read.error, message: read.message, issues: read.issues.slice(0, 10) })
    return
  }
  res.type('application/vnd.apple.mpegurl').send(read.text)
}
