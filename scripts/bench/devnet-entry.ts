// Bench child: the devnet ledger in its own process, as ARC and WhatsOnChain are in production, so the host's heap and
// CPU figures are the host's own and not the ledger's growing chain. Usage: devnet-entry.ts <dataDir> [block interval s]
import pino from 'pino'
import { startDevnetServer } from '../../devnet/server.ts'

const dataDir = process.argv[2]
if (!dataDir) throw new Error('usage: devnet-entry.ts <dataDir> [block interval s]')
const blockIntervalSeconds = Number(process.argv[3] ?? 0)
const devnet = await startDevnetServer({ port: 0, host: '127.0.0.1', dataDir, blockIntervalSeconds, testMode: false, logger: pino({ level: 'warn' }) })
process.send!({ type: 'ready', url: devnet.url })
process.on('SIGTERM', () => devnet.close().then(() => process.exit(0)))
