-- Pongo: each merchant connects its own Pongo account (OAuth2), maps its storefronts and
-- terminals to Pongo stores, and its orders reach Pongo through an outbox.

-- One pending connect per `state`: single use, expiring, bound to the admin's browser by
-- the SHA-256 of a cookie value.
CREATE TABLE pongo_oauth_states (
    state_hash      TEXT PRIMARY KEY,
    merchant_id     TEXT NOT NULL REFERENCES merchants(id),
    browser_hash    TEXT NOT NULL,
    redirect_uri    TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,
    used_at         INTEGER
);

-- The merchant's token, AES-256-GCM sealed with the Worker secret PONGO_TOKEN_KEY (the
-- merchant id is the associated data, so a sealed token cannot be moved to another row).
CREATE TABLE pongo_connections (
    merchant_id         TEXT PRIMARY KEY REFERENCES merchants(id),
    state               TEXT NOT NULL CHECK (state IN ('connected', 'expired')),
    sealed_token        TEXT NOT NULL,
    token_expires_at    INTEGER,
    sealed_webhook_secret TEXT,
    account_name        TEXT NOT NULL,
    partner_parameters  TEXT NOT NULL,
    connected_at        INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);

CREATE TABLE pongo_stores (
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    synced_at   INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, slug)
);

CREATE TABLE pongo_store_mappings (
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    location_id TEXT NOT NULL,
    store_slug  TEXT NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, location_id)
);

-- Every call to Pongo that moves points. `call_key` is what Pongo deduplicates on (the
-- order part's order_id); `payload` never changes once written, so a retry sends the same.
CREATE TABLE pongo_outbox (
    merchant_id     TEXT NOT NULL REFERENCES merchants(id),
    call_key        TEXT NOT NULL,
    order_id        TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('order', 'checkin', 'use_reward', 'cancel_order')),
    method          TEXT NOT NULL,
    path            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed', 'withdrawn')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    pongo_id        TEXT,
    points_earned   INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    PRIMARY KEY (merchant_id, call_key)
);
CREATE INDEX pongo_outbox_due ON pongo_outbox (state, next_attempt_at);
CREATE INDEX pongo_outbox_order ON pongo_outbox (merchant_id, order_id);

-- The shopper enlisted from the widget for a cart, so the paid order can credit them.
ALTER TABLE sessions ADD COLUMN pongo_phone TEXT;
ALTER TABLE sessions ADD COLUMN pongo_email_optin INTEGER;
ALTER TABLE sessions ADD COLUMN pongo_sms_optin INTEGER;

-- customer.created / customer.updated deliveries, verified, for the merchant's records.
CREATE TABLE pongo_webhook_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    event       TEXT NOT NULL,
    customer_id TEXT,
    signed_at   INTEGER NOT NULL,
    received_at INTEGER NOT NULL
);
