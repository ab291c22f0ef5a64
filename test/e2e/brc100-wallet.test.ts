// Paying from the viewer's own BRC-100 wallet, in a real Chromium against a real host: the wallet is
// @bsv/wallet-toolbox's, with SQLite storage and the toolbox's permission prompts (answered yes, and counted), on the
// host's own devnet, served on http://localhost:3321 where the player finds it through WalletClient('auto') as it
// would find BSV Desktop. The wallet's balance is checked to the satoshi against the ledger's transactions.
import { after, afterEach, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Transaction } from '@bsv/sdk'
import type { BrowserContext, Page } from 'playwright-core'
import { shortKey } from '../../client/payer/wallet-discovery.ts'
import type { HistoryEntry } from '../../client/payer/history.ts'
import type { DashboardSnapshot } from '../../protocol/dashboard.ts'
import { ADMIN_ORIGINATOR } from '../../scripts/devnet-wallet/devnet-wallet.ts'
import { attachDashboard } from '../../server/dashboard/attach.ts'
import { startTestWallet, type TestBrc100Wallet } from '../support/brc100-wallet.ts'
import { usePlayerHost } from '../support/player-host.ts'

const PRICE = 10
/** 20 s of the sample at 10 sat/s: the player stops there, having signed exactly this. */
const CAP = 200
/** Short-lived channels, so a refund unlocks after a few mined blocks. */
const LIFETIME = 8
const STREAM = '/media/sample/360p/index.m3u8'

const env = usePlayerHost({ price: PRICE, lifetimeBlocks: LIFETIME, previewSeconds: 4 }, { extend: attachDashboard })
let wallet: TestBrc100Wallet

interface PlayerState {
  phase: string
  channelId: string | null
  paid: number
  seconds: number
  payingWith: string
  walletIdentity: string | null
  errors: Array<{ kind: string; message: string }>
  lastSummary: { closeTxid: string | null; paid: number; change: number; capacity: number; fee: number } | null
}

const state = async (page: Page) => (await page.evaluate(() => window.p2p!.state())) as unknown as PlayerState
const history = async (page: Page) => (await page.evaluate(() => window.p2p!.history())) as HistoryEntry[]
const ledger = () => env.host.ledger!

/** The fee a transaction on the devnet paid: what its inputs held, less what its outputs carry. */
function feeOf(txid: string): number {
  const tx = Transaction.fromHex(ledger().rawTx(txid)!)
  const inputs = tx.inputs.reduce((sum, input) => sum + Transaction.fromHex(ledger().rawTx(input.sourceTXID!)!).outputs[input.sourceOutputIndex].satoshis!, 0)
  return inputs - tx.outputs.reduce((sum, output) => sum + output.satoshis!, 0)
}

/** What the wallet's approval tokens cost it (1 sat each plus its fee): the wallet's own actions. */
async function approvalTokensCost(): Promise<number> {
  const { actions } = await wallet.wallet.listActions({ labels: [`admin originator ${ADMIN_ORIGINATOR}`], limit: 100 })
  return actions.reduce((sum, action) => sum - action.satoshis, 0)
}

async function channelFunding(channelId: string): Promise<string> {
  const res = await fetch(`${env.host.url}/api/channels`, { headers: { Authorization: `Bearer ${env.host.adminToken}` } })
  return ((await res.json()) as { channels: Array<{ id: string; fundingTxid: string }> }).channels.find((c) => c.id === channelId)!.fundingTxid
}

/** Every profile a test opened, closed after it even when it fails: a page left open would go on paying from the wallet. */
const profiles: BrowserContext[] = []

/** A fresh browser profile on the player at 4x, its cap at CAP; `shareIdentity` ticks "let hosts know me". */
async function openPlayer(options: { shareIdentity?: boolean; holdMedia?: Promise<void>; cap?: number } = {}): Promise<Page> {
  const context = await env.browser.newContext()
  profiles.push(context)
  await context.addInitScript(({ cap, share }) => {
    localStorage.setItem('p2p.preferences', JSON.stringify({ cap, thresholds: [{ fraction: 0.5, level: 'info' }, { fraction: 0.8, level: 'warning' }, { fraction: 0.95, level: 'critical' }], settleOnLeave: false }))
    if (share && !localStorage.getItem('p2p.wallet.choice')) localStorage.setItem('p2p.wallet.choice', JSON.stringify({ pays: null, shareIdentity: true }))
  }, { cap: options.cap ?? CAP, share: options.shareIdentity === true })
  if (options.holdMedia) {
    const held = options.holdMedia
    await context.route(/\/media\//, async (route) => {
      await held
      await route.continue()
    })
  }
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error('page error:', error.message))
  await page.goto(`${env.host.url}/?stream=${encodeURIComponent(STREAM)}`)
  await page.waitForFunction(() => window.p2p?.state().payingWith, undefined, { timeout: 30_000 })
  await page.evaluate(() => {
    const video = document.querySelector('video')!
    video.defaultPlaybackRate = 4
    video.playbackRate = 4
    video.addEventListener('loadedmetadata', () => (video.playbackRate = 4))
  })
  return page
}

