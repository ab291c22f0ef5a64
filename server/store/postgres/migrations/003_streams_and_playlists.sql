-- Each segment payment names the stream it was for (the dashboard's per-stream sales), and the paywall remembers the
-- playlists it served so any instance can read them again (an entry it has not seen may be one another instance
-- listed). Segment durations are no longer stored: the playlists are.
ALTER TABLE payments ADD COLUMN stream TEXT;

CREATE TABLE served_playlists (
  path TEXT PRIMARY KEY,
  first_served_at BIGINT NOT NULL
);

DROP TABLE segment_durations;
