//! Pongo helpers: the admin's connect flow through the simulator's consent form.

use crate::{http, sim};
use loyalty_sim::pongo::Approval;
use serde_json::Value;

/// A signed-in admin of the demo merchant (a fresh one: tests move the clock past sessions).
pub async fn demo_admin() -> crate::console::AdminSession {
    crate::console::admin_of("demo").await
}

/// A query parameter of an absolute URL, decoded.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    reqwest::Url::parse(url)
        .ok()?
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The admin asks for a connect link: the Pongo form's URL and the browser-binding cookie.
pub async fn connect_link() -> (String, String) {
    let response = demo_admin()
        .await
        .request(reqwest::Method::POST, "/v1/admin/pongo/connect")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "connect link");
    let cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a browser-binding cookie")
        .to_string();
    let body: Value = response.json().await.unwrap();
    (body["authorize_url"].as_str().unwrap().to_string(), cookie)
}

/// The merchant approves on Pongo's form; returns where Pongo sends the browser back.
pub async fn approve(authorize_url: &str) -> String {
    let form = http().get(authorize_url).send().await.unwrap();
    assert_eq!(form.status(), 200, "Pongo's consent form");
    assert!(form.text().await.unwrap().contains("Approve"));
    let field = |name: &str| {
        query_param(authorize_url, name).unwrap_or_else(|| panic!("{name} in the authorize URL"))
    };
    sim()
        .approve_pongo(&Approval {
            client_id: field("client_id"),
            state: field("state"),
            redirect_uri: field("redirect_uri"),
            scope: field("scope"),
        })
        .await
}

/// The browser arrives at the edge's callback; returns where the edge sends it (the admin page).
pub async fn callback(url: &str, cookie: Option<&str>) -> String {
    let mut request = http().get(url);
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    let response = request.send().await.unwrap();
    assert_eq!(
        response.status(),
        303,
        "the callback sends the browser back to the admin page"
    );
    response.headers()["location"].to_str().unwrap().to_string()
}

/// Connects the demo merchant (again); every test starts from a working connection.
pub async fn connect() {
    let (url, cookie) = connect_link().await;
    let back = approve(&url).await;
    let landed = callback(&back, Some(&cookie)).await;
    assert_eq!(landed, "/admin/?pongo=connected&merchant_id=demo");
}
