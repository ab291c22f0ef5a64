// Start/Stop: whether the host takes new channels. The store remembers the switch across restarts; Stop settles every
// open channel for what it has accepted. In a cluster the instance where it was pressed stores it and settles, and the
// others follow (server/cluster/host-backing.ts relays it).
import type { SettlementSummary } from '../../protocol/messages.ts'
import type { ChannelStore } from '../store/channel-store.ts'
import type { ChannelEventBus } from './channel-events.ts'
import type { Settlement } from './settlement.ts'

const ACCEPTING_SETTING = 'accepting'

export interface SwitchDeps {
  store: Pick<ChannelStore, 'setting' | 'putSetting'>
  events: ChannelEventBus
  settlement: Pick<Settlement, 'settleAll'>
}

export class AcceptingSwitch {
  /** The switch as the store remembers it: on unless it was stopped. */
  static async load(deps: SwitchDeps): Promise<AcceptingSwitch> {
    return new AcceptingSwitch(deps, (await deps.store.setting(ACCEPTING_SETTING)) !== 'false')
  }

  private constructor(
    private readonly deps: SwitchDeps,
    private on: boolean,
  ) {}

  get accepting(): boolean {
    return this.on
  }

  /** Start, or Stop (which answers once every open channel has settled, with their summaries). */
  async set(accepting: boolean): Promise<SettlementSummary[]> {
    this.on = accepting
    await this.deps.store.putSetting(ACCEPTING_SETTING, String(accepting))
    const reason = accepting ? 'The host is accepting viewers again.' : 'The host stopped the stream and settled every channel.'
    this.deps.events.emit('accepting', accepting, reason)
    return accepting ? [] : this.deps.settlement.settleAll()
  }

  /** Another instance of this host was started or stopped: follow it (it stored the switch and settles the channels). */
  follow(accepting: boolean): void {
    this.on = accepting
  }
}
