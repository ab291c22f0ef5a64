// The nginx configuration in front of a cluster of host instances, written from one description so that the tests, the
// `npm run nginx-config` tool and docs/deploy.md show the same thing. Proxy mode: nginx forwards everything to the
// instances (the paywall streams the media). Edge mode: nginx also serves the media folder itself, to signed URLs only.
//
// Sticky routing: Socket.IO's long-polling transport needs every request of a connection on the instance that opened
// it. Each instance names itself in a cookie on the Socket.IO handshake (`--instance NAME`); nginx sends a request
// that carries the cookie to that instance, and to the others (as backups) when it is down. Requests without the cookie
// (the first handshake, WebSocket-only clients) are balanced over every instance.
//
// The access log has the path without its query string (a signed URL's signature, anything a client put there), and no
// header: the channel and admin tokens travel in headers. nginx passes the client's Host on ($host): the instances
// answer only to their own names, so they are started with --public-host for the site's server name.

export const STICKY_COOKIE = 'p2p_instance'

export interface ClusterInstance {
  /** The instance's --instance name. */
  name: string
  /** host:port it listens on. */
  address: string
}

export interface EdgeSite {
  /** The media folder nginx serves (the same files the instances' --media, or their origin, holds). */
  mediaRoot: string
  /** The URL path of the signed location; the instances' --edge-base-url (e.g. /edge/). */
  basePath: string
  /** A file holding `set $p2p_edge_secret "…";`, readable by nginx only (docs/deploy.md). */
  secretInclude: string
}

export interface NginxSite {
  /** nginx's `listen` parameter, e.g. "80" or "127.0.0.1:8080". */
  listen: string
  serverName?: string
  instances: ClusterInstance[]
  /** Edge mode when set; proxy mode otherwise. */
  edge: EdgeSite | null
  /** Where the access log goes (its format leaves query strings out). */
  accessLog?: string
}

export const DEFAULT_ACCESS_LOG = '/var/log/nginx/p2p-channels.access.log'

const upstreamName = (name: string) => `p2p_${name.replace(/-/g, '_')}`

function check(site: NginxSite): void {
  if (site.instances.length === 0) throw new Error('name at least one instance (NAME=HOST:PORT)')
  const names = new Set<string>()
  for (const { name, address } of site.instances) {
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(name)) throw new Error(`instance name "${name}": use lower-case letters, digits and dashes`)
    if (!/^[A-Za-z0-9.\-[\]:]+:\d{1,5}$/.test(address)) throw new Error(`instance ${name}: "${address}" is not HOST:PORT`)
    if (names.has(name)) throw new Error(`instance name "${name}" is used twice`)
    names.add(name)
  }
  if (site.edge && !/^\/([A-Za-z0-9._-]+\/)+$/.test(site.edge.basePath)) throw new Error(`edge base path "${site.edge.basePath}" must look like /edge/`)
}

function server(address: string, backup: boolean): string {
  return `  server ${address} max_fails=1 fail_timeout=10s${backup ? ' backup' : ''};`
}

const json = (error: string, message: string) => `'{"error":"${error}","message":"${message}"}'`

function edgeLocation(edge: EdgeSite): string[] {
  return [
    `  # Edge mode: segments are served here, to URLs the host signed when their payment committed (server/edge/signed-url.ts).`,
    `  location ${edge.basePath} {`,
    `    limit_except GET { deny all; }`,
    `    default_type application/json;`,
    `    secure_link $arg_s,$arg_e;`,
    `    secure_link_md5 "$secure_link_expires$uri|$arg_c|$arg_r|$p2p_edge_secret";`,
    `    if ($secure_link = "") { return 403 ${json('bad_signature', 'This media URL is not signed by the host, or was altered. Pay for the segment to get one.')}; }`,
    `    if ($secure_link = "0") { return 410 ${json('expired', 'This signed media URL has expired. Request the segment from the host again.')}; }`,
    `    if ($p2p_range_ok = 0) { return 416 ${json('range_not_signed', 'This URL is signed for other bytes: send Range: bytes=<the r parameter>.')}; }`,
    `    add_header Cache-Control "private, no-store" always;`,
    `    alias ${edge.mediaRoot.replace(/\/?$/, '/')};`,
    `  }`,
    '',
  ]
}

