// What each media playlist is to the masters that list it. Variants (and alternate video angles) are the programme:
// renditions of one media timeline, each priced. Audio and subtitle renditions that accompany variants are companions:
// they cost nothing extra, and a channel gets them as far as it has paid for the programme. I-frame playlists are trick
// play over the variants' own bytes, never priced. A media playlist that no master lists is a programme of its
// own, so an audio-only programme (a podcast) is priced like video.
import type { MasterPlaylist } from './playlist-model.ts'

export type PlaylistRole =
  /** `group`: the media playlists whose media time is the same programme, this one included. */
  | { kind: 'programme'; group: readonly string[] }
  /** `programme`: the variants it accompanies; its media time is what they have paid. */
  | { kind: 'companion'; programme: readonly string[] }
  | { kind: 'trick_play' }

/** The role each media playlist of one master plays in it. */
export function rolesOf(master: MasterPlaylist): Map<string, PlaylistRole> {
  const roles = new Map<string, PlaylistRole>()
  const group = [
    ...new Set([...master.variants.map((variant) => variant.path), ...master.renditions.flatMap((rendition) => (rendition.type === 'VIDEO' && rendition.path ? [rendition.path] : []))]),
  ]
  for (const path of group) roles.set(path, { kind: 'programme', group })
  for (const rendition of master.renditions) {
    if (rendition.path === null || rendition.type === 'VIDEO' || rendition.usedBy.length === 0) continue
    const programme = rendition.usedBy.filter((path) => path !== rendition.path)
    // A rendition that is also listed as a variant of its own group is only ever played along the others.
    if (programme.length > 0) roles.set(rendition.path, { kind: 'companion', programme })
  }
  for (const path of master.iFramePlaylists) if (!roles.has(path)) roles.set(path, { kind: 'trick_play' })
  return roles
}

/**
 * Roles across every master seen, each master's contribution replaced when it is read again. A playlist that several
 * masters list plays the union of its parts: a companion anywhere is a companion (its media must never be sold twice,
 * once with the video and once alone), and programme groups and accompanied variants are merged.
 */
export class PlaylistRoles {
  private readonly byMaster = new Map<string, Map<string, PlaylistRole>>()
  private readonly merged = new Map<string, PlaylistRole>()

  learn(master: MasterPlaylist): void {
    this.byMaster.set(master.path, rolesOf(master))
    this.merged.clear()
  }

  /** Drops what a master said (nothing when `path` is no master read). */
  forget(path: string): void {
    if (this.byMaster.delete(path)) this.merged.clear()
  }

  /** The masters that list a media playlist, in path order (none: it is a stream of its own). */
  mastersOf(path: string): string[] {
    return [...this.byMaster.entries()].filter(([, roles]) => roles.has(path)).map(([master]) => master).sort()
  }

  roleOf(path: string): PlaylistRole {
    let role = this.merged.get(path)
    if (!role) {
      role = this.merge(path)
      this.merged.set(path, role)
    }
    return role
  }

  private merge(path: string): PlaylistRole {
    const found = [...this.byMaster.values()].flatMap((roles) => roles.get(path) ?? [])
    const union = (lists: Array<readonly string[]>) => [...new Set(lists.flat())]
    const companions = found.flatMap((role) => (role.kind === 'companion' ? [role.programme] : []))
    if (companions.length > 0) return { kind: 'companion', programme: union(companions) }
    const groups = found.flatMap((role) => (role.kind === 'programme' ? [role.group] : []))
    if (groups.length > 0) return { kind: 'programme', group: union(groups) }
    return found.length > 0 ? { kind: 'trick_play' } : { kind: 'programme', group: [path] }
  }
}
