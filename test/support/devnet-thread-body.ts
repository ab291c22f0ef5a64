// The body of devnet-thread.ts's worker: the real devnet server, a log of what its ledger accepted, and a way to keep
// its thread busy.
import { parentPort, workerData } from 'node:worker_threads'
import { startDevnetServer } from '../../devnet/server.ts'

const { dataDir, keepAliveTimeoutSeconds } = workerData as { dataDir: string; keepAliveTimeoutSeconds: number }
const accepted: string[] = []
const logger = {
  info(obj: object, msg?: string) {
    if (msg === 'devnet accepted tx') accepted.push((obj as { txid: string }).txid)
  },
  warn() {},
  error() {},
}
const devnet = await startDevnetServer({ port: 0, host: '127.0.0.1', dataDir, blockIntervalSeconds: 0, testMode: false, keepAliveTimeoutSeconds, logger })
const port = parentPort!
port.postMessage({ url: devnet.url })
port.on('message', (message: { stallMs?: number; accepted?: true }) => {
  if (message.accepted) port.postMessage({ accepted })
  if (message.stallMs !== undefined) {
    port.postMessage({ stalling: true })
    // Busy, as under load: nothing on this thread runs until the stall ends, and then its timers fire first.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, message.stallMs)
  }
})
