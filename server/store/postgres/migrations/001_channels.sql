-- The channel store's tables, as SQLite keeps them (server/store/sqlite-store.ts), in PostgreSQL types. Amounts are
-- satoshis (bigint: 21e14 fits); times are milliseconds since the epoch, as the host's clock gives them.
CREATE TABLE channels (
  id text PRIMARY KEY,
  token text NOT NULL UNIQUE,
  payer_public_key text NOT NULL,
  funding_txid text NOT NULL,
  funding_vout integer NOT NULL,
  funding_tx text,
  capacity bigint NOT NULL,
  fee bigint NOT NULL,
  lock_time bigint NOT NULL,
  refund_tx text NOT NULL,
  -- The P2PKH script (hex) every update must pay, fixed when the channel opened.
  payout_script text,
  state text NOT NULL CHECK (state IN ('opening', 'open', 'closing', 'closed')),
  sequence bigint NOT NULL DEFAULT 0,
  paid bigint NOT NULL DEFAULT 0,
  tips bigint NOT NULL DEFAULT 0,
  segments bigint NOT NULL DEFAULT 0,
  seconds double precision NOT NULL DEFAULT 0,
  last_tx text,
  last_txid text,
  close_tx text,
  close_txid text,
  close_reason text,
  created_at bigint NOT NULL,
  last_activity_at bigint NOT NULL,
  closed_at bigint
);
CREATE INDEX channels_state ON channels (state);
CREATE INDEX channels_created_at ON channels (created_at DESC);
-- The settlement scheduler's question, every second on every instance: which open channels went idle or near their deadline.
CREATE INDEX channels_open_activity ON channels (last_activity_at) WHERE state = 'open';

CREATE TABLE payments (
  channel_id text NOT NULL REFERENCES channels (id),
  sequence bigint NOT NULL,
  paid bigint NOT NULL,
  txid text NOT NULL,
  tx text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('segment', 'tip')),
  subject text,
  amount bigint NOT NULL,
  seconds double precision NOT NULL,
  at bigint NOT NULL,
  PRIMARY KEY (channel_id, sequence)
);

CREATE TABLE segment_durations (
  path text PRIMARY KEY,
  duration double precision NOT NULL
);

CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL
);
