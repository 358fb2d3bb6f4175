-- Merchant-server API: the paid order a redemption was captured by, and the signatures
-- already seen (a replayed request is refused; rows older than the signature window are purged).
ALTER TABLE redemptions ADD COLUMN order_id TEXT;

CREATE TABLE merchant_request_log (
    merchant_id TEXT NOT NULL,
    signature   TEXT NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, signature)
);

-- Retries of work the bank did not confirm (reversals, reconciliation), with backoff.
ALTER TABLE redemptions ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE redemptions ADD COLUMN next_attempt_at INTEGER NOT NULL DEFAULT 0;
