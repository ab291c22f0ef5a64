// What a host instance stands on: the SQLite file in its data folder, alone (the default `npm start` runs), or a
// PostgreSQL database shared with other instances of it. Shared, it also needs the cluster's settlement locks, and
// Socket.IO events (a settlement, Start/Stop, the dashboard's feed) must reach sockets held by any instance: the
// PostgreSQL adapter relays them with NOTIFY, so no second server is needed.
import { createAdapter } from '@socket.io/postgres-adapter'
import type { Server } from 'socket.io'
import type { AcceptingSwitch } from '../channels/accepting-switch.ts'
import type { ChannelEventSource } from '../channels/channel-events.ts'
import { ALONE, type Cluster } from '../channels/cluster.ts'
import type { HostConfig } from '../config.ts'
import { STICKY_COOKIE } from '../edge/nginx-config.ts'
import type { ChannelStore } from '../store/channel-store.ts'
import { PostgresChannelStore } from '../store/postgres-store.ts'
import { SqliteChannelStore } from '../store/sqlite-store.ts'
import { PostgresCluster } from './postgres-cluster.ts'

/** What the backing needs of the channel core: its Start/Stop switch, to relay it and to follow it. */
export interface SwitchedChannels {
  events: ChannelEventSource
  switch: Pick<AcceptingSwitch, 'follow'>
}

export interface HostBacking {
  store: ChannelStore
  cluster: Cluster
  /**
   * Wires the Socket.IO server into the cluster: events across instances, the sticky-routing cookie, and the Start/Stop
   * switch (pressed on one instance, every instance follows; the viewers hear it once, from the adapter's broadcast).
   */
  attach(io: Server<any, any, any, any>, channels: SwitchedChannels): void
  close(): Promise<void>
}

const SWITCH_EVENT = 'p2p:accepting'

export interface BackingLog {
  warn(details: object, message: string): void
}

export async function openBacking(config: Pick<HostConfig, 'store' | 'dataDir' | 'durability' | 'instance'>, log: BackingLog): Promise<HostBacking> {
  const pinToInstance = (io: Server<any, any, any, any>) => {
    if (!config.instance) return
    // nginx routes requests carrying this cookie to this instance (server/edge/nginx-config.ts).
    io.engine.on('initial_headers', (headers: Record<string, string>) => {
      headers['set-cookie'] = `${STICKY_COOKIE}=${config.instance}; Path=/; HttpOnly; SameSite=Lax`
    })
  }
  if (!config.store) {
    const store = SqliteChannelStore.open(config.dataDir, { durability: config.durability })
    return { store, cluster: ALONE, attach: pinToInstance, close: () => store.close() }
  }
  const onError = (error: Error) => log.warn({ err: error }, 'a PostgreSQL connection failed; it will be replaced')
  const store = await PostgresChannelStore.open(config.store, { onError })
  const cluster = new PostgresCluster(config.store, { onError })
  return {
    store,
    cluster,
    attach(io, channels) {
      io.adapter(createAdapter(store.pool, { errorHandler: onError }))
      pinToInstance(io)
      channels.events.on('accepting', (accepting) => io.serverSideEmit(SWITCH_EVENT, accepting))
      io.on(SWITCH_EVENT, (accepting: unknown) => {
        if (typeof accepting === 'boolean') channels.switch.follow(accepting)
      })
    },
    async close() {
      await cluster.close()
      await store.close()
    },
  }
}
