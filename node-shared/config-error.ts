// A start refused for a reason the operator can fix (a flag, a secret's file, a ledger that does not answer): the
// program prints the message alone, without a stack, and exits 1. The host and the devnet both raise it.
export class ConfigError extends Error {}
