// Settles channels that went idle, that near their refund deadline, or whose settlement a crash interrupted.
import type { ChannelService } from './channel-service.ts'

export function startSettlementScheduler(service: ChannelService, intervalMs: number, onError: (error: unknown, channelId: string) => void): () => void {
  let running = false
  const tick = async () => {
    if (running) return
    running = true
    try {
      await Promise.all((await service.dueForSettlement()).map(({ id, reason }) => service.settleIfDue(id, reason).catch((error) => onError(error, id))))
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void tick(), intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
