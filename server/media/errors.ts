// Errors the media tooling reports to a person: the message says what went wrong and what to do about it,
// and the exit code is what the CLI returns, so a script driving `npm run media` can tell the cases apart.

export class MediaError extends Error {
  readonly exitCode: number

  constructor(message: string, exitCode = 1) {
    super(message)
    this.name = 'MediaError'
    this.exitCode = exitCode
  }
}

/** The run was stopped by SIGINT/SIGTERM; 130 is the shell's convention for "ended by Ctrl-C". */
export class MediaInterruptedError extends MediaError {
  constructor(what: string) {
    super(`Interrupted: ${what} was stopped before it finished; nothing was kept.`, 130)
    this.name = 'MediaInterruptedError'
  }
}
