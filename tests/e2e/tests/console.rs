//! The merchant console's API against the running stack: invitations and sign-in links
//! work once, every change needs the CSRF token, an admin sees and changes only their own
//! merchant, secrets are never answered, settings are validated and audited, "Test
//! connection" tells right from wrong credentials, and the ledger reverses by hand through
//! the same flow as everything else (the simulated bank's books are asserted).

use loyalty_e2e::console::*;
use loyalty_e2e::*;
use loyalty_shared::api::{
    AuditEntry, ConnectionCheck, LedgerPage, RedemptionDetail, RedemptionState, SettingsView,
};
use loyalty_shared::ErrorCode;
use reqwest::Method;
use serde_json::{json, Value};

/// Every secret a console test types starts with this; `cargo xtask test` scans the edge
/// log for it.
const SECRET_MARKER: &str = "lc-test-secret-";

fn email(who: &str) -> String {
    format!("{who}-{}@shop.example", unique()).to_ascii_lowercase()
}

async fn settings(admin: &AdminSession) -> SettingsView {
    answer(admin.get("/v1/admin/settings").await).await
}

/// `admin`'s settings with `change` applied to their JSON, saved.
async fn save(admin: &AdminSession, change: impl FnOnce(&mut Value)) -> reqwest::Response {
    let mut body = serde_json::to_value(settings(admin).await.settings).unwrap();
    change(&mut body);
    admin
        .send_json(Method::PUT, "/v1/admin/settings", &body)
        .await
}

async fn put_secret(admin: &AdminSession, name: &str, value: &str) -> reqwest::Response {
    admin
        .send_json(
            Method::PUT,
            &format!("/v1/admin/secrets/{name}"),
            &json!({ "value": value }),
        )
        .await
}

/// A new merchant set up for Mokafaa in the sandbox (the simulator's credentials).
async fn mokafaa_merchant() -> AdminSession {
    let admin = accept(&create_merchant("mk", &email("owner")).await).await;
    let saved = save(&admin, |s| {
        s["programs"] = json!(["mokafaa"]);
        s["mokafaa_client_id"] = json!(loyalty_sim::mokafaa::model::CLIENT_ID);
        s["allowed_origins"] = json!(["https://shop.example"]);
    })
    .await;
    assert_eq!(saved.status(), 200, "settings saved");
    for (name, value) in [
        (
            "mokafaa_client_secret",
            loyalty_sim::mokafaa::model::CLIENT_SECRET,
        ),
        (
            "mokafaa_merchant_token",
            loyalty_sim::mokafaa::model::MERCHANT_TOKEN,
        ),
    ] {
        assert_eq!(
            put_secret(&admin, name, value).await.status(),
            200,
            "{name}"
        );
    }
    admin
}

#[tokio::test]
async fn an_invitation_works_once_even_when_fifty_tabs_open_it_at_once() {
    let owner = email("owner");
    let invitation = create_merchant("inv", &owner).await;
    let token = link_token(&invitation.invitation_url);
    assert!(invitation.invitation_url.contains("/admin/#invitation="));
    let mut tabs = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let token = token.clone();
        tabs.spawn(async move { spend_link("/v1/admin/invitations/accept", &token).await });
    }
    let answers: Vec<reqwest::Response> = tabs.join_all().await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 410).count(),
        49,
        "{statuses:?}"
    );
    let winner = answers.into_iter().find(|r| r.status() == 200).unwrap();
    let admin = session_of(winner).await;
    assert_eq!(
        (admin.me.merchant_id.as_str(), admin.me.email.as_str()),
        (invitation.merchant_id.as_str(), owner.as_str())
    );
    // A stolen link, used later, opens nothing.
    let again = spend_link("/v1/admin/invitations/accept", &token).await;
    assert_eq!(error_code(again).await, ErrorCode::LinkInvalid);
    let made_up = spend_link("/v1/admin/invitations/accept", &"ab".repeat(32)).await;
    assert_eq!(error_code(made_up).await, ErrorCode::LinkInvalid);
    // The operator's token is needed to make merchants, and an id is taken once.
    let stranger = send(
        http()
            .post(format!("{}/v1/operator/merchants", edge_url()))
            .bearer_auth("not-the-operator-token")
            .json(&json!({"id": "x-shop", "name": "X", "admin_email": "a@b.example"})),
    )
    .await;
    assert_eq!(error_code(stranger).await, ErrorCode::Unauthorized);
    let taken = operator_post(
        "/v1/operator/merchants",
        &json!({"id": invitation.merchant_id, "name": "Again", "admin_email": owner}),
    )
    .await;
    assert_eq!(error_code(taken).await, ErrorCode::MerchantExists);
}

