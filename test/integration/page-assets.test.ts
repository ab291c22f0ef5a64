// The pages and their files as a browser gets them: the HTML names content-hashed bundles and preloads the chunks
// their scripts import at once; every script and stylesheet comes brotli or gzip as the browser accepts, immutable for
// a year, byte for byte what the build wrote; nothing else of client/dist/ (or beyond it) is served.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { buildClient, CLIENT_DIST, type BuildClientResult } from '../../scripts/build-client.ts'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { startTestHost, type TestHost } from '../support/host.ts'

let host: TestHost
let built: BuildClientResult

before(async () => {
  built = await buildClient()
  host = await startTestHost({}, { extend: attachDashboard })
})
after(() => host.dispose())

/** A raw GET (fetch would decompress it): status, headers and body bytes. */
async function get(path: string, acceptEncoding: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
  const { request } = await import('node:http')
  return new Promise((resolve, reject) => {
    request(`${host.url}${path}`, { headers: { 'Accept-Encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: new Headers(res.headers as Record<string, string>), bytes: Buffer.concat(chunks) }))
    })
      .on('error', reject)
      .end()
  })
}

for (const [page, path] of [['player', '/'], ['dashboard', '/host']] as const) {
  test(`${page}: the page names its hashed script and stylesheet and preloads its chunks`, async () => {
    const files = built.manifest.pages[page]
    const html = (await get(path, 'identity')).bytes.toString('utf8')
    assert.match(html, new RegExp(`<script type="module" src="/assets/${files.js}"></script>`))
    assert.match(html, new RegExp(`href="/assets/${files.css}"`))
    assert.ok(files.preload.length > 0, 'the pages share a chunk')
    for (const chunk of files.preload) assert.match(html, new RegExp(`<link rel="modulepreload" href="/assets/${chunk}">`))
    assert.doesNotMatch(html, new RegExp(`/assets/${page}\\.(js|css)"`), 'no unhashed name is left')
  })
}

test("player: its first script is small, and the page proper it imports is preloaded beside it; what loads on demand is not", () => {
  const { js, preload } = built.manifest.pages.player
  const entry = readFileSync(join(CLIENT_DIST, js), 'utf8')
  assert.ok(entry.length < 4_096, `the entry opens the socket and no more: ${entry.length} bytes`)
  const imported = (code: string) => [...code.matchAll(/import\("\.\/(chunk-[A-Z0-9]+\.js)"\)/g)].map((match) => match[1])
  const [page] = imported(entry)
  assert.ok(page && preload.includes(page), `the page chunk ${page} is preloaded: ${preload.join(', ')}`)
  assert.ok(readFileSync(join(CLIENT_DIST, page)).length > 500_000, 'hls.js and the wallet are in the page chunk')
  const onDemand = imported(readFileSync(join(CLIENT_DIST, page), 'utf8'))
  assert.ok(onDemand.length > 0, 'the QR encoder loads on demand')
  for (const chunk of onDemand) assert.ok(!preload.includes(chunk), `${chunk} waits until it is needed`)
})

test('scripts and stylesheets come compressed as accepted, immutable, and decode to the built bytes', async () => {
  const { js, css, preload } = built.manifest.pages.player
  let raw = 0
  let wire = 0
  for (const file of [js, css, ...preload]) {
    const original = readFileSync(join(CLIENT_DIST, file))
    const brotli = await get(`/assets/${file}`, 'gzip, deflate, br')
    assert.equal(brotli.status, 200)
    assert.equal(brotli.headers.get('content-encoding'), 'br', file)
    assert.match(brotli.headers.get('cache-control') ?? '', /max-age=31536000.*immutable|immutable.*max-age=31536000/)
    assert.match(brotli.headers.get('vary') ?? '', /Accept-Encoding/i)
    assert.match(brotli.headers.get('content-type') ?? '', file.endsWith('.js') ? /javascript/ : /text\/css/)
    assert.ok(brotliDecompressSync(brotli.bytes).equals(original))
    raw += original.length
    wire += brotli.bytes.length
    const gzip = await get(`/assets/${file}`, 'gzip')
    assert.equal(gzip.headers.get('content-encoding'), 'gzip')
    assert.ok(gunzipSync(gzip.bytes).equals(original))
    const plain = await get(`/assets/${file}`, 'identity')
    assert.equal(plain.headers.get('content-encoding'), null)
    assert.ok(plain.bytes.equals(original))
  }
  assert.ok(wire < raw / 2, `the page's files shrink on the wire: ${wire} of ${raw} bytes`)
})

test('nothing else is served: the manifest, unknown names, paths out of the folder', async () => {
  for (const path of ['/assets/manifest.json', '/assets/player.js', '/assets/nope-ABC.js', '/assets/../package.json', '/assets/%2e%2e/package.json', '/assets/.hidden']) {
    const answer = await get(path, 'br')
    assert.ok([400, 403, 404].includes(answer.status), `${path}: ${answer.status}`)
    assert.doesNotMatch(answer.bytes.toString('utf8'), /"dependencies"/)
  }
})
