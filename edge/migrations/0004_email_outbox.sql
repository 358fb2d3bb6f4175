-- Email notifications to shoppers (redemption, reversal), sent by the cron from an outbox
-- so a slow or failing email provider never blocks a redemption.
ALTER TABLE sessions ADD COLUMN email TEXT;

CREATE TABLE email_outbox (
    id              TEXT PRIMARY KEY,
    redemption_id   TEXT NOT NULL REFERENCES redemptions(id),
    kind            TEXT NOT NULL CHECK (kind IN ('redeemed', 'reversed')),
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    text_body       TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    -- One message per event of a redemption, however often the event is observed.
    UNIQUE (redemption_id, kind)
);
CREATE INDEX email_outbox_due ON email_outbox (state, next_attempt_at);
