// Structured logs (pino); readable lines when a person is watching the terminal.
import pino from 'pino'

export type Logger = pino.Logger

export function createLogger(level: string): Logger {
  const pretty = process.stdout.isTTY && !process.env.CI
  return pino({
    level,
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  })
}
