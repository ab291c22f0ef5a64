// The attackers' own process: the floods run here, so their sockets and CPU never share an event loop with the
// legitimate viewer whose latency `npm run chaos` measures. Asked over IPC: { name, context } -> AttackOutcome.
import { fork } from 'node:child_process'
import { setPriority } from 'node:os'
import { fileURLToPath } from 'node:url'
import { ADDRESS_ONLY_ATTACKS, type Attack, type AttackContext, type AttackOutcome } from './attacks.ts'

const ENTRY = fileURLToPath(import.meta.url)

/** Each attack of attacks.ts, run in a child process started once. */
export function attacksInChildProcess(): { attacks: Attack[]; stop(): void } {
  const child = fork(ENTRY, ['--serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  let nextId = 1
  const attacks = ADDRESS_ONLY_ATTACKS().map((attack) => ({
    name: attack.name,
    run: (context: AttackContext) =>
      new Promise<AttackOutcome>((resolve, reject) => {
        const id = nextId++
        const onMessage = (message: { id: number; outcome?: AttackOutcome; error?: string }) => {
          if (message.id !== id) return
          child.off('message', onMessage)
          if (message.outcome) resolve(message.outcome)
          else reject(new Error(message.error))
        }
        child.on('message', onMessage)
        child.send({ id, name: attack.name, context })
      }),
  }))
  return { attacks, stop: () => void child.kill('SIGTERM') }
}

if (process.argv[2] === '--serve') {
  // On a real network a flood is sent by other machines' CPUs. Here the attackers share two cores with the host and
  // the viewer, so they run niced: the scheduler serves the host and the viewer first, and the flood takes what is
  // left (its case count and time, in the table and log, show it kept its volume: ~2,400 odd requests a second).
  setPriority(19)
  const byName = new Map(ADDRESS_ONLY_ATTACKS().map((attack) => [attack.name, attack]))
  process.on('message', async ({ id, name, context }: { id: number; name: string; context: AttackContext }) => {
    try {
      process.send!({ id, outcome: await byName.get(name)!.run(context) })
    } catch (error) {
      process.send!({ id, error: error instanceof Error ? error.message : String(error) })
    }
  })
}
