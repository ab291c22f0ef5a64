// The host's lasting identity: the channel key (co-signs every channel's 2-of-2), where its earnings go (the payout
// address), and its admin token. The keys sit in files of mode 0600 in the data folder, the token in the store.
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PrivateKey } from '@bsv/sdk'
import { checkAddress } from '../protocol/address.ts'
import type { Network } from '../protocol/messages.ts'
import { signingKeyFromHex } from './crypto/signing-key.ts'
import { keyFromFile, type KeyFileLog } from './keys/key-file.ts'
import type { ChannelStore } from './store/channel-store.ts'

/** File names in the data folder. Back both up: see the README's "Going live on mainnet". */
export const CHANNEL_KEY_FILE = 'channel.key'
export const PAYOUT_KEY_FILE = 'payout.key'
/** Where data folders from before key files kept the channel key. */
const LEGACY_KEY_SETTING = 'payee_key'

export interface Payout {
  address: string
  /** The P2PKH script new channels pay, hex. */
  script: string
  /** True when the host made the payout key itself (devnet without --payout-address): it is in PAYOUT_KEY_FILE. */
  generated: boolean
}

export interface HostIdentity {
  channelKey: PrivateKey
  payout: Payout
  adminToken: string
  /** True when the admin token was generated now and must be shown to the operator. */
  adminTokenGenerated: boolean
}

export interface IdentityOptions {
  dataDir: string
  network: Network
  adminToken?: string
  /** Checked by the config; required on testnet and mainnet. */
  payoutAddress?: string
  log?: KeyFileLog
}

export async function loadIdentity(store: ChannelStore, options: IdentityOptions): Promise<HostIdentity> {
  mkdirSync(options.dataDir, { recursive: true })
  const legacy = await store.setting(LEGACY_KEY_SETTING)
  const stored = keyFromFile(join(options.dataDir, CHANNEL_KEY_FILE), () => (legacy ? PrivateKey.fromHex(legacy) : PrivateKey.fromRandom()), options.log).key
  // It signs every refund and close: through libsecp256k1 where the platform has it.
  const channelKey = signingKeyFromHex(stored.toHex())
  // Only once the key is safely in its file does the old copy go.
  if (legacy) await store.deleteSetting(LEGACY_KEY_SETTING)
  let adminToken = options.adminToken ?? (await store.setting('admin_token'))
  const adminTokenGenerated = !adminToken
  if (!adminToken) {
    adminToken = randomBytes(24).toString('base64url')
    await store.putSetting('admin_token', adminToken)
  }
  return { channelKey, payout: payoutOf(options), adminToken, adminTokenGenerated }
}

function payoutOf(options: IdentityOptions): Payout {
  if (options.payoutAddress) {
    const checked = checkAddress(options.payoutAddress, options.network)
    if (!checked.ok) throw new Error(`--payout-address: ${checked.message}`)
    return { address: checked.address, script: checked.script, generated: false }
  }
  if (options.network !== 'devnet') throw new Error(`--payout-address is required on ${options.network}`)
  const key = keyFromFile(join(options.dataDir, PAYOUT_KEY_FILE), () => PrivateKey.fromRandom(), options.log).key
  const own = checkAddress(key.toAddress('mainnet'), 'devnet')
  if (!own.ok) throw new Error(own.message)
  return { address: own.address, script: own.script, generated: true }
}
