// Plans the ABR ladder: which renditions to make from a source of a given size. Rung names ("360p", "720p") are
// also the folder names, and the host prices per rendition by folder name, so they are part of the contract.
// Rungs keep the source aspect ratio, never exceed the source size, and have even dimensions (H.264 4:2:0 needs it).

export interface Rung {
  /** Folder name and label, from the shorter side: "360p". */
  name: string
  width: number
  height: number
  videoKbps: number
  maxrateKbps: number
  bufsizeKbps: number
  /** H.264 level for `-level`, e.g. "3.1". */
  level: string
  /** RFC 6381 codec string of the video, e.g. "avc1.4d401f" (Main profile). */
  videoCodec: string
}

export const STANDARD_STEPS = [360, 720, 1080] as const
export const LADDER_FPS = 30
export const AUDIO_CODEC = 'mp4a.40.2'
export const AUDIO_KBPS = 96

function floorEven(value: number): number {
  return Math.max(2, Math.floor(value / 2) * 2)
}

function roundEven(value: number): number {
  return Math.max(2, Math.round(value / 2) * 2)
}

/** Smallest Main-profile level that fits the frame size at 30 fps (macroblock limits from the H.264 spec, Table A-1). */
function levelFor(width: number, height: number): { level: string; idc: number } {
  const macroblocks = Math.ceil(width / 16) * Math.ceil(height / 16)
  if (macroblocks * LADDER_FPS <= 40_500) return { level: '3.0', idc: 30 }
  if (macroblocks <= 3_600 && macroblocks * LADDER_FPS <= 108_000) return { level: '3.1', idc: 31 }
  return { level: '4.0', idc: 40 }
}

/** ~0.1 bit per pixel per frame at 30 fps: 360p ≈ 700 kbps, 720p ≈ 2750 kbps, 1080p ≈ 6200 kbps. */
function videoKbpsFor(width: number, height: number): number {
  return Math.max(150, Math.round((width * height * LADDER_FPS * 0.1) / 1000 / 50) * 50)
}

export function makeRung(shortSide: number, source: { width: number; height: number }): Rung {
  const landscape = source.width >= source.height
  const sourceLong = landscape ? source.width : source.height
  const sourceShort = landscape ? source.height : source.width
  const short = Math.min(floorEven(shortSide), floorEven(sourceShort))
  const long = Math.min(roundEven((short * sourceLong) / sourceShort), floorEven(sourceLong))
  const width = landscape ? long : short
  const height = landscape ? short : long
  const videoKbps = videoKbpsFor(width, height)
  const { level, idc } = levelFor(width, height)
  return {
    name: `${short}p`,
    width,
    height,
    videoKbps,
    maxrateKbps: Math.round(videoKbps * 1.1),
    bufsizeKbps: videoKbps * 2,
    level,
    videoCodec: `avc1.4d40${idc.toString(16).padStart(2, '0')}`,
  }
}

/**
 * The standard steps that fit inside the source, plus the source's own size when it sits below the top step
 * (a 480p source gets 360p and 480p; a 240p source gets just 240p). Smallest first.
 */
export function planLadder(source: { width: number; height: number }, steps: readonly number[] = STANDARD_STEPS): Rung[] {
  if (!(source.width > 0 && source.height > 0)) throw new Error(`Cannot plan a ladder for a ${source.width}x${source.height} source`)
  const sourceShort = floorEven(Math.min(source.width, source.height))
  const sizes = steps.filter((step) => step <= sourceShort)
  if (sourceShort < Math.max(...steps) && !sizes.includes(sourceShort)) sizes.push(sourceShort)
  return sizes.sort((a, b) => a - b).map((size) => makeRung(size, source))
}

/** The sample stream's ladder: 360p and 720p of a 16:9 test pattern. */
export const SAMPLE_LADDER: Rung[] = planLadder({ width: 1280, height: 720 }, [360, 720])
