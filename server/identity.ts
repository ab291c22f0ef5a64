// The host's lasting identity: its payee key and its admin token, kept in the store so restarts keep them.
import { randomBytes } from 'node:crypto'
import { PrivateKey } from '@bsv/sdk'
import { signingKeyFromHex } from './crypto/signing-key.ts'
import type { ChannelStore } from './store/channel-store.ts'

export interface HostIdentity {
  payeeKey: PrivateKey
  adminToken: string
  /** True when the admin token was generated now and must be shown to the operator. */
  adminTokenGenerated: boolean
}

export async function loadIdentity(store: ChannelStore, configuredAdminToken: string | undefined): Promise<HostIdentity> {
  let keyHex = await store.setting('payee_key')
  if (!keyHex) {
    keyHex = PrivateKey.fromRandom().toHex()
    await store.putSetting('payee_key', keyHex)
  }
  let adminToken = configuredAdminToken ?? (await store.setting('admin_token'))
  const adminTokenGenerated = !adminToken
  if (!adminToken) {
    adminToken = randomBytes(24).toString('base64url')
    await store.putSetting('admin_token', adminToken)
  }
  return { payeeKey: signingKeyFromHex(keyHex), adminToken, adminTokenGenerated }
}
