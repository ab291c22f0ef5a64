// Finds an ffmpeg binary. Order (first usable wins): FFMPEG_PATH, the optional ffmpeg-static package, the bundled
// @ffmpeg-installer/ffmpeg package, then `ffmpeg` on PATH. ffmpeg-static is optional because its install script
// downloads from GitHub, which is not reachable everywhere, so it is imported dynamically and may simply be absent.
// The candidate list is a parameter so tests (and P2P_FFMPEG_SOURCES) can narrow it.
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { MediaError } from './errors.ts'

/** What a candidate found: a usable binary, or the reason it has none (shown when nothing is found). */
export type CandidateResult = { path: string } | { unavailable: string }

export interface FfmpegCandidate {
  /** Name shown in logs and errors, e.g. "FFMPEG_PATH". */
  source: string
  locate(): Promise<CandidateResult>
}

export interface ResolvedFfmpeg {
  path: string
  source: string
}

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

function checkFile(path: string): CandidateResult {
  return isExecutableFile(path) ? { path } : { unavailable: `${path} does not exist or is not an executable file` }
}

/** Looks `name` up in a PATH string the way a shell would. */
export function findOnPath(name: string, pathVariable: string | undefined): string | null {
  for (const dir of (pathVariable ?? '').split(delimiter)) {
    if (dir === '') continue
    const candidate = join(dir, name)
    if (isExecutableFile(candidate)) return candidate
  }
  return null
}

// A non-literal specifier keeps TypeScript from requiring the optional package's types at compile time.
async function importOptional(specifier: string): Promise<unknown> {
  const module: { default?: unknown } = await import(specifier)
  return module.default ?? module
}

/**
 * The standard candidates in order. P2P_FFMPEG_SOURCES (comma-separated source names) narrows the list, which is
 * how the CLI's "no ffmpeg" path is exercised on a machine that does have one.
 */
export function defaultFfmpegCandidates(env: NodeJS.ProcessEnv = process.env): FfmpegCandidate[] {
  const all: FfmpegCandidate[] = [
    {
      source: 'FFMPEG_PATH',
      locate: async () => (env.FFMPEG_PATH ? checkFile(env.FFMPEG_PATH) : { unavailable: 'not set' }),
    },
    {
      source: 'ffmpeg-static',
      locate: async () => {
        try {
          const path = await importOptional('ffmpeg-static')
          return typeof path === 'string' ? checkFile(path) : { unavailable: 'package has no binary for this platform' }
        } catch {
          return { unavailable: 'package not installed (optional dependency)' }
        }
      },
    },
    {
      source: '@ffmpeg-installer/ffmpeg',
      locate: async () => {
        try {
          const installer = (await importOptional('@ffmpeg-installer/ffmpeg')) as { path?: unknown }
          return typeof installer.path === 'string' ? checkFile(installer.path) : { unavailable: 'package reports no binary' }
        } catch (error) {
          return { unavailable: `package not usable (${(error as Error).message.split('\n')[0]})` }
        }
      },
    },
    {
      source: 'PATH',
      locate: async () => {
        const path = findOnPath('ffmpeg', env.PATH)
        return path ? { path } : { unavailable: 'no ffmpeg in any PATH folder' }
      },
    },
  ]
  const only = env.P2P_FFMPEG_SOURCES?.split(',').map((name) => name.trim()).filter(Boolean)
  return only && only.length > 0 ? all.filter((candidate) => only.includes(candidate.source)) : all
}

export function noFfmpegMessage(tried: Array<{ source: string; reason: string }>): string {
  return [
    'No ffmpeg found. Tried, in order:',
    ...tried.map(({ source, reason }) => `  - ${source}: ${reason}`),
    'Fix: set FFMPEG_PATH=/path/to/ffmpeg, or install one (npm install @ffmpeg-installer/ffmpeg, or apt-get install ffmpeg).',
  ].join('\n')
}

export async function resolveFfmpeg(options: {
  candidates?: FfmpegCandidate[]
  log?: (line: string) => void
} = {}): Promise<ResolvedFfmpeg> {
  const candidates = options.candidates ?? defaultFfmpegCandidates()
  const tried: Array<{ source: string; reason: string }> = []
  for (const candidate of candidates) {
    const result = await candidate.locate()
    if ('path' in result) {
      options.log?.(`Using ffmpeg from ${candidate.source}: ${result.path}`)
      return { path: result.path, source: candidate.source }
    }
    tried.push({ source: candidate.source, reason: result.unavailable })
  }
  throw new MediaError(noFfmpegMessage(tried))
}

/**
 * An ffprobe to go with the ffmpeg, or null. Most bundled builds ship none; callers then inspect files with
 * ffmpeg itself (see media-probe.ts).
 */
export function resolveFfprobe(ffmpegPath: string, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.FFPROBE_PATH && isExecutableFile(env.FFPROBE_PATH)) return env.FFPROBE_PATH
  const sibling = join(dirname(ffmpegPath), 'ffprobe')
  if (isExecutableFile(sibling)) return sibling
  return findOnPath('ffprobe', env.PATH)
}
