// The host's lasting identity: its payee key and its admin token, kept in the store so restarts keep them.
import { randomBytes } from 'node:crypto'
import { PrivateKey } from '@bsv/sdk'
import type { ChannelStore } from './store/channel-store.ts'

export interface HostIdentity {
  payeeKey: PrivateKey
  adminToken: string
  /** True when the admin token was generated now and must be shown to the operator. */
  adminTokenGenerated: boolean
}

export async function loadIdentity(store: ChannelStore, configuredAdminToken: string | undefined): Promise<HostIdentity> {
  // Claimed, not overwritten: instances that share a store and start together must end up with one identity.
  const keyHex = (await store.setting('payee_key')) ?? (await store.claimSetting('payee_key', PrivateKey.fromRandom().toHex()))
  let adminToken = configuredAdminToken ?? (await store.setting('admin_token'))
  const adminTokenGenerated = !adminToken
  if (!adminToken) adminToken = await store.claimSetting('admin_token', randomBytes(24).toString('base64url'))
  return { payeeKey: PrivateKey.fromHex(keyHex), adminToken, adminTokenGenerated }
}
