// One visible problem at a time, always with what to do next.
import type { ViewerError } from '../payer/viewer-errors.ts'
import { byTestId, setText } from './dom.ts'

export class ErrorBanner {
  private readonly banner = byTestId('error-banner')
  private readonly message = byTestId('error-message')
  private readonly next = byTestId('error-next-step')

  constructor() {
    byTestId('error-dismiss').addEventListener('click', () => this.clear())
  }

  show(error: ViewerError): void {
    this.banner.hidden = false
    this.banner.dataset.kind = error.kind
    setText(this.message, error.message)
    setText(this.next, error.nextStep)
  }

  clear(): void {
    this.banner.hidden = true
    delete this.banner.dataset.kind
  }
}
