// The device wallet as words: a BIP39 phrase (12 English words, 128 bits), from which the wallet key is derived as
// BIP32 m/44'/236'/0'/0/0 over the phrase's BIP39 seed with no passphrase: the first receiving address of account 0
// for coin type 236 (BSV, SLIP-44), so other BSV wallets that follow BIP44 find the same coins. Isomorphic.
import { HD, Mnemonic, PrivateKey } from '@bsv/sdk'

export const WALLET_DERIVATION_PATH = "m/44'/236'/0'/0/0"

/** What a restore was given: a phrase (the wallet then has one), or for wallets made before phrases, the key as WIF. */
export type WalletSecret = { ok: true; key: PrivateKey; phrase: string | null } | { ok: false; message: string }

/** A new wallet's phrase. */
export function newWalletPhrase(): string {
  return Mnemonic.fromRandom(128).toString()
}

/** Words as people type them: any spacing and case. */
export function normalizePhrase(text: string): string {
  return text.trim().toLowerCase().split(/\s+/).join(' ')
}

/** The wallet key of a phrase (BIP39 seed, then WALLET_DERIVATION_PATH). The phrase must be valid. */
export function keyFromPhrase(phrase: string): PrivateKey {
  return keyOfSeed(Mnemonic.fromString(normalizePhrase(phrase)).toSeed())
}

function keyOfSeed(seed: number[]): PrivateKey {
  return HD.fromSeed(seed).derive(WALLET_DERIVATION_PATH).privKey
}

/**
 * keyFromPhrase's key with the BIP39 seed (PBKDF2-HMAC-SHA512, 2,048 rounds) from the platform's WebCrypto: the
 * SDK's own holds a new viewer's page for ~200 ms while their socket and stream wait. Without WebCrypto (a page on
 * plain HTTP other than localhost), the SDK's.
 */
export async function keyFromPhraseAsync(phrase: string): Promise<PrivateKey> {
  const subtle = globalThis.crypto?.subtle
  if (!subtle) return keyFromPhrase(phrase)
  const utf8 = (text: string) => new TextEncoder().encode(text.normalize('NFKD'))
  const words = await subtle.importKey('raw', utf8(normalizePhrase(phrase)), 'PBKDF2', false, ['deriveBits'])
  const seed = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-512', salt: utf8('mnemonic'), iterations: 2048 }, words, 512)
  return keyOfSeed(Array.from(new Uint8Array(seed)))
}

/** Reads what the viewer typed to restore: a BIP39 phrase, or a WIF private key (a wallet from before phrases). */
export function readWalletSecret(text: string): WalletSecret {
  const phrase = normalizePhrase(text)
  if (phrase === '') return { ok: false, message: 'Type the 12 words of your backup phrase.' }
  const words = phrase.split(' ')
  if (words.length === 1) {
    try {
      // A WIF is case-sensitive: read what was typed, not the lowered words.
      return { ok: true, key: PrivateKey.fromWif(text.trim()), phrase: null }
    } catch {
      return { ok: false, message: 'That is neither a backup phrase nor a private key (WIF). Check what you copied.' }
    }
  }
  if (![12, 15, 18, 21, 24].includes(words.length)) {
    return { ok: false, message: `A backup phrase has 12 words (or 15 to 24); that is ${words.length}.` }
  }
  if (!Mnemonic.isValid(phrase)) {
    return { ok: false, message: 'Those words are not a valid phrase: a word is misspelt, missing or in the wrong place (the last word is a checksum).' }
  }
  return { ok: true, key: keyFromPhrase(phrase), phrase }
}
