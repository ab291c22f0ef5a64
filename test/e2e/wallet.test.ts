// The viewer can always get their coins out, in a real Chromium against a real host: Withdraw empties the device
// wallet to a typed address (checked on the devnet ledger), a bad or wrong-network address moves nothing, and the
// backup phrase restores the same address, balance and waiting refunds in another browser profile; a funding
// double-spent while the player pays stops the channel, and the page says why.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Mnemonic, PrivateKey, Transaction } from '@bsv/sdk'
import type { Page } from 'playwright-core'
import { keyFromPhrase } from '../../client/payer/wallet-phrase.ts'
import { buildSignedP2pkhTx } from '../../devnet/p2pkh.ts'
import { usePlayerHost } from '../support/player-host.ts'
import { openRawViewer } from '../support/raw-viewer.ts'

/** Short-lived channels, so a refund unlocks after a few mined blocks. */
const LIFETIME = 8

const env = usePlayerHost({ lifetimeBlocks: LIFETIME, devnetTestMode: true })

interface WalletState {
  walletAddress: string
  walletBalance: number | null
}

const state = async (page: Page) => (await page.evaluate(() => window.p2p!.state())) as unknown as WalletState
const ledgerBalance = (address: string) => env.host.ledger!.unspent(address).reduce((sum, u) => sum + u.satoshis, 0)

/**
 * A fresh browser profile on the player, its media held back so it opens no channel: only the device wallet, funded
 * from the devnet faucet on this first visit.
 */
