-- A viewer paying from their own BRC-100 wallet names where their share goes (a key the wallet derives), and may let
-- the host know their identity key: the dashboard then counts each known viewer's channels and payments.
ALTER TABLE channels ADD COLUMN payer_script TEXT;
ALTER TABLE channels ADD COLUMN viewer_identity TEXT;
CREATE INDEX channels_viewer_identity ON channels (viewer_identity) WHERE viewer_identity IS NOT NULL;
