// A real PostgreSQL for a test: Debian's server binaries, a cluster initialised in a temp folder, listening on a free
// loopback port (and a socket in that folder), run as the postgres user because PostgreSQL refuses to run as root.
import { execFile, execFileSync } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { ensureDebianServers, isRoot, postgresBinDir } from './debian-servers.ts'
import { freePort } from './free-port.ts'

const run = promisify(execFile)

export interface TestPostgres {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string
  port: number
  /** The cluster's folder (postmaster.pid names the server's process). */
  dataDir: string
  /** A new, empty database on this server; its URL. */
  createDatabase(name: string): Promise<string>
  stop(): Promise<void>
}

export interface TestPostgresOptions {
  /**
   * fsync every commit, as production does (the bench). Tests leave it off: they kill host instances, never the
   * database server, and what a host is told is committed is committed either way.
   */
  durable?: boolean
}

/** Runs a PostgreSQL program as the postgres user when we are root (it refuses root), as ourselves otherwise. */
function asPostgres(program: string, args: string[]): Promise<unknown> {
  const bin = join(postgresBinDir()!, program)
  return isRoot() ? run('runuser', ['-u', 'postgres', '--', bin, ...args]) : run(bin, args)
}

export async function startTestPostgres(options: TestPostgresOptions = {}): Promise<TestPostgres> {
  ensureDebianServers()
  const dir = mkdtempSync(join(tmpdir(), 'p2p-pg-'))
  if (isRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
    chownSync(dir, uid, gid)
  }
  const data = join(dir, 'data')
  const port = await freePort()
  await asPostgres('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'])
  const settings = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c max_connections=200',
    ...(options.durable ? [] : ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']),
  ]
  await asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60', '-o', settings.join(' '), 'start'])
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  return {
    url,
    port,
    dataDir: data,
    async createDatabase(name) {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`)
      const client = new pg.Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`CREATE DATABASE ${name}`)
      } finally {
        await client.end()
      }
      return url.replace(/\/postgres$/, `/${name}`)
    },
    async stop() {
      await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
