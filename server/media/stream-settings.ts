// stream.json: a small settings file a host puts in a stream's folder, or in any folder above several streams.
//   { "title": "Season one, episode one", "pricePerSecond": 20 }
// Both keys are optional. The price applies to every stream at or below the folder unless a nearer stream.json sets
// its own; the title names the streams of that folder only. A file that is not valid JSON, has an unknown key (a typo
// would otherwise silently leave the default price) or a price that is not a positive whole number is refused, and
// nothing below it is sold until it is fixed.
import { z } from 'zod'
import { describeIssues } from '../../protocol/messages.ts'

export const STREAM_SETTINGS_FILE = 'stream.json'
export const MAX_STREAM_SETTINGS_BYTES = 16 * 1024
export const MAX_PRICE_PER_SECOND = 1_000_000

export const StreamSettings = z.strictObject({
  title: z.string().trim().min(1).max(200).regex(/^[^\u0000-\u001f\u007f]*$/, 'no control characters').optional(),
  pricePerSecond: z.number().int().min(1).max(MAX_PRICE_PER_SECOND).optional(),
})
export type StreamSettings = z.infer<typeof StreamSettings>

export type SettingsReading = { ok: true; settings: StreamSettings } | { ok: false; message: string }

/** `text` null: the file could not be read, or is over MAX_STREAM_SETTINGS_BYTES. */
export function parseStreamSettings(text: string | null): SettingsReading {
  if (text === null || text.length > MAX_STREAM_SETTINGS_BYTES) return { ok: false, message: `it cannot be read or is larger than ${MAX_STREAM_SETTINGS_BYTES} bytes` }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    return { ok: false, message: `it is not valid JSON (${(error as Error).message})` }
  }
  const result = StreamSettings.safeParse(json)
  if (!result.success) return { ok: false, message: `${describeIssues(result.error)}; expected { "title": "...", "pricePerSecond": 20 }` }
  return { ok: true, settings: result.data }
}
