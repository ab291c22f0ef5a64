// Stream names become folder names under media/ and URL path parts, so they are reduced to a safe alphabet:
// no dots (no hidden or temp-looking folders, no ".."), no slashes, nothing that needs URL escaping.
import { basename, extname } from 'node:path'

export function sanitizeStreamName(text: string): string {
  const name = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '')
    .slice(0, 64)
    .replace(/[-_]+$/, '')
  return name === '' ? 'video' : name
}

/** "My Holiday (2019).MOV" -> "my-holiday-2019". */
export function streamNameFromFile(file: string): string {
  return sanitizeStreamName(basename(file, extname(file)))
}
