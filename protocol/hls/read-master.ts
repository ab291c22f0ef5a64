// A master (multivariant) playlist: its variants with their attributes, and its alternate renditions (EXT-X-MEDIA)
// linked to the variants that use them. Structure from m3u8-parser; completeness checked here.
import type { ParsedManifest } from 'm3u8-parser'
import type { RawLines } from './line-reader.ts'
import { isRefusal, playlistIssue, type PlaylistIssue } from './playlist-issues.ts'
import type { MasterPlaylist, Rendition, RenditionType, Variant } from './playlist-model.ts'
import { resolveUri } from './uri.ts'

export type MasterReading = { ok: true; playlist: MasterPlaylist; issues: PlaylistIssue[] } | { ok: false; issues: PlaylistIssue[] }

const RENDITION_TYPES: readonly RenditionType[] = ['AUDIO', 'VIDEO', 'SUBTITLES', 'CLOSED-CAPTIONS']

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

function positive(value: unknown): number | null {
  const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN
  return Number.isFinite(number) && number > 0 ? number : null
}

function resolutionOf(value: unknown): Variant['resolution'] {
  const { width, height } = (value ?? {}) as { width?: number; height?: number }
  return width !== undefined && height !== undefined && width > 0 && height > 0 ? { width, height } : null
}

function readVariant(entry: { uri: string; attributes?: Record<string, unknown> }, path: string, issues: PlaylistIssue[]): Variant | null {
  const attributes = entry.attributes ?? {}
  const bandwidth = positive(attributes.BANDWIDTH)
  if (bandwidth === null || !Number.isInteger(bandwidth)) {
    issues.push(playlistIssue('bad_variant', `The variant ${entry.uri} has no EXT-X-STREAM-INF with a positive whole BANDWIDTH.`))
    return null
  }
  const resolved = resolveUri(entry.uri, path)
  if (!resolved.ok) {
    issues.push(playlistIssue(resolved.code, `Variant: ${resolved.message}`))
    return null
  }
  return {
    path: resolved.path,
    bandwidth,
    averageBandwidth: positive(attributes['AVERAGE-BANDWIDTH']),
    resolution: resolutionOf(attributes.RESOLUTION),
    codecs: (text(attributes.CODECS) ?? '').split(',').map((codec) => codec.trim()).filter((codec) => codec !== ''),
    frameRate: positive(attributes['FRAME-RATE']),
    audioGroup: text(attributes.AUDIO),
    subtitlesGroup: text(attributes.SUBTITLES),
  }
}

function readRenditions(manifest: ParsedManifest, path: string, issues: PlaylistIssue[]): Rendition[] {
  const renditions: Rendition[] = []
  for (const type of RENDITION_TYPES) {
    for (const [groupId, group] of Object.entries(manifest.mediaGroups?.[type] ?? {})) {
      for (const [name, parsed] of Object.entries(group)) {
        let renditionPath: string | null = null
        if (parsed.uri !== undefined && type !== 'CLOSED-CAPTIONS') {
          const resolved = resolveUri(parsed.uri, path)
          if (!resolved.ok) {
            issues.push(playlistIssue(resolved.code, `Rendition "${name}" of ${type} group "${groupId}": ${resolved.message}`))
            continue
          }
          renditionPath = resolved.path
        }
        renditions.push({ type, groupId, name, language: parsed.language ?? null, isDefault: parsed.default, autoselect: parsed.autoselect, path: renditionPath, usedBy: [] })
      }
    }
  }
  return renditions
}

export function readMasterPlaylist(manifest: ParsedManifest, raw: RawLines, path: string, variables: ReadonlyMap<string, string>): MasterReading {
  const issues: PlaylistIssue[] = raw.incompleteRenditions.map((line) => playlistIssue('bad_rendition', 'EXT-X-MEDIA needs TYPE, GROUP-ID and NAME.', line))
  const renditions = readRenditions(manifest, path, issues)
  const hasGroup = (type: RenditionType, id: string) => renditions.some((rendition) => rendition.type === type && rendition.groupId === id)
  const variants = (manifest.playlists ?? []).flatMap((entry) => {
    const variant = readVariant(entry, path, issues)
    if (!variant) return []
    const missing = [
      variant.audioGroup !== null && !hasGroup('AUDIO', variant.audioGroup) ? `AUDIO="${variant.audioGroup}"` : null,
      variant.subtitlesGroup !== null && !hasGroup('SUBTITLES', variant.subtitlesGroup) ? `SUBTITLES="${variant.subtitlesGroup}"` : null,
    ].filter((name) => name !== null)
    if (missing.length > 0) {
      issues.push(playlistIssue('unknown_group', `The variant ${variant.path} names ${missing.join(' and ')}, which no EXT-X-MEDIA defines.`))
      return []
    }
    return [variant]
  })
  for (const rendition of renditions) {
    const group = rendition.type === 'AUDIO' ? 'audioGroup' : rendition.type === 'SUBTITLES' ? 'subtitlesGroup' : null
    if (group) rendition.usedBy = variants.filter((variant) => variant[group] === rendition.groupId).map((variant) => variant.path)
  }
  const iFramePlaylists = (manifest.iFramePlaylists ?? []).flatMap((entry) => {
    const resolved = resolveUri(entry.uri ?? '', path)
    return resolved.ok ? [resolved.path] : []
  })
  if (variants.length === 0) issues.push(playlistIssue('nothing_usable', 'The master playlist lists no usable variant.'))
  if (isRefusal(issues)) return { ok: false, issues }
  return { ok: true, playlist: { kind: 'master', path, variants, renditions, iFramePlaylists, variables }, issues }
}
