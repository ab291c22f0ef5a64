// Whose books say what: the host's (its channel list, over the admin API) and the ledger's (the close it holds). A
// chaos class compares them with what its viewers were acknowledged; any shortfall is satoshis lost.
import { Transaction } from '@bsv/sdk'
import type { ChannelRow } from '../../protocol/dashboard.ts'

/** The funded channels the host lists (the newest 1,000), in any state. */
export async function hostChannels(url: string, adminToken: string): Promise<ChannelRow[]> {
  const res = await fetch(`${url}/api/channels?state=open,closing,closed&limit=1000`, { headers: { Authorization: `Bearer ${adminToken}` } })
  if (!res.ok) throw new Error(`the host's channel list answered ${res.status}`)
  return ((await res.json()) as { channels: ChannelRow[] }).channels
}

/** What the host's store holds as paid on a channel (0 when it does not list it). */
export async function hostPaid(url: string, adminToken: string, channelId: string): Promise<number> {
  return (await hostChannels(url, adminToken)).find((row) => row.id === channelId)?.paid ?? 0
}

/** What a close on the ledger pays the host (its output 0). */
export async function closePays(url: string, closeTxid: string): Promise<number> {
  const hex = await (await fetch(`${url}/devnet/woc/v1/bsv/devnet/tx/${closeTxid}/hex`)).text()
  return Transaction.fromHex(hex).outputs[0].satoshis ?? 0
}
