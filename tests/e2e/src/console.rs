//! Console helpers: the operator's calls and a signed-in merchant admin (cookie + CSRF
//! token), as the console page would hold them.

use crate::{edge_url, http, send, unique};
use loyalty_shared::api::{AdminMe, Invitation};
use serde_json::{json, Value};

/// The local stack's operator token.
pub fn operator_token() -> String {
    std::env::var("LOYALTY_OPERATOR_TOKEN")
        .expect("LOYALTY_OPERATOR_TOKEN (set by cargo xtask test)")
}

/// The operator's POST of `body` to `path`.
pub async fn operator_post(path: &str, body: &Value) -> reqwest::Response {
    send(
        http()
            .post(format!("{}{path}", edge_url()))
            .bearer_auth(operator_token())
            .json(body),
    )
    .await
}

/// A new merchant (unique id from `prefix`) with its first admin's invitation.
pub async fn create_merchant(prefix: &str, admin_email: &str) -> Invitation {
    let id = format!("{prefix}-{}", unique()).to_ascii_lowercase();
    let id: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect();
    let response = operator_post(
        "/v1/operator/merchants",
        &json!({"id": id, "name": format!("Shop {id}"), "admin_email": admin_email}),
    )
    .await;
    assert_eq!(response.status(), 201, "merchant created");
    response.json().await.expect("an invitation")
}

/// A fresh invitation for `email` to the existing merchant `merchant_id`.
pub async fn invite(merchant_id: &str, email: &str) -> Invitation {
    let response = operator_post(
        &format!("/v1/operator/merchants/{merchant_id}/invitations"),
        &json!({ "admin_email": email }),
    )
    .await;
    assert_eq!(response.status(), 201, "invitation");
    response.json().await.expect("an invitation")
}

/// The token in a link's fragment (`#invitation=` or `#sign-in=`).
pub fn link_token(url: &str) -> String {
    url.split_once('#')
        .and_then(|(_, fragment)| fragment.split_once('='))
        .map(|(_, token)| token.to_string())
        .expect("a token in the link's fragment")
}

/// A signed-in admin: the session cookie and the CSRF token the page keeps.
#[derive(Debug, Clone)]
pub struct AdminSession {
    pub cookie: String,
    pub me: AdminMe,
}

impl AdminSession {
    /// A request to the console API with this admin's cookie (and CSRF token on changes),
    /// from the console's own origin.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let changes = method != reqwest::Method::GET;
        let mut request = http()
            .request(method, format!("{}{path}", edge_url()))
            .header("Cookie", &self.cookie)
            .header("Origin", edge_url());
        if changes {
            request = request.header("X-CSRF-Token", &self.me.csrf_token);
        }
        request
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn send_json(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> reqwest::Response {
        send(self.request(method, path).json(body)).await
    }
}

/// Spends a link at `path` (accept or complete); the response as the edge gave it.
pub async fn spend_link(path: &str, token: &str) -> reqwest::Response {
    send(
        http()
            .post(format!("{}{path}", edge_url()))
            .header("Origin", edge_url())
            .json(&json!({ "token": token })),
    )
    .await
}

/// The session a successful spend opened.
pub async fn session_of(response: reqwest::Response) -> AdminSession {
    assert_eq!(response.status(), 200, "link spent");
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("lc_admin="))
        .expect("the admin session cookie")
        .to_string();
    for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/v1/admin"] {
        assert!(cookie.contains(attribute), "{attribute} in {cookie}");
    }
    let cookie = cookie.split(';').next().unwrap().to_string();
    AdminSession {
        cookie,
        me: response.json().await.expect("who signed in"),
    }
}

/// Accepts `invitation` (its first use) and returns the admin's session.
pub async fn accept(invitation: &Invitation) -> AdminSession {
    let token = link_token(&invitation.invitation_url);
    session_of(spend_link("/v1/admin/invitations/accept", &token).await).await
}

/// A signed-in admin of `merchant_id` (a new invitation, accepted).
pub async fn admin_of(merchant_id: &str) -> AdminSession {
    let email = format!("admin-{}@{merchant_id}.example", unique()).to_ascii_lowercase();
    accept(&invite(merchant_id, &email).await).await
}
