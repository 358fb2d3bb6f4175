//! Fixed-window rate limits: how many times a key may act per window.

/// One limit: at most `max` actions per `window_seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub window_seconds: i64,
}

/// OTP sends per identifier (a mobile or customer number): the bank texts a person, so
/// this protects the shopper from being flooded and the merchant from SMS costs.
pub const OTP_PER_IDENTIFIER: Limit = Limit::within(5, 15 * 60);
/// OTP sends per client IP, across identifiers (number scanning).
pub const OTP_PER_IP: Limit = Limit::within(30, 15 * 60);
/// Redeem attempts per client IP (OTP guessing across sessions).
pub const REDEEM_PER_IP: Limit = Limit::within(60, 15 * 60);

/// Pongo enlist calls per client IP (number scanning), overridable with
/// `ENLIST_LIMIT_PER_IP`.
pub const ENLIST_PER_IP: Limit = Limit::within(30, 15 * 60);
/// Pongo enlist calls naming one phone number.
pub const ENLIST_PER_PHONE: Limit = Limit::within(10, 15 * 60);

/// Wrong OTP codes per identifier (mobile, customer number, IBAN) across challenges,
/// resends and sessions; past it the identifier is locked until the window ends.
pub const OTP_GUESSES_PER_IDENTIFIER: Limit = Limit::within(5, 3600);

/// The key a client IP is counted under: an IPv4 address as is, an IPv6 address by its
/// /64 prefix, anything unreadable as itself.
pub fn ip_key(ip: &str) -> String {
    match ip.trim().parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Ok(std::net::IpAddr::V4(v4)) => v4.to_string(),
        Err(_) => ip.trim().to_string(),
    }
}

impl Limit {
    pub const fn within(max: u32, window_seconds: i64) -> Limit {
        Limit {
            max,
            window_seconds,
        }
    }

    /// Reads `max/window_seconds` (e.g. `5/900`), as operators set it in a Worker var.
    pub fn parse(text: &str) -> Option<Limit> {
        let (max, window) = text.trim().split_once('/')?;
        let limit = Limit {
            max: max.trim().parse().ok()?,
            window_seconds: window.trim().parse().ok()?,
        };
        (limit.max > 0 && limit.window_seconds > 0).then_some(limit)
    }
}

/// The counter after one more action: (window start, count) given the stored one.
pub fn count(stored: Option<(i64, u32)>, now: i64, limit: Limit) -> (i64, u32) {
    match stored {
        Some((start, n)) if now < start + limit.window_seconds => (start, n.saturating_add(1)),
        _ => (now, 1),
    }
}

/// `None` when allowed, else the seconds until the window ends.
pub fn verdict(window_start: i64, count: u32, now: i64, limit: Limit) -> Option<u32> {
    (count > limit.max).then(|| {
        u32::try_from((window_start + limit.window_seconds - now).max(1)).unwrap_or(u32::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_counts_by_its_64_and_ipv4_as_is() {
        assert_eq!(
            ip_key("2001:db8:1:2:aaaa::1"),
            ip_key("2001:db8:1:2:ffff:ffff:ffff:ffff")
        );
        assert_ne!(ip_key("2001:db8:1:2::1"), ip_key("2001:db8:1:3::1"));
        assert_eq!(ip_key("203.0.113.7"), "203.0.113.7");
        assert_eq!(ip_key("unknown"), "unknown");
    }

    const L: Limit = Limit {
        max: 3,
        window_seconds: 60,
    };

    #[test]
    fn parses_operator_settings() {
        assert_eq!(
            Limit::parse("5/900"),
            Some(Limit {
                max: 5,
                window_seconds: 900
            })
        );
        assert_eq!(
            Limit::parse(" 10 / 60 "),
            Some(Limit {
                max: 10,
                window_seconds: 60
            })
        );
        assert_eq!(Limit::parse("0/60"), None);
        assert_eq!(Limit::parse("5"), None);
        assert_eq!(Limit::parse("a/b"), None);
    }

    #[test]
    fn allows_up_to_max_then_waits_for_the_window() {
        let mut stored = None;
        for i in 1..=3 {
            let (start, n) = count(stored, 1_000, L);
            assert_eq!((n, verdict(start, n, 1_000, L)), (i, None));
            stored = Some((start, n));
        }
        let (start, n) = count(stored, 1_010, L);
        assert_eq!(verdict(start, n, 1_010, L), Some(50));
        // A new window starts over.
        assert_eq!(count(Some((start, n)), 1_060, L), (1_060, 1));
    }
}
