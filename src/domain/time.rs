//! Time in words, shared by the screens, the prose report, the JSON report and the I/O modules'
//! messages: epoch milliseconds as UTC timestamps, and the one duration formatter
//! ([`duration_words`], with [`relative`] on top of it). The clock is never read here.

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

/// Epoch milliseconds as an RFC 3339 UTC timestamp, e.g. `2026-11-25T14:03:00Z`.
pub fn rfc3339(epoch_ms: i64) -> String {
    let (date, (hour, minute, second)) = split(epoch_ms);
    format!("{}T{hour:02}:{minute:02}:{second:02}Z", date_text(date))
}

/// The UTC calendar date of epoch milliseconds, e.g. `2026-11-25`.
pub fn date(epoch_ms: i64) -> String {
    date_text(split(epoch_ms).0)
}

/// A UTC timestamp as JavaScript's `toISOString` writes it (`2026-12-13T01:05:07.893Z`; the
/// fraction is optional) to epoch milliseconds; `None` for anything else.
pub fn parse_iso_utc(text: &str) -> Option<i64> {
    let text = text.strip_suffix('Z')?;
    let (date, time) = text.split_once('T')?;
    let mut date_parts = date.splitn(3, '-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: u32 = date_parts.next()?.parse().ok()?;
    let day: u32 = date_parts.next()?.parse().ok()?;
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let mut clock_parts = clock.splitn(3, ':');
    let hour: i64 = clock_parts.next()?.parse().ok()?;
    let minute: i64 = clock_parts.next()?.parse().ok()?;
    let second: i64 = clock_parts.next()?.parse().ok()?;
    let millis: i64 = match fraction.len() {
        0 => 0,
        1..=3 if fraction.bytes().all(|b| b.is_ascii_digit()) => {
            format!("{fraction:0<3}").parse().ok()?
        }
        _ => return None,
    };
    let valid = (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&hour)
        && (0..60).contains(&minute)
        && (0..60).contains(&second);
    let days = days_from_civil(year, month, day);
    (valid && civil_from_days(days) == (year, month, day))
        .then(|| ((days * 86_400 + hour * 3_600 + minute * 60 + second) * 1000) + millis)
}

/// Epoch milliseconds as a short human timestamp, e.g. `2026-11-25 14:03 UTC`.
pub fn short_utc(epoch_ms: i64) -> String {
    let (date, (hour, minute, _)) = split(epoch_ms);
    format!("{} {hour:02}:{minute:02} UTC", date_text(date))
}

/// When `at_ms` is relative to `now_ms`, in words: `in 3 days`, `2 hours ago`.
pub fn relative(at_ms: i64, now_ms: i64) -> String {
    let delta = at_ms - now_ms;
    if delta.abs() < 60_000 {
        return String::from("now");
    }
    // A moment is told to the minute: 7 h 59 min 40 s from now is "in 8 hours".
    let minutes = (delta.abs() + 30_000) / 60_000 * 60_000;
    if delta > 0 {
        format!("in {}", duration_words(minutes))
    } else {
        format!("{} ago", duration_words(minutes))
    }
}

/// A duration in words, the one way ccauth shows one: exact to its two largest units under 36
/// hours (`45 seconds`, `1 minute 30 seconds`, `5 minutes`, `7 hours 59 minutes`), in whole
/// days, rounded, from there (`2 days` for 47 hours).
pub fn duration_words(ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    match seconds {
        0..=3_599 => two_units((seconds / 60, "minute"), (seconds % 60, "second")),
        3_600..=129_599 => two_units((seconds / 3_600, "hour"), (seconds % 3_600 / 60, "minute")),
        _ => counted((seconds + 43_200) / 86_400, "day"),
    }
}

/// `(1, hour), (5, minute)` → `1 hour 5 minutes`, leaving out a unit that counts zero.
fn two_units(large: (i64, &str), small: (i64, &str)) -> String {
    match (large.0, small.0) {
        (0, _) => counted(small.0, small.1),
        (_, 0) => counted(large.0, large.1),
        _ => format!(
            "{} {}",
            counted(large.0, large.1),
            counted(small.0, small.1)
        ),
    }
}

fn counted(count: i64, unit: &str) -> String {
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

fn split(epoch_ms: i64) -> ((i64, u32, u32), (i64, i64, i64)) {
    let seconds = epoch_ms.div_euclid(1000);
    let days = seconds.div_euclid(86_400);
    let rest = seconds.rem_euclid(86_400);
    (
        civil_from_days(days),
        (rest / 3_600, rest % 3_600 / 60, rest % 60),
    )
}

fn date_text((year, month, day): (i64, u32, u32)) -> String {
    format!("{year:04}-{month:02}-{day:02}")
}

/// A proleptic Gregorian (year, month, day) to days since 1970-01-01, after Howard Hinnant's
/// `days_from_civil` algorithm.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), after Howard Hinnant's
/// `civil_from_days` algorithm.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (
        year,
        u32::try_from(month).unwrap_or(1),
        u32::try_from(day).unwrap_or(1),
    )
}

