//! Human-facing formatting of sizes, counts and times, kept apart from the
//! renderer so the same words appear in the tree, the inspector and the logs,
//! and so they can be tested without a terminal.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

/// The time zone times are shown and typed in. `Local` asks the system's
/// rules for each instant, so a summer time shown in winter (or a moment
/// typed across a daylight-saving change) gets the offset of its own date,
/// not the offset pail started with; `Fixed` is for tests and `Z`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    Local,
    Fixed(FixedOffset),
}

impl Zone {
    pub const UTC: Zone = Zone::Fixed(match FixedOffset::east_opt(0) {
        Some(z) => z,
        None => unreachable!(),
    });

    /// The offset in force at `t`.
    pub fn offset_at(self, t: &DateTime<Utc>) -> FixedOffset {
        match self {
            Zone::Local => *t.with_timezone(&chrono::Local).offset(),
            Zone::Fixed(o) => o,
        }
    }

    /// Seconds since the epoch of a wall-clock time in this zone. A time
    /// the clocks skip (spring forward) is refused; a time that happens
    /// twice (fall back) is the earlier of the two, and the caller can say
    /// so.
    pub fn resolve(self, local: &NaiveDateTime) -> Result<i64, String> {
        let r = match self {
            Zone::Local => chrono::Local
                .from_local_datetime(local)
                .map(|d| d.timestamp()),
            Zone::Fixed(o) => o.from_local_datetime(local).map(|d| d.timestamp()),
        };
        match r {
            chrono::LocalResult::Single(t) => Ok(t),
            chrono::LocalResult::Ambiguous(a, b) => Ok(a.min(b)),
            chrono::LocalResult::None => Err(format!(
                "{} does not exist in local time (the clocks skip it)",
                local.format("%Y-%m-%d %H:%M")
            )),
        }
    }
}

/// `1536` -> `1.5 KiB`; exact below 1 KiB.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if value >= 100.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// `1234567` -> `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `2048` -> `2.0 KiB (2,048 bytes)`; `1` -> `1 B (1 byte)`: the human size
/// and the exact count, for the inspector.
pub fn size_with_bytes(bytes: u64) -> String {
    format!("{} ({})", human_size(bytes), count(bytes, "byte", "bytes"))
}

/// `count(1, "match", "matches")` -> `1 match`; `1,000 matches`.
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Seconds since the epoch to a DateTime, if representable.
pub fn from_epoch(secs: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0)
}

/// Short local time for list columns: `2026-11-24 23:14`.
pub fn short_time(secs: i64, zone: Zone) -> String {
    match from_epoch(secs) {
        Some(t) => t
            .with_timezone(&zone.offset_at(&t))
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        None => "-".into(),
    }
}

/// Full time for the inspector: local and UTC side by side, or UTC alone
/// when local time is UTC (the same time twice reads like two times).
pub fn long_time(secs: i64, zone: Zone) -> String {
    let Some(t) = from_epoch(secs) else {
        return "-".into();
    };
    let offset = zone.offset_at(&t);
    match Some(t) {
        Some(t) if offset.local_minus_utc() == 0 => {
            format!("{} UTC", t.format("%Y-%m-%d %H:%M:%S"))
        }
        Some(t) => format!(
            "{} ({} UTC)",
            t.with_timezone(&offset).format("%Y-%m-%d %H:%M:%S %:z"),
            t.format("%Y-%m-%d %H:%M:%S")
        ),
        None => "-".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024 * 1024), "5.0 GiB");
        assert_eq!(human_size(u64::MAX), "16.0 EiB");
        assert_eq!(human_size(200 * 1024), "200 KiB");
    }

    #[test]
    fn counts() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn counts_with_words() {
        assert_eq!(count(1, "match", "matches"), "1 match");
        assert_eq!(count(0, "match", "matches"), "0 matches");
        assert_eq!(count(1500, "prefix", "prefixes"), "1,500 prefixes");
    }

    #[test]
    fn times() {
        let utc = Zone::UTC;
        assert_eq!(short_time(0, utc), "1970-01-01 00:00");
        let cet = Zone::Fixed(FixedOffset::east_opt(3600).unwrap());
        assert_eq!(
            long_time(0, cet),
            "1970-01-01 01:00:00 +01:00 (1970-01-01 00:00:00 UTC)"
        );
        assert_eq!(short_time(i64::MAX, utc), "-");
        assert_eq!(long_time(1795565157, utc), "2026-11-25 00:05:57 UTC");
        assert_eq!(long_time(i64::MAX, utc), "-");
    }

    #[test]
    fn sizes_with_bytes() {
        assert_eq!(size_with_bytes(1), "1 B (1 byte)");
        assert_eq!(size_with_bytes(0), "0 B (0 bytes)");
        assert_eq!(size_with_bytes(2048), "2.0 KiB (2,048 bytes)");
        assert_eq!(size_with_bytes(25_165_824), "24.0 MiB (25,165,824 bytes)");
    }
}

