// Where the media bytes come from: the host's own folder (static-origin.ts) or any HTTP origin (proxy-origin.ts). The
// gate decides which bytes a request may have; an origin then sends exactly those, whatever the file or the far
// origin does: a file every byte of which may go is passed through whole (Range honoured), anything else is cut to
// the allowed bytes here. A media request's query (a segment's, the channel token taken out; segment-query.ts) goes to
// an HTTP origin exactly as listed; the folder serves a file by its path, whatever the query.
import type { Request, Response } from 'express'
import type { ByteRange } from '../../protocol/hls/byte-range.ts'

export interface OriginText {
  /** 200, 404, 413 (over the size limit), or 502/504 when the origin failed. */
  status: number
  body: string
}

export type OriginSize = { ok: true; size: number } | { ok: false; status: 404 | 502 | 504; message: string }

/** A file an origin is asked for: its path relative to the media root, and the query it is asked with. */
export interface OriginFile {
  path: string
  query: string | null
}

export interface Origin {
  /** Each query of a path names its own bytes (an HTTP origin); false: every query gets the path's one file. */
  readonly queriesNameFiles: boolean
  /** A small text file (a playlist), whole, refused unread past `maxBytes`. `path` is relative to the media root. */
  fetchText(path: string, maxBytes: number): Promise<OriginText>
  /** The size of a file, so a request's Range can be checked against every byte it would carry. */
  size(file: OriginFile): Promise<OriginSize>
  /** Streams a file whose every byte may be sent, honouring the request's (single, already checked) Range. */
  pass(file: OriginFile, req: Request, res: Response): void
  /** Sends exactly `range` of a file of `size` bytes: 206 with its Content-Range when `partial`, else 200. */
  sendBytes(file: OriginFile, send: { range: ByteRange; size: number; partial: boolean }, req: Request, res: Response): void
  close(): void
}

export function sendError(res: Response, status: number, error: string, message: string): void {
  if (!res.headersSent) res.status(status).json({ error, message })
  else res.destroy()
}

/** The status line and headers of an answer carrying `range` of a file of `size` bytes. */
export function writeByteHeaders(res: Response, path: string, send: { range: ByteRange; size: number; partial: boolean }): void {
  const { range, size, partial } = send
  res.status(partial ? 206 : 200)
  res.type(path.slice(path.lastIndexOf('.')))
  res.set('Accept-Ranges', 'bytes')
  res.set('Content-Length', String(range.end - range.start + 1))
  if (partial) res.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`)
}
