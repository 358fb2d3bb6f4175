-- The challenge method now includes IBAN verification. SQLite cannot alter a CHECK, so the
-- table is rebuilt with its rows (foreign keys checked at the end, as D1 advises).
PRAGMA defer_foreign_keys = true;
CREATE TABLE otp_challenges_new (
    id                 TEXT PRIMARY KEY,
    session_id         TEXT NOT NULL REFERENCES sessions(id),
    method             TEXT NOT NULL CHECK (method IN ('mobile', 'customer_number', 'iban')),
    masked_destination TEXT NOT NULL,
    otp_token          TEXT NOT NULL,
    sent_at            INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    wrong_attempts     INTEGER NOT NULL DEFAULT 0,
    resends            INTEGER NOT NULL DEFAULT 0,
    cart_amount_minor  INTEGER NOT NULL,
    used               INTEGER NOT NULL DEFAULT 0
);
INSERT INTO otp_challenges_new SELECT id, session_id, method, masked_destination, otp_token, sent_at, expires_at, wrong_attempts, resends, cart_amount_minor, used FROM otp_challenges;
DROP TABLE otp_challenges;
ALTER TABLE otp_challenges_new RENAME TO otp_challenges;
CREATE INDEX otp_challenges_session ON otp_challenges (session_id, sent_at);
