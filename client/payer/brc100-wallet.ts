// The viewer's own BRC-100 wallet as a channel wallet (BSV Desktop and other Metanet clients, browser extensions,
// mobile wallets; reached through @bsv/sdk's WalletClient). It holds every key: the channel key is derived for this
// app's protocol and this host (security level 2, so the viewer approves once per host), the viewer's share returns to
// a BRC-29 key it derives, and the funding is created and signed without being sent. Isomorphic.
import { Beef, BEEF_V1, BEEF_V2, Transaction, Utils, type WalletInterface } from '@bsv/sdk'
import { MAX_FUNDING_BEEF_HEX_CHARS } from '../../protocol/message-limits.ts'
import { ChannelMultisig, p2pkhScriptHex } from '../../protocol/scripts.ts'
import { CHANNEL_SIGHASH } from '../../protocol/signature.ts'
import { sighashDigest } from '../../protocol/signing.ts'
import { CHANNEL_TX_VERSION, InsufficientFundsError } from '../../protocol/transactions.ts'
import { bytesToHex } from '../../protocol/raw-tx.ts'
import type { ChannelWallet, FundingOrder, SignedChannel, SignedFunding } from './channel-wallet.ts'
import type { ReturnedCoins } from './coins-back.ts'
import { parentsWithinCaps } from './funding-parents.ts'
import { CHANNEL_PROTOCOL, PAYMENT_PROTOCOL, type WalletChannelKeys } from './wallet-keys.ts'

/** What the viewer's wallet files this app's actions under. */
export const WALLET_LABEL = 'p2p channels'

export interface Brc100WalletOptions {
  wallet: WalletInterface
  /** The host as the viewer knows it (its address's host part), for the wallet's history. */
  host: string
  /** The stream being watched, for the wallet's history. */
  stream: () => string
  /** Whether the viewer lets hosts know their identity key. */
  shareIdentity: () => boolean
}

export interface Brc100ChannelWallet extends ChannelWallet {
  /** Hands the wallet coins that came back to it (see coins-back.ts). */
  takeBack(coins: ReturnedCoins): Promise<void>
}

function randomBase64(bytes: number): string {
  return Utils.toBase64(Array.from(globalThis.crypto.getRandomValues(new Uint8Array(bytes))))
}

/** WERR_INSUFFICIENT_FUNDS (code 7 over HTTP), as WalletClient rethrows it. */
function insufficient(error: unknown): InsufficientFundsError | null {
  const e = error as { name?: string; code?: unknown; totalSatoshisNeeded?: unknown; moreSatoshisNeeded?: unknown } | null
  if (e?.name !== 'WERR_INSUFFICIENT_FUNDS' && e?.code !== 7) return null
  const needed = typeof e.totalSatoshisNeeded === 'number' ? e.totalSatoshisNeeded : 0
  const more = typeof e.moreSatoshisNeeded === 'number' ? e.moreSatoshisNeeded : needed
  return new InsufficientFundsError(needed, Math.max(0, needed - more), 'brc100')
}

/**
 * The wallet's Atomic BEEF as ARC takes BEEF (BRC-62), hex: without the atomic prefix, and in version 1 when nothing
 * in it is a bare txid, as the wallet toolbox itself posts to ARC.
 */
function ledgerBeef(atomic: number[] | Uint8Array): string {
  const beef = Beef.fromBinary(atomic)
  if (beef.version === BEEF_V2 && beef.txs.every((btx) => !btx.isTxidOnly)) beef.version = BEEF_V1
  return beef.toHex()
}

