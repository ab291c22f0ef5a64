// Structured logs (pino) for the host and the devnet; readable lines when a person is watching the terminal.
import pino from 'pino'

export type Logger = pino.Logger

/** Fields that could hold a token (admin or channel), wherever a log line would carry them. */
export const TOKEN_FIELDS = ['token', 'adminToken', '*.token', '*.adminToken', 'headers.authorization', 'headers["x-channel-token"]', '*.headers.authorization', '*.headers["x-channel-token"]']

export function createLogger(level: string): Logger {
  const pretty = process.stdout.isTTY && !process.env.CI
  return pino({
    level,
    // Defence in depth: neither program logs a token, and would not print one if a field ever carried it.
    redact: { paths: TOKEN_FIELDS, censor: '[redacted]' },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  })
}
