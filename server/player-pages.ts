// The viewer's page at / and the bundles it loads. The bundle is built by `npm install` / `npm start` (scripts/build-client.ts).
import express, { Router } from 'express'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const clientDir = fileURLToPath(new URL('../client/', import.meta.url))
export const bundleDir = fileURLToPath(new URL('../client/dist/', import.meta.url))

export function playerRouter(): Router {
  const router = Router()
  router.use('/assets', express.static(bundleDir, { fallthrough: false, index: false, dotfiles: 'deny' }))
  router.get('/', (_req, res) => {
    if (!existsSync(bundleDir)) {
      res.status(503).type('text').send('The player is not built yet. Run `npm run build` (npm install and npm start do it for you).')
      return
    }
    res.sendFile('player/index.html', { root: clientDir })
  })
  return router
}
