// Bundles the viewer's page (client/player/main.ts + styles) into client/dist/ for the host to serve at /assets.
// Each page's styles.css @imports client/shared/ (the tokens and base styles both pages share); esbuild inlines it.
// Run: `npm run build` (the host's start and test scripts call buildClient() too).
import { build } from 'esbuild'
import { mkdir } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { basename, join, relative } from 'node:path'

const root = fileURLToPath(new URL('../', import.meta.url))

export interface BuildClientOptions {
  /** TypeScript entry; default client/player/main.ts. */
  entry?: string
  /** Stylesheet bundled next to it; default client/player/styles.css (null for none). */
  css?: string | null
  /** Output folder; default client/dist. */
  outdir?: string
  /** Output base name: <name>.js and <name>.css; default "player". */
  name?: string
  minify?: boolean
}

export interface BuildClientResult {
  js: string
  css: string | null
  bytes: number
  ms: number
}

/**
 * Builds one page bundle. Without an entry it builds every page: the player, and the dashboard when
 * client/dashboard/main.ts exists (client/dashboard/styles.css bundled alongside), all into client/dist/.
 */
export async function buildClient(options: BuildClientOptions = {}): Promise<BuildClientResult> {
  if (options.entry === undefined) {
    const player = await buildBundle({ ...options, entry: join(root, 'client/player/main.ts') })
    const dashboardEntry = join(root, 'client/dashboard/main.ts')
    if (!existsSync(dashboardEntry)) return player
    const dashboardCss = join(root, 'client/dashboard/styles.css')
    const dashboard = await buildBundle({ ...options, entry: dashboardEntry, css: existsSync(dashboardCss) ? dashboardCss : null, name: 'dashboard' })
    return { ...player, bytes: player.bytes + dashboard.bytes, ms: player.ms + dashboard.ms }
  }
  return buildBundle(options)
}

async function buildBundle(options: BuildClientOptions): Promise<BuildClientResult> {
  const started = performance.now()
  const entry = options.entry ?? join(root, 'client/player/main.ts')
  const css = options.css === undefined ? join(root, 'client/player/styles.css') : options.css
  const outdir = options.outdir ?? join(root, 'client/dist')
  const name = options.name ?? 'player'
  const minify = options.minify ?? true
  await mkdir(outdir, { recursive: true })
  const common = { bundle: true, minify, sourcemap: true, logLevel: 'warning' as const, metafile: true, legalComments: 'none' as const }
  const js = join(outdir, `${name}.js`)
  const results = [
    await build({
      ...common,
      entryPoints: [entry],
      outfile: js,
      format: 'esm',
      platform: 'browser',
      target: ['es2022'],
      // @bsv/sdk and socket.io-client are isomorphic; nothing of Node's may sneak into the page.
      define: { 'process.env.NODE_ENV': '"production"' },
    }),
  ]
  const cssOut = css ? join(outdir, `${name}.css`) : null
  if (css && cssOut) results.push(await build({ ...common, entryPoints: [css], outfile: cssOut }))
  const bytes = results.reduce((sum, r) => sum + Object.values(r.metafile?.outputs ?? {}).reduce((s, o) => s + o.bytes, 0), 0)
  return { js, css: cssOut, bytes, ms: performance.now() - started }
}

if (process.argv[1] && basename(fileURLToPath(import.meta.url)) === basename(process.argv[1])) {
  const result = await buildClient()
  console.log(`built ${relative(process.cwd(), result.js)}${result.css ? ` + ${basename(result.css)}` : ''} (${(result.bytes / 1024).toFixed(0)} KiB with maps) in ${Math.round(result.ms)} ms`)
}
