// A tip to the host, paid through the same channel; it counts against the cap.
import { formatSats } from './cap-format.ts'
import { byTestId, setText } from './dom.ts'

export const DEFAULT_TIP = 100

export class TipButton {
  private readonly button = byTestId<HTMLButtonElement>('tip-button')
  private readonly status = byTestId('tip-status')

  constructor(tip: (amount: number) => Promise<void>) {
    setText(this.button, `Tip ${formatSats(DEFAULT_TIP)}`)
    this.button.addEventListener('click', () => {
      this.button.disabled = true
      setText(this.status, 'Sending…')
      tip(DEFAULT_TIP)
        .then(() => setText(this.status, `Thank you: ${formatSats(DEFAULT_TIP)} sent.`))
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
