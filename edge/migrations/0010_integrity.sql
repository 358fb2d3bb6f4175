-- Money and identity integrity.
-- Who a challenge verified, as the SHA-256 of `method:identifier` (never in clear): wrong
-- codes are counted per identifier across challenges, and reconciliation matches a lost
-- answer to a bank transaction of the same shopper.
ALTER TABLE otp_challenges ADD COLUMN identity_hash TEXT;
-- The cron leases a row before calling the bank for it, so overlapping runs never call twice.
ALTER TABLE redemptions ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
-- Why a row waits for a person (the evidence), shown in the attention list.
ALTER TABLE redemptions ADD COLUMN attention_reason TEXT;
-- One bank transaction belongs to one ledger row, whatever the code or overlapping runs do.
CREATE UNIQUE INDEX redemptions_bank_transaction ON redemptions (bank_transaction_id)
    WHERE bank_transaction_id IS NOT NULL;
-- Whether the widget shows the whole balance before the shopper typed the code the bank
-- texted (anyone who knows a number would see it): off unless the merchant opts in.
ALTER TABLE merchants ADD COLUMN show_balance_before_code INTEGER NOT NULL DEFAULT 0;
