// A channel's access token (what a viewer sends in X-Channel-Token for its media), and what the store keeps of it:
// only its SHA-256, so a copy of the store or of a backup opens no channel's media. The token itself is derived from
// the channel id with a secret drawn from the channel key (HMAC-SHA256), so the host can hand it out when the funding
// arrives without having kept it, and every instance of a cluster (which all hold the same channel key) agrees on it.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { PrivateKey } from '@bsv/sdk'

/** A stored token digest: 64 hex digits. Data folders from before kept the token itself (43 base64url characters). */
const DIGEST = /^[0-9a-f]{64}$/

export class ChannelTokens {
  private readonly secret: Buffer

  constructor(channelKey: PrivateKey) {
    this.secret = createHmac('sha256', Buffer.from(channelKey.toArray('be', 32))).update('p2p-channels channel token').digest()
  }

  /** The token of channel `id`, as the viewer gets it. */
  issue(id: string): string {
    return createHmac('sha256', this.secret).update(id).digest('base64url')
  }

  /** What the store keeps of channel `id`'s token. */
  stored(id: string): string {
    return tokenDigest(this.issue(id))
  }

  /** The stored form a presented token is looked up by. */
  digest(token: string): string {
    return tokenDigest(token)
  }

  /** Whether `presented` is the token of a channel whose store row holds `stored` (a digest, or an older row's token). */
  matches(stored: string, presented: string): boolean {
    const expected = isDigest(stored) ? stored : tokenDigest(stored)
    return timingSafeEqual(Buffer.from(tokenDigest(presented), 'hex'), Buffer.from(expected, 'hex'))
  }
}

/** What the store keeps of a token: its SHA-256, hex. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** True for a stored token digest; false for a token kept in plain text by an older version. */
export const isDigest = (stored: string): boolean => DIGEST.test(stored)
