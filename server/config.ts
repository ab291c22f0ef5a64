// One validated configuration object, made from the settings table (settings.ts): flags, environment variables and
// defaults all meet here, and so do the rules that tie two settings together.
import { z } from 'zod'
import { checkAddress } from '../protocol/address.ts'
import type { Network } from '../protocol/messages.ts'
import { ConfigError } from '../node-shared/config-error.ts'
import { isLoopbackBind } from '../node-shared/host-names.ts'
import { flagName, SETTINGS, type SettingKey } from './settings.ts'

type Schemas = { [K in keyof typeof SETTINGS]: (typeof SETTINGS)[K]['schema'] }
const schemas = Object.fromEntries(Object.entries(SETTINGS).map(([key, each]) => [key, each.schema])) as Schemas

export const HostConfig = z.object(schemas)
export type HostConfig = z.infer<typeof HostConfig>
export type HostConfigInput = z.input<typeof HostConfig>

export function parseConfig(input: HostConfigInput): HostConfig {
  const result = HostConfig.safeParse(input)
  if (!result.success) throw new ConfigError(`Invalid configuration: ${describeSettingIssues(result.error)}`)
  if (result.data.minCapacity > result.data.maxCapacity) {
    throw new ConfigError('Invalid configuration: --min-capacity is larger than --max-capacity')
  }
  if (result.data.devnetUrl && result.data.network !== 'devnet') {
    throw new ConfigError(`Invalid configuration: --devnet-url names a devnet ledger, but the host runs on ${result.data.network}`)
  }
  if (result.data.devnetUrl && result.data.devnetTestMode) {
    throw new ConfigError('Invalid configuration: --devnet-test-mode is for the host\'s own devnet; start the shared one with `npm run devnet -- --test-mode`')
  }
  if (result.data.devnetTestMode && !isLoopbackBind(result.data.host)) {
    throw new ConfigError(
      `Invalid configuration: --devnet-test-mode lets whoever reaches the host make a conflicting transaction win; it is for tests on this machine only, with a loopback --host (127.0.0.1, ::1 or localhost), not ${result.data.host}`,
    )
  }
  if (result.data.store && result.data.network === 'devnet' && !result.data.devnetUrl) {
    throw new ConfigError('Invalid configuration: instances sharing --store must share one ledger too; on devnet start it with `npm run devnet` and pass --devnet-url')
  }
  const payoutProblem = payoutAddressProblem(result.data.payoutAddress, result.data.network)
  if (payoutProblem) throw new ConfigError(`Invalid configuration: ${payoutProblem}`)
  if (result.data.headersTimeoutSeconds > result.data.requestTimeoutSeconds) {
    throw new ConfigError('Invalid configuration: --headers-timeout must not be longer than --request-timeout')
  }
  if (result.data.deadlineMarginBlocks >= result.data.lifetimeBlocks) {
    throw new ConfigError('Invalid configuration: the deadline margin must be smaller than the channel lifetime')
  }
  return result.data
}

/** Each problem named by its flag, as the operator typed it: `--port: Too big: expected number to be <=65535`. */
function describeSettingIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const key = issue.path[0]
      const name = typeof key === 'string' && key in SETTINGS ? flagName(key as SettingKey) : String(key ?? 'configuration')
      return `${name}: ${issue.message}`
    })
    .join('; ')
}

/** Why the payout address cannot be used on `network`, or null when it can (devnet makes its own when none is given). */
export function payoutAddressProblem(address: string | undefined, network: Network): string | null {
  if (address === undefined) {
    if (network === 'devnet') return null
    return (
      `--payout-address (or P2P_PAYOUT_ADDRESS) is required on ${network}. Every channel's earnings are paid to it when ` +
      'the channel settles; without it they would go to a key kept only in the data folder. Give the address of a wallet ' +
      `you control${network === 'testnet' ? ' (a testnet address, starting with m or n)' : ' (starting with 1)'}.`
    )
  }
  const checked = checkAddress(address, network)
  return checked.ok ? null : `--payout-address: ${checked.message}`
}
