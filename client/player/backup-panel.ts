// Backup and restore of the device wallet: the phrase (or, for a wallet from before phrases, its key), the refunds
// still waiting for their block, and a restore that works in any other browser profile.
import type { KeptRefund } from '../payer/refund-backup.ts'
import { exportRefunds } from '../payer/refund-backup.ts'
import { planRestore } from '../payer/restore-plan.ts'
import type { KeyValueStorage } from '../payer/storage.ts'
import { ViewerWallet, type ViewerWalletOptions } from '../payer/wallet.ts'
import { byTestId, setText } from './dom.ts'

export interface BackupContext {
  wallet: ViewerWallet
  storage: KeyValueStorage
  walletOptions: ViewerWalletOptions
  refunds: () => KeptRefund[]
  adopt: (refunds: KeptRefund[]) => void
  channelOpen: () => boolean
  balance: () => number | null
  /** The wallet changed under the page: start it afresh. */
  restored: () => void
}

export class BackupPanel {
  private readonly backupDialog = byTestId<HTMLDialogElement>('backup-dialog')
  private readonly restoreDialog = byTestId<HTMLDialogElement>('restore-dialog')
  private readonly secret = byTestId<HTMLInputElement>('restore-phrase')
  private readonly refundCode = byTestId<HTMLTextAreaElement>('restore-refunds')
  private readonly problem = byTestId('restore-problem')
  private confirmed = false

  constructor(private readonly context: BackupContext) {
    byTestId('backup-open').addEventListener('click', () => this.showBackup())
    byTestId('backup-close').addEventListener('click', () => this.backupDialog.close())
    byTestId('restore-open').addEventListener('click', () => this.showRestore())
    byTestId('restore-cancel').addEventListener('click', () => this.restoreDialog.close())
    byTestId('restore-submit').addEventListener('click', () => this.restore())
    for (const field of [this.secret, this.refundCode]) field.addEventListener('input', () => (this.confirmed = false))
  }

  showBackup(): void {
    const { wallet } = this.context
    const phrase = byTestId('backup-phrase')
    setText(phrase, wallet.phrase ?? wallet.key.toWif())
    setText(
      byTestId('backup-phrase-kind'),
      wallet.phrase
        ? 'Your backup phrase. Write these 12 words down, in order, and keep them offline: anyone who has them has this wallet.'
        : 'This wallet was made before backup phrases: this is its private key (WIF). Keep it offline; "Restore" takes it too.',
    )
    const refunds = this.context.refunds()
    const code = byTestId<HTMLTextAreaElement>('backup-refunds')
    code.value = refunds.length > 0 ? exportRefunds(refunds) : ''
    byTestId('backup-refunds-block').hidden = refunds.length === 0
    setText(byTestId('backup-refunds-count'), `${refunds.length} refund${refunds.length === 1 ? '' : 's'} waiting for their block`)
    if (!this.backupDialog.open) this.backupDialog.showModal()
  }

  private showRestore(): void {
    this.confirmed = false
    this.showProblem('')
    if (!this.restoreDialog.open) this.restoreDialog.showModal()
  }

  private restore(): void {
    const plan = planRestore({
      secretText: this.secret.value,
      refundCode: this.refundCode.value,
      currentPublicKey: this.context.wallet.publicKey,
      channelOpen: this.context.channelOpen(),
      balance: this.context.balance(),
      confirmed: this.confirmed,
    })
    if (plan.kind === 'problem') return this.showProblem(plan.message)
    if (plan.kind === 'confirm') {
      this.confirmed = true
      return this.showProblem(plan.message)
    }
    ViewerWallet.store(this.context.storage, plan.secret, this.context.walletOptions)
    this.context.adopt(plan.refunds)
    this.context.restored()
  }

  private showProblem(message: string): void {
    setText(this.problem, message)
    this.problem.hidden = message === ''
  }
}