#[tokio::test]
async fn an_admin_signs_in_with_an_emailed_link_that_works_once() {
    let owner = email("signin");
    let invitation = create_merchant("sgn", &owner).await;
    accept(&invitation).await;
    let ask = |address: String| {
        send(
            http()
                .post(format!("{}/v1/admin/sign-in", edge_url()))
                .header("Origin", edge_url())
                .json(&json!({ "email": address })),
        )
    };
    // Typed with capitals and spaces: the same address.
    let asked = ask(format!("  {}  ", owner.to_uppercase())).await;
    assert_eq!(asked.status(), 202);
    let stranger = email("nobody");
    assert_eq!(
        ask(stranger.clone()).await.status(),
        202,
        "the same answer for anyone"
    );
    assert!(
        sim().emails(&stranger).await.is_empty(),
        "no email to a non-admin"
    );
    let mail = sim().emails(&owner).await;
    let body = mail
        .last()
        .expect("a sign-in email")
        .message
        .text_body
        .clone()
        .unwrap();
    let link = body
        .split_whitespace()
        .find(|w| w.contains("/admin/#sign-in="))
        .expect("the link in the email");
    let token = link_token(link);
    let admin = session_of(spend_link("/v1/admin/sign-in/complete", &token).await).await;
    assert_eq!(admin.me.merchant_id, invitation.merchant_id);
    let again = spend_link("/v1/admin/sign-in/complete", &token).await;
    assert_eq!(error_code(again).await, ErrorCode::LinkInvalid);
    // An invitation's token is not a sign-in link, nor the reverse.
    let wrong_kind = spend_link("/v1/admin/invitations/accept", &token).await;
    assert_eq!(error_code(wrong_kind).await, ErrorCode::LinkInvalid);
    // Signing out ends the session at the edge, not only in the browser.
    let out = admin
        .send_json(Method::POST, "/v1/admin/sign-out", &json!({}))
        .await;
    assert_eq!(out.status(), 204);
    assert_eq!(
        error_code(admin.get("/v1/admin/me").await).await,
        ErrorCode::Unauthorized
    );
    // Links expire: a link older than 15 minutes opens nothing.
    ask(owner.clone()).await;
    let late = link_token(
        sim()
            .emails(&owner)
            .await
            .last()
            .unwrap()
            .message
            .text_body
            .as_deref()
            .unwrap()
            .split_whitespace()
            .find(|w| w.contains("#sign-in="))
            .unwrap(),
    );
    sim().advance_clock(16 * 60).await;
    let expired = spend_link("/v1/admin/sign-in/complete", &late).await;
    assert_eq!(error_code(expired).await, ErrorCode::LinkInvalid);
}

#[tokio::test]
async fn every_change_needs_the_csrf_token_and_the_console_origin() {
    let admin = accept(&create_merchant("csrf", &email("owner")).await).await;
    let body = serde_json::to_value(settings(&admin).await.settings).unwrap();
    let url = format!("{}/v1/admin/settings", edge_url());
    let without = send(http().put(&url).header("Cookie", &admin.cookie).json(&body)).await;
    assert_eq!(error_code(without).await, ErrorCode::CsrfInvalid);
    let wrong = send(
        http()
            .put(&url)
            .header("Cookie", &admin.cookie)
            .header("X-CSRF-Token", "0".repeat(64))
            .json(&body),
    )
    .await;
    assert_eq!(error_code(wrong).await, ErrorCode::CsrfInvalid);
    // The right token sent from another site's page is refused too.
    let foreign = send(
        http()
            .put(&url)
            .header("Cookie", &admin.cookie)
            .header("X-CSRF-Token", &admin.me.csrf_token)
            .header("Origin", "https://evil.example")
            .json(&body),
    )
    .await;
    assert_eq!(error_code(foreign).await, ErrorCode::CsrfInvalid);
    // No cookie: not signed in; the console grants no CORS to any storefront.
    let anonymous = send(http().get(&url).header("Origin", DEMO_ORIGIN)).await;
    assert!(anonymous
        .headers()
        .get("access-control-allow-origin")
        .is_none());
    assert_eq!(error_code(anonymous).await, ErrorCode::Unauthorized);
    let saved = admin
        .send_json(Method::PUT, "/v1/admin/settings", &body)
        .await;
    assert_eq!(saved.status(), 200);
}

