// The two pages (the player at /, the dashboard at /host) and the files they load from /assets, as the build left them
// in client/dist/ (scripts/build-client.ts). A page's HTML names its bundle by its logical name (/assets/player.js);
// it is served with the content-hashed names of manifest.json instead, and with a modulepreload link for every chunk
// its script imports at once, so the browser fetches them side by side. The hashed files never change, so they are
// served immutable for a year, brotli or gzip as the browser accepts (both made at build time: nothing is compressed
// per request).
import express, { type Request, type Response, type RequestHandler } from 'express'
import expressStaticGzip from 'express-static-gzip'
import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const clientDir = fileURLToPath(new URL('../client/', import.meta.url))
const distDir = join(clientDir, 'dist')
const MANIFEST = join(distDir, 'manifest.json')
const YEAR_SECONDS = 365 * 24 * 3600

export type PageName = 'player' | 'dashboard'

interface Manifest {
  pages: Record<PageName, { js: string; css: string; preload: string[] }>
}

/** The manifest as last read, with the mtime it was read at: a rebuild (npm run build) is picked up without a restart. */
let cached: { mtimeMs: number; manifest: Manifest; pages: Map<PageName, string> } | null = null

function currentBuild(): NonNullable<typeof cached> | null {
  let mtimeMs: number
  try {
    mtimeMs = statSync(MANIFEST).mtimeMs
  } catch {
    return null
  }
  if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, manifest: JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest, pages: new Map() }
  return cached
}

/** The page's HTML with its bundle's hashed names and its chunks' preload links. */
function pageHtml(build: NonNullable<typeof cached>, page: PageName): string {
  const known = build.pages.get(page)
  if (known) return known
  const files = build.manifest.pages[page]
  const preload = files.preload.map((chunk) => `<link rel="modulepreload" href="/assets/${chunk}">`).join('\n  ')
  const html = readFileSync(join(clientDir, page, 'index.html'), 'utf8')
    .replace(`/assets/${page}.css`, `/assets/${files.css}`)
    .replace(/<script type="module" src="\/assets\/[a-z]+\.js"><\/script>/, (script) => `${preload}\n  ${script.replace(`/assets/${page}.js`, `/assets/${files.js}`)}`)
  build.pages.set(page, html)
  return html
}

/** Serves a page, or 503 with what to do when the client was never built. */
export function servePage(page: PageName): RequestHandler {
  return (_req: Request, res: Response) => {
    const build = currentBuild()
    if (!build) {
      res.status(503).type('text').send('The pages are not built yet. Run `npm run build` (npm install and npm start do it for you).')
      return
    }
    res.set('Cache-Control', 'no-store').type('html').send(pageHtml(build, page))
  }
}

/** /assets: the built files, immutable (their names change with their content), compressed as the browser accepts. */
function assetsRouter(): express.Router {
  const router = express.Router()
  // The manifest is the host's, not the browser's (and not immutable).
  router.get('/manifest.json', (_req, res) => void res.status(404).json({ error: 'not_found', message: 'No such asset.' }))
  router.use(
    expressStaticGzip(distDir, {
      enableBrotli: true,
      orderPreference: ['br', 'gzip'],
      index: false,
      serveStatic: {
        fallthrough: false,
        dotfiles: 'deny',
        immutable: true,
        maxAge: YEAR_SECONDS * 1000,
      },
    }),
  )
  return router
}

/** The player's page at / and everything under /assets. */
export function playerRouter(): express.Router {
  const router = express.Router()
  router.use('/assets', assetsRouter())
  router.get('/', servePage('player'))
  return router
}
