// The font for the burnt-in timestamp. Without one the pattern is still drawn, just without text: a missing font
// package should not stop anyone from getting a stream.
import { existsSync } from 'node:fs'

export const DEJAVU_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
]

/** First font that exists and can be passed through filter syntax; null means "skip drawtext". */
export function findTestPatternFont(candidates: readonly string[] = DEJAVU_FONTS): string | null {
  return candidates.find((path) => !/['\\]/.test(path) && existsSync(path)) ?? null
}
