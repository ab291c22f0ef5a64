-- @socket.io/postgres-adapter relays Socket.IO events between host instances with NOTIFY; a payload over NOTIFY's
-- 8000-byte limit (or a binary one) travels through this table instead. The adapter deletes old rows itself.
CREATE TABLE socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT now(),
  payload bytea
);
