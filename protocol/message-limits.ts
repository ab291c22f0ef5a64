// The sizes and shapes both sides hold messages to, apart from the schemas that enforce them on the host: the player
// reads them without loading a validator (the browser bundle carries no zod), and the host's fast path for updates
// (server/socket/update-shape.ts) checks the same patterns the schemas do.

/** A channel id: 12 random bytes, lowercase hex. */
export const CHANNEL_ID_PATTERN = /^[0-9a-f]{24}$/
/** Raw transactions and keys travel as even-length hex. */
export const EVEN_HEX_PATTERN = /^(?:[0-9a-fA-F]{2})+$/

/** At most this many parents travel with a funding tx; beyond it (or MAX_FUNDING_PARENTS_HEX_CHARS) none are sent. */
export const MAX_FUNDING_PARENTS = 16
export const MAX_FUNDING_PARENTS_HEX_CHARS = 200_000
/** A funding's BEEF larger than this travels as the raw funding with its parents instead. */
export const MAX_FUNDING_BEEF_HEX_CHARS = 200_000

/** The longest tip note a viewer may send (the player's field and the host's schema both use it). */
export const TIP_NOTE_MAX_CHARS = 140
