-- The SHA-256 of the Pongo phone enlisted in a session (never the number in clear), so the
-- code check counts its guess against that number in the caller's first batch (issue 12:
-- two round trips). Sessions enlisted before this column count theirs on their own.
ALTER TABLE sessions ADD COLUMN pongo_phone_key TEXT;