#[tokio::test]
async fn an_admin_sees_and_changes_only_their_own_merchant_on_every_route() {
    // B is the demo merchant, with redemptions and a name to look for.
    let (_, theirs) = redeemed_by_new_shopper().await;
    let mine = accept(&create_merchant("iso", &email("owner")).await).await;
    let doc = api_document().await;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/v1/admin/") || path.contains("sign-out") {
            continue;
        }
        for (method, operation) in item.as_object().unwrap() {
            if operation["x-audience"] != "admin" || operation["x-static-asset"] == true {
                continue;
            }
            let concrete = path
                .replace("{id}", &theirs.redemption_id)
                .replace("{name}", "mokafaa_client_secret")
                .replace("{provider}", "mokafaa");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = json!({"merchant_id": "demo", "reason": "not mine", "location_id": "x", "store_slug": "riyadh-olaya", "value": "lc-test-secret-other"});
            let response = mine.send_json(method.clone(), &concrete, &body).await;
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            for leaked in [
                theirs.redemption_id.as_str(),
                "Demo Coffee Roasters",
                "sim-mokafaa-client",
            ] {
                if concrete.contains(leaked) && status == 404 {
                    continue;
                }
                assert!(
                    !text.contains(leaked),
                    "{method} {concrete} answered another merchant's {leaked}: {text}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "{checked} console routes checked");
    // The demo merchant's redemption stands untouched, and its settings are its own.
    let demo = admin_of("demo").await;
    let detail: RedemptionDetail = answer(
        demo.get(&format!("/v1/admin/redemptions/{}", theirs.redemption_id))
            .await,
    )
    .await;
    assert_eq!(detail.item.redemption.state, RedemptionState::Redeemed);
    assert!(detail.audit.is_empty(), "{:?}", detail.audit);
    assert_eq!(settings(&demo).await.settings.name, "Demo Coffee Roasters");
}

#[tokio::test]
async fn settings_are_validated_field_by_field_and_every_change_is_audited() {
    let admin = accept(&create_merchant("set", &email("owner")).await).await;
    let refused = |field: &'static str| {
        move |response: reqwest::Response| async move {
            let error = api_error(response).await;
            assert_eq!(
                (error.code, error.field.as_deref()),
                (ErrorCode::InvalidRequest, Some(field))
            );
            assert!(!error.message.is_empty());
        }
    };
    refused("allowed_origins")(
        save(&admin, |s| {
            s["allowed_origins"] = json!(["http://shop.example"])
        })
        .await,
    )
    .await;
    refused("allowed_origins")(
        save(&admin, |s| {
            s["allowed_origins"] = json!(["https://shop.example/checkout"])
        })
        .await,
    )
    .await;
    refused("min_per_order")(
        save(&admin, |s| {
            s["min_per_order"]["minor"] = json!(2_000_000_000u64)
        })
        .await,
    )
    .await;
    refused("max_per_order")(save(&admin, |s| s["max_per_order"]["minor"] = json!(u64::MAX)).await)
        .await;
    refused("verification_methods")(save(&admin, |s| s["verification_methods"] = json!([])).await)
        .await;
    refused("abandoned_after_minutes")(
        save(&admin, |s| s["abandoned_after_minutes"] = json!(1)).await,
    )
    .await;
    refused("mokafaa_client_id")(save(&admin, |s| s["mokafaa_client_id"] = json!("a\nb")).await)
        .await;
    refused("programs")(save(&admin, |s| s["programs"] = json!(["pongo", "pongo"])).await).await;
    // A number too big for the wire type is the body's error, not a server error.
    let huge = save(&admin, |s| s["points_per_sar"] = json!(1e30)).await;
    assert_eq!(error_code(huge).await, ErrorCode::InvalidRequest);
    let saved = save(&admin, |s| {
        s["allowed_origins"] = json!(["https://shop.example", "http://localhost:3000"]);
        s["points_per_sar"] = json!(300);
    })
    .await;
    let view: SettingsView = answer(saved).await;
    assert_eq!(view.settings.points_per_sar, 300);
    let audit: Vec<AuditEntry> = answer(admin.get("/v1/admin/audit").await).await;
    let points = audit
        .iter()
        .find(|e| e.subject.as_deref() == Some("points_per_sar"))
        .expect("the change is in the audit log");
    assert_eq!(
        (
            points.actor.as_str(),
            points.old_value.as_deref(),
            points.new_value.as_deref()
        ),
        (admin.me.email.as_str(), Some("250"), Some("300"))
    );
    assert!(audit
        .iter()
        .any(|e| e.action == "merchant.created" && e.actor == "operator"));
}

#[tokio::test]
async fn secrets_are_write_only_and_test_connection_tells_right_from_wrong() {
    let admin = mokafaa_merchant().await;
    let check = |admin: AdminSession| async move {
        let response = admin
            .send_json(
                Method::POST,
                "/v1/admin/test-connection/mokafaa",
                &json!({}),
            )
            .await;
        answer::<ConnectionCheck>(response).await
    };
    let green = check(admin.clone()).await;
    assert!(green.ok, "{}", green.message);
    let wrong = format!("{SECRET_MARKER}{}", unique());
    assert_eq!(
        put_secret(&admin, "mokafaa_client_secret", &wrong)
            .await
            .status(),
        200
    );
    let red = check(admin.clone()).await;
    assert!(!red.ok);
    assert!(
        red.message
            .contains("refused the client id or the client secret"),
        "{}",
        red.message
    );
    let pongo = admin
        .send_json(Method::POST, "/v1/admin/test-connection/pongo", &json!({}))
        .await;
    let pongo: ConnectionCheck = answer(pongo).await;
    assert!(
        !pongo.ok && pongo.message.contains("not connected"),
        "{}",
        pongo.message
    );
    // Nothing the console answers holds a secret it was given.
    let view = settings(&admin).await;
    let set: Vec<bool> = view.secrets.iter().map(|s| s.set).collect();
    assert_eq!(set, [true, true, false], "{:?}", view.secrets);
    for path in [
        "/v1/admin/settings",
        "/v1/admin/audit",
        "/v1/admin/me",
        "/v1/admin/redemptions",
    ] {
        let text = admin.get(path).await.text().await.unwrap();
        for secret in [
            wrong.as_str(),
            loyalty_sim::mokafaa::model::CLIENT_SECRET,
            loyalty_sim::mokafaa::model::MERCHANT_TOKEN,
        ] {
            assert!(!text.contains(secret), "{path} answered a secret");
        }
    }
    let audit: Vec<AuditEntry> = answer(admin.get("/v1/admin/audit").await).await;
    let change = audit.iter().find(|e| e.action == "secret.changed").unwrap();
    assert_eq!(
        (change.old_value.as_deref(), change.new_value.as_deref()),
        (Some("••••"), Some("••••"))
    );
    assert_eq!(
        put_secret(
            &admin,
            "mokafaa_client_secret",
            loyalty_sim::mokafaa::model::CLIENT_SECRET
        )
        .await
        .status(),
        200
    );
    assert!(check(admin.clone()).await.ok, "right again after the fix");
    let short = put_secret(&admin, "mokafaa_client_secret", "short").await;
    assert_eq!(api_error(short).await.field.as_deref(), Some("value"));
    let unknown = put_secret(&admin, "admin_password", "lc-test-secret-xyz").await;
    assert_eq!(error_code(unknown).await, ErrorCode::NotFound);
}

/// A merchant-server call for `merchant_id` signed with `secret`.
async fn cancel_signed(
    merchant_id: &str,
    secret: &str,
    at: i64,
    redemption_id: &str,
) -> reqwest::Response {
    let body = json!({"merchant_id": merchant_id, "redemption_id": redemption_id});
    merchant_post_signed("/v1/merchant/orders/cancelled", &body, secret, at).await
}

#[tokio::test]
async fn the_api_secret_rotates_with_an_overlap_and_a_forger_cannot_spend_a_real_request() {
    let admin = accept(&create_merchant("rot", &email("owner")).await).await;
    let merchant = admin.me.merchant_id.clone();
    let (first, second) = (
        format!("{SECRET_MARKER}a-{}", unique()),
        format!("{SECRET_MARKER}b-{}", unique()),
    );
    put_secret(&admin, "merchant_api_secret", &first).await;
    let now = sim().now().await;
    // The signature holds (the redemption is unknown: not_found, not bad_signature).
    let code = |r| async { error_code(r).await };
    assert_eq!(
        code(cancel_signed(&merchant, &first, now, "r-1").await).await,
        ErrorCode::NotFound
    );
    put_secret(&admin, "merchant_api_secret", &second).await;
    let view = settings(&admin).await;
    let api = view
        .secrets
        .iter()
        .find(|s| s.name == loyalty_shared::api::SecretName::MerchantApiSecret)
        .unwrap();
    assert!(
        api.previous_valid_until
            .is_some_and(|until| until > now + 23 * 3600),
        "{api:?}"
    );
    assert_eq!(
        code(cancel_signed(&merchant, &second, now, "r-2").await).await,
        ErrorCode::NotFound
    );
    assert_eq!(
        code(cancel_signed(&merchant, &first, now, "r-3").await).await,
        ErrorCode::NotFound,
        "the old one in its overlap"
    );
    // A forged signature over the very request the merchant is about to send spends nothing.
    assert_eq!(
        code(cancel_signed(&merchant, "forged-secret-1234", now, "r-4").await).await,
        ErrorCode::BadSignature
    );
    assert_eq!(
        code(cancel_signed(&merchant, &second, now, "r-4").await).await,
        ErrorCode::NotFound
    );
    assert_eq!(
        code(cancel_signed(&merchant, &second, now, "r-4").await).await,
        ErrorCode::SignatureReplayed
    );
    // After the overlap only the new one signs.
    sim().advance_clock(25 * 3600).await;
    let later = sim().now().await;
    assert_eq!(
        code(cancel_signed(&merchant, &first, later, "r-5").await).await,
        ErrorCode::BadSignature
    );
    assert_eq!(
        code(cancel_signed(&merchant, &second, later, "r-6").await).await,
        ErrorCode::NotFound
    );
}

#[tokio::test]
async fn the_ledger_filters_totals_exports_and_reverses_by_hand_with_a_reason() {
    let shopper = new_shopper(40_000).await;
    let challenged = challenged(&shopper.mobile).await;
    let redeemed = challenged.redeem_with(&challenged.otp, 2_000).await;
    assert_eq!(redeemed.status(), 201);
    let redemption: loyalty_shared::api::Redemption = redeemed.json().await.unwrap();
    let after_redeem = sim()
        .mokafaa_books()
        .await
        .customer(&shopper.mobile)
        .unwrap()
        .points;
    let admin = admin_of("demo").await;
    let tail = &shopper.mobile[6..];
    let page: LedgerPage = answer(
        admin
            .get(&format!(
                "/v1/admin/redemptions?identifier={tail}&state=redeemed"
            ))
            .await,
    )
    .await;
    let item = page
        .items
        .iter()
        .find(|i| i.redemption.redemption_id == redemption.redemption_id)
        .expect("found by the number's last digits");
    assert!(
        item.masked_identifier.ends_with(tail) && !item.masked_identifier.contains(&shopper.mobile)
    );
    let redeemed_total = page
        .totals
        .iter()
        .find(|t| t.state == RedemptionState::Redeemed)
        .unwrap();
    assert_eq!(redeemed_total.count, page.total_items);
    assert!(redeemed_total.points >= redemption.points);
    let bad = admin.get("/v1/admin/redemptions?from=2026-02-30").await;
    assert_eq!(api_error(bad).await.field.as_deref(), Some("from"));
    let csv = admin
        .get(&format!("/v1/admin/redemptions.csv?identifier={tail}"))
        .await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert!(csv.starts_with("redemption_id,state,points,discount"));
    assert!(
        csv.contains(&format!(
            "{},redeemed,{},20.00,SAR",
            redemption.redemption_id, redemption.points
        )),
        "{csv}"
    );
    // A reason is required; then the points go back through the reversal flow.
    let path = format!("/v1/admin/redemptions/{}/reverse", redemption.redemption_id);
    let empty = admin
        .send_json(Method::POST, &path, &json!({"reason": "  "}))
        .await;
    assert_eq!(api_error(empty).await.field.as_deref(), Some("reason"));
    let reversed = admin
        .send_json(
            Method::POST,
            &path,
            &json!({"reason": "shopper called the store"}),
        )
        .await;
    let detail: RedemptionDetail = answer(reversed).await;
    assert_eq!(detail.item.redemption.state, RedemptionState::Reversed);
    let last = detail.trail.last().unwrap();
    assert_eq!(
        (last.to_state.as_str(), last.actor.as_str()),
        ("reversed", "admin")
    );
    assert!(detail.trail.iter().any(
        |s| s.reason.contains("shopper called the store") && s.reason.contains(&admin.me.email)
    ));
    assert!(detail
        .audit
        .iter()
        .any(|e| e.action == "redemption.reversed"
            && e.actor == admin.me.email
            && e.new_value.as_deref() == Some("reversed: shopper called the store")));
    let books = sim().mokafaa_books().await;
    assert_eq!(
        books.customer(&shopper.mobile).unwrap().points,
        after_redeem + redemption.points as i64,
        "the points are back at the bank"
    );
    let twice = admin
        .send_json(Method::POST, &path, &json!({"reason": "again"}))
        .await;
    assert_eq!(error_code(twice).await, ErrorCode::AlreadyReversed);
    assert_eq!(
        sim()
            .mokafaa_books()
            .await
            .transactions_of(&shopper.mobile)
            .filter(|t| t.reverses.is_some())
            .count(),
        1,
        "reversed once at the bank"
    );
}

#[tokio::test]
async fn a_new_merchant_set_up_in_the_console_takes_points_on_its_own_origin() {
    let admin = mokafaa_merchant().await;
    let merchant = admin.me.merchant_id.clone();
    let start = |origin: &'static str| {
        send(
            http()
                .post(format!("{}/v1/sessions", edge_url()))
                .header("Origin", origin)
                .json(&json!({"merchant_id": merchant, "cart_id": unique(), "amount": {"minor": 10_000, "currency": "SAR"}, "locale": "en"})),
        )
    };
    assert_eq!(
        error_code(start(DEMO_ORIGIN).await).await,
        ErrorCode::OriginNotAllowed
    );
    let started = start("https://shop.example").await;
    assert_eq!(started.status(), 201);
    let started: loyalty_shared::api::SessionStarted = started.json().await.unwrap();
    assert_eq!(
        started.programs,
        vec![loyalty_shared::api::Program::Mokafaa]
    );
    // Only the methods the console offers: customer number turned off is refused.
    let saved = save(&admin, |s| s["verification_methods"] = json!(["mobile"])).await;
    assert_eq!(saved.status(), 200);
    let by_cic = send(
        http()
            .post(format!("{}/v1/mokafaa/otp", edge_url()))
            .header("Origin", "https://shop.example")
            .bearer_auth(&started.session_token)
            .json(&json!({"method": "customer_number", "customer_number": "912345678"})),
    )
    .await;
    assert_eq!(
        api_error(by_cic).await.field.as_deref(),
        Some("customer_number")
    );
    // A new session tells the widget which ways to offer, so it shows only those.
    let again: loyalty_shared::api::SessionStarted =
        answer(start("https://shop.example").await).await;
    assert_eq!(
        again.verification_methods,
        vec![loyalty_shared::api::VerifyMethod::Mobile]
    );
}

