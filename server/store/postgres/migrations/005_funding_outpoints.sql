-- One funding outpoint backs one channel for life: every outpoint a co-signed refund spends is claimed by the first
-- channel that opened on it, and the claim outlives the channel's row (an expired opening is deleted, its claim is not).
-- Channels stored before this migration claim theirs: a funded one before an unfunded one, then the oldest.
CREATE TABLE funding_outpoints (
  txid text NOT NULL,
  vout integer NOT NULL,
  channel_id text NOT NULL,
  claimed_at bigint NOT NULL,
  PRIMARY KEY (txid, vout)
);

INSERT INTO funding_outpoints (txid, vout, channel_id, claimed_at)
SELECT DISTINCT ON (funding_txid, funding_vout) funding_txid, funding_vout, id, created_at
FROM channels
ORDER BY funding_txid, funding_vout, state = 'opening', created_at, id;
