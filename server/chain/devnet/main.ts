// `npm run devnet`: the devnet ledger in a process of its own, for hosts started with `--devnet-url`.
import { Command, Option } from 'commander'
import { z } from 'zod'
import { describeIssues } from '../../../protocol/messages.ts'
import { createLogger } from '../../logger.ts'
import { startDevnetServer } from './server.ts'

const Options = z.object({
  port: z.coerce.number().int().min(0).max(65535),
  host: z.string().min(1),
  data: z.string().min(1),
  blockInterval: z.coerce.number().nonnegative(),
  testMode: z.boolean().default(false),
  keepAliveTimeout: z.coerce.number().positive(),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
})

const program = new Command()
  .name('p2p-channels-devnet')
  .description('The devnet ledger on its own: ARC and WhatsOnChain APIs, a faucet and a miner, shared by several hosts.')
  .addOption(new Option('--port <n>', 'port to listen on (0: any free one)').env('P2P_DEVNET_PORT').default('8090'))
  .addOption(new Option('--host <addr>', 'address to bind; 0.0.0.0 exposes the ledger to the network').env('P2P_DEVNET_HOST').default('127.0.0.1'))
  .addOption(new Option('--data <dir>', 'folder for the chain').env('P2P_DEVNET_DATA').default('data/devnet'))
  .addOption(new Option('--block-interval <seconds>', 'mine a block this often (0: on demand only)').env('P2P_BLOCK_INTERVAL').default('30'))
  .addOption(new Option('--test-mode', 'allow POST /devnet/test/double-spend and /devnet/test/reorg, a conflicting tx winning and a chain reorganisation (tests only)').env('P2P_DEVNET_TEST_MODE'))
  .addOption(new Option('--keep-alive-timeout <seconds>', 'close an idle keep-alive connection after this long').env('P2P_KEEP_ALIVE_TIMEOUT').default('5'))
  .addOption(new Option('--log-level <level>', 'log level').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).env('P2P_LOG_LEVEL').default('info'))

async function main() {
  const parsed = Options.safeParse(program.parse().opts())
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
    logger,
  })
  console.log(
    [
      '',
      `  Devnet ledger: ${devnet.url}   (height ${devnet.ledger.height}, data in ${options.data})`,
      `  ARC:          ${devnet.url}/arc/v1/policy`,
      `  WhatsOnChain: ${devnet.url}/woc/v1/bsv/devnet/chain/info`,
      `  Hosts use it: npm start -- --devnet-url ${devnet.url}`,
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
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') console.error(`Port already in use: ${(error as Error).message}. Pick another with --port.`)
  else console.error(error)
  process.exit(1)
})