#[tokio::test]
async fn a_merchant_s_old_worker_secrets_move_into_d1_once() {
    // The demo merchant was set up with Worker secrets (.dev.vars).
    let nothing = json!({});
    let import = || operator_post("/v1/operator/merchants/demo/secrets/import", &nothing);
    let first: Value = answer(import().await).await;
    let second: Value = answer(import().await).await;
    let imported = |v: &Value| v["imported"].as_array().unwrap().len();
    // Once in D1, a secret is not imported again (a console change is never overwritten).
    assert_eq!(imported(&second), 0, "{second}");
    let demo = admin_of("demo").await;
    let view = settings(&demo).await;
    assert!(
        view.secrets.iter().all(|s| s.set),
        "{first} {:?}",
        view.secrets
    );
    // The sealed copies are the same secrets: the bank and the merchant's server still work.
    let check: ConnectionCheck = answer(
        demo.send_json(
            Method::POST,
            "/v1/admin/test-connection/mokafaa",
            &json!({}),
        )
        .await,
    )
    .await;
    assert!(check.ok, "{}", check.message);
    let (_, r) = redeemed_by_new_shopper().await;
    let cancelled = order_cancelled(&r.redemption_id).await;
    assert_eq!(
        cancelled.status(),
        200,
        "signed with the imported API secret"
    );
    let unknown = operator_post(
        "/v1/operator/merchants/no-such-shop/secrets/import",
        &json!({}),
    )
    .await;
    assert_eq!(error_code(unknown).await, ErrorCode::MerchantNotFound);
}

