// What a channel paid from the viewer's BRC-100 wallet remembers of its keys, so the wallet can sign its updates after
// a reload and take back the coins it returns: no secret, only how the wallet derives them again. Isomorphic.

/** The BRC-43 protocol every channel key is derived under (security level 2: the wallet asks once per app and host). */
export const CHANNEL_PROTOCOL: [2, string] = [2, 'p2p channels']

/** BRC-29 ('wallet payment'): what the viewer's share is paid to, so `internalizeAction` counts it as the wallet's coins. */
export const PAYMENT_PROTOCOL: [2, string] = [2, '3241645161d8']

/** How the wallet finds a payment key again (BRC-29's paymentRemittance). */
export interface Remittance {
  derivationPrefix: string
  derivationSuffix: string
  /** Who the wallet records as having paid: the host's channel key. */
  senderIdentityKey: string
}

export interface WalletChannelKeys {
  /** The channel key's key ID under CHANNEL_PROTOCOL; the counterparty is the host's channel key. */
  keyId: string
  /** The key the viewer's share (the refund's output, every update's change) is paid to. */
  returnKey: Remittance
  /** For the wallet's history: which host, and what was watched. */
  host: string
  stream: string
}

/** What the history keeps of a channel paid from a BRC-100 wallet, to hand the coins that come back to that wallet. */
export type WalletReturn = WalletChannelKeys & {
  /** The script the viewer's share is paid to (P2PKH hex of the return key). */
  payerScript: string
}
