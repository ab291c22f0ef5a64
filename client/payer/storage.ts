// Where the viewer's key, channel state, preferences and past sessions live between page loads.
// The shape is the Web Storage API's, so the browser passes localStorage as is; Node passes a MemoryStorage or a file.

/** The three methods of the Web Storage API that we use. */
export interface KeyValueStorage {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
  removeItem(key: string): void
}

/** Storage that lasts as long as the process: for the Node viewer fleet and tests. */
export class MemoryStorage implements KeyValueStorage {
  private readonly items = new Map<string, string>()

  getItem(key: string): string | null {
    return this.items.get(key) ?? null
  }

  setItem(key: string, value: string): void {
    this.items.set(key, String(value))
  }

  removeItem(key: string): void {
    this.items.delete(key)
  }
}

/** Reads JSON stored under `key`; a missing or corrupt entry yields null rather than breaking the page. */
export function readJson(storage: KeyValueStorage, key: string): unknown {
  const text = storage.getItem(key)
  if (text === null) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

export function writeJson(storage: KeyValueStorage, key: string, value: unknown): void {
  storage.setItem(key, JSON.stringify(value))
}
