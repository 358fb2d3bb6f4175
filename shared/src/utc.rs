//! Unix time to a UTC calendar date and time, for the date texts providers want (Pongo's
//! ISO 8601, Mokafaa's transaction dates). Plain integer math (Howard Hinnant's
//! `civil_from_days`), so the edge needs no date crate in its wasm.

/// A UTC date and time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UtcDateTime {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`,
/// the inverse of [`UtcDateTime::from_unix`]'s day part).
pub fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` (a real date, years 1970 to 9999) as the unix second its UTC day starts.
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

impl UtcDateTime {
    pub fn from_unix(unix: i64) -> UtcDateTime {
        let days = unix.div_euclid(86_400);
        let secs = unix.rem_euclid(86_400);
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        UtcDateTime {
            year: yoe + era * 400 + i64::from(month <= 2),
            // All in range by construction: month 1-12, day 1-31, secs < 86400.
            month: month as u32,
            day: day as u32,
            hour: (secs / 3600) as u32,
            minute: (secs % 3600 / 60) as u32,
            second: (secs % 60) as u32,
        }
    }

    /// `2026-11-18T11:06:40+00:00`.
    pub fn iso8601(&self) -> String {
        self.text('T', "+00:00")
    }

    /// `2026-11-18 11:06:40`.
    pub fn date_time_text(&self) -> String {
        self.text(' ', "")
    }

    fn text(&self, between: char, zone: &str) -> String {
        format!(
            "{:04}-{:02}-{:02}{between}{:02}:{:02}:{:02}{zone}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn day_starts_are_utc_midnights_and_nonsense_is_refused() {
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

    proptest! {
        #[test]
        fn a_day_start_reads_back_as_its_date_at_midnight(days in 0i64..2_932_896) {
            let t = UtcDateTime::from_unix(days * 86_400);
            let text = format!("{:04}-{:02}-{:02}", t.year, t.month, t.day);
            prop_assert_eq!(day_start(&text), Some(days * 86_400));
        }
    }

    #[test]
    fn known_dates() {
        for (unix, iso) in [
            (0, "1970-01-01T00:00:00+00:00"),
            (1_795_000_000, "2026-11-18T11:06:40+00:00"),
            (951_782_400, "2000-02-29T00:00:00+00:00"),
            (-1, "1969-12-31T23:59:59+00:00"),
        ] {
            assert_eq!(UtcDateTime::from_unix(unix).iso8601(), iso, "{unix}");
        }
        assert_eq!(
            UtcDateTime::from_unix(1_707_646_403).date_time_text(),
            "2024-02-11 10:13:23"
        );
    }

    proptest! {
        #[test]
        fn consecutive_seconds_never_go_back(t in 0i64..8_000_000_000) {
            let a = UtcDateTime::from_unix(t);
            let b = UtcDateTime::from_unix(t + 1);
            let key = |d: UtcDateTime| (d.year, d.month, d.day, d.hour, d.minute, d.second);
            prop_assert!(key(a) < key(b));
            prop_assert!((1..=12).contains(&a.month) && (1..=31).contains(&a.day));
        }
    }
}
