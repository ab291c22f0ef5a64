// Brings a PostgreSQL database to this host's schema: the numbered SQL files in migrations/ (001_*.sql, 002_*.sql, …)
// are applied in order, each once, in one transaction that holds an advisory lock. Instances starting together then
// wait for each other instead of racing; a failed migration leaves the database as it was.
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Pool } from 'pg'

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))
const FILE_NAME = /^(\d{3})_[a-z0-9_]+\.sql$/
/** pg_advisory_xact_lock(namespace, key): the namespace is this project's, the key names what is locked. */
export const LOCK_NAMESPACE = 0x5032 // "P2"
const MIGRATION_LOCK_KEY = 0

export interface Migration {
  version: number
  name: string
  sql: string
}

/** The migrations shipped with this host, in version order. */
export function shippedMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_NAME.exec(file)
      if (!match) throw new Error(`Migration file ${file} is not named NNN_words.sql`)
      return { version: Number(match[1]), name: file, sql: readFileSync(`${dir}/${file}`, 'utf8') }
    })
    .sort((a, b) => a.version - b.version)
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`Migrations must be numbered 001, 002, … without gaps; found ${migration.name}`)
  })
  return migrations
}

export class SchemaTooNew extends Error {}

/** Applies what the database lacks; returns the versions applied now (empty when it was up to date). */
export async function migrate(pool: Pool, migrations = shippedMigrations()): Promise<number[]> {
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_NAMESPACE, MIGRATION_LOCK_KEY])
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`)
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')
    const applied = new Set(rows.map((row) => row.version))
    const newest = Math.max(0, ...applied)
    if (newest > migrations.length) {
      throw new SchemaTooNew(
        `The database's schema is at version ${newest}, newer than this host knows (${migrations.length}): upgrade this instance before starting it.`,
      )
    }
    const now: number[] = []
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue
      await client.query(migration.sql)
      await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name])
      now.push(migration.version)
    }
    await client.query('COMMIT')
    return now
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw error
  } finally {
    client.release()
  }
}
