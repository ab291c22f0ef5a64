// The channel table's filter and paging. Unfiltered, it shows the live snapshot's newest channels (unfunded opens left
// out) and "Load more" pages on from there; filtered by a state, it pages GET /api/channels?state=…&cursor=…, so no
// number of junk opens can hide an open channel.
import { LISTED_STATES, type ChannelPage, type ChannelRow } from '../../protocol/dashboard.ts'
import { adminFetch } from './admin-token.ts'

export interface ChannelBrowserView {
  filter: HTMLSelectElement
  more: HTMLButtonElement
  error: HTMLElement
}

export class ChannelBrowser {
  private liveRows: ChannelRow[] = []
  private older: ChannelRow[] = []
  private cursor: string | null = null
  /** Rows from the API for a chosen state; null while the table follows the live snapshot. */
  private filtered: ChannelRow[] | null = null

  constructor(
    private readonly view: ChannelBrowserView,
    private readonly token: () => string | null,
    private readonly draw: (rows: ChannelRow[]) => void,
  ) {
    view.filter.addEventListener('change', () => void this.choose(view.filter.value))
    view.more.addEventListener('click', () => void this.loadMore())
  }

  /** A new snapshot: its rows replace the live part of the table. */
  live(rows: ChannelRow[], cursor: string | null): void {
    this.liveRows = rows
    if (this.older.length === 0) this.cursor = cursor
    if (this.filtered === null) this.redraw()
  }

  private states(): string {
    return this.view.filter.value || LISTED_STATES.join(',')
  }

  private async choose(state: string): Promise<void> {
    this.older = []
    this.cursor = null
    this.filtered = state ? [] : null
    if (state) await this.fetchPage()
    else this.redraw()
  }

  private async loadMore(): Promise<void> {
    if (this.cursor) await this.fetchPage()
  }

  private async fetchPage(): Promise<void> {
    const token = this.token()
    if (!token) return
    const query = new URLSearchParams({ state: this.states(), limit: '100', ...(this.cursor ? { cursor: this.cursor } : {}) })
    this.view.more.disabled = true
    try {
      const page = await adminFetch<ChannelPage>(`/api/channels?${query}`, token)
      if (this.filtered) this.filtered = [...this.filtered, ...page.channels]
      else this.older = [...this.older, ...page.channels]
      this.cursor = page.nextCursor
      this.view.error.hidden = true
    } catch (error) {
      this.view.error.hidden = false
      this.view.error.textContent = error instanceof Error ? error.message : String(error)
    } finally {
      this.view.more.disabled = false
      this.redraw()
    }
  }

  private redraw(): void {
    const rows = this.filtered ?? [...this.liveRows, ...this.older.filter((row) => !this.liveRows.some((live) => live.id === row.id))]
    this.draw(rows)
    this.view.more.hidden = this.cursor === null
  }
}
