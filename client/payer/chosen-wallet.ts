// A channel wallet decided a moment later: the page starts playing while it looks for the viewer's own wallet, and
// the first thing that needs a wallet (opening a channel) waits for that answer instead of the whole page.
import type { ChannelWallet } from './channel-wallet.ts'

export function chosenWallet(decided: Promise<ChannelWallet>): ChannelWallet {
  return {
    channelKeys: async (terms) => (await decided).channelKeys(terms),
    fund: async (order) => (await decided).fund(order),
    sign: async (channel, preimage) => (await decided).sign(channel, preimage),
    identityKey: async () => (await decided).identityKey(),
  }
}
