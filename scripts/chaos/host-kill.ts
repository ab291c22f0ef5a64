// The host SIGKILLed mid-stream and started again on the same port and data folder, as its supervisor would, while
// viewers pay and watch. Every payment the host acknowledged before a kill must be in its books after the restart; the
// viewers resume their channels and go on; and each close on the ledger pays what its viewer was acknowledged.
import type { HostProcess } from '../bench/host-process.ts'
import { closePays, hostPaid } from './books.ts'
import { channelAttack, type ChannelAttack } from './channel-attack.ts'
import { startLegitViewer, type LegitViewer } from './legit-viewer.ts'

/** Viewers of the class's own, paying as fast as the legitimate one, so that kills find payments in flight. */
const PAYERS = 3
/** Streaming before each kill. */
const STREAMING_MS = 1_500
/** A restart and the viewers' resumes take about this long: no kill starts later in the class than this. */
const RECOVERY_MS = 4_000

export interface HostKillOptions {
  adminToken: string
  price: number
  segments: readonly string[]
  /** The legitimate viewer `npm run chaos` measures, whose payments must survive too. */
  viewer: LegitViewer
}

export function hostKills(host: HostProcess, opts: HostKillOptions): ChannelAttack {
  return channelAttack('host SIGKILLed and restarted', async (ctx, { tally, violations, lose }) => {
    const payers = await Promise.all(Array.from({ length: PAYERS }, () => startLegitViewer(ctx.url, opts.segments, opts.price)))
    const viewers = [opts.viewer, ...payers]
    const resumedBefore = viewers.map((viewer) => viewer.resumes())
    const end = Date.now() + ctx.durationMs
    const watching = Promise.all(payers.map((payer) => payer.watch(ctx.durationMs)))
    let kills = 0
    do {
      await new Promise((resolve) => setTimeout(resolve, STREAMING_MS))
      const acknowledged = viewers.map((viewer) => viewer.accepted())
      await host.kill()
      kills++
      await host.restart()
      for (const [i, viewer] of viewers.entries()) {
        const held = await hostPaid(ctx.url, opts.adminToken, viewer.channelId)
        if (held >= acknowledged[i]) continue
        violations.push(`channel ${viewer.channelId}: ${acknowledged[i]} sat acknowledged before the kill, ${held} held after the restart`)
        lose(acknowledged[i] - held)
      }
    } while (kills < ctx.maxCases && Date.now() + STREAMING_MS + RECOVERY_MS < end)
    await watching
    tally('SIGKILL, restart', kills)
    tally('viewer resumed', viewers.reduce((sum, viewer, i) => sum + viewer.resumes() - resumedBefore[i], 0))
    for (const [i, payer] of payers.entries()) {
      if (payer.resumes() === resumedBefore[i + 1]) violations.push(`channel ${payer.channelId} was never resumed after the restart`)
    }
    for (const payer of payers) {
      const summary = await payer.close()
      const settled = summary.closeTxid ? await closePays(ctx.url, summary.closeTxid) : 0
      if (settled === payer.accepted()) tally('close pays what was acknowledged')
      else violations.push(`channel ${payer.channelId}: acknowledged ${payer.accepted()}, the close on the ledger pays ${settled}`)
      lose(payer.accepted() - settled)
    }
    return kills
  })
}
