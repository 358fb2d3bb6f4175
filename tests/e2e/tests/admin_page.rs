//! The merchant's admin page in a real headless Chromium: connecting Pongo by itself,
//! through Pongo's consent form and back, with the browser-binding cookie a real browser keeps.

use loyalty_e2e::pongo::admin_token;
use loyalty_e2e::Browser;
use serde_json::Value;
use std::time::Duration;

async fn show(browser: &Browser) {
    let script = format!(
        "document.getElementById('token').value = {}; document.getElementById('auth').requestSubmit(); return true;",
        Value::from(admin_token())
    );
    browser.client.execute(&script, vec![]).await.unwrap();
}

#[tokio::test]
async fn the_merchant_connects_pongo_from_the_admin_page() {
    let browser = Browser::open("/admin/").await;
    show(&browser).await;
    browser
        .wait_for(
            "the Pongo section",
            "const s = document.getElementById('pongo'); return s && !s.hidden && document.getElementById('pongo-status').textContent ? true : null;",
            Duration::from_secs(20),
        )
        .await;
    browser
        .client
        .execute(
            "document.getElementById('pongo-connect').click(); return true;",
            vec![],
        )
        .await
        .unwrap();
    // Pongo's consent form (the simulator's), then back to the admin page.
    browser
        .wait_for(
            "Pongo's consent form",
            "return document.getElementById('approve') ? true : null;",
            Duration::from_secs(20),
        )
        .await;
    browser
        .client
        .execute(
            "document.getElementById('approve').click(); return true;",
            vec![],
        )
        .await
        .unwrap();
    let banner = browser
        .wait_for(
            "the connected banner",
            "const b = document.getElementById('banner'); return b && !b.hidden ? b.textContent : null;",
            Duration::from_secs(20),
        )
        .await;
    assert!(
        banner
            .as_str()
            .unwrap()
            .starts_with("Pongo is connected for demo"),
        "{banner}"
    );
    show(&browser).await;
    let status = browser
        .wait_for(
            "the connection status",
            "const s = document.getElementById('pongo-status').textContent; return s.startsWith('Connected') ? s : null;",
            Duration::from_secs(20),
        )
        .await;
    assert!(
        status.as_str().unwrap().contains("Demo Coffee Roasters"),
        "{status}"
    );
    let stores = browser
        .client
        .execute(
            "return document.querySelectorAll('#store option').length",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        stores,
        Value::from(2),
        "the synced stores are offered for mapping"
    );

    // An order Pongo refuses (a new shopper without consent answers) is listed by id, with
    // the reason, once the page is shown again.
    let order_id = format!("admin-{}", loyalty_e2e::unique());
    let refused = loyalty_e2e::merchant_post(
        "/v1/merchant/pongo/orders",
        &serde_json::json!({
            "merchant_id": "demo", "order_id": order_id, "location_id": "web",
            "payment_status": "succeeded", "amount": {"minor": 1000, "currency": "SAR"},
            "lines": [{"sku": "A", "name": "Latte", "quantity": 1, "unit_price": {"minor": 1000, "currency": "SAR"}}],
            "customer": {"phone": "0512345670"},
        }),
    )
    .await;
    assert_eq!(refused.status(), 400);
    show(&browser).await;
    let row = browser
        .wait_for(
            "the refused order in the Pongo table",
            &format!("const r = [...document.querySelectorAll('#pongo-attention tbody tr')].find(tr => tr.cells[0].textContent === '{order_id}'); return r && !document.getElementById('pongo-attention').hidden ? r.textContent : null;"),
            Duration::from_secs(20),
        )
        .await;
    assert!(row.as_str().unwrap().contains("optin_required"), "{row}");
    browser.close().await;
}
