// At a limit (the viewing's cap, or a host or monthly limit): playback pauses and the viewer decides, raise that limit
// and keep watching, or stop and settle.
import { capAsTime } from './cap-format.ts'
import { capFromInput } from './preferences.ts'
import { byTestId, setText } from './dom.ts'

/** What the dialog asks about one reached limit. */
export interface LimitPrompt {
  /** "Cap reached", "Daily limit for this host reached". */
  title: string
  text: string
  /** What the field says, and what it offers at first. */
  field: string
  suggested: number
  /** The button that raises it: "Raise cap and continue". */
  raiseLabel: string
  /** The viewer's answer: the new limit, in satoshis. */
  raise(newLimit: number): Promise<void>
}

export class CapDialog {
  private readonly dialog = byTestId<HTMLDialogElement>('cap-dialog')
  private readonly title = byTestId('cap-dialog-title')
  private readonly text = byTestId('cap-dialog-text')
  private readonly label = byTestId('cap-dialog-label')
  private readonly input = byTestId<HTMLInputElement>('cap-dialog-input')
  private readonly raiseButton = byTestId('cap-dialog-raise')
  private readonly hint = byTestId('cap-dialog-hint')
  private readonly problem = byTestId('cap-dialog-problem')
  private prompt: LimitPrompt | null = null
  private pricePerSecond = 0
  private busy = false

  constructor(stop: () => Promise<void>) {
    this.input.addEventListener('input', () => this.updateHint())
    this.raiseButton.addEventListener('click', () => {
      const parsed = capFromInput(this.input.value)
      if (!parsed.ok) return setText(this.problem, parsed.message)
      const prompt = this.prompt
      if (prompt) this.run(() => prompt.raise(parsed.cap))
    })
    byTestId('cap-dialog-stop').addEventListener('click', () => this.run(stop))
  }

  get isOpen(): boolean {
    return this.dialog.open
  }

  /** What the open dialog is about ("Cap reached"), or null when it is closed. */
  get asking(): string | null {
    return this.dialog.open ? (this.prompt?.title ?? null) : null
  }

  open(prompt: LimitPrompt, pricePerSecond: number): void {
    this.prompt = prompt
    this.pricePerSecond = pricePerSecond
    setText(this.title, prompt.title)
    setText(this.text, prompt.text)
    setText(this.label, prompt.field)
    setText(this.raiseButton, prompt.raiseLabel)
    this.input.value = String(prompt.suggested)
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
