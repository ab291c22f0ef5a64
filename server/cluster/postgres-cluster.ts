// The cluster of host instances that share one PostgreSQL store. A channel's settlement lock is a PostgreSQL session
// advisory lock, taken on one connection kept for it: PostgreSQL releases every lock of an instance that dies with
// its connection, so a killed instance never leaves a channel that nobody may settle.
import pg from 'pg'
import type { Cluster } from '../channels/cluster.ts'

/** pg_try_advisory_lock(namespace, key): this namespace holds one key per channel (hashtext of its id). */
const SETTLEMENT_LOCKS = 0x5033
const POLL_MS = 100

export interface PostgresClusterOptions {
  /** How long an explicit settlement (the viewer's close, Stop) waits for another instance that is settling the channel. */
  waitMs?: number
  onError?: (error: Error) => void
}

export class SettlementElsewhere extends Error {}

export class PostgresCluster implements Cluster {
  readonly shared = true
  private connection: Promise<pg.Client> | null = null
  private closed = false

  constructor(
    private readonly url: string,
    private readonly options: PostgresClusterOptions = {},
  ) {}

  async exclusively<T>(channelId: string, work: () => Promise<T>, wait: boolean): Promise<T | null> {
    const client = await this.client()
    const deadline = Date.now() + (this.options.waitMs ?? 30_000)
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [SETTLEMENT_LOCKS, channelId])
      if (rows[0].locked) break
      if (!wait) return null
      if (Date.now() > deadline) throw new SettlementElsewhere(`Channel ${channelId} is being settled by another host instance; ask again shortly.`)
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
    try {
      return await work()
    } finally {
      await client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [SETTLEMENT_LOCKS, channelId]).catch(() => undefined)
    }
  }

  async close(): Promise<void> {
    this.closed = true
    const connection = this.connection
    this.connection = null
    await connection?.then((client) => client.end()).catch(() => undefined)
  }

  /** The lock connection, opened on first use and again after it broke (its locks went with it). */
  private client(): Promise<pg.Client> {
    if (this.closed) return Promise.reject(new Error('the cluster connection is closed'))
    this.connection ??= (async () => {
      const client = new pg.Client({ connectionString: this.url })
      client.on('error', (error) => {
        this.options.onError?.(error)
        this.connection = null
      })
      await client.connect()
      return client
    })().catch((error: unknown) => {
      this.connection = null
      throw error
    })
    return this.connection
  }
}
