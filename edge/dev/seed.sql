-- The demo merchant of the local stack, pointed at the simulators (cargo xtask dev/test).
-- Its Mokafaa secrets are Worker secrets (.dev.vars, written by xtask), not rows.
INSERT INTO merchants (id, name, allowed_origins, mokafaa_base_url, mokafaa_environment,
                       mokafaa_client_id, mokafaa_mapping_pos_id, points_per_sar,
                       min_per_order_minor, max_per_order_minor, abandoned_after_seconds, accept_iban,
                       sms_verify_base_url, sms_verify_service_sid, sms_verify_account_sid)
VALUES ('demo', 'Demo Coffee Roasters', '["http://127.0.0.1:8787","http://localhost:8787"]',
        'http://127.0.0.1:8788/mokafaa', 'sit', 'sim-mokafaa-client', '1001', 250,
        100, 100000, 5400, 1,
        'http://127.0.0.1:8788/sms', 'VAsim00000000000000000000000000000', 'ACsim00000000000000000000000000000')
ON CONFLICT (id) DO UPDATE SET
    allowed_origins = excluded.allowed_origins,
    mokafaa_base_url = excluded.mokafaa_base_url,
    mokafaa_client_id = excluded.mokafaa_client_id,
    accept_iban = excluded.accept_iban,
    sms_verify_base_url = excluded.sms_verify_base_url,
    sms_verify_service_sid = excluded.sms_verify_service_sid,
    sms_verify_account_sid = excluded.sms_verify_account_sid;

-- The demo storefront's pages and its counter terminal, mapped to the simulator's stores.
-- Orders are refused with store_not_mapped until the merchant has connected Pongo and the
-- store is among those synced.
INSERT INTO pongo_store_mappings (merchant_id, location_id, store_slug, updated_at)
VALUES ('demo', 'http://127.0.0.1:8787', 'riyadh-olaya', 0),
       ('demo', 'http://localhost:8787', 'riyadh-olaya', 0),
       ('demo', 'web', 'riyadh-olaya', 0)
ON CONFLICT (merchant_id, location_id) DO NOTHING;
