// A tip to the host, paid through the same channel; it counts against the cap. The note goes with it, as long as the
// protocol lets it be.
import { TIP_NOTE_MAX_CHARS } from '../../protocol/message-limits.ts'
import { formatSats } from './cap-format.ts'
import { byTestId, setText } from './dom.ts'

export const DEFAULT_TIP = 100

export class TipButton {
  private readonly button = byTestId<HTMLButtonElement>('tip-button')
  private readonly status = byTestId('tip-status')
  private readonly note = byTestId<HTMLInputElement>('tip-note')

  constructor(tip: (amount: number, note?: string) => Promise<void>) {
    setText(this.button, `Tip ${formatSats(DEFAULT_TIP)}`)
    this.note.maxLength = TIP_NOTE_MAX_CHARS
    this.button.addEventListener('click', () => {
      this.button.disabled = true
      setText(this.status, 'Sending…')
      const note = this.note.value.trim().slice(0, TIP_NOTE_MAX_CHARS)
      tip(DEFAULT_TIP, note || undefined)
        .then(() => {
          setText(this.status, `Thank you: ${formatSats(DEFAULT_TIP)} sent.`)
          this.note.value = ''
        })
        .catch(() => setText(this.status, ''))
        .finally(() => {
          this.button.disabled = false
        })
    })
  }

  enable(enabled: boolean): void {
    this.button.disabled = !enabled
  }
}
