//! The ledger's query string, read strictly: a value the console could not have sent is
//! `invalid_request` naming the parameter, never a silently wider result.

use crate::http::ApiResult;
use crate::routes::call::Call;
use crate::store::ledger::Filter;
use loyalty_shared::{ApiError, ErrorCode, Locale};

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;

pub struct Query {
    pub filter: Filter,
    pub page: u32,
    pub page_size: u32,
}

const STATES: [&str; 6] = [
    "pending",
    "redeemed",
    "captured",
    "reversing",
    "reversed",
    "failed",
];

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` as the unix second its UTC day starts.
pub fn day_start(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid = (1970..=9999).contains(&y)
        && (1..=12).contains(&m)
        && (1..=month_days[(m - 1) as usize]).contains(&d);
    valid.then(|| days_from_civil(y, m, d) * 86_400)
}

fn invalid(field: &str, message: &str) -> ApiError {
    ApiError::new(ErrorCode::InvalidRequest, Locale::En)
        .with_field(field)
        .with_message(message.to_string())
}

impl Query {
    pub fn of(call: &Call) -> ApiResult<Query> {
        let url = call
            .req
            .url()
            .map_err(|e| crate::http::internal("url", e))?;
        let get = |name: &str| {
            url.query_pairs()
                .find(|(k, v)| k == name && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_string())
        };
        let state = get("state");
        if state.as_deref().is_some_and(|s| !STATES.contains(&s)) {
            return Err(invalid("state", "Choose a state from the list."));
        }
        let date = |name: &str| -> ApiResult<Option<i64>> {
            get(name)
                .map(|t| day_start(&t).ok_or_else(|| invalid(name, "Dates are YYYY-MM-DD.")))
                .transpose()
        };
        // `to` is inclusive of its whole day.
        let (from, to) = (date("from")?, date("to")?.map(|t| t + 86_400));
        let order_id = get("order_id");
        if order_id.as_deref().is_some_and(|o| o.chars().count() > 100) {
            return Err(invalid(
                "order_id",
                "An order id is at most 100 characters.",
            ));
        }
        let identifier_tail = get("identifier");
        if identifier_tail
            .as_deref()
            .is_some_and(|t| t.len() > 12 || !t.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(invalid(
                "identifier",
                "Search by the last digits of the number, like 4567.",
            ));
        }
        let number = |name: &str, default: u32, max: u32| -> ApiResult<u32> {
            match get(name) {
                None => Ok(default),
                Some(t) => t
                    .parse::<u32>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| invalid(name, &format!("A whole number from 1 to {max}."))),
            }
        };
        Ok(Query {
            filter: Filter {
                state,
                from,
                to,
                order_id,
                identifier_tail,
            },
            page: number("page", 1, 1_000_000)?,
            page_size: number("page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::day_start;

    #[test]
    fn dates_are_utc_day_starts_and_nonsense_is_refused() {
        assert_eq!(day_start("1970-01-01"), Some(0));
        assert_eq!(day_start("2026-11-27"), Some(1_795_737_600));
        assert_eq!(day_start("2024-02-29"), Some(1_709_164_800));
        for bad in [
            "2025-02-29",
            "2026-13-01",
            "2026-1-1",
            "26-11-27",
            "2026-11-27T00",
            "x",
        ] {
            assert_eq!(day_start(bad), None, "{bad}");
        }
    }
}
