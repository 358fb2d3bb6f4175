-- Merchants may let shoppers verify with a Saudi IBAN instead of the customer number.
ALTER TABLE merchants ADD COLUMN accept_iban INTEGER NOT NULL DEFAULT 0;