/// From this much elapsed time on, the slow-helper notice shows (as Claude Code's does).
pub const SLOW_NOTICE_MS: u64 = 10_000;

/// The notice to show at `elapsed_ms`: nothing under [`SLOW_NOTICE_MS`], then the elapsed
/// whole seconds.
pub fn slow_notice(elapsed_ms: u64) -> Option<String> {
    (elapsed_ms >= SLOW_NOTICE_MS)
        .then(|| format!("apiKeyHelper is taking a while… {}s", elapsed_ms / 1000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_what_to_iso_string_writes() {
        assert_eq!(
            parse_iso_utc("2026-12-13T01:05:07.893Z"),
            Some(1_796_691_600_000 + 5 * DAY_MS + 307_893)
        );
        assert_eq!(
            parse_iso_utc("2026-11-25T14:03:09Z"),
            Some(1_795_615_389_000)
        );
        assert_eq!(
            parse_iso_utc("2024-02-29T00:00:00.5Z"),
            Some(1_709_164_800_500)
        );
        assert_eq!(parse_iso_utc("1969-12-31T23:59:59Z"), Some(-1000));
        assert_eq!(date(1_795_615_389_000), "2026-11-25");
        for bad in [
            "",
            "2026-12-13T01:05:07",
            "2026-02-30T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-12-13T24:00:00Z",
            "2026-12-13T01:05:07.8934Z",
            "2026-12-13T01:05:07.x9Z",
            "2026-12-13 01:05:07Z",
        ] {
            assert_eq!(parse_iso_utc(bad), None, "{bad}");
        }
        for ms in [0, 1_709_164_800_000, 1_796_691_600_123, -86_400_000] {
            assert_eq!(parse_iso_utc(&rfc3339(ms)), Some(ms - ms.rem_euclid(1000)));
        }
    }

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        // 2026-11-25T14:03:09Z
        assert_eq!(rfc3339(1_795_615_389_000), "2026-11-25T14:03:09Z");
        assert_eq!(short_utc(1_795_615_389_000), "2026-11-25 14:03 UTC");
        // A leap day.
        assert_eq!(rfc3339(1_709_164_800_000), "2024-02-29T00:00:00Z");
        assert_eq!(rfc3339(-1000), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn durations_are_exact_to_two_units_then_whole_days() {
        assert_eq!(duration_words(1_000), "1 second");
        assert_eq!(duration_words(0), "0 seconds");
        assert_eq!(duration_words(90_000), "1 minute 30 seconds");
        assert_eq!(duration_words(5 * 60_000), "5 minutes");
        assert_eq!(duration_words(3 * 3_600_000), "3 hours");
        assert_eq!(duration_words((7 * 60 + 59) * 60_000), "7 hours 59 minutes");
        assert_eq!(duration_words(3_600_000 + 60_000), "1 hour 1 minute");
        assert_eq!(duration_words(47 * 3_600_000), "2 days");
        assert_eq!(duration_words(3 * 86_400_000), "3 days");
        assert_eq!(relative(10 * 60_000, 0), "in 10 minutes");
        assert_eq!(relative(0, 2 * 86_400_000), "2 days ago");
        assert_eq!(relative(30_000, 0), "now");
        assert_eq!(relative(((7 * 60 + 59) * 60 + 40) * 1000, 0), "in 8 hours");
        assert_eq!(relative(59 * 60_000 + 44_000, 0), "in 1 hour");
    }
}
