//! Small pure helpers for the provider detectors: SHA-1 (the AWS CLI names its SSO cache files
//! after the SHA-1 of the start URL or session name), RFC 3339 timestamps (`expiresAt` in those
//! files), `~` expansion of paths given in variables, and expiry in words.
//!
//! Called by [`super::aws`], [`super::vertex`] and [`super::foundry`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::domain::time::duration_words;

/// The SHA-1 of `data` as 40 lowercase hex digits.
///
/// SHA-1 is used here only to find a file by the name the AWS CLI gave it, never for security,
/// so a few lines beat another dependency. The one-letter names are the standard's.
#[allow(clippy::many_single_char_names)]
pub fn sha1_hex(data: &[u8]) -> String {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    let mut message = data.to_vec();
    let bit_len = u64::try_from(data.len())
        .unwrap_or(u64::MAX)
        .wrapping_mul(8);
    message.push(0x80);
    while message.len() % 64 != 56 {
        message.push(0);
    }
    message.extend_from_slice(&bit_len.to_be_bytes());
    for block in message.chunks_exact(64) {
        let mut w = [0u32; 80];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, &word) in w.iter().enumerate() {
            let (f, k) = match i {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let temp = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(word);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }
        for (slot, value) in h.iter_mut().zip([a, b, c, d, e]) {
            *slot = slot.wrapping_add(value);
        }
    }
    let mut out = String::with_capacity(40);
    for word in h {
        let _ = write!(out, "{word:08x}");
    }
    out
}

/// Parses an RFC 3339 UTC-or-offset timestamp (`2026-05-01T12:00:00Z`,
/// `2026-05-01T12:00:00.123+02:00`) to epoch milliseconds. Also takes the `…UTC` suffix older
/// AWS CLI versions wrote. `None` for anything else.
pub fn parse_rfc3339_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, rest) = text.split_at_checked(10)?;
    let rest = rest.strip_prefix(['T', 't', ' '])?;
    let mut parts = date.split('-');
    let year: i64 = number(parts.next()?, 4)?;
    let month: i64 = number(parts.next()?, 2)?;
    let day: i64 = number(parts.next()?, 2)?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let (clock, zone) = rest.split_at_checked(8)?;
    let mut clock_parts = clock.split(':');
    let hour: i64 = number(clock_parts.next()?, 2)?;
    let minute: i64 = number(clock_parts.next()?, 2)?;
    let second: i64 = number(clock_parts.next()?, 2)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut zone = zone;
    let mut millis = 0;
    if let Some(fraction) = zone.strip_prefix('.') {
        let digits = fraction.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded: String = fraction[..digits]
            .chars()
            .chain("000".chars())
            .take(3)
            .collect();
        millis = padded.parse::<i64>().ok()?;
        zone = &fraction[digits..];
    }
    let offset_minutes = match zone {
        "Z" | "z" | "UTC" | "" => 0,
        _ => {
            let sign = match zone.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (hours, minutes) = zone[1..].split_once(':')?;
            sign * (number(hours, 2)? * 60 + number(minutes, 2)?)
        }
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Some(seconds * 1000 + millis)
}

fn number(text: &str, width: usize) -> Option<i64> {
    (text.len() == width && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// A path from a variable: a leading `~/` (or a lone `~`) is the home directory, as the AWS SDK
/// and gcloud expand it.
pub fn expand_tilde(value: &str, home: Option<&Path>) -> PathBuf {
    match (value, home) {
        ("~", Some(home)) => home.to_path_buf(),
        (_, Some(home)) if value.starts_with("~/") => home.join(&value[2..]),
        _ => PathBuf::from(value),
    }
}

/// `valid 6 hours` / `expired 2 days ago`, for a credential expiring at `expires_at_ms`.
pub fn expiry_words(expires_at_ms: i64, now_ms: i64) -> String {
    if expires_at_ms > now_ms {
        format!("valid {}", duration_words(expires_at_ms - now_ms))
    } else {
        format!("expired {} ago", duration_words(now_ms - expires_at_ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha1_known_answers() {
        assert_eq!(sha1_hex(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(sha1_hex(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(
            sha1_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        // More than one block, and a length that needs the padding to spill into a new block.
        assert_eq!(
            sha1_hex(&[b'a'; 1000]),
            "291e9a6c66994949b57ba5e650361e98fc36b1ba"
        );
    }

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_rfc3339_ms("2026-11-25T14:03:09Z"),
            Some(1_795_615_389_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2024-02-29T00:00:00.5Z"),
            Some(1_709_164_800_500)
        );
        assert_eq!(
            parse_rfc3339_ms("2024-02-29T02:00:00+02:00"),
            Some(1_709_164_800_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2019-11-14T04:53:37UTC"),
            parse_rfc3339_ms("2019-11-14T04:53:37Z")
        );
        for bad in [
            "",
            "yesterday",
            "2024-13-01T00:00:00Z",
            "2024-01-01",
            "2024-01-01T25:00:00Z",
            "2024-01-01T00:00:00+0100",
            "2024-01-01T00:00:00.Z",
            "２０２４-01-01T00:00:00Z",
        ] {
            assert_eq!(parse_rfc3339_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn tilde_and_expiry() {
        let home = Path::new("/home/ada");
        assert_eq!(expand_tilde("~/aws/c", Some(home)), home.join("aws/c"));
        assert_eq!(expand_tilde("~", Some(home)), home);
        assert_eq!(expand_tilde("~/x", None), PathBuf::from("~/x"));
        assert_eq!(expand_tilde("/etc/x", Some(home)), PathBuf::from("/etc/x"));
        assert_eq!(expiry_words(7_200_000, 0), "valid 2 hours");
        assert_eq!(expiry_words(0, 172_800_000), "expired 2 days ago");
    }
}
