// What the player page's JavaScript weighs on the wire, beside hls.js's own: the scripts a first load fetches (the
// entry and the chunks it imports at once, as the host serves them: brotli, or gzip for browsers without it) against
// hls.min.js compressed the same ways. Chunks the page loads on demand (the QR encoder) are not counted.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { buildClient, CLIENT_DIST } from '../../build-client.ts'

export interface Assets {
  /** Brotli bytes of the player's first-load scripts: what Chromium receives. */
  player_js_wire_bytes: number
  player_js_gzip_bytes: number
  /** Brotli bytes of hls.min.js, the free page's only script. */
  hls_js_wire_bytes: number
  hls_js_gzip_bytes: number
  /** The player's first-load scripts before compression. */
  player_js_bytes: number
}

export async function measureAssets(): Promise<Assets> {
  const { manifest } = await buildClient()
  const player = manifest.pages.player
  const files = [player.js, ...player.preload].map((file) => join(CLIENT_DIST, file))
  const sum = (sizes: number[]) => sizes.reduce((total, size) => total + size, 0)
  const hls = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'))
  return {
    player_js_wire_bytes: sum(files.map((file) => readFileSync(`${file}.br`).length)),
    player_js_gzip_bytes: sum(files.map((file) => readFileSync(`${file}.gz`).length)),
    hls_js_wire_bytes: brotliCompressSync(hls, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }).length,
    hls_js_gzip_bytes: gzipSync(hls, { level: 9 }).length,
    player_js_bytes: sum(files.map((file) => readFileSync(file).length)),
  }
}

/** The row of a run that left the scripts out (--skip assets). */
export function noAssets(): Assets {
  return { player_js_wire_bytes: 0, player_js_gzip_bytes: 0, hls_js_wire_bytes: 0, hls_js_gzip_bytes: 0, player_js_bytes: 0 }
}
