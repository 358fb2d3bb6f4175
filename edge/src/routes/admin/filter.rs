//! The ledger's query string, read strictly: a value the console could not have sent is
//! `invalid_request` naming the parameter, never a silently wider result.

use crate::http::ApiResult;
use crate::routes::call::Call;
use crate::store::ledger::Filter;
use crate::store::redemptions::state_named;
use loyalty_shared::utc::day_start;
use loyalty_shared::{ApiError, ErrorCode, Locale};

pub const DEFAULT_PAGE_SIZE: u32 = 50;
pub const MAX_PAGE_SIZE: u32 = 200;

pub struct Query {
    pub filter: Filter,
    pub page: u32,
    pub page_size: u32,
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
        if state.as_deref().is_some_and(|s| state_named(s).is_none()) {
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
