// A small read-only window into the player for end-to-end tests and curious viewers: window.p2p.state().
// Read-only by construction: it hands out copies, never the session or the wallet.

export interface DebugHandle {
  state(): Record<string, unknown>
  history(): unknown[]
}

declare global {
  interface Window {
    p2p?: Readonly<DebugHandle>
  }
}

export function installDebugHandle(handle: DebugHandle): void {
  window.p2p = Object.freeze({ state: () => handle.state(), history: () => handle.history() })
}
