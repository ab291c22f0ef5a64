// What the tools' plain SVG charts share. Pure.

/** The smallest 1, 2 or 5 × 10^k at or above `value`: a round top for an axis. */
export function niceCeiling(value: number): number {
  if (value <= 0) return 1
  const power = 10 ** Math.floor(Math.log10(value))
  const step = [1, 2, 5, 10].find((s) => s * power >= value) ?? 10
  return step * power
}

/** Text for an SVG element's content. */
export const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;')
