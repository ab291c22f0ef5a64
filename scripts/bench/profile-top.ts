// Reads a V8 .cpuprofile (node --cpu-prof) and prints where the time went: self time by function and by file.
// Usage: node --import tsx scripts/bench/profile-top.ts <file.cpuprofile> [top]
import { readFileSync } from 'node:fs'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/** Pure: self milliseconds per key (function or file), largest first. */
export function selfTime(profile: Profile, keyOf: (node: ProfileNode) => string): Array<[string, number]> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)
    if (!node) return
    const key = keyOf(node)
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  })
  return [...totals.entries()].sort((a, b) => b[1] - a[1])
}

/** Pure: self milliseconds of every sample charged to the nearest caller in our own code (server/, protocol/, client/). */
export function ownCallerTime(profile: Profile): Array<[string, number]> {
  const parent = new Map<number, ProfileNode>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node)
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    let node = byId.get(id)
    while (node && !/\/(server|protocol|client)\//.test(node.callFrame.url)) node = parent.get(node.id)
    const key = node ? `${node.callFrame.functionName || '(anonymous)'} ${shortUrl(node.callFrame.url)}` : '(outside our code)'
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  })
  return [...totals.entries()].sort((a, b) => b[1] - a[1])
}

const shortUrl = (url: string) => url.replace(/^file:\/\/.*?\/(node_modules|server|protocol|client|scripts)\//, '$1/') || '(native/vm)'

if (process.argv[2]) {
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as Profile
  const top = Number(process.argv[3] ?? 25)
  const total = profile.timeDeltas.reduce((sum, d) => sum + d, 0) / 1000
  console.log(`total ${total.toFixed(0)} ms sampled`)
  console.log('\nself time by function:')
  for (const [key, ms] of selfTime(profile, (n) => `${n.callFrame.functionName || '(anonymous)'} ${shortUrl(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`).slice(0, top)) {
    console.log(`${ms.toFixed(0).padStart(8)} ms  ${key}`)
  }
  console.log('\ntime charged to the nearest caller in our code:')
  for (const [key, ms] of ownCallerTime(profile).slice(0, top)) console.log(`${ms.toFixed(0).padStart(8)} ms  ${key}`)
  console.log('\nself time by file:')
  for (const [key, ms] of selfTime(profile, (n) => shortUrl(n.callFrame.url)).slice(0, top)) console.log(`${ms.toFixed(0).padStart(8)} ms  ${key}`)
}
