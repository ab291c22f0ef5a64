// What the player page's JavaScript weighs on the wire, beside hls.js's own: the scripts a first load fetches (the
// entry and the chunks it imports at once, as the host serves them: brotli, or gzip for browsers without it) against
// hls.min.js compressed the same ways. Chunks the page loads on demand (the QR encoder) are not counted.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { buildClient, wireForms } from '../../build-client.ts'

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
  const { playerJs } = await buildClient()
  const hls = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'))
  return {
    player_js_wire_bytes: playerJs.br,
    player_js_gzip_bytes: playerJs.gz,
    hls_js_wire_bytes: wireForms.br(hls).length,
    hls_js_gzip_bytes: wireForms.gz(hls).length,
    player_js_bytes: playerJs.raw,
  }
}

/** The row of a run that left the scripts out (--skip assets). */
export function noAssets(): Assets {
  return { player_js_wire_bytes: 0, player_js_gzip_bytes: 0, hls_js_wire_bytes: 0, hls_js_gzip_bytes: 0, player_js_bytes: 0 }
}
