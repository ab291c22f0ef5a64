// Bundles the two pages (the player, client/player/, and the host's dashboard, client/dashboard/) into client/dist/
// for the host to serve at /assets. Every file is named by its content's hash, so the host serves it as immutable,
// and written beside its brotli and gzip forms, so nothing is compressed per request. Code both pages use goes into
// shared chunks (esbuild's splitting). manifest.json maps each page's logical names (player.js, player.css) to the
// hashed files, and lists the chunks a page imports at once, for the host to preload (server/page-assets.ts).
// Each page's styles.css @imports client/shared/ (the tokens and base styles both pages share); esbuild inlines it.
// Run: `npm run build` (the host's start and test scripts call buildClient() too).
import { build, type Metafile } from 'esbuild'
import { mkdir, readdir, rm, readFile, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { basename, join, relative, resolve } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const root = fileURLToPath(new URL('../', import.meta.url))
export const CLIENT_DIST = join(root, 'client/dist')
export const MANIFEST_FILE = 'manifest.json'

const PAGES = ['player', 'dashboard'] as const

/**
 * Packages the browser must never load, and what to do instead; the build fails naming the file that brought one in.
 * - zod: the page validates nothing with a schema library (the host does), and zod alone would double the player's
 *   script (issue 21).
 * - global: its CommonJS `window` made esbuild copy every property of window as the page started, ~200 ms of the
 *   main thread; the alias to client/shared/global-window.ts keeps it out.
 */
const NOT_FOR_THE_BROWSER: ReadonlyArray<{ path: string; instead: string }> = [
  { path: 'node_modules/zod/', instead: 'The page carries no validator: read constants from protocol/message-limits.ts and check shapes by hand (protocol/paywall.ts shows how).' },
  { path: 'node_modules/global/', instead: "Alias it to client/shared/global-window.ts in the build's options." },
]

/** What server/page-assets.ts reads: per page, its hashed script and stylesheet and the chunks its script imports at once. */
export interface AssetManifest {
  pages: Record<string, { js: string; css: string; preload: string[] }>
}

export interface BuildClientResult {
  manifest: AssetManifest
  /** Bytes of the player's first-load scripts (the entry and the chunks it imports at once): raw, and as each encoding carries them. */
  playerJs: { raw: number; br: number; gz: number }
  ms: number
}

export async function buildClient(options: { outdir?: string; minify?: boolean } = {}): Promise<BuildClientResult> {
  const started = performance.now()
  const outdir = options.outdir ?? CLIENT_DIST
  await rm(outdir, { recursive: true, force: true })
  await mkdir(outdir, { recursive: true })
  const common = { bundle: true, minify: options.minify ?? true, sourcemap: true, logLevel: 'warning' as const, metafile: true, legalComments: 'none' as const, outdir }
  const scripts = await build({
    ...common,
    entryPoints: Object.fromEntries(PAGES.map((page) => [page, join(root, `client/${page}/main.ts`)])),
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    // @bsv/sdk and socket.io-client are isomorphic; nothing of Node's may sneak into the page.
    define: { 'process.env.NODE_ENV': '"production"' },
    alias: { 'global/window': join(root, 'client/shared/global-window.ts') },
  })
  refuseForbiddenPackages(scripts.metafile!)
  const styles = await build({
    ...common,
    entryPoints: Object.fromEntries(PAGES.map((page) => [page, join(root, `client/${page}/styles.css`)])),
    entryNames: '[name]-[hash]',
  })
  const manifest = manifestOf(scripts.metafile!, styles.metafile!, outdir)
  await writeFile(join(outdir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n')
  await compressAll(outdir)
  const player = manifest.pages.player
  const sizeOf = async (file: string) => (await readFile(join(outdir, file))).length
  const total = async (suffix: string) => (await Promise.all([player.js, ...player.preload].map((file) => sizeOf(file + suffix)))).reduce((sum, size) => sum + size, 0)
  return {
    manifest,
    playerJs: { raw: await total(''), br: await total('.br'), gz: await total('.gz') },
    ms: performance.now() - started,
  }
}

function refuseForbiddenPackages(metafile: Metafile): void {
  for (const [input, { imports }] of Object.entries(metafile.inputs)) {
    for (const { path, instead } of NOT_FOR_THE_BROWSER) {
      // A package's own files import each other: the file that matters is the one that brought it in.
      if (input.includes(path)) continue
      const forbidden = imports.find((i) => i.path.includes(path))
      if (forbidden) throw new Error(`${input} brings ${forbidden.path} into the browser bundle. ${instead}`)
    }
  }
}

function manifestOf(scripts: Metafile, styles: Metafile, outdir: string): AssetManifest {
  const named = (metafile: Metafile, ext: string) =>
    new Map(
      Object.entries(metafile.outputs)
        .filter(([file, output]) => file.endsWith(ext) && output.entryPoint)
        .map(([file]) => [basename(file).replace(/-[A-Z0-9]+\.\w+$/, ''), { file: relative(outdir, resolve(file)), output: metafile.outputs[file] }]),
    )
  const js = named(scripts, '.js')
  const css = named(styles, '.css')
  const pages: AssetManifest['pages'] = {}
  for (const page of PAGES) {
    const entry = js.get(page)
    const sheet = css.get(page)
    if (!entry || !sheet) throw new Error(`the build made no ${page} page: ${[...js.keys()].join(', ')}`)
    pages[page] = { js: entry.file, css: sheet.file, preload: firstLoad(scripts, entry.output).map((file) => relative(outdir, resolve(file))) }
  }
  return { pages }
}

/**
 * The chunks a page runs as it loads, for the host to preload beside its entry: those the entry imports, and those
 * its own dynamic imports bring (the player's entry is small and imports the rest of the page at once: main.ts), with
 * every chunk they import in turn. Dynamic imports further down (the QR encoder) stay on demand.
 */
function firstLoad(scripts: Metafile, entry: Metafile['outputs'][string]): string[] {
  const found = new Set<string>()
  const visit = (file: string) => {
    if (found.has(file)) return
    found.add(file)
    for (const i of scripts.outputs[file].imports) if (i.kind === 'import-statement') visit(i.path)
  }
  for (const i of entry.imports) if (i.kind === 'import-statement' || i.kind === 'dynamic-import') visit(i.path)
  return [...found]
}

/** The two encodings the host serves, each at its best: what a browser receives of a file. */
export const wireForms = {
  br: (bytes: Uint8Array) => brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY } }),
  gz: (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }),
}

/** Brotli and gzip beside every script and stylesheet: the host picks by Accept-Encoding, compressing nothing. */
async function compressAll(outdir: string): Promise<void> {
  for (const file of await readdir(outdir)) {
    if (!/\.(js|css)$/.test(file)) continue
    const bytes = await readFile(join(outdir, file))
    for (const [ext, encode] of Object.entries(wireForms)) await writeFile(join(outdir, `${file}.${ext}`), encode(bytes))
  }
}

if (process.argv[1] && basename(fileURLToPath(import.meta.url)) === basename(process.argv[1])) {
  const result = await buildClient()
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`
  console.log(`built ${relative(process.cwd(), CLIENT_DIST)}: the player's script ${kib(result.playerJs.raw)}, ${kib(result.playerJs.br)} on the wire (brotli), in ${Math.round(result.ms)} ms`)
}
