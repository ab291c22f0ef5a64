// `npm run media` — makes HLS streams for the host to sell:
//   npm run media                         the sample stream (test pattern + tone, 360p + 720p) in media/sample/
//   npm run media -- --input FILE [--name NAME]   a host's own video as a ladder in media/NAME/
//   npm run media -- --live               a live sliding-window test pattern in media/live/ until Ctrl-C
// Options: --out DIR (default media/), --seconds N (sample length, default 60), --force (regenerate),
//   --format ts|fmp4 (segment container, default ts), --byterange (one file per rendition, cut into byte ranges).
import { Command, InvalidArgumentError, Option } from 'commander'
import { MediaError, MediaInterruptedError } from '../server/media/errors.ts'
import { withInterruptSignal } from '../server/media/interrupts.ts'
import { runLiveStream } from '../server/media/live-stream.ts'
import { packageVideo } from '../server/media/package-video.ts'
import { SEGMENT_FORMATS, type Packaging, type SegmentFormat } from '../server/media/packaging.ts'
import { generateSampleStream, SAMPLE_SECONDS } from '../server/media/sample.ts'

function positiveNumber(value: string): number {
  const number = Number(value)
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('must be a positive number of seconds')
  return number
}

const program = new Command()
  .name('npm run media --')
  .description('Generate the sample HLS stream, package your own video, or run a live test stream.')
  .option('--input <file>', 'package this video file instead of generating the sample')
  .option('--name <name>', 'stream name for --input (default: from the file name)')
  .option('--live', 'run a live sliding-window test pattern in <out>/live until stopped')
  .option('--out <dir>', 'media folder to write into', 'media')
  .option('--seconds <n>', `length of the sample in seconds (live: stop after n seconds)`, positiveNumber)
  .option('--force', 'regenerate even when the stream already exists')
  .addOption(new Option('--format <container>', 'segment container: MPEG-TS or fragmented MP4 (CMAF)').choices(SEGMENT_FORMATS).default('ts'))
  .option('--byterange', 'one media file per rendition, its segments as EXT-X-BYTERANGEs (not with --live)')
  .showHelpAfterError()

program.parse()
const options = program.opts<{ input?: string; name?: string; live?: boolean; out: string; seconds?: number; force?: boolean; format: SegmentFormat; byterange?: boolean }>()
const packaging: Packaging = { format: options.format, byterange: options.byterange === true }

const log = (line: string) => console.log(line)
// The bar goes to stderr so stdout stays clean lines when piped; a TTY stderr gets the in-place bar.
const progress = { stream: process.stderr, log }

async function main(): Promise<void> {
  if (options.live && options.input) throw new MediaError('--live and --input cannot be combined.')
  if (options.name !== undefined && !options.input) throw new MediaError('--name only applies with --input FILE.')
  if (options.live) {
    try {
      await withInterruptSignal((signal) => runLiveStream({ outRoot: options.out, seconds: options.seconds, packaging, log, signal }))
      log('Live stream finished.')
    } catch (error) {
      if (error instanceof MediaInterruptedError) {
        console.error('Live stream stopped.')
        process.exitCode = 130
        return
      }
      throw error
    }
    return
  }
  if (options.input) {
    await withInterruptSignal((signal) =>
      packageVideo({ input: options.input!, name: options.name, outRoot: options.out, force: options.force, packaging, log, progress, signal }),
    )
    return
  }
  const result = await withInterruptSignal((signal) =>
    generateSampleStream({ outRoot: options.out, seconds: options.seconds ?? SAMPLE_SECONDS, force: options.force, packaging, log, progress, signal }),
  )
  if (!result.generated) log(`${result.path} already exists; use --force to regenerate it.`)
}

try {
  await main()
} catch (error) {
  if (error instanceof MediaError) {
    console.error(error.message)
    process.exitCode = error.exitCode
  } else {
    console.error(error)
    process.exitCode = 1
  }
}
