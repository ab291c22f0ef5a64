// A channel wallet made of one private key and its P2PKH coins: this device's wallet (wallet.ts) and each viewer of
// the QA fleet. The key is the channel key, its P2PKH takes the viewer's share back, and everything is signed here.
import type { PrivateKey } from '@bsv/sdk'
import { CHANNEL_SIGHASH } from '../../protocol/signature.ts'
import { signPreimage } from '../../protocol/signing.ts'
import { buildFunding, type SpendableUtxo } from '../../protocol/transactions.ts'
import { bytesToHex } from '../../protocol/raw-tx.ts'
import type { ChannelWallet, SignedChannel } from './channel-wallet.ts'
import { fundingParents } from './funding-parents.ts'

export interface KeyAndCoins {
  readonly key: PrivateKey
  utxos(): Promise<SpendableUtxo[]>
  /** A transaction the coins came from, raw hex (null when unknown): the funding then travels in Extended Format. */
  rawTx?(txid: string): Promise<string | null>
}

/**
 * A random block height below 500,000,000 for the funding's nLockTime, which its final inputs leave without effect:
 * each open gets a funding, and an outpoint, of its own, even from the same coins after a refused funding (a host lets
 * one outpoint back one channel only).
 */
function freshFundingLockTime(): number {
  return 1 + (crypto.getRandomValues(new Uint32Array(1))[0] % 499_999_999)
}

export function keyWallet(source: KeyAndCoins): ChannelWallet {
  const publicKey = source.key.toPublicKey().toString()
  return {
    channelKeys: async () => ({ payerPublicKey: publicKey }),
    async fund(order) {
      const funded = buildFunding({ payerKey: source.key, payeePublicKey: order.payeePublicKey, capacity: order.capacity, utxos: await source.utxos(), feeRate: order.feeRate, lockTime: freshFundingLockTime() })
      // Fetched while the opening goes: they travel only with "fund" (and never fail: without them it goes raw).
      const sendable = source.rawTx ? fundingParents(funded.hex, (txid) => source.rawTx!(txid)).then((parents) => ({ parents })) : Promise.resolve({})
      // Nothing to undo: the coins stay where they are until the host broadcasts the funding.
      return { txid: funded.txid, vout: funded.vout, hex: funded.hex, sendable, abandon: async () => {} }
    },
    async sign(channel: SignedChannel, preimage: Uint8Array) {
      if (channel.wallet || channel.payerPublicKey !== publicKey) {
        throw new Error("this channel's key is not this device's: it was opened with your BSV wallet. Reach that wallet again, or Stop to settle what was paid.")
      }
      return bytesToHex(signPreimage(preimage, source.key, CHANNEL_SIGHASH))
    },
    identityKey: async () => null,
  }
}
