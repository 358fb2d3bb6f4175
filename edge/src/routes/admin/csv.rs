//! The ledger as CSV (RFC 4180), with cells that a spreadsheet would run as a formula
//! quoted as text.

use crate::http::{internal, ApiResult};
use loyalty_shared::api::LedgerItem;
use worker::Response;

/// One cell: quoted when it holds a comma, quote or line break; a leading `= + - @` gets a
/// `'` so a spreadsheet shows it instead of computing it.
pub fn cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn decimal(minor: u64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

pub fn text(items: &[LedgerItem]) -> String {
    let mut out = String::from(
        "redemption_id,state,points,discount,currency,order_id,method,identifier,created_at,updated_at,error_code\r\n",
    );
    for item in items {
        let r = &item.redemption;
        let when = |t: i64| loyalty_shared::UtcDateTime::from_unix(t).iso8601();
        let row = [
            cell(&r.redemption_id),
            crate::store::redemptions::state_name(r.state).to_string(),
            r.points.to_string(),
            decimal(r.discount.minor),
            r.discount.currency.to_string(),
            cell(r.order_id.as_deref().unwrap_or("")),
            cell(&item.method),
            cell(&item.masked_identifier),
            when(item.created_at),
            when(item.updated_at),
            cell(item.error_code.as_deref().unwrap_or("")),
        ];
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

pub fn response(merchant_id: &str, items: &[LedgerItem]) -> ApiResult<Response> {
    let mut response = Response::ok(text(items)).map_err(|e| internal("csv", e))?;
    let headers = response.headers_mut();
    let set = |name: &str, value: &str| headers.set(name, value).map_err(|e| internal("csv", e));
    set("Content-Type", "text/csv; charset=utf-8")?;
    set(
        "Content-Disposition",
        &format!("attachment; filename=\"redemptions-{merchant_id}.csv\""),
    )?;
    set("Cache-Control", "no-store")?;
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_defused() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("-1"), "'-1");
        assert_eq!(decimal(1250), "12.50");
        assert_eq!(decimal(5), "0.05");
    }
}
