// "Withdraw": the whole device-wallet balance to an address the viewer types, checked for its network, with the fee
// shown before anything is sent. A channel's capacity is not the wallet's until the channel settles.
import { checkAddress } from '../../protocol/address.ts'
import type { FeeRate, Network } from '../../protocol/messages.ts'
import type { ViewerWallet } from '../payer/wallet.ts'
import { formatSats } from './cap-format.ts'
import { byTestId, setText } from './dom.ts'
import { withdrawalText, withdrawBlockedBy } from './withdraw-text.ts'

export interface WithdrawContext {
  wallet: ViewerWallet
  network: Network
  feeRate: () => FeeRate
  /** The session's phase and what the open channel locks (0 without one). */
  channel: () => { phase: string; locked: number }
  /** After coins left: refresh the balance. */
  sent: () => void
}

export class WithdrawPanel {
  private readonly dialog = byTestId<HTMLDialogElement>('withdraw-dialog')
  private readonly address = byTestId<HTMLInputElement>('withdraw-address')
  private readonly summary = byTestId('withdraw-summary')
  private readonly problem = byTestId('withdraw-problem')
  private readonly result = byTestId('withdraw-result')
  private readonly send = byTestId<HTMLButtonElement>('withdraw-send')
  private script: string | null = null
  private checking = 0

  constructor(private readonly context: WithdrawContext) {
    byTestId('withdraw-open').addEventListener('click', () => this.open())
    byTestId('withdraw-cancel').addEventListener('click', () => this.dialog.close())
    this.address.addEventListener('input', () => void this.check())
    this.send.addEventListener('click', () => void this.sendAll())
  }

  private open(): void {
    setText(this.result, '')
    this.address.placeholder = this.context.network === 'testnet' ? 'a testnet address (m… or n…)' : 'a BSV address (1…)'
    if (!this.dialog.open) this.dialog.showModal()
    void this.check()
  }

  /** Checks the address and prices the withdrawal; Send is enabled only when both are right. */
  private async check(): Promise<void> {
    const run = ++this.checking
    this.send.disabled = true
    this.script = null
    const { phase, locked } = this.context.channel()
    const blocked = withdrawBlockedBy(phase)
    if (blocked) return this.show('', blocked)
    const plan = await this.context.wallet.planWithdrawal(this.context.feeRate()).catch((error: unknown) => error as Error)
    if (run !== this.checking) return
    if (plan instanceof Error) return this.show('', `Could not read the wallet's coins: ${plan.message}`)
    const typed = this.address.value
    const checked = typed.trim() === '' ? null : checkAddress(typed, this.context.network)
    this.show(withdrawalText(plan, locked), checked && !checked.ok ? checked.message : '')
    if (plan.ok && checked?.ok) {
      this.script = checked.script
      this.send.disabled = false
    }
  }

  private async sendAll(): Promise<void> {
    const script = this.script
    if (!script) return
    this.send.disabled = true
    setText(this.result, 'Sending…')
    try {
      const sent = await this.context.wallet.withdraw(script, this.context.feeRate())
      this.result.dataset.txid = sent.txid
      setText(this.result, `Sent ${formatSats(sent.amount)} (fee ${formatSats(sent.fee)}) in transaction ${sent.txid}.`)
      this.address.value = ''
      this.context.sent()
    } catch (error) {
      setText(this.result, '')
      this.show(this.summary.textContent ?? '', `Nothing was sent: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  private show(summary: string, problem: string): void {
    setText(this.summary, summary)
    setText(this.problem, problem)
    this.problem.hidden = problem === ''
  }
}
