// This device's wallet: address, balance, devnet coins on demand, a QR code to fund it on real networks. The QR
// encoder is loaded only where it is drawn (not on the devnet), in a chunk of its own: the page's first script stays small.
import type { ViewerWallet } from '../payer/wallet.ts'
import { formatSats } from './cap-format.ts'
import { byTestId, setText } from './dom.ts'
import { DEVNET_TOP_UP } from './top-up.ts'

export class WalletPanel {
  private readonly address = byTestId('wallet-address')
  private readonly balance = byTestId('wallet-balance')
  private readonly faucet = byTestId<HTMLButtonElement>('wallet-faucet')
  private readonly qr = byTestId<HTMLCanvasElement>('wallet-qr')
  private readonly status = byTestId('wallet-status')
  private lastBalance: number | null = null

  constructor(private readonly wallet: ViewerWallet, private readonly onError: (message: string, nextStep: string) => void) {
    setText(this.address, wallet.address)
    this.faucet.hidden = !wallet.canUseFaucet
    this.qr.hidden = wallet.canUseFaucet
    if (!wallet.canUseFaucet) {
      import('qrcode')
        .then(({ default: QRCode }) => QRCode.toCanvas(this.qr, `bitcoin:${wallet.address}`, { width: 148, margin: 1 }))
        .catch(() => {
          this.qr.hidden = true
        })
    }
    this.faucet.addEventListener('click', () => void this.topUp(DEVNET_TOP_UP))
  }

  /** A line under the wallet about coins that came back (a reclaimed refund). */
  note(text: string): void {
    setText(this.status, text)
  }

  get knownBalance(): number | null {
    return this.lastBalance
  }

  /** Reads and shows the balance; `maxAgeMs`: a read that recent will do. */
  async refresh(maxAgeMs = 0): Promise<number | null> {
    try {
      const balance = await this.wallet.balance(maxAgeMs)
      this.lastBalance = balance
      setText(this.balance, formatSats(balance))
      this.balance.dataset.sats = String(balance)
      return balance
    } catch (error) {
      setText(this.balance, 'unknown')
      this.onError(`Could not read the wallet balance: ${error instanceof Error ? error.message : String(error)}`, 'Check the connection to the host; the balance refreshes on its own.')
      return null
    }
  }

  async topUp(satoshis: number): Promise<boolean> {
    if (!this.wallet.canUseFaucet) return false
    this.faucet.disabled = true
    setText(this.status, 'Asking the devnet faucet…')
    try {
      const payment = await this.wallet.topUp(satoshis)
      setText(this.status, `Received ${formatSats(payment.satoshis)} of devnet coins.`)
      await this.refresh()
      return true
    } catch (error) {
      setText(this.status, '')
      this.onError(`The devnet faucet did not pay: ${error instanceof Error ? error.message : String(error)}`, 'Try "Get more devnet coins" again in a minute.')
      return false
    } finally {
      this.faucet.disabled = false
    }
  }
}