/// A span of seconds said exactly, in words: `7 days 1 minute`,
/// `1 hour 30 minutes 5 seconds`. For a limit where rounding would read
/// as a contradiction ("7 days is longer than 7 days").
pub fn duration_exact(secs: u64) -> String {
    let parts: Vec<String> = [
        (secs / 86_400, "day", "days"),
        (secs % 86_400 / 3600, "hour", "hours"),
        (secs % 3600 / 60, "minute", "minutes"),
        (secs % 60, "second", "seconds"),
    ]
    .into_iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| count(n, one, many))
    .collect();
    if parts.is_empty() {
        "0 seconds".into()
    } else {
        parts.join(" ")
    }
}

/// A span of seconds in the largest units that say it exactly enough:
/// `15 min`, `1 h 30 min`, `3 days`, `7 days`, `45 s`.
pub fn duration(secs: u64) -> String {
    let (d, h, m, s) = (
        secs / 86_400,
        secs % 86_400 / 3600,
        secs % 3600 / 60,
        secs % 60,
    );
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(count(d, "day", "days"));
    }
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 && d == 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 && d == 0 && h == 0 {
        parts.push(format!("{s} s"));
    }
    if parts.is_empty() {
        "0 s".into()
    } else {
        parts.join(" ")
    }
}

/// "90m", "36h", "3d", "1h30m", "45s", "1w": a duration in seconds.
pub fn parse_duration(s: &str) -> Result<u64, String> {
    let s = s.trim();
    if s.is_empty() {
        return Err("Type a duration: 90m, 36h, 3d".into());
    }
    let mut total: u64 = 0;
    let mut num = String::new();
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        if c == ' ' {
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 7 * 86_400,
            _ => {
                return Err(format!(
                    "{:?} is not a duration (try 90m, 36h, 3d)",
                    crate::sanitize::clean(s)
                ));
            }
        };
        let n: u64 = num.parse().map_err(|_| {
            format!(
                "{:?} is not a duration (try 90m, 36h, 3d)",
                crate::sanitize::clean(s)
            )
        })?;
        total = total.saturating_add(n.saturating_mul(unit));
        num.clear();
    }
    if !num.is_empty() {
        return Err(format!(
            "{:?}: add a unit (s, m, h, d), e.g. {num}m",
            crate::sanitize::clean(s)
        ));
    }
    if total == 0 {
        return Err("A link must live at least a second".into());
    }
    Ok(total)
}

#[cfg(test)]
mod duration_tests {
    #[test]
    fn durations_read_naturally() {
        use super::duration;
        assert_eq!(duration(900), "15 min");
        assert_eq!(duration(5400), "1 h 30 min");
        assert_eq!(duration(3 * 86_400), "3 days");
        assert_eq!(duration(36 * 3600), "1 day 12 h");
        assert_eq!(duration(45), "45 s");
    }
}
