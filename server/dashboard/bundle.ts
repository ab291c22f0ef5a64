// The dashboard page's bundle (client/dashboard/main.ts -> dashboard.js + dashboard.css, served at /assets/).
// scripts/build-client.ts owns the real build; this lets the dashboard's own tests build exactly what they serve.
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { bundleDir } from '../player-pages.ts'

export const DASHBOARD_ENTRY = fileURLToPath(new URL('../../client/dashboard/main.ts', import.meta.url))

export async function bundleDashboard(outdir: string = bundleDir): Promise<void> {
  await build({
    entryPoints: { dashboard: DASHBOARD_ENTRY },
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  })
}
