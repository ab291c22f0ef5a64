// A tiny typed event emitter. Isomorphic: node:events is not available in the browser bundle, and EventTarget's
// CustomEvent detail is untyped.

type Listener<A extends unknown[]> = (...args: A) => void
type AnyListener = (...args: unknown[]) => void

export class TypedEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  private readonly listeners = new Map<keyof Events, Set<AnyListener>>()

  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event)
    if (!set) this.listeners.set(event, (set = new Set()))
    set.add(listener as unknown as AnyListener)
    return () => this.off(event, listener)
  }

  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, ((...args: Events[K]) => {
      off()
      listener(...args)
    }) as Listener<Events[K]>)
    return off
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(listener as unknown as AnyListener)
  }

  protected emit<K extends keyof Events>(event: K, ...args: Events[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      // One broken listener (a UI bug) must not stop the payment flow or the other listeners.
      try {
        listener(...args)
      } catch (error) {
        console.error(`listener for "${String(event)}" threw`, error)
      }
    }
  }
}
