// `npm run nginx-config -- --instance a=127.0.0.1:8081 --instance b=127.0.0.1:8082 [--media /srv/p2p/media]`: prints
// the nginx site for a fleet of host instances (server/edge/nginx-config.ts), in proxy mode, or in edge mode when
// --media names the folder nginx serves to signed URLs. docs/deploy.md explains each part.
import { Command, Option } from 'commander'
import { DEFAULT_ACCESS_LOG, nginxSiteConfig, type ClusterInstance } from '../server/edge/nginx-config.ts'

const collect = (value: string, previous: string[]) => [...previous, value]

const program = new Command()
  .name('nginx-config')
  .description('Prints the nginx configuration for several P2P Channels host instances (include it inside http { }).')
  .addOption(new Option('--instance <name=host:port>', 'an instance and where it listens (repeat for each; its --instance name)').argParser(collect).default([]))
  .addOption(new Option('--listen <address>', "nginx's listen parameter").default('80'))
  .addOption(new Option('--server-name <name>', "nginx's server_name (start the instances with --public-host NAME)"))
  .addOption(new Option('--access-log <path>', 'where nginx logs requests (paths only, never query strings)').default(DEFAULT_ACCESS_LOG))
  .addOption(new Option('--media <dir>', 'edge mode: the media folder nginx serves to signed URLs'))
  .addOption(new Option('--edge-base-path <path>', "edge mode: the signed location, the instances' --edge-base-url").default('/edge/'))
  .addOption(new Option('--secret-include <file>', 'edge mode: the file that sets $p2p_edge_secret').default('/etc/nginx/p2p-edge-secret.conf'))

const options = program.parse().opts()
const instances: ClusterInstance[] = (options.instance as string[]).map((spec) => {
  const [name, address] = spec.split('=')
  return { name: name ?? '', address: address ?? '' }
})
try {
  process.stdout.write(
    nginxSiteConfig({
      listen: options.listen,
      serverName: options.serverName,
      accessLog: options.accessLog,
      instances,
      edge: options.media ? { mediaRoot: options.media, basePath: options.edgeBasePath, secretInclude: options.secretInclude } : null,
    }),
  )
} catch (error) {
  console.error(`nginx-config: ${(error as Error).message}`)
  process.exit(1)
}