/// A redemption of 10 SAR at the demo merchant by a shopper made for the test.
async fn redeemed_by_new_shopper() -> (String, loyalty_shared::api::Redemption) {
    let shopper = new_shopper(10_000).await;
    let challenged = challenged(&shopper.mobile).await;
    let redemption = answer(challenged.redeem_with(&challenged.otp, 1_000).await).await;
    (shopper.mobile, redemption)
}

#[tokio::test]
async fn a_merchant_rate_unlike_the_bank_s_still_records_the_points_the_bank_took() {
    let admin = mokafaa_merchant().await;
    // The sandbox bank converts at 250 points per SAR; the merchant typed 4.
    let saved = save(&admin, |s| {
        s["points_per_sar"] = json!(4);
        s["allowed_origins"] = json!([DEMO_ORIGIN]);
    })
    .await;
    assert_eq!(saved.status(), 200);
    let started: loyalty_shared::api::SessionStarted = answer(
        send(
            http()
                .post(format!("{}/v1/sessions", edge_url()))
                .header("Origin", DEMO_ORIGIN)
                .json(&json!({"merchant_id": admin.me.merchant_id, "cart_id": unique(), "amount": {"minor": 10_000, "currency": "SAR"}, "locale": "en"})),
        )
        .await,
    )
    .await;
    let shopper = new_shopper(50_000).await;
    let challenge = otp_challenge(&started.session_token, &shopper.mobile).await;
    let otp = sim().last_otp(&shopper.mobile).await;
    let response = redeem(
        &started.session_token,
        &unique(),
        &challenge.challenge_id,
        &otp,
        1_000,
    )
    .await;
    let redemption: loyalty_shared::api::Redemption = answer(response).await;
    let debited = 50_000
        - sim()
            .mokafaa_books()
            .await
            .customer(&shopper.mobile)
            .unwrap()
            .points;
    assert_eq!(debited, 2_500, "10 SAR at the bank's 250 per SAR");
    assert_eq!(
        redemption.points, 2_500,
        "the shopper is told what the bank took"
    );
    let detail: RedemptionDetail = answer(
        admin
            .get(&format!(
                "/v1/admin/redemptions/{}",
                redemption.redemption_id
            ))
            .await,
    )
    .await;
    assert_eq!(
        detail.item.redemption.points, 2_500,
        "the ledger agrees with the bank"
    );
    assert!(detail
        .trail
        .iter()
        .any(|s| s.reason.contains("at its own rate")));
}

