// `npm start`: the host, its own devnet, the sample stream and the player in one process, with no configuration needed.
// The host (server/) and the devnet (devnet/) never import each other: they meet here, the devnet handed to the host
// through server/chain/own-devnet.ts's door.
import { ConfigError } from '../node-shared/config-error.ts'
import { parseConfig } from '../server/config.ts'
import { hostCommand } from '../server/command-line.ts'
import { startHost } from '../server/app.ts'
import { join } from 'node:path'
import { attachDashboard } from '../server/dashboard/attach.ts'
import { PAYOUT_KEY_FILE } from '../server/identity.ts'
import { describePreflight, PreflightError } from '../server/chain/preflight.ts'
import { createLogger } from '../node-shared/logger.ts'
import { embedDevnet } from '../devnet/embedded.ts'

async function main() {
  const { program, input } = hostCommand()
  program.parse()
  const config = parseConfig(input())
  const logger = createLogger(config.logLevel)
  const host = await startHost(config, { logger, extend: attachDashboard, openDevnet: embedDevnet })
  const adminHint = config.adminToken
    ? '(the one you configured)'
    : host.adminToken
      ? `${host.adminToken}\n              (shown this once: the host keeps only its digest; a new one is set with --admin-token-file or P2P_ADMIN_TOKEN)`
      : '(generated at the first start and shown then; only its digest is kept: set a new one with --admin-token-file or P2P_ADMIN_TOKEN)'
  console.log(
    [
      '',
      `  P2P Channels is running on ${config.network}.`,
      `  Player:     ${host.url}/`,
      `  Dashboard:  ${host.url}/host   admin token: ${adminHint}`,
      `  Payout:     ${host.payout.address}${host.payout.generated ? ` (a devnet key the host made: ${join(config.dataDir, PAYOUT_KEY_FILE)})` : ''}`,
      ...(host.preflight ? describePreflight(host.preflight) : []),
      ...(host.devnet ? [`  Devnet API: ${host.url}/devnet/arc/v1/policy  and  ${host.url}/devnet/woc/v1/bsv/devnet/chain/info`] : []),
      ...(config.devnetUrl ? [`  Devnet:     ${config.devnetUrl} (shared; the player reaches it at ${host.url}/devnet)`] : []),
      ...(config.store ? [`  Store:      PostgreSQL, shared${config.instance ? ` (this is instance ${config.instance})` : ''}`] : []),
      ...(config.edgeSecret ? [`  Edge mode:  paid segments are served by nginx at ${config.edgeBaseUrl}, to signed URLs`] : []),
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  )
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down')
    host.close().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.once('SIGINT', () => shutdown('SIGINT'))
  process.once('SIGTERM', () => shutdown('SIGTERM'))
}

main().catch((error) => {
  if (error instanceof ConfigError || error instanceof PreflightError) console.error(error.message)
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Port already in use: ${(error as Error).message}. Pick another with --port.`)
  else console.error(error)
  process.exit(1)
})