export function brc100Wallet(options: Brc100WalletOptions): Brc100ChannelWallet {
  const { wallet } = options
  return {
    async channelKeys(terms) {
      const counterparty = terms.payeePublicKey
      const keyId = randomBase64(16)
      const returnKey = { derivationPrefix: randomBase64(8), derivationSuffix: randomBase64(8), senderIdentityKey: counterparty }
      // forSelf: our own child key; without it the wallet answers the host's child key, which only the host can sign for.
      const [channel, returned] = await Promise.all([
        wallet.getPublicKey({ protocolID: CHANNEL_PROTOCOL, keyID: keyId, counterparty, forSelf: true }),
        wallet.getPublicKey({ protocolID: PAYMENT_PROTOCOL, keyID: `${returnKey.derivationPrefix} ${returnKey.derivationSuffix}`, counterparty, forSelf: true }),
      ])
      const keys: WalletChannelKeys = { keyId, returnKey, host: options.host, stream: options.stream() }
      return { payerPublicKey: channel.publicKey, payerScript: p2pkhScriptHex(returned.publicKey), wallet: keys }
    },

    async fund(order: FundingOrder): Promise<SignedFunding> {
      const lockingScript = new ChannelMultisig().lock(order.keys.payerPublicKey, order.payeePublicKey).toHex()
      let created: Awaited<ReturnType<WalletInterface['createAction']>>
      try {
        // Signed now (signAndProcess is the default; a permissions manager refuses it set explicitly), not sent.
        created = await wallet.createAction({
          description: `Payment channel with ${options.host}`,
          outputs: [{ lockingScript, satoshis: order.capacity, outputDescription: 'Channel funds (2-of-2 with the host)' }],
          labels: [WALLET_LABEL],
          version: CHANNEL_TX_VERSION,
          options: { noSend: true, randomizeOutputs: false },
        })
      } catch (error) {
        throw insufficient(error) ?? error
      }
      if (!created.tx || !created.txid) throw new Error('the wallet did not return the signed funding transaction')
      const txid = created.txid
      const abandon = async () => void (await wallet.abortAction({ reference: txid }))
      const tx = Transaction.fromAtomicBEEF(created.tx)
      const vout = tx.outputs.findIndex((output) => output.lockingScript.toHex() === lockingScript && output.satoshis === order.capacity)
      if (tx.id('hex') !== txid || vout < 0 || tx.version !== CHANNEL_TX_VERSION) {
        await abandon().catch(() => undefined)
        throw new Error('the wallet built another funding than the one asked for (version 1, the 2-of-2 output): nothing was sent')
      }
      const beef = ledgerBeef(created.tx)
      if (beef.length <= MAX_FUNDING_BEEF_HEX_CHARS) return { txid, vout, hex: tx.toHex(), sendable: Promise.resolve({ beef }), abandon }
      // Too large to travel: the direct parents, for Extended Format (the ledger must know them then).
      const parents = parentsWithinCaps(tx.inputs.flatMap((input) => (input.sourceTransaction ? [input.sourceTransaction.toHex()] : [])))
      return { txid, vout, hex: tx.toHex(), sendable: Promise.resolve({ parents }), abandon }
    },

    async sign(channel: SignedChannel, preimage: Uint8Array): Promise<string> {
      if (!channel.wallet) throw new Error("this channel's key is this device's, not your BSV wallet's: switch back to this device's wallet to pay on it")
      const { signature } = await wallet.createSignature({
        hashToDirectlySign: sighashDigest(preimage),
        protocolID: CHANNEL_PROTOCOL,
        keyID: channel.wallet.keyId,
        counterparty: channel.payeePublicKey,
      })
      return bytesToHex([...signature, CHANNEL_SIGHASH])
    },

    async identityKey() {
      return options.shareIdentity() ? (await wallet.getPublicKey({ identityKey: true })).publicKey : null
    },

    async takeBack(coins: ReturnedCoins): Promise<void> {
      await wallet.internalizeAction({
        tx: coins.beef,
        outputs: [{ outputIndex: coins.outputIndex, protocol: 'wallet payment', paymentRemittance: coins.remittance }],
        description: coins.description.slice(0, 2000),
        labels: [WALLET_LABEL],
      })
    },
  }
}
