// The host's lasting identity: the channel key (co-signs every channel's 2-of-2), where its earnings go (the payout
// address), and its admin token. The keys sit in files of mode 0600 in the data folder; of the admin token the store
// keeps only a SHA-256 digest, so a generated token is shown once, at the start that made it.
import { randomBytes } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { PrivateKey } from '@bsv/sdk'
import { checkAddress } from '../protocol/address.ts'
import type { Network } from '../protocol/messages.ts'
import { tokenDigest } from '../node-shared/admin-gate.ts'
import { signingKeyFromHex } from './crypto/signing-key.ts'
import { keyFromFile, type KeyFileLog } from './keys/key-file.ts'
import type { ChannelStore } from './store/channel-store.ts'

/** File names in the data folder. Back both up: see docs/going-live.md. */
export const CHANNEL_KEY_FILE = 'channel.key'
export const PAYOUT_KEY_FILE = 'payout.key'
/** Where data folders from before key files kept the channel key. */
const LEGACY_KEY_SETTING = 'payee_key'
/** In a shared store: the public half of the channel key every instance must sign with. */
/** Stored under the name it had when instances were called a fleet: databases already hold it. */
const CLUSTER_KEY_SETTING = 'fleet_channel_public_key'
/** The generated admin token's SHA-256, hex. */
const ADMIN_DIGEST_SETTING = 'admin_token_sha256'
/** Where data folders from before kept the generated admin token itself. */
const LEGACY_ADMIN_SETTING = 'admin_token'

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
  /** What admin requests are checked against. */
  adminTokenDigest: Buffer
  /** The token made at this start, to be shown once (its digest is all that is kept); null when configured or made before. */
  generatedAdminToken: string | null
}

export interface IdentityOptions {
  dataDir: string
  network: Network
  adminToken?: string
  /** Checked by the config; required on testnet and mainnet. */
  payoutAddress?: string
  log?: KeyFileLog
  /** Other instances share the store (--store): they must all hold the same channel key. */
  shared?: boolean
}

export async function loadIdentity(store: ChannelStore, options: IdentityOptions): Promise<HostIdentity> {
  mkdirSync(options.dataDir, { recursive: true })
  const legacy = await store.setting(LEGACY_KEY_SETTING)
  const stored = keyFromFile(join(options.dataDir, CHANNEL_KEY_FILE), () => (legacy ? PrivateKey.fromHex(legacy) : PrivateKey.fromRandom()), options.log).key
  // It signs every refund and close: through libsecp256k1 where the platform has it.
  const channelKey = signingKeyFromHex(stored.toHex())
  // Only once the key is safely in its file does the old copy go.
  if (legacy) await store.deleteSetting(LEGACY_KEY_SETTING)
  if (options.shared) await agreeWithCluster(store, channelKey, options.dataDir)
  const admin = options.adminToken ? { adminTokenDigest: tokenDigest(options.adminToken), generatedAdminToken: null } : await storedAdminToken(store)
  return { channelKey, payout: payoutOf(options), ...admin }
}

/** The generated admin token's digest, made (and the token shown) on the first start; an older plain one is hashed. */
async function storedAdminToken(store: ChannelStore): Promise<Pick<HostIdentity, 'adminTokenDigest' | 'generatedAdminToken'>> {
  const legacy = await store.setting(LEGACY_ADMIN_SETTING)
  if (legacy) {
    // The operator still holds the old token: it keeps working, and only its digest stays.
    await store.claimSetting(ADMIN_DIGEST_SETTING, tokenDigest(legacy).toString('hex'))
    await store.deleteSetting(LEGACY_ADMIN_SETTING)
  }
  const stored = await store.setting(ADMIN_DIGEST_SETTING)
  if (stored) return { adminTokenDigest: Buffer.from(stored, 'hex'), generatedAdminToken: null }
  const token = randomBytes(24).toString('base64url')
  const mine = tokenDigest(token).toString('hex')
  // Claimed, not overwritten: of instances that share a store and start together, one token wins and only its maker shows it.
  const claimed = await store.claimSetting(ADMIN_DIGEST_SETTING, mine)
  return { adminTokenDigest: Buffer.from(claimed, 'hex'), generatedAdminToken: claimed === mine ? token : null }
}

/**
 * Every instance of a cluster co-signs the same channels, so each must hold the same channel key: the first to start
 * records its public half in the store, and an instance with another key refuses to start (its closes would not verify).
 */
async function agreeWithCluster(store: ChannelStore, channelKey: PrivateKey, dataDir: string): Promise<void> {
  const mine = channelKey.toPublicKey().toString()
  const agreed = await store.claimSetting(CLUSTER_KEY_SETTING, mine)
  if (agreed === mine) return
  throw new Error(
    `This instance's channel key (${join(dataDir, CHANNEL_KEY_FILE)}) is not the one the other instances sharing this store sign with ` +
      `(public key ${agreed}). Copy the first instance's ${CHANNEL_KEY_FILE} (and ${PAYOUT_KEY_FILE}, if it made one) into ${dataDir}, then start this one.`,
  )
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
