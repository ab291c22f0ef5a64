// The size rule of the house (docs/architecture.md): no source file of the product is over 400 lines. Run with the
// layering check (`npm run deps`), so `npm test` refuses a file that has grown past one concept.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

const FOLDERS = ['protocol', 'server', 'client', 'devnet', 'node-shared']
const MAX_LINES = 400

function* sourceFiles(folder: string): Generator<string> {
  let entries
  try {
    entries = readdirSync(folder, { withFileTypes: true })
  } catch {
    return
  }
  for (const entry of entries) {
    const path = join(folder, entry.name)
    if (entry.isDirectory() && entry.name !== 'dist' && entry.name !== 'node_modules') yield* sourceFiles(path)
    else if (entry.isFile() && entry.name.endsWith('.ts')) yield path
  }
}

const tooLong = FOLDERS.flatMap((folder) => [...sourceFiles(folder)])
  .map((path) => ({ path, lines: readFileSync(path, 'utf8').split('\n').length - 1 }))
  .filter((file) => file.lines > MAX_LINES)

if (tooLong.length > 0) {
  for (const file of tooLong) console.error(`${file.path}: ${file.lines} lines, over ${MAX_LINES}: split it along its seams`)
  process.exit(1)
}
console.log(`✔ no source file over ${MAX_LINES} lines (${FOLDERS.join(', ')})`)
