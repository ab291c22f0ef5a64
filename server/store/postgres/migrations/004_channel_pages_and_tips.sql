-- The admin pages through channels newest first, optionally by state, with a (created_at, id) cursor: junk opens never
-- push an open channel off the page. The dashboard lists the latest tips with their notes.
CREATE INDEX channels_state_newest ON channels (state, created_at DESC, id DESC);
CREATE INDEX payments_tips ON payments (at DESC) WHERE kind = 'tip';
