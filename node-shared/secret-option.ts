// A secret given on the command line shows in the process list (ps, /proc/PID/cmdline) to every user of the machine.
// So each secret flag has a twin naming a file to read it from (--admin-token-file), and both read an environment
// variable too (P2P_ADMIN_TOKEN, P2P_ADMIN_TOKEN_FILE): systemd's EnvironmentFile, or a file of mode 0600.
import { readFileSync } from 'node:fs'
import { ConfigError } from './config-error.ts'

/** The secret from `--flag VALUE` or from the file `--flag-file PATH` names (one line, trimmed); undefined when neither. */
export function secretOption(flag: string, value: string | undefined, file: string | undefined): string | undefined {
  if (value && file) throw new ConfigError(`Give ${flag} or ${flag}-file, not both.`)
  if (!file) return value || undefined
  let text: string
  try {
    text = readFileSync(file, 'utf8').trim()
  } catch (error) {
    throw new ConfigError(`Cannot read ${flag}-file ${file}: ${(error as Error).message}`)
  }
  if (!text) throw new ConfigError(`${flag}-file ${file} is empty.`)
  return text
}
