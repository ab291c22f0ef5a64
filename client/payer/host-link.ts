// The session's line to the host: the socket, its events as the session cares about them, the host's latest terms,
// and requests that give up after a timeout. A reconnect is announced; the first connection is the caller's.
import type { ClientEvent, FundingLostNotice, ReplyOf, RequestOf, SettlementSummary, Terms } from '../../protocol/messages.ts'
import { TypedEmitter } from './emitter.ts'
import { HostSilent, request, type HostSocket } from './host-request.ts'
import { WaiterList } from './waiting.ts'

export interface HostLinkEvents {
  terms: [terms: Terms]
  settled: [summary: SettlementSummary]
  hostStatus: [status: { accepting: boolean; reason?: string }]
  fundingLost: [notice: FundingLostNotice]
  /** The socket came back after a drop: a remembered channel should be resumed. */
  reconnected: []
  disconnected: []
}

export class HostLink extends TypedEmitter<HostLinkEvents> {
  private latest: Terms | null = null
  private readonly termsArrived = new WaiterList()
  private connectedOnce: boolean

  /** `earlyTerms`: terms the socket brought before this link listened (a socket opened as the page loads), or /api/info. */
  constructor(
    private readonly socket: HostSocket,
    readonly ackTimeoutMs: number,
    earlyTerms: Terms | null = null,
  ) {
    super()
    this.latest = earlyTerms
    this.connectedOnce = socket.connected
    socket.on('terms', this.onTerms)
    socket.on('settled', this.onSettled)
    socket.on('hostStatus', this.onHostStatus)
    socket.on('fundingLost', this.onFundingLost)
    socket.on('protocolError', this.onProtocolError)
    socket.on('connect', this.onConnect)
    socket.on('disconnect', this.onDisconnect)
  }

  get terms(): Terms | null {
    return this.latest
  }

  /** The host's terms, waiting for the first `terms` message if none arrived yet; HostSilent after the timeout. */
  async waitForTerms(timeoutMs = this.ackTimeoutMs): Promise<Terms> {
    if (!this.latest) {
      await this.termsArrived.wait(AbortSignal.timeout(timeoutMs)).catch(() => {
        throw new HostSilent('terms', timeoutMs)
      })
    }
    return this.latest!
  }

  ask<E extends ClientEvent>(event: E, payload: RequestOf<E>): Promise<ReplyOf<E>> {
    return request(this.socket, event, payload, this.ackTimeoutMs)
  }

  /** Sends a request without waiting for its answer (the page is going away). */
  tell<E extends ClientEvent>(event: E, payload: RequestOf<E>): void {
    void request(this.socket, event, payload, this.ackTimeoutMs).catch(() => undefined)
  }

  /** Stops listening (the caller owns the socket and disconnects it). */
  dispose(): void {
    this.socket.off('terms', this.onTerms)
    this.socket.off('settled', this.onSettled)
    this.socket.off('hostStatus', this.onHostStatus)
    this.socket.off('fundingLost', this.onFundingLost)
    this.socket.off('protocolError', this.onProtocolError)
    this.socket.off('connect', this.onConnect)
    this.socket.off('disconnect', this.onDisconnect)
  }

  private readonly onTerms = (terms: Terms): void => {
    this.latest = terms
    this.termsArrived.resolveAll()
    this.emit('terms', terms)
  }

  private readonly onSettled = (summary: SettlementSummary): void => this.emit('settled', summary)

  private readonly onHostStatus = (status: { accepting: boolean; reason?: string }): void => this.emit('hostStatus', status)

  private readonly onFundingLost = (notice: FundingLostNotice): void => this.emit('fundingLost', notice)

  private readonly onProtocolError = (error: { code: string; message: string; event?: string }): void => {
    console.warn(`host protocol error ${error.code}: ${error.message}`)
  }

  private readonly onConnect = (): void => {
    if (this.connectedOnce) this.emit('reconnected')
    this.connectedOnce = true
  }

  private readonly onDisconnect = (): void => this.emit('disconnected')
}
