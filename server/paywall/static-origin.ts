// The host's own media folder as the origin. `path` comes from a URL and is never trusted to stay inside the root:
// it is resolved, then its real path (links followed) must still lie inside the root's real path. A file is served by
// its path: every query of it gets the same bytes (the gate knows, and weighs all of a path's entries together).
import { createReadStream } from 'node:fs'
import { readFile, realpath, stat } from 'node:fs/promises'
import { resolve, sep } from 'node:path'
import { sendError, writeByteHeaders, type Origin } from './origin.ts'

export function staticOrigin(root: string): Origin {
  const absoluteRoot = resolve(root)
  const inside = async (path: string): Promise<string | null> => {
    const candidate = resolve(absoluteRoot, '.' + sep + path)
    if (candidate !== absoluteRoot && !candidate.startsWith(absoluteRoot + sep)) return null
    try {
      const real = await realpath(candidate)
      const realRoot = await realpath(absoluteRoot)
      return real.startsWith(realRoot + sep) ? real : null
    } catch {
      return null
    }
  }
  const fileSize = async (file: string | null): Promise<number | null> => {
    if (!file) return null
    try {
      const info = await stat(file)
      return info.isFile() ? info.size : null
    } catch {
      return null
    }
  }
  return {
    queriesNameFiles: false,
    async fetchText(path, maxBytes) {
      const file = await inside(path)
      const size = await fileSize(file)
      if (size === null) return { status: 404, body: '' }
      if (size > maxBytes) return { status: 413, body: `The file is ${size} bytes; playlists over ${maxBytes} bytes are refused.` }
      try {
        return { status: 200, body: await readFile(file!, 'utf8') }
      } catch {
        return { status: 404, body: '' }
      }
    },
    async size({ path }) {
      const size = await fileSize(await inside(path))
      return size === null ? { ok: false, status: 404, message: `No such media file: ${path}` } : { ok: true, size }
    },
    pass({ path }, _req, res) {
      void inside(path).then((file) => {
        if (!file) return sendError(res, 404, 'not_found', `No such media file: ${path}`)
        res.sendFile(file, { dotfiles: 'deny', acceptRanges: true, maxAge: 0 }, (error) => {
          if (error && !res.headersSent) sendError(res, 404, 'not_found', `No such media file: ${path}`)
        })
      })
    },
    sendBytes({ path }, send, req, res) {
      void inside(path).then(async (file) => {
        // The file may have changed since the gate measured it: never send past what it allowed, nor past the end.
        if (!file || (await fileSize(file)) !== send.size) return sendError(res, 404, 'not_found', `No such media file, or it changed: ${path}`)
        writeByteHeaders(res, path, send)
        if (req.method === 'HEAD') return void res.end()
        const bytes = createReadStream(file, { start: send.range.start, end: send.range.end })
        bytes.on('error', () => res.destroy())
        bytes.pipe(res)
      })
    },
    close() {},
  }
}
