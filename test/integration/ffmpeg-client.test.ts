// A non-paying HLS client we did not write: ffmpeg reading each form's master playlist through the paywall, as any
// player or downloader could. It decodes nothing of any form; with a free preview, it decodes the preview and no
// more. (The live window's media time is wall-clock time, so it has no preview: nothing is decoded either way.)
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { resolveFfmpeg } from '../../server/media/ffmpeg-locator.ts'
import { FORM_NAMES, hlsForm, type FormName } from '../support/hls-forms.ts'
import { startTestHost, type TestHost } from '../support/host.ts'

const PREVIEW_SECONDS = 4
/** A live playlist is reloaded forever: ffmpeg is stopped after this long. */
const LIVE_TIMEOUT_MS = 6_000

interface Decoded {
  /** Media seconds ffmpeg decoded and wrote to its null output, from its -progress report (0 when it opened nothing). */
  seconds: number
  refusals: number
}

function decode(ffmpeg: string, url: string): Promise<Decoded> {
  return new Promise((resolve) => {
    const args = ['-hide_banner', '-nostdin', '-v', 'info', '-i', url, '-map', '0', '-f', 'null', '-', '-progress', 'pipe:1']
    execFile(ffmpeg, args, { timeout: LIVE_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (_error, stdout, stderr) => {
      const times = [...stdout.matchAll(/^out_time_ms=(\d+)$/gm)].map((match) => Number(match[1]) / 1e6)
      resolve({ seconds: Math.max(0, ...times), refusals: (stderr.match(/402 Payment Required/g) ?? []).length })
    })
  })
}

describe('ffmpeg, not paying, through the paywall', () => {
  let ffmpeg: string
  let hosts: { paying: TestHost; preview: TestHost }

  before(async () => {
    ffmpeg = (await resolveFfmpeg()).path
    const forms = await Promise.all(FORM_NAMES.map((name) => hlsForm(name)))
    const mediaDir = forms[0].mediaDir
    hosts = {
      paying: await startTestHost({ mediaDir, price: 10 }),
      preview: await startTestHost({ mediaDir, price: 10, previewSeconds: PREVIEW_SECONDS }),
    }
  })
  after(async () => {
    await hosts?.paying.dispose()
    await hosts?.preview.dispose()
  })

  const url = (host: TestHost, name: FormName) => `${host.url}/media/${name}/master.m3u8`

  test('decodes nothing of any form', async (t) => {
    const results = await Promise.all(FORM_NAMES.map(async (name) => [name, await decode(ffmpeg, url(hosts.paying, name))] as const))
    for (const [name, decoded] of results) {
      t.diagnostic(`${name}: ${decoded.seconds} s decoded, ${decoded.refusals} segments refused with 402`)
      assert.equal(decoded.seconds, 0, `${name}: ffmpeg decoded ${decoded.seconds} s`)
      assert.ok(decoded.refusals > 0, `${name}: ffmpeg was asked to pay`)
    }
  })

  test(`with a ${PREVIEW_SECONDS} s preview, decodes the preview of every on-demand form and nothing after it`, async (t) => {
    const results = await Promise.all(FORM_NAMES.map(async (name) => [name, await decode(ffmpeg, url(hosts.preview, name))] as const))
    for (const [name, decoded] of results) t.diagnostic(`${name}: ${decoded.seconds} s decoded`)
    for (const [name, decoded] of results) {
      if (name === 'live-window') assert.equal(decoded.seconds, 0)
      // Segments that end within the preview: two 2 s video segments; one 2.005 s AAC segment (the next ends past 4 s).
      else assert.ok(decoded.seconds >= 2 && decoded.seconds <= PREVIEW_SECONDS + 0.1, `${name}: ffmpeg decoded ${decoded.seconds} s of a ${PREVIEW_SECONDS} s preview`)
    }
  })
})
