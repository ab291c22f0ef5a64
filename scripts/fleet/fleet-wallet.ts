// Funds a fleet with a handful of faucet calls: one fleet key takes coins from the devnet faucet (rate limited per
// IP, capped per call), then one transaction per chunk splits them into one coin per viewer key.
import { PrivateKey } from '@bsv/sdk'
import type { ChannelWallet } from '../../client/payer/channel-wallet.ts'
import { keyWallet } from '../../client/payer/key-wallet.ts'
import type { FeeRate } from '../../protocol/messages.ts'
import type { Chain } from '../../protocol/chain/chain.ts'
import { requestFaucet } from '../../protocol/chain/faucet.ts'
import { feeFor, P2PKH_INPUT_BYTES, P2PKH_OUTPUT_BYTES } from '../../protocol/fees.ts'
import type { SpendableUtxo } from '../../protocol/transactions.ts'
import { buildSignedP2pkhTx } from '../../devnet/p2pkh.ts'

export interface FleetCoin {
  key: PrivateKey
  utxo: SpendableUtxo
}

/** The wallet a viewer pays from: its key, and its one coin. */
export function coinWallet({ key, utxo }: FleetCoin): ChannelWallet {
  return keyWallet({ key, utxos: async () => [utxo] })
}

/** The devnet faucet's default largest payment (DEFAULT_FAUCET_CAP in the ledger). */
export const FAUCET_CAP = 10_000_000
/** A split transaction stays well under the devnet's 1 MB limit: 5,000 outputs are ~170 KB. */
const OUTPUTS_PER_SPLIT = 5_000

export interface FundFleetOptions {
  devnetBaseUrl: string
  chain: Pick<Chain, 'broadcast'>
  feeRate: FeeRate
  count: number
  satoshisEach: number
  /** Reuse keys (e.g. one per socket); a fresh random key per coin otherwise. */
  keyFor?: (index: number) => PrivateKey
  faucetCap?: number
}

/** Pure: the size-based fee of a split paying `outputs` coins from `inputs` faucet coins, plus change. */
export function splitFee(inputs: number, outputs: number, feeRate: FeeRate): number {
  return feeFor(10 + inputs * P2PKH_INPUT_BYTES + (outputs + 1) * P2PKH_OUTPUT_BYTES + 8, feeRate)
}

/** Pure: faucet amounts (each at most `cap`) adding up to `total`. */
export function faucetAmounts(total: number, cap: number): number[] {
  const amounts: number[] = []
  for (let left = total; left > 0; left -= cap) amounts.push(Math.min(left, cap))
  return amounts
}

export async function fundFleet(opts: FundFleetOptions): Promise<FleetCoin[]> {
  const cap = opts.faucetCap ?? FAUCET_CAP
  if (opts.satoshisEach > cap) throw new Error(`each viewer needs ${opts.satoshisEach} sat, more than one faucet payment (${cap})`)
  const fleetKey = PrivateKey.fromRandom()
  const fleetAddress = fleetKey.toAddress()
  const coins: FleetCoin[] = []
  // Deriving an address costs a pure-JS point multiplication: once per key, even when keys fund many coins.
  const addresses = new Map<PrivateKey, string>()
  const addressOf = (key: PrivateKey) => addresses.get(key) ?? addresses.set(key, key.toAddress()).get(key)!
  for (let start = 0; start < opts.count; start += OUTPUTS_PER_SPLIT) {
    const size = Math.min(OUTPUTS_PER_SPLIT, opts.count - start)
    const keys = Array.from({ length: size }, (_, i) => opts.keyFor?.(start + i) ?? PrivateKey.fromRandom())
    const amounts = faucetAmounts(size * opts.satoshisEach, cap)
    // The fee grows with the inputs it pays for; a little headroom covers the last faucet payment too.
    const fee = splitFee(amounts.length + 1, size, opts.feeRate) + 100
    const inputs = []
    for (const amount of faucetAmounts(size * opts.satoshisEach + fee, cap)) {
      inputs.push(await requestFaucet(opts.devnetBaseUrl, fleetAddress, amount))
    }
    const split = await buildSignedP2pkhTx({
      key: fleetKey,
      inputs,
      outputs: keys.map((key) => ({ address: addressOf(key), satoshis: opts.satoshisEach })),
      changeAddress: fleetAddress,
      feeRate: opts.feeRate,
    })
    const { txid } = await opts.chain.broadcast(split.toHex())
    keys.forEach((key, vout) => coins.push({ key, utxo: { txid, vout, satoshis: opts.satoshisEach } }))
  }
  return coins
}