/** Plays to the cap, stops there (the cap dialog's Stop), and returns what the close settled. */
async function watchToCapAndStop(page: Page): Promise<{ channelId: string; paid: number; closeTxid: string; capacity: number; change: number }> {
  await page.getByTestId('cap-dialog').waitFor({ state: 'visible', timeout: 90_000 })
  const atCap = await state(page)
  assert.equal(atCap.paid, CAP, 'the viewer signed exactly the cap')
  await page.getByTestId('cap-dialog-stop').click()
  await page.getByTestId('summary-close-txid').waitFor({ timeout: 30_000 })
  const summary = (await state(page)).lastSummary!
  return { channelId: atCap.channelId!, paid: atCap.paid, closeTxid: summary.closeTxid!, capacity: summary.capacity, change: summary.change }
}

/** Mines a block, then waits for the page to hand the wallet what `txid` returned to it. */
async function untilTakenBack(page: Page, txid: string): Promise<void> {
  ledger().mine()
  await page.waitForFunction((id) => (window.p2p!.history() as Array<{ takenBack?: string }>).some((entry) => entry.takenBack === id), txid, { timeout: 30_000 })
}

describe("paying from the viewer's own BRC-100 wallet", { timeout: 300_000 }, () => {
  let approvalsAfterFirst = 0
  before(async () => {
    wallet = await startTestWallet(env.host, [100_000, 100_000, 100_000])
  })
  after(() => wallet?.dispose())
  afterEach(async () => {
    for (const profile of profiles.splice(0)) await profile.close()
  })

  test('the player finds the wallet, pays 20 s from it, stops; the close pays exactly what was signed and the balance is exact to the satoshi', async () => {
    const before = await wallet.balance()
    const page = await openPlayer({ shareIdentity: true })
    const found = await state(page)
    assert.equal(found.payingWith, 'brc100')
    assert.equal(found.walletIdentity, wallet.identityKey)
    assert.equal(await page.getByTestId('pay-brc100').getAttribute('aria-pressed'), 'true')
    assert.match((await page.getByTestId('brc100-identity').textContent()) ?? '', new RegExp(`${shortKey(wallet.identityKey)} · testnet`))

    const settled = await watchToCapAndStop(page)
    const close = Transaction.fromHex(ledger().rawTx(settled.closeTxid)!)
    assert.equal(close.outputs[0].satoshis, CAP, "the close pays the host exactly the viewer's last signed total")
    const change = close.outputs[1]
    assert.equal(change.satoshis, settled.change)
    await untilTakenBack(page, settled.closeTxid)

    // Old balance minus what was paid and the fees: the funding's, the close's, and the wallet's own approval tokens.
    const fundingTxid = await channelFunding(settled.channelId)
    const closeFee = settled.capacity - close.outputs.reduce((sum, output) => sum + output.satoshis!, 0)
    const tokens = await approvalTokensCost()
    assert.ok(tokens > 0, 'the first viewing was approved in the wallet')
    assert.equal(await wallet.balance(), before - CAP - feeOf(fundingTxid) - closeFee - tokens)

    // The wallet's history: the funding going out, the change coming back, each saying what it was.
    const { actions } = await wallet.apps.listActions({ labels: ['p2p channels'] }, ADMIN_ORIGINATOR)
    const funding = actions.find((action) => action.txid === fundingTxid)
    assert.equal(funding?.satoshis, -(settled.capacity + feeOf(fundingTxid)))
    const back = actions.find((action) => action.txid === settled.closeTxid)
    assert.equal(back?.satoshis, change.satoshis)
    assert.match(back?.description ?? '', new RegExp(`Watched 20 s of ${STREAM} on 127\\.0\\.0\\.1:${env.host.port}: paid ${CAP} sat`))

    // The viewer let the host know them: the dashboard counts them, by the wallet's identity key.
    const stats = (await (await fetch(`${env.host.url}/api/host/stats`, { headers: { Authorization: `Bearer ${env.host.adminToken}` } })).json()) as DashboardSnapshot
    assert.deepEqual(stats.viewers.map((v) => [v.identityKey, v.channels, v.paid]), [[wallet.identityKey, 1, CAP]])
    approvalsAfterFirst = wallet.approvals.length
    assert.ok(wallet.approvals.some((a) => a.type === 'protocol' && a.protocol === '2:p2p channels'), 'the channel key was approved once for this host')
  })

  test('a second viewing pays without a new approval, and costs exactly what it paid plus the two fees', async () => {
    const before = await wallet.balance()
    const page = await openPlayer()
    const settled = await watchToCapAndStop(page)
    await untilTakenBack(page, settled.closeTxid)
    assert.equal(wallet.approvals.length, approvalsAfterFirst, 'no new prompt in the wallet')
    const close = Transaction.fromHex(ledger().rawTx(settled.closeTxid)!)
    const closeFee = settled.capacity - close.outputs.reduce((sum, output) => sum + output.satoshis!, 0)
    assert.equal(await wallet.balance(), before - CAP - feeOf(await channelFunding(settled.channelId)) - closeFee)
    // This viewer kept their identity: the dashboard's known viewer still has one channel.
    const stats = (await (await fetch(`${env.host.url}/api/host/stats`, { headers: { Authorization: `Bearer ${env.host.adminToken}` } })).json()) as DashboardSnapshot
    assert.deepEqual(stats.viewers.map((v) => v.channels), [1])
  })

  test('a host that refuses to co-sign leaves the balance unchanged: the funding is aborted in the wallet', async () => {
    const before = await wallet.balance()
    const callsBefore = wallet.http.calls.length
    let release = () => {}
    const page = await openPlayer({ holdMedia: new Promise<void>((resolve) => (release = resolve)) })
    await page.waitForFunction(() => window.p2p!.state().pricePerSecond !== null)
    // The chain moves on past the refund's tolerance: the host refuses the refund these terms produce.
    for (let i = 0; i < 5; i++) ledger().mine()
    await env.host.chainView.refresh()
    release()
    await page.locator('[data-testid="error-banner"]').filter({ hasText: 'bad_refund' }).waitFor({ timeout: 60_000 })
    // hls.js retries the segment, so the player may be opening again, its funding created and not yet refused: the
    // viewer stops, and that opening ends as the first did.
    await page.getByTestId('stop-button').click()
    const calls = () => wallet.http.calls.slice(callsBefore).map((call) => call.method)
    const count = (method: string) => calls().filter((call) => call === method).length
    const outgoing = async () => (await wallet.apps.listActions({ labels: ['p2p channels'] }, ADMIN_ORIGINATOR)).actions.filter((action) => action.isOutgoing).length
    const ended = async () => count('createAction') === count('abortAction') && (await outgoing()) === 2
    for (const deadline = Date.now() + 30_000; Date.now() < deadline && !(await ended()); ) await page.waitForTimeout(200)
    assert.equal(await outgoing(), 2, 'only the two channels that opened hold a funding')
    assert.ok(count('createAction') >= 1, `a funding was created: ${calls().join(', ')}`)
    assert.equal(count('abortAction'), count('createAction'), `each funding created was aborted: ${calls().join(', ')}`)
    assert.ok(calls().indexOf('abortAction') > calls().indexOf('createAction'), `the funding was created, then aborted: ${calls().join(', ')}`)
    assert.equal(await wallet.balance(), before, 'nothing was spent')
  })

  test('a channel closed with nothing paid: its refund comes back into the wallet once the chain reaches its lock time', async () => {
    const before = await wallet.balance()
    // A cap below the first paid segment's price: the channel opens for it, and the player stops at the cap, asking.
    const page = await openPlayer({ cap: PRICE })
    await page.waitForFunction(() => window.p2p!.state().phase === 'open' && window.p2p!.state().capDialogOpen, undefined, { timeout: 60_000 })
    const { channelId } = await state(page)
    await page.getByTestId('cap-dialog-stop').click()
    await page.waitForFunction(() => window.p2p!.state().lastSummary !== null, undefined, { timeout: 30_000 })
    const [entry] = await history(page)
    assert.equal(entry.summary.channelId, channelId)
    assert.equal(entry.summary.paid, 0)
    const refund = Transaction.fromHex(entry.refundHex!)

    while (ledger().height < refund.lockTime) ledger().mine()
    // Back on the page, the player would play on and open a new channel: no stream this time, only the books.
    await page.context().route(/\/media\/.+\.m3u8/, (route) => route.abort())
    await page.reload()
    await page.waitForFunction(() => (window.p2p?.history() as Array<{ refund?: { status: string } }> | undefined)?.[0]?.refund?.status === 'reclaimed', undefined, { timeout: 30_000 })
    await untilTakenBack(page, refund.id('hex'))
    const fundingTxid = await channelFunding(channelId!)
    const capacity = Transaction.fromHex(ledger().rawTx(fundingTxid)!).outputs[refund.inputs[0].sourceOutputIndex].satoshis!
    assert.equal(await wallet.balance(), before - feeOf(fundingTxid) - (capacity - refund.outputs[0].satoshis!))
    const { actions } = await wallet.apps.listActions({ labels: ['p2p channels'] }, ADMIN_ORIGINATOR)
    assert.match(actions.find((action) => action.txid === refund.id('hex'))?.description ?? '', /Refund of a channel with nothing paid/)
  })

  test("a wallet on another network is refused with a clear message, and this device's wallet pays", async () => {
    await wallet.http.close()
    const mainnet = await startTestWallet(env.host, [], 'main')
    try {
      const page = await openPlayer()
      assert.equal((await state(page)).payingWith, 'device')
      assert.equal(await page.getByTestId('pay-brc100').isHidden(), true)
      assert.equal(await page.getByTestId('pay-device').getAttribute('aria-pressed'), 'true')
      assert.match((await page.getByTestId('pay-with-status').textContent()) ?? '', /Your BSV wallet is on mainnet, and this host runs on its devnet.*Switch your wallet to testnet/)
      assert.deepEqual(mainnet.http.calls.map((call) => call.method).filter((method) => method !== 'getVersion'), ['getNetwork'], 'nothing but its network was asked of it')
      await page.context().close()
    } finally {
      await mainnet.dispose()
    }
  })
})
