//! The moment a rollback goes back to, as the user types it in the moment
//! prompt (rollback/mod.rs): pure, so the prompt can say at once whether
//! the text is a moment and which one.

use crate::format::Zone;
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

/// A moment typed by the user, in local time (`offset`): `2026-11-24 14:00`,
/// `2026-11-24`, `yesterday 14:00`, `today 9:30`, `3h ago`, `90m ago`,
/// `2d ago`, or RFC 3339 (`2026-11-24T14:00:00Z`). Returns seconds since
/// the epoch.
pub fn parse_moment(text: &str, now: i64, zone: Zone) -> Result<i64, String> {
    let t = text.trim().to_ascii_lowercase();
    let bad = || {
        format!(
            "{:?} is not a moment: try 2026-11-24 14:00, yesterday 14:00, 3h ago",
            crate::sanitize::clean(text.trim())
        )
    };
    if t.is_empty() {
        return Err("Type a moment: 2026-11-24 14:00, yesterday 14:00, 3h ago".into());
    }
    if let Some(span) = t.strip_suffix("ago") {
        let secs = crate::format::parse_duration(span).map_err(|_| bad())?;
        return i64::try_from(secs)
            .ok()
            .and_then(|s| now.checked_sub(s))
            .filter(|t| *t >= 0)
            .ok_or_else(|| "That is before 1970: S3 has no versions from then".into());
    }
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(text.trim()) {
        return Ok(dt.timestamp());
    }
    let now_utc = chrono::DateTime::from_timestamp(now, 0).ok_or_else(bad)?;
    let today = now_utc
        .with_timezone(&zone.offset_at(&now_utc))
        .date_naive();
    let (day, rest) = if let Some(r) = t.strip_prefix("yesterday") {
        (today - Duration::days(1), r.trim())
    } else if let Some(r) = t.strip_prefix("today") {
        (today, r.trim())
    } else {
        let (d, r) = t.split_once([' ', 't']).unwrap_or((&t, ""));
        let day = NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| bad())?;
        (day, r.trim())
    };
    // A trailing Z means UTC, as in `2026-11-24T13:00Z`.
    let (rest, zone) = match rest.strip_suffix('z') {
        Some(r) => (r.trim(), Zone::UTC),
        None => (rest, zone),
    };
    let time = if rest.is_empty() {
        NaiveTime::MIN
    } else {
        ["%H:%M:%S", "%H:%M"]
            .iter()
            .find_map(|f| NaiveTime::parse_from_str(rest, f).ok())
            .ok_or_else(bad)?
    };
    // The offset of the typed date itself (a July moment typed in
    // December is summer time), not the offset in force now.
    zone.resolve(&NaiveDateTime::new(day, time))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_in_local_time() {
        let tz = Zone::Fixed(chrono::FixedOffset::east_opt(3600).unwrap());
        // 2026-11-25 12:00:00 UTC
        let now = 1_795_608_000;
        assert_eq!(parse_moment("3h ago", now, tz), Ok(now - 3 * 3600));
        assert_eq!(parse_moment("90m ago", now, tz), Ok(now - 5400));
        // 14:00 local (+01:00) is 13:00 UTC.
        assert_eq!(
            parse_moment("2026-11-24 14:00", now, tz),
            Ok(1_795_608_000 - 86_400 + 3600)
        );
        assert_eq!(
            parse_moment("yesterday 14:00", now, tz),
            parse_moment("2026-11-24 14:00", now, tz)
        );
        assert_eq!(
            parse_moment("2026-11-24T13:00:00Z", now, tz),
            parse_moment("2026-11-24 14:00", now, tz)
        );
        assert_eq!(
            parse_moment("2026-11-24T13:00Z", now, tz),
            parse_moment("2026-11-24 14:00", now, tz)
        );
        assert!(parse_moment("next tuesday", now, tz).is_err());
        assert!(parse_moment("9223372036854775807s ago", now, tz).is_err());
        assert!(parse_moment("99999w ago", now, tz).is_err());
        assert!(parse_moment("", now, tz).is_err());
    }

    /// Daylight saving, with the system's zone as pail uses it (a child run
    /// of this test with TZ set to Central European rules): a July moment
    /// typed in December is summer time (+02:00), a summer time is shown
    /// with +02:00, and the hour the clocks skip is refused. pail used to
    /// take the offset in force at start-up for every date.
    #[test]
    fn moments_and_times_use_the_offset_of_their_own_date() {
        const NAME: &str =
            "app::rollback::moment::tests::moments_and_times_use_the_offset_of_their_own_date";
        if std::env::var_os("PAIL_ZONE_CHILD").is_none() {
            let out = std::process::Command::new(std::env::current_exe().unwrap())
                .args(["--exact", NAME, "--test-threads=1"])
                .env("PAIL_ZONE_CHILD", "1")
                .env("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{text}");
            assert!(text.contains("1 passed"), "{text}");
            return;
        }
        // 2026-12-05 12:00 UTC: winter, +01:00.
        let now = 1_796_472_000;
        // 2026-07-01 12:00 UTC is 14:00 summer time.
        let july = 1_782_907_200;
        assert_eq!(parse_moment("2026-07-01 14:00", now, Zone::Local), Ok(july));
        assert_eq!(
            crate::format::long_time(july, Zone::Local),
            "2026-07-01 14:00:00 +02:00 (2026-07-01 12:00:00 UTC)"
        );
        assert_eq!(
            crate::format::long_time(now, Zone::Local),
            "2026-12-05 13:00:00 +01:00 (2026-12-05 12:00:00 UTC)"
        );
        // 2026-03-29 02:30 does not happen in Central Europe.
        let skipped = parse_moment("2026-03-29 02:30", now, Zone::Local);
        assert!(skipped.unwrap_err().contains("does not exist"));
        // 2026-10-25 02:30 happens twice: the earlier (+02:00) one.
        assert_eq!(
            parse_moment("2026-10-25 02:30", now, Zone::Local),
            Ok(1_792_888_200)
        );
    }
}