#[tokio::test]
async fn ten_manual_reverses_at_once_give_the_points_back_once() {
    let (mobile, redemption) = redeemed_by_new_shopper().await;
    let before = sim()
        .mokafaa_books()
        .await
        .customer(&mobile)
        .unwrap()
        .points;
    let admin = admin_of("demo").await;
    let path = format!("/v1/admin/redemptions/{}/reverse", redemption.redemption_id);
    let mut clicks = tokio::task::JoinSet::new();
    for i in 0..10 {
        let (admin, path) = (admin.clone(), path.clone());
        clicks.spawn(async move {
            let body = json!({"reason": format!("double click {i}")});
            let response = admin.send_json(Method::POST, &path, &body).await;
            let status = response.status().as_u16();
            let text = response.text().await.unwrap();
            (status, text)
        });
    }
    for (status, text) in clicks.join_all().await {
        let ok = status == 200 && text.contains("\"reversed\"");
        let already = status == 409 && text.contains("already_reversed");
        assert!(ok || already, "{status} {text}");
    }
    let books = sim().mokafaa_books().await;
    let reversals = books
        .transactions_of(&mobile)
        .filter(|t| t.reverses.is_some())
        .count();
    assert_eq!(reversals, 1, "one reversal at the bank");
    assert_eq!(
        books.customer(&mobile).unwrap().points,
        before + redemption.points as i64,
        "the points came back once"
    );
}
