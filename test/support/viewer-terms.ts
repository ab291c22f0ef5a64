// A host's terms as a viewer holds them, for tests that price entries with the player's rules: 10 sat/s, no preview.
import type { Terms } from '../../protocol/messages.ts'

export function viewerTerms(overrides: Partial<Terms> = {}): Terms {
  return {
    network: 'devnet',
    payeePublicKey: '02'.padEnd(66, '1'),
    payoutScript: '76a914'.padEnd(46, '0') + '88ac',
    pricePerSecond: 10,
    renditionMultipliers: {},
    lifetimeBlocks: 144,
    height: 1,
    feeRate: { satoshis: 1, bytes: 1000 },
    minCapacity: 1_000,
    maxCapacity: 1_000_000,
    accepting: true,
    streamPrices: [],
    previewSeconds: 0,
    ...overrides,
  }
}
