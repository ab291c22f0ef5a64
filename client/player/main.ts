// The viewer's page starts here, and this first script is small: it opens the line to the host (WebSocket first) the
// moment the page runs, then runs the rest of the page (player-page.ts: hls.js, the wallet, the panels), which the
// browser has been fetching beside it since the HTML named it (a modulepreload link). The socket's handshake and the
// host's terms so overlap that download and its evaluation, instead of waiting for them.
import { io } from 'socket.io-client'
import type { Terms } from '../../protocol/messages.ts'
import type { HostSocket } from '../payer/host-request.ts'
import { markStep } from '../payer/timeline.ts'
import { ErrorBanner } from './error-banner.ts'
import type { HostConnection } from './player-page.ts'

markStep('script', 'end')

function connectToHost(): HostConnection {
  markStep('socket', 'start')
  const socket: HostSocket = io(location.origin, { transports: ['websocket', 'polling'] })
  let terms: Terms | null = null
  socket.once('connect', () => {
    markStep('socket', 'end')
    markStep('terms', 'start')
  })
  // Kept until the session listens: the host sends its terms once, on connect.
  socket.on('terms', (latest) => {
    terms = latest
    markStep('terms', 'end')
  })
  return { socket, earlyTerms: () => terms }
}

const connection = connectToHost()
import('./player-page.ts').then(
  ({ startPlayerPage }) => void startPlayerPage(connection),
  (error: unknown) => {
    connection.socket.disconnect()
    new ErrorBanner().show({
      kind: 'host_unreachable',
      message: `The player's script did not load (${error instanceof Error ? error.message : String(error)}).`,
      nextStep: 'Check your connection, then reload the page.',
    })
  },
)