/** The http-level part: upstreams, maps and the server block (include it inside `http { }`). */
export function nginxSiteConfig(site: NginxSite): string {
  check(site)
  const { instances } = site
  const lines = [
    `# P2P Channels: ${instances.length} host instance(s), ${site.edge ? 'edge' : 'proxy'} mode. Written by \`npm run nginx-config\`.`,
    `upstream p2p_any {`,
    ...instances.map(({ address }) => server(address, false)),
    `  keepalive 64;`,
    `}`,
    ...instances.flatMap(({ name, address }) => [
      `upstream ${upstreamName(name)} {`,
      server(address, false),
      ...instances.filter((other) => other.name !== name).map((other) => server(other.address, true)),
      `  keepalive 16;`,
      `}`,
    ]),
    `map $cookie_${STICKY_COOKIE} $p2p_upstream {`,
    `  default p2p_any;`,
    ...instances.map(({ name }) => `  ${name} ${upstreamName(name)};`),
    `}`,
    `# The path only ($uri), never the query string ($request, $request_uri, $args): see the top of the file.`,
    `log_format p2p_channels '$remote_addr - - [$time_local] "$request_method $uri $server_protocol" $status $body_bytes_sent "$http_user_agent" $request_time';`,
    `map $http_upgrade $p2p_connection {`,
    `  default upgrade;`,
    `  '' '';`,
    `}`,
    ...(site.edge
      ? [
          `# A URL signed for a byte range (r=START-END) is served only for exactly that Range; a whole-file URL for any.`,
          `map "$arg_r|$http_range" $p2p_range_ok {`,
          `  default 0;`,
          `  "~^\\|" 1;`,
          `  "~^([0-9]{1,15}-[0-9]{1,15})\\|bytes=\\1$" 1;`,
          `}`,
        ]
      : []),
    `server {`,
    `  listen ${site.listen};`,
    ...(site.serverName ? [`  server_name ${site.serverName};`, `  # The instances answer to this name only if started with --public-host ${site.serverName}.`] : []),
    `  access_log ${site.accessLog ?? DEFAULT_ACCESS_LOG} p2p_channels;`,
    ...(site.edge ? [`  include ${site.edge.secretInclude};`] : []),
    '',
    ...(site.edge ? edgeLocation(site.edge) : []),
    `  # Everything else (player, playlists, init segments, Socket.IO, the dashboard, the API${site.edge ? '' : ', paid segments'}) goes to an instance.`,
    `  location / {`,
    `    proxy_pass http://$p2p_upstream;`,
    `    proxy_http_version 1.1;`,
    `    proxy_set_header Host $host;`,
    `    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;`,
    `    proxy_set_header X-Forwarded-Proto $scheme;`,
    `    proxy_set_header Upgrade $http_upgrade;`,
    `    proxy_set_header Connection $p2p_connection;`,
    `    proxy_read_timeout 1h;`,
    `    proxy_next_upstream error timeout;`,
    `  }`,
    `}`,
  ]
  return lines.join('\n') + '\n'
}

/** A whole nginx.conf for `nginx -p PREFIX -c PREFIX/nginx.conf` (tests, the bench): everything under PREFIX. */
export function nginxMainConfig(prefix: string, site: NginxSite, user?: string): string {
  return [
    ...(user ? [`user ${user};`] : []),
    'worker_processes 1;',
    `pid ${prefix}/nginx.pid;`,
    `error_log ${prefix}/error.log warn;`,
    'events { worker_connections 4096; }',
    'http {',
    '  include /etc/nginx/mime.types;',
    '  default_type application/octet-stream;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${prefix}/tmp/${kind};`),
    '  sendfile on;',
    nginxSiteConfig({ ...site, accessLog: `${prefix}/access.log` })
      .split('\n')
      .map((line) => (line ? `  ${line}` : line))
      .join('\n'),
    '}',
    '',
  ].join('\n')
}
