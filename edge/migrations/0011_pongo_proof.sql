-- A phone number proves nothing: an existing Pongo member's card and consent answers are
-- unlocked only by a code texted to that number (an SMS verification service the merchant
-- configures, in the shape of Twilio Verify).
ALTER TABLE sessions ADD COLUMN pongo_verified INTEGER NOT NULL DEFAULT 0;
-- The answers (and email) the shopper gave, applied to an existing member only once proved.
ALTER TABLE sessions ADD COLUMN pongo_answers TEXT;
ALTER TABLE merchants ADD COLUMN sms_verify_base_url TEXT;
ALTER TABLE merchants ADD COLUMN sms_verify_service_sid TEXT;
ALTER TABLE merchants ADD COLUMN sms_verify_account_sid TEXT;
