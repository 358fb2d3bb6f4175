-- The merchant console: admins per merchant, one-time links (invitations, sign-in), admin
-- sessions, sealed secrets, settings the console edits, and the audit log of every change.

CREATE TABLE merchant_admins (
    id          TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    email       TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (merchant_id, email)
);
CREATE INDEX merchant_admins_email ON merchant_admins (email);

-- Invitations and emailed sign-in links: only the token's SHA-256 is kept; `used_by` names
-- the request that spent it, so the writes after the spend happen for that request only.
CREATE TABLE admin_links (
    token_hash  TEXT PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('invitation', 'sign_in')),
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    email       TEXT NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER,
    used_by     TEXT,
    created_at  INTEGER NOT NULL
);

CREATE TABLE admin_sessions (
    token_hash  TEXT PRIMARY KEY,
    admin_id    TEXT NOT NULL REFERENCES merchant_admins(id),
    merchant_id TEXT NOT NULL REFERENCES merchants(id),
    expires_at  INTEGER NOT NULL,
    created_at  INTEGER NOT NULL
);

-- AES-256-GCM under the operator's master key, `merchant_id/name` as associated data.
CREATE TABLE merchant_secrets (
    merchant_id          TEXT NOT NULL REFERENCES merchants(id),
    name                 TEXT NOT NULL CHECK (name IN ('mokafaa_client_secret', 'mokafaa_merchant_token', 'merchant_api_secret')),
    sealed               TEXT NOT NULL,
    -- The replaced value, still accepted until `previous_valid_until` (API secret rotation).
    previous_sealed      TEXT,
    previous_valid_until INTEGER,
    updated_at           INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, name)
);

CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    merchant_id TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    subject     TEXT,
    old_value   TEXT,
    new_value   TEXT,
    at          INTEGER NOT NULL
);
CREATE INDEX audit_log_merchant ON audit_log (merchant_id, id);
CREATE INDEX audit_log_subject ON audit_log (merchant_id, subject);

CREATE INDEX redemptions_merchant ON redemptions (merchant_id, created_at);

ALTER TABLE merchants ADD COLUMN programs TEXT NOT NULL DEFAULT '["mokafaa","pongo"]';
ALTER TABLE merchants ADD COLUMN verification_methods TEXT NOT NULL DEFAULT '["mobile","customer_number"]';
ALTER TABLE merchants ADD COLUMN shopper_emails INTEGER NOT NULL DEFAULT 1;
ALTER TABLE merchants ADD COLUMN email_sender_name TEXT NOT NULL DEFAULT '';
ALTER TABLE merchants ADD COLUMN widget_theme TEXT NOT NULL DEFAULT 'light';
-- Merchants that allowed IBAN keep it.
UPDATE merchants SET verification_methods = '["mobile","customer_number","iban"]' WHERE accept_iban = 1;
