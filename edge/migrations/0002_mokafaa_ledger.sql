-- Mokafaa: merchant settings, checkout sessions, OTP challenges and the redemption ledger.
-- Rows are never deleted: every change of a redemption is also written to redemption_events.

ALTER TABLE merchants ADD COLUMN mokafaa_base_url TEXT;
ALTER TABLE merchants ADD COLUMN mokafaa_environment TEXT NOT NULL DEFAULT 'sit';
ALTER TABLE merchants ADD COLUMN mokafaa_client_id TEXT;
ALTER TABLE merchants ADD COLUMN mokafaa_mapping_pos_id TEXT;
ALTER TABLE merchants ADD COLUMN points_per_sar INTEGER NOT NULL DEFAULT 250 CHECK (points_per_sar > 0);
ALTER TABLE merchants ADD COLUMN min_per_order_minor INTEGER NOT NULL DEFAULT 100 CHECK (min_per_order_minor >= 0);
ALTER TABLE merchants ADD COLUMN max_per_order_minor INTEGER NOT NULL DEFAULT 10000000 CHECK (max_per_order_minor > 0);
ALTER TABLE merchants ADD COLUMN abandoned_after_seconds INTEGER NOT NULL DEFAULT 5400;

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    -- SHA-256 of the bearer token the widget holds; the token itself is never stored.
    token_hash   TEXT NOT NULL UNIQUE,
    merchant_id  TEXT NOT NULL REFERENCES merchants(id),
    cart_id      TEXT NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
    currency     TEXT NOT NULL,
    locale       TEXT NOT NULL,
    origin       TEXT,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_cart ON sessions (merchant_id, cart_id);

CREATE TABLE otp_challenges (
    id                 TEXT PRIMARY KEY,
    session_id         TEXT NOT NULL REFERENCES sessions(id),
    method             TEXT NOT NULL CHECK (method IN ('mobile', 'customer_number')),
    masked_destination TEXT NOT NULL,
    -- The bank's otp_token (not the OTP): lets us redeem with the OTP; never sent to browsers.
    otp_token          TEXT NOT NULL,
    sent_at            INTEGER NOT NULL,
    expires_at         INTEGER NOT NULL,
    wrong_attempts     INTEGER NOT NULL DEFAULT 0,
    resends            INTEGER NOT NULL DEFAULT 0,
    cart_amount_minor  INTEGER NOT NULL,
    used               INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX otp_challenges_session ON otp_challenges (session_id, sent_at);

CREATE TABLE redemptions (
    id                  TEXT PRIMARY KEY,
    session_id          TEXT NOT NULL REFERENCES sessions(id),
    merchant_id         TEXT NOT NULL REFERENCES merchants(id),
    idempotency_key     TEXT NOT NULL,
    -- SHA-256 of the request, so a key reused with other content is refused.
    request_hash        TEXT NOT NULL,
    challenge_id        TEXT NOT NULL REFERENCES otp_challenges(id),
    amount_minor        INTEGER NOT NULL CHECK (amount_minor > 0),
    currency            TEXT NOT NULL,
    points              INTEGER NOT NULL CHECK (points > 0),
    state               TEXT NOT NULL CHECK (state IN ('pending', 'redeemed', 'captured', 'reversing', 'reversed', 'failed')),
    bank_transaction_id INTEGER,
    error_code          TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL,
    -- One hold per (session, idempotency key): the database, not the code, guarantees it.
    UNIQUE (session_id, idempotency_key)
);
CREATE INDEX redemptions_state ON redemptions (state, updated_at);

CREATE TABLE redemption_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    redemption_id TEXT NOT NULL REFERENCES redemptions(id),
    from_state    TEXT,
    to_state      TEXT NOT NULL,
    actor         TEXT NOT NULL,
    reason        TEXT NOT NULL,
    at            INTEGER NOT NULL
);
CREATE INDEX redemption_events_redemption ON redemption_events (redemption_id, id);
