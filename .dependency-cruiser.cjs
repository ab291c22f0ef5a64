// The layering rules the folders promise (docs/architecture.md), checked on every `npm test`.
/** Packages that only run on Node: protocol/ is shared with the browser and may use none of them. */
const NODE_ONLY_PACKAGES = [
  '@bsv/wallet-toolbox',
  'better-sqlite3',
  'commander',
  'esbuild',
  'express',
  'helmet',
  'http-proxy',
  'knex',
  'pg',
  'pino',
  'pino-pretty',
  'playwright-core',
  'prom-client',
  'secp256k1',
  'socket\\.io$',
  '@socket\\.io/',
  'supertest',
  'tsx',
]

module.exports = {
  forbidden: [
    {
      name: 'protocol-is-shared',
      comment: 'protocol/ holds the rules both sides agree on: it imports nothing from the host, the viewer or the tools.',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { path: '^(server|client|scripts|test)/' },
    },
    {
      name: 'protocol-is-isomorphic',
      comment: 'protocol/ runs in the browser too: no Node built-ins.',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'protocol-has-no-node-packages',
      comment: 'protocol/ runs in the browser too: no packages that only run on Node.',
      severity: 'error',
      from: { path: '^protocol/' },
      to: { path: `node_modules/(${NODE_ONLY_PACKAGES.join('|')})` },
    },
    {
      name: 'client-is-not-the-host',
      comment: 'The viewer talks to the host over the wire only; shared rules live in protocol/.',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^server/' },
    },
    {
      name: 'server-is-not-the-viewer',
      comment: 'The host talks to the viewer over the wire only; shared rules live in protocol/.',
      severity: 'error',
      from: { path: '^server/' },
      to: { path: '^client/' },
    },
    {
      name: 'no-circular',
      comment: 'An import cycle makes two files one concept: split out what both need.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^client/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
}
