// The playlists a store remembers are bounded, in both engines: past REMEMBERED_PLAYLISTS, those first served longest
// ago are forgotten; a playlist served again changes nothing.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import { REMEMBERED_PLAYLISTS, type ChannelStore } from '../../server/store/channel-store.ts'
import { PostgresChannelStore } from '../../server/store/postgres-store.ts'
import { SqliteChannelStore } from '../../server/store/sqlite-store.ts'
import { tempDir } from '../support/host.ts'
import { startTestPostgres, type TestPostgres } from '../support/postgres.ts'

let server: TestPostgres
const dir = tempDir('remembered')

before(async () => {
  server = await startTestPostgres()
})
after(async () => {
  await server.stop()
  rmSync(dir, { recursive: true, force: true })
})

const engines: Record<string, () => Promise<ChannelStore>> = {
  sqlite: async () => SqliteChannelStore.open(dir, { durability: 'normal' }),
  postgres: async () => PostgresChannelStore.open(await server.createDatabase('remembered')),
}

for (const [engine, open] of Object.entries(engines)) {
  test(`the ${engine} store keeps the ${REMEMBERED_PLAYLISTS} playlists first served most recently`, async () => {
    const store = await open()
    try {
      const extra = 20
      for (let n = 0; n < REMEMBERED_PLAYLISTS + extra; n++) await store.rememberPlaylist(`/media/p${n}.m3u8`, 1_000 + n)
      await store.rememberPlaylist('/media/p500.m3u8', 9_999)
      const kept = await store.playlists(REMEMBERED_PLAYLISTS * 2)
      assert.equal(kept.length, REMEMBERED_PLAYLISTS)
      assert.equal(kept[0], `/media/p${REMEMBERED_PLAYLISTS + extra - 1}.m3u8`, 'p500 served again counts from its first time')
      assert.equal(kept.at(-1), `/media/p${extra}.m3u8`)
      assert.ok(!kept.includes('/media/p0.m3u8'), 'the first served longest ago is forgotten')
    } finally {
      await store.close()
    }
  })
}