async function openWallet(): Promise<Page> {
  const context = await env.browser.newContext()
  await context.route(/\/media\//, (route) => route.abort())
  const page = await context.newPage()
  page.on('pageerror', (error) => console.error('page error:', error.message))
  await page.goto(`${env.host.url}/`)
  await page.waitForFunction(() => ((window.p2p?.state().walletBalance as number | null | undefined) ?? 0) > 0, undefined, { timeout: 30_000 })
  return page
}

async function balanceShown(page: Page, sats: number): Promise<void> {
  await page.getByTestId('wallet-balance').and(page.locator(`[data-sats="${sats}"]`)).waitFor({ timeout: 30_000 })
}

describe('the device wallet', { timeout: 180_000 }, () => {
  test('a bad or a wrong-network address gets its message and moves nothing; Withdraw then empties the wallet to a good one', async () => {
    const page = await openWallet()
    const { walletAddress } = await state(page)
    const before = ledgerBalance(walletAddress)
    assert.ok(before > 0)
    await page.getByTestId('withdraw-open').click()
    const address = page.getByTestId('withdraw-address')
    const problem = page.getByTestId('withdraw-problem')
    const send = page.getByTestId('withdraw-send')

    await address.fill('1NotAnAddressAtAll0OIl')
    await problem.filter({ hasText: 'is not a BSV address' }).waitFor()
    assert.equal(await send.isDisabled(), true)
    const stranger = PrivateKey.fromRandom()
    await address.fill(stranger.toAddress('testnet'))
    await problem.filter({ hasText: 'That is a testnet address' }).waitFor()
    assert.equal(await send.isDisabled(), true)
    assert.equal(ledgerBalance(walletAddress), before, 'nothing moved')

    // A good address: the fee shows before anything is sent.
    const to = stranger.toAddress('mainnet')
    await address.fill(to)
    // The summary was already shown beside the last problem: the good address's own check ends when the problem goes.
    await problem.waitFor({ state: 'hidden' })
    await page.getByTestId('withdraw-summary').filter({ hasText: 'network fee' }).waitFor()
    const summary = (await page.getByTestId('withdraw-summary').textContent()) ?? ''
    const [, sends, fee] = /Sends ([\d,]+) sat: the whole balance of [\d,]+ sat minus a ([\d,]+) sat network fee/.exec(summary) ?? []
    const amount = Number(sends?.replace(/,/g, ''))
    assert.equal(amount + Number(fee?.replace(/,/g, '')), before, summary)
    assert.equal(await send.isDisabled(), false)
    await send.click()
    await page.locator('[data-testid="withdraw-result"][data-txid]').waitFor({ timeout: 30_000 })
    const txid = await page.getByTestId('withdraw-result').getAttribute('data-txid')

    assert.deepEqual(env.host.ledger!.unspent(walletAddress), [], 'the device wallet is empty on the ledger')
    assert.deepEqual(env.host.ledger!.unspent(to).map((u) => [u.txid, u.satoshis]), [[txid, amount]])
    await balanceShown(page, 0)
    await page.context().close()
  })

  test('the backup phrase restores the same address, balance and waiting refund in a new profile', async () => {
    const first = await openWallet()
    const original = await state(first)
    await first.getByTestId('backup-open').click()
    const phrase = ((await first.getByTestId('backup-phrase').textContent()) ?? '').trim()
    assert.equal(phrase.split(' ').length, 12)
    assert.equal(await first.getByTestId('backup-refunds-block').isHidden(), true, 'no refunds to back up yet')
    await first.getByTestId('backup-close').click()
    assert.equal(keyFromPhrase(phrase).toAddress(), original.walletAddress, 'the documented derivation gives the page\'s address')

    // A channel of this wallet settled with nothing paid: its co-signed refund waits in the history for its block.
    const key = keyFromPhrase(phrase)
    const viewer = await openRawViewer(env.host.url, 2_000, key)
    const summary = await viewer.send('close', { channelId: viewer.channelId })
    assert.ok(summary.ok && summary.refundAfterHeight)
    viewer.disconnect()
    const { ok: _ok, ...settled } = summary
    await first.evaluate(({ summary, refundHex }) => {
      localStorage.setItem('p2p.session.history', JSON.stringify([{ summary, settledAt: Date.now(), refundHex }]))
    }, { summary: settled, refundHex: viewer.refundHex })
    await first.reload()
    await first.waitForFunction(() => window.p2p !== undefined)
    await first.getByTestId('backup-open').click()
    await first.getByTestId('backup-refunds-count').filter({ hasText: '1 refund waiting' }).waitFor()
    const refundCode = await first.getByTestId('backup-refunds').inputValue()
    const balance = ledgerBalance(original.walletAddress)

    // Another profile has a wallet of its own, funded on its first visit.
    const second = await openWallet()
    assert.notEqual((await state(second)).walletAddress, original.walletAddress)
    await second.getByTestId('restore-open').click()
    const problem = second.getByTestId('restore-problem')
    await second.getByTestId('restore-phrase').fill('abandon abandon abandon')
    await second.getByTestId('restore-submit').click()
    await problem.filter({ hasText: 'has 12 words' }).waitFor()
    // Its words in another order, checked to be no phrase: the checksum holds for about one order in 16.
    const words = phrase.split(' ')
    const reordered = [[...words].reverse(), ...words.map((_, i) => [...words.slice(i + 1), ...words.slice(0, i + 1)])].map((order) => order.join(' '))
    await second.getByTestId('restore-phrase').fill(reordered.find((order) => !Mnemonic.isValid(order))!)
    await second.getByTestId('restore-submit').click()
    await problem.filter({ hasText: 'not a valid phrase' }).waitFor()
    assert.notEqual((await state(second)).walletAddress, original.walletAddress, 'a bad phrase changes nothing')

    await second.getByTestId('restore-phrase').fill(`  ${phrase.toUpperCase()} `)
    await second.getByTestId('restore-refunds').fill(refundCode)
    await second.getByTestId('restore-submit').click()
    await problem.filter({ hasText: 'Press Restore again to replace it' }).waitFor()
    await Promise.all([second.waitForEvent('load'), second.getByTestId('restore-submit').click()])
    await second.waitForFunction((address) => window.p2p?.state().walletAddress === address, original.walletAddress)
    await balanceShown(second, balance)
    const history = (await second.evaluate(() => window.p2p!.history())) as Array<{ summary: { channelId: string }; refundHex?: string }>
    assert.deepEqual(history.map((entry) => [entry.summary.channelId, entry.refundHex]), [[viewer.channelId, viewer.refundHex]])

    // The refund needs no host: once its block comes, the restored profile sends it and the coins are back.
    for (let i = 0; i < LIFETIME; i++) env.host.ledger!.mine()
    await second.reload()
    await second.waitForFunction(() => (window.p2p?.history() as Array<{ refund?: { status: string } }> | undefined)?.[0]?.refund?.status === 'reclaimed', undefined, { timeout: 30_000 })
    assert.ok(ledgerBalance(original.walletAddress) > balance, 'the refund paid the restored wallet')
    await first.context().close()
    await second.context().close()
  })

  test('a funding double-spent while the player pays stops the channel, and the player says why', async () => {
    const context = await env.browser.newContext()
    const page = await context.newPage()
    await page.goto(`${env.host.url}/?stream=${encodeURIComponent('/media/sample/360p/index.m3u8')}`)
    await page.waitForFunction(() => ((window.p2p?.state().segments as number | undefined) ?? 0) > 0, undefined, { timeout: 60_000 })
    const { channelId } = (await page.evaluate(() => window.p2p!.state())) as { channelId: string }
    const wif = await page.evaluate(() => localStorage.getItem('p2p.wallet.key'))
    const key = PrivateKey.fromWif(wif!)

    // The same wallet, elsewhere, spends the coin the funding spent; a miner takes that one.
    const fundingTxid = ((await (await fetch(`${env.host.url}/api/channels`, { headers: { Authorization: `Bearer ${env.host.adminToken}` } })).json()) as { channels: Array<{ id: string; fundingTxid: string }> }).channels.find((c) => c.id === channelId)!.fundingTxid
    const funding = Transaction.fromHex(env.host.ledger!.rawTx(fundingTxid)!)
    const spent = funding.inputs[0]
    const parent = Transaction.fromHex(env.host.ledger!.rawTx(spent.sourceTXID!)!)
    const coin = { txid: spent.sourceTXID!, vout: spent.sourceOutputIndex, satoshis: parent.outputs[spent.sourceOutputIndex].satoshis! }
    const rival = await buildSignedP2pkhTx({ key, inputs: [coin], outputs: [{ address: key.toAddress(), satoshis: coin.satoshis - 500 }] })
    assert.equal(env.host.ledger!.forceConflict(rival.toHex()).status, 'DOUBLE_SPEND_ATTEMPTED')

    await page.locator('[data-testid="error-banner"][data-kind="funding_double_spent"]').waitFor({ timeout: 30_000 })
    assert.match((await page.getByTestId('error-message').textContent()) ?? '', /funding was double-spent/)
    await page.waitForFunction(() => document.querySelector('video')!.paused && window.p2p!.state().stopped === true)
    const row = (await (await fetch(`${env.host.url}/api/channels`, { headers: { Authorization: `Bearer ${env.host.adminToken}` } })).json()) as { channels: Array<{ id: string; state: string; closeReason: string }> }
    assert.deepEqual(row.channels.filter((c) => c.id === channelId).map((c) => [c.state, c.closeReason]), [['closed', 'funding_double_spent']])
    await context.close()
  })
})
