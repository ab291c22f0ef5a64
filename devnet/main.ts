// `npm run devnet`: the devnet ledger in a process of its own, for hosts started with `--devnet-url`.
import { Command, Option } from 'commander'
import { z } from 'zod'
import { describeIssues } from '../protocol/messages.ts'
import { ConfigError } from '../node-shared/config-error.ts'
import { createLogger } from '../node-shared/logger.ts'
import { secretOption } from '../node-shared/secret-option.ts'
import { isLoopbackBind, normalizeName } from '../node-shared/host-names.ts'
import { startDevnetServer } from './server.ts'

const Options = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  data: z.string().min(1),
  blockInterval: z.coerce.number().nonnegative(),
  testMode: z.boolean().default(false),
  keepAliveTimeout: z.coerce.number().positive(),
  adminToken: z.string().min(16, 'the admin token must be at least 16 characters').optional(),
  publicHost: z.array(z.string().refine((name) => normalizeName(name) !== null, 'a host name or address, without scheme or port')).default([]),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
}).refine((options) => !options.testMode || isLoopbackBind(options.host), {
  message: '--test-mode lets whoever reaches the ledger make a conflicting transaction win; it is for tests on this machine only, with a loopback --host (127.0.0.1, ::1 or localhost)',
  path: ['testMode'],
})

const program = new Command()
  .name('p2p-channels-devnet')
  .description('The devnet ledger on its own: ARC and WhatsOnChain APIs, a faucet and a miner, shared by several hosts.')
  .addOption(new Option('--port <n>', 'port to listen on (0: any free one)').env('P2P_DEVNET_PORT').default('8090'))
  .addOption(new Option('--host <addr>', 'address to bind; 0.0.0.0 exposes the ledger to the network').env('P2P_DEVNET_HOST').default('127.0.0.1'))
  .addOption(new Option('--data <dir>', 'folder for the chain').env('P2P_DEVNET_DATA').default('data/devnet'))
  .addOption(new Option('--block-interval <seconds>', 'mine a block this often (0: on demand only)').env('P2P_BLOCK_INTERVAL').default('30'))
  .addOption(new Option('--public-host <names>', 'names it answers to besides 127.0.0.1, localhost and the bound address (comma-separated)').env('P2P_DEVNET_PUBLIC_HOST'))
  .addOption(new Option('--admin-token <token>', 'lets mining, the faucet and test mode in from other machines with Authorization: Bearer <token> (loopback only without it); shows in the process list: prefer the file or the env var').env('P2P_DEVNET_ADMIN_TOKEN'))
  .addOption(new Option('--admin-token-file <path>', 'read the admin token from this file').env('P2P_DEVNET_ADMIN_TOKEN_FILE'))
  .addOption(new Option('--test-mode', 'allow POST /devnet/test/double-spend and /devnet/test/reorg, a conflicting tx winning and a chain reorganisation (tests only; loopback --host only)').env('P2P_DEVNET_TEST_MODE'))
  .addOption(new Option('--keep-alive-timeout <seconds>', 'close an idle keep-alive connection after this long').env('P2P_KEEP_ALIVE_TIMEOUT').default('5'))
  .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).env('P2P_LOG_LEVEL').default('info'))

async function main() {
  const given = program.parse().opts()
  const parsed = Options.safeParse({
    ...given,
    adminToken: secretOption('--admin-token', given.adminToken, given.adminTokenFile),
    publicHost: given.publicHost?.split(/[\s,]+/).filter(Boolean) ?? [],
  })
  if (!parsed.success) {
    console.error(`Invalid options: ${describeIssues(parsed.error)}`)
    process.exit(1)
  }
  const options = parsed.data
  const logger = createLogger(options.logLevel)
  const devnet = await startDevnetServer({
    port: options.port,
    host: options.host,
    dataDir: options.data,
    blockIntervalSeconds: options.blockInterval,
    testMode: options.testMode,
    keepAliveTimeoutSeconds: options.keepAliveTimeout,
    adminToken: options.adminToken,
    publicHosts: options.publicHost,
    logger,
  })
  console.log(
    [
      '',
      `  Devnet ledger: ${devnet.url}   (height ${devnet.ledger.height}, data in ${options.data})`,
      `  ARC:          ${devnet.url}/arc/v1/policy`,
      `  WhatsOnChain: ${devnet.url}/woc/v1/bsv/devnet/chain/info`,
      `  Hosts use it: npm start -- --devnet-url ${devnet.url}`,
      `  Writes:       mining and the faucet${options.testMode ? ' and test mode' : ''} from this machine (127.0.0.1, localhost)${options.adminToken ? ', or with the admin token' : ''}`,
      ...(options.testMode ? ['  Test mode: POST /devnet/test/double-spend lets a conflicting tx win; POST /devnet/test/reorg reorganises the chain.'] : []),
      '  Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  )
  const shutdown = () => devnet.close().then(() => process.exit(0), () => process.exit(1))
  process.once('SIGINT', shutdown)
  process.once('SIGTERM', shutdown)
}

main().catch((error) => {
  if (error instanceof ConfigError) console.error(error.message)
  else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Port already in use: ${(error as Error).message}. Pick another with --port.`)
  else console.error(error)
  process.exit(1)
})
