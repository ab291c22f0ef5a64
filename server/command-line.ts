// `npm start`'s command line, made from the settings table: one commander option per setting (and a `-file` twin for
// each secret), each also read from its P2P_ environment variable, with the schema's default in its help.
import { Command, Option } from 'commander'
import type { HostConfigInput } from './config.ts'
import { secretOption } from '../node-shared/secret-option.ts'
import { flagName, SETTINGS, type Setting, type SettingKey } from './settings.ts'

/** --max-pending-opens -> P2P_MAX_PENDING_OPENS; --no-sample -> P2P_NO_SAMPLE. */
export function envName(flag: string): string {
  return `P2P_${flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase()}`
}

function defaultOf(setting: Setting): unknown {
  const parsed = setting.schema.safeParse(undefined)
  return parsed.success ? parsed.data : undefined
}

function helpOf(setting: Setting): string {
  const fallback = defaultOf(setting)
  const shown = Array.isArray(fallback) ? fallback.join(',') : typeof fallback === 'object' ? JSON.stringify(fallback) : fallback
  const isSwitch = !setting.flag.includes('<')
  return fallback === undefined || isSwitch || shown === '' || shown === '{}' ? setting.help : `${setting.help} (default: ${shown})`
}

interface Parsed {
  option: Option
  fileOption?: Option
}

export function hostCommand(): { program: Command; input(): HostConfigInput } {
  const program = new Command()
    .name('p2p-channels')
    .description('Pay-per-second HLS over BSV payment channels: paywall proxy, devnet, player and dashboard.')
  const parsed = new Map<SettingKey, Parsed>()
  for (const key of Object.keys(SETTINGS) as SettingKey[]) {
    const setting: Setting = SETTINGS[key]
    const option = new Option(setting.flag, helpOf(setting)).env(envName(flagName(key)))
    if (setting.repeatable) option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value])
    program.addOption(option)
    let fileOption: Option | undefined
    if (setting.secret) {
      const fileFlag = `${flagName(key)}-file`
      fileOption = new Option(`${fileFlag} <path>`, `read ${flagName(key)} from this file, so it does not show in the process list`).env(envName(fileFlag))
      program.addOption(fileOption)
    }
    parsed.set(key, { option, fileOption })
  }
  const input = (): HostConfigInput => {
    const options = program.opts()
    const entries = [...parsed].map(([key, { option, fileOption }]) => {
      const value = options[option.attributeName()]
      return [key, fileOption ? secretOption(flagName(key), value, options[fileOption.attributeName()]) : value]
    })
    return Object.fromEntries(entries.filter(([, value]) => value !== undefined)) as HostConfigInput
  }
  return { program, input }
}
