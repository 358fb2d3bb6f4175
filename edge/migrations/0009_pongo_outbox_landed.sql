-- A try that ended without an answer (timeout, dropped connection, 5xx) may have been carried
-- out by Pongo anyway. Only such a row may read a later "already done" refusal as success,
-- and a cancellation must cancel it at Pongo even though it was never seen sent.
ALTER TABLE pongo_outbox ADD COLUMN maybe_landed INTEGER NOT NULL DEFAULT 0;
