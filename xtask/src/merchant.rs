//! `cargo xtask merchant add <id> <name> <admin-email>`: the operator's bootstrap on the
//! local stack (`cargo xtask dev` running): creates a merchant through the operator API and
//! prints its admin's one-time invitation link.

use crate::stack::{http_request, EDGE_ADDR};
use crate::Result;
use std::process::ExitCode;

/// The demo merchant's admin on the local stack.
pub const DEMO_ADMIN_EMAIL: &str = "owner@demo-store.example";

fn token() -> String {
    std::env::var("OPERATOR_TOKEN").unwrap_or_else(|_| crate::build::DEV_OPERATOR_TOKEN.to_string())
}

/// POSTs `body` to the operator API; the invitation link from a 201.
fn operator_post(path: &str, body: &serde_json::Value) -> Result<String> {
    let headers = format!(
        "Authorization: Bearer {}\r\nContent-Type: application/json\r\n",
        token()
    );
    let (status, text) = http_request(EDGE_ADDR, "POST", path, &headers, &body.to_string())
        .map_err(|e| {
            format!("the edge at {EDGE_ADDR} did not answer ({e}): is `cargo xtask dev` running?")
        })?;
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    match (status, json["invitation_url"].as_str()) {
        (201, Some(link)) => Ok(link.to_string()),
        _ => Err(format!(
            "the edge answered {status}: {}",
            json["error"]["message"].as_str().unwrap_or(&text)
        )),
    }
}

/// A fresh invitation for the demo merchant's admin.
pub fn invite_demo_admin() -> Result<String> {
    operator_post(
        "/v1/operator/merchants/demo/invitations",
        &serde_json::json!({ "admin_email": DEMO_ADMIN_EMAIL }),
    )
}

pub fn command(args: &[String]) -> Result<ExitCode> {
    match args {
        [verb, id, name, email] if verb == "add" => {
            let link = operator_post(
                "/v1/operator/merchants",
                &serde_json::json!({ "id": id, "name": name, "admin_email": email }),
            )?;
            println!("Merchant {id} created. Send its admin this one-time invitation link (valid 7 days):\n{link}");
            Ok(ExitCode::SUCCESS)
        }
        [verb, id, email] if verb == "invite" => {
            let link = operator_post(
                &format!("/v1/operator/merchants/{id}/invitations"),
                &serde_json::json!({ "admin_email": email }),
            )?;
            println!("Invitation for {email} to {id} (one use, valid 7 days):\n{link}");
            Ok(ExitCode::SUCCESS)
        }
        _ => Err("usage: cargo xtask merchant add <id> <name> <admin-email> | merchant invite <id> <admin-email> (with `cargo xtask dev` running; OPERATOR_TOKEN defaults to the local stack's)".into()),
    }
}
