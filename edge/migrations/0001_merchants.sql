-- Merchants using Loyalty Checkout. Secrets (provider credentials) are not stored here in
-- clear: they live in Worker secrets or, encrypted with AES-GCM, in later tables.
CREATE TABLE merchants (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    -- JSON array of origins allowed to embed the widget, e.g. ["https://shop.example"]
    allowed_origins TEXT NOT NULL DEFAULT '[]',
    created_at      INTEGER NOT NULL DEFAULT (unixepoch())
);
