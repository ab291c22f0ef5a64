// At the cap: playback pauses and the viewer decides, raise the cap and keep watching, or stop and settle.
import { capAsTime, formatSats } from './cap-format.ts'
import { capFromInput } from './preferences.ts'
import { byTestId, setText } from './dom.ts'

export interface CapDecision {
  raise(newCap: number): Promise<void>
  stop(): Promise<void>
}

export class CapDialog {
  private readonly dialog = byTestId<HTMLDialogElement>('cap-dialog')
  private readonly text = byTestId('cap-dialog-text')
  private readonly input = byTestId<HTMLInputElement>('cap-dialog-input')
  private readonly hint = byTestId('cap-dialog-hint')
  private readonly problem = byTestId('cap-dialog-problem')
  private pricePerSecond = 0
  private busy = false

  constructor(decision: CapDecision) {
    this.input.addEventListener('input', () => this.updateHint())
    byTestId('cap-dialog-raise').addEventListener('click', () => {
      const parsed = capFromInput(this.input.value)
      if (!parsed.ok) return setText(this.problem, parsed.message)
      this.run(() => decision.raise(parsed.cap))
    })
    byTestId('cap-dialog-stop').addEventListener('click', () => this.run(() => decision.stop()))
  }

  get isOpen(): boolean {
    return this.dialog.open
  }

  open(spent: number, cap: number, pricePerSecond: number): void {
    this.pricePerSecond = pricePerSecond
    setText(this.text, `You reached your cap: ${formatSats(spent)} of ${formatSats(cap)} spent. Playback is paused.`)
    this.input.value = String(cap * 2)
    setText(this.problem, '')
    this.updateHint()
    if (!this.dialog.open) this.dialog.showModal()
  }

  close(): void {
    if (this.dialog.open) this.dialog.close()
  }

  private updateHint(): void {
    const parsed = capFromInput(this.input.value)
    setText(this.hint, parsed.ok ? capAsTime(parsed.cap, this.pricePerSecond) : '')
  }

  private run(action: () => Promise<void>): void {
    if (this.busy) return
    this.busy = true
    setText(this.problem, '')
    action()
      .then(() => this.close())
      .catch((error: unknown) => setText(this.problem, error instanceof Error ? error.message : String(error)))
      .finally(() => {
        this.busy = false
      })
  }
}
