// A real nginx for a test: Debian's binary with its own prefix, config and logs in a temp folder, on a free loopback
// port, running in the foreground as a child process. The config is the one `npm run nginx-config` writes.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { nginxMainConfig, type NginxSite } from '../../server/edge/nginx-config.ts'
import { ensureDebianServers, isRoot, NGINX } from './debian-servers.ts'
import { freePort } from './free-port.ts'

export interface TestNginx {
  url: string
  port: number
  /** nginx's folder: its config, access.log and error.log. */
  prefix: string
  /** nginx's error log so far (for failure messages). */
  errors(): string
  stop(): Promise<void>
}

export interface TestNginxSite extends Omit<NginxSite, 'listen' | 'edge'> {
  /** Edge mode: the media folder, the signed location and the secret. */
  edge?: { mediaRoot: string; basePath: string; secret: string }
}

export async function startTestNginx(site: TestNginxSite): Promise<TestNginx> {
  ensureDebianServers()
  const prefix = mkdtempSync(join(tmpdir(), 'p2p-nginx-'))
  for (const kind of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(prefix, 'tmp', kind), { recursive: true })
  const port = await freePort()
  const secretInclude = join(prefix, 'edge-secret.conf')
  if (site.edge) writeFileSync(secretInclude, `set $p2p_edge_secret "${site.edge.secret}";\n`, { mode: 0o600 })
  const edge = site.edge ? { mediaRoot: site.edge.mediaRoot, basePath: site.edge.basePath, secretInclude } : null
  // As root, workers would run as nobody, who cannot read a test's temp folders.
  const config = nginxMainConfig(prefix, { ...site, listen: `127.0.0.1:${port}`, edge }, isRoot() ? 'root' : undefined)
  writeFileSync(join(prefix, 'nginx.conf'), config)
  const child: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', join(prefix, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = `http://127.0.0.1:${port}`
  const errors = () => {
    try {
      return stderr + readFileSync(join(prefix, 'error.log'), 'utf8')
    } catch {
      return stderr
    }
  }
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${errors()}`)
    const up = await fetch(`${url}/__nginx_probe`).then(() => true, () => false)
    if (up) break
    if (tries > 100) throw new Error(`nginx did not answer on ${url}: ${errors()}`)
    await sleep(50)
  }
  return {
    url,
    port,
    prefix,
    errors,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await exited
      }
      rmSync(prefix, { recursive: true, force: true })
    },
  }
}
