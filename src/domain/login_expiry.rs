//! When Claude Code's stored subscription login stops working, as Claude Code 2.1.332 sees it,
//! and what `claude auth status` says about it meanwhile.
//!
//! Called by the precedence engine (the subscription row and its warnings). The rules were read
//! from the real CLI on fixture homes (`docs/claude-expiry.md`):
//!
//! - The access token (`expiresAt`) is short-lived; with a refresh token Claude Code renews it
//!   before a request, so an expired access token alone ends nothing.
//! - The sign-in itself ends at `refreshTokenExpiresAt` at the latest and up to 3 days before it
//!   (the earliest end). Claude Code uses that date only when a refresh token is stored, the date
//!   lies between 2025-01-01 and ten years from now, and `expiresAt` is not more than 3 days past
//!   it; `claude auth status` reports it as `loginExpiresAt` (the past date too, not `null`).
//! - Interactive Claude Code shows "Your login expires in N days · run /login to renew" once the
//!   end is 3 days away or less; `claude -p` prints a warning from 10 days ahead.
//! - `claude auth status` says logged in (exit 0) whenever an access token is stored, expired or
//!   not, renewable or not; only an empty access token makes it say not logged in (exit 1).

use super::time::{DAY_MS, date};
use super::world::LoginMeta;

/// How long before `refreshTokenExpiresAt` the sign-in may already end.
pub const EARLIEST_END_MS: i64 = 3 * DAY_MS;
/// How far ahead of the sign-in's end interactive Claude Code warns ("Your login expires in …").
pub const INTERACTIVE_WARNING_MS: i64 = 3 * DAY_MS;
/// How far ahead of the sign-in's end `claude -p` warns.
pub const PRINT_WARNING_MS: i64 = 10 * DAY_MS;
/// Claude Code ignores a `refreshTokenExpiresAt` before this instant (2025-01-01T00:00:00Z).
const FLOOR_MS: i64 = 1_735_689_600_000;
/// … or further than this from now (ten 365-day years).
const HORIZON_MS: i64 = 315_360_000_000;

/// The window in which the sign-in ends: from 3 days before `refreshTokenExpiresAt` to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInEnd {
    /// `refreshTokenExpiresAt`: the latest end, epoch milliseconds.
    pub latest_ms: i64,
}

impl SignInEnd {
    /// The earliest end, epoch milliseconds.
    pub fn earliest_ms(self) -> i64 {
        self.latest_ms - EARLIEST_END_MS
    }

    /// Whole calendar days (UTC) from today to the earliest end, as `claude -p` counts them.
    pub fn days_to_earliest(self, now_ms: i64) -> i64 {
        self.earliest_ms().div_euclid(DAY_MS) - now_ms.div_euclid(DAY_MS)
    }

    /// Whether the latest end has passed.
    pub fn passed(self, now_ms: i64) -> bool {
        self.latest_ms <= now_ms
    }

    /// The window in `claude auth status --text`'s words, without the label:
    /// `between 2026-12-10 and 2026-12-13`, `any day now, by 2026-12-13`, or once past,
    /// `may have ended: between … and …`.
    pub fn window_words(self, now_ms: i64) -> String {
        let (earliest, latest) = (date(self.earliest_ms()), date(self.latest_ms));
        if self.passed(now_ms) {
            format!("may have ended: between {earliest} and {latest}")
        } else if self.days_to_earliest(now_ms) < 1 {
            format!("any day now, by {latest}")
        } else {
            format!("between {earliest} and {latest}")
        }
    }

    /// The banner interactive Claude Code shows, once the end is 3 days away or less (and not
    /// yet past).
    pub fn interactive_banner(self, now_ms: i64) -> Option<String> {
        let left = self.latest_ms - now_ms;
        if left <= 0 || left > INTERACTIVE_WARNING_MS {
            return None;
        }
        let days = (left + DAY_MS - 1) / DAY_MS;
        Some(format!(
            "Your login expires in {days} {} · run /login to renew",
            if days == 1 { "day" } else { "days" }
        ))
    }

    /// The warning `claude -p` prints on stderr, from 10 days before the end.
    pub fn print_warning(self, now_ms: i64) -> Option<String> {
        let left = self.latest_ms - now_ms;
        if left >= PRINT_WARNING_MS {
            return None;
        }
        let (earliest, latest) = (date(self.earliest_ms()), date(self.latest_ms));
        let days = self.days_to_earliest(now_ms);
        Some(if left <= 0 {
            format!(
                "Warning: this sign-in may have ended between {earliest} and {latest}. If \
                 requests are refused, run claude auth login, or use claude setup-token for \
                 unattended jobs."
            )
        } else if days < 1 {
            format!(
                "Warning: this sign-in can end at any time from now until {latest}. Renewing it \
                 does not move that date. Run claude auth login now, or use claude setup-token \
                 for unattended jobs."
            )
        } else {
            format!(
                "Warning: this sign-in ends between {earliest} and {latest} (in {days} {} at the \
                 earliest). Renewing it does not move those dates. Run claude auth login before \
                 then, or use claude setup-token for unattended jobs.",
                if days == 1 { "day" } else { "days" }
            )
        })
    }
}

/// The sign-in's end as Claude Code takes it from the stored login (`loginExpiresAt`), or `None`
/// when it does not know one.
pub fn sign_in_end(meta: &LoginMeta, now_ms: i64) -> Option<SignInEnd> {
    let latest_ms = meta.refresh_token_expires_at_ms?;
    let plausible = (FLOOR_MS..=now_ms.saturating_add(HORIZON_MS)).contains(&latest_ms);
    let consistent = meta
        .expires_at_ms
        .is_none_or(|access| access <= latest_ms + EARLIEST_END_MS);
    (meta.has_refresh_token && plausible && consistent).then_some(SignInEnd { latest_ms })
}

/// Where a stored login stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outlook {
    /// No access token: a signed-out entry. `claude auth status` says not logged in (exit 1).
    SignedOut,
    /// The access token is still valid (or has no recorded expiry).
    Valid {
        /// Whether a refresh token is stored that can still renew it.
        renews: bool,
    },
    /// The access token has expired and the refresh token will renew it before the next request.
    Renews,
    /// The access token has expired and there is no refresh token: the first request is refused
    /// ("Login expired · Please run /login"), though `claude auth status` says logged in.
    Expired,
    /// The access token has expired and so has the sign-in (`refreshTokenExpiresAt` is past):
    /// Claude Code tries to renew it and is refused, though `claude auth status` says logged in.
    Ended(SignInEnd),
}

impl Outlook {
    /// Whether Claude Code can make requests with this login now.
    pub fn usable(self) -> bool {
        matches!(self, Outlook::Valid { .. } | Outlook::Renews)
    }

    /// What `claude auth status --json` says for this login: `loggedIn` (its exit status is 0
    /// when true, 1 when false).
    pub fn auth_status_logged_in(self) -> bool {
        self != Outlook::SignedOut
    }
}

/// Where the stored login `meta` stands at `now_ms`.
pub fn outlook(meta: &LoginMeta, now_ms: i64) -> Outlook {
    if !meta.has_access_token {
        return Outlook::SignedOut;
    }
    let end = sign_in_end(meta, now_ms).filter(|end| end.passed(now_ms));
    let expired = meta.expires_at_ms.is_some_and(|at| at <= now_ms);
    match (expired, meta.has_refresh_token, end) {
        (false, renews, ended) => Outlook::Valid {
            renews: renews && ended.is_none(),
        },
        (true, false, _) => Outlook::Expired,
        (true, true, Some(end)) => Outlook::Ended(end),
        (true, true, None) => Outlook::Renews,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-08T01:00:00Z.
    const NOW: i64 = 1_796_691_600_000;
    const HOUR: i64 = 3_600_000;

    fn meta(access: bool, expires: Option<i64>, refresh: bool, ends: Option<i64>) -> LoginMeta {
        LoginMeta {
            has_access_token: access,
            has_refresh_token: refresh,
            expires_at_ms: expires,
            refresh_token_expires_at_ms: ends,
            ..LoginMeta::default()
        }
    }

    /// One observed case: the stored login, what ccauth concludes, and what
    /// `claude auth status --json` says (`loggedIn`, `loginExpiresAt`).
    struct Case {
        name: &'static str,
        meta: LoginMeta,
        outlook: Outlook,
        logged_in: bool,
        login_expires_at: Option<i64>,
    }

    fn case(name: &'static str, meta: LoginMeta, outlook: Outlook, logged_in: bool) -> Case {
        Case {
            name,
            meta,
            outlook,
            logged_in,
            login_expires_at: None,
        }
    }

    impl Case {
        fn ends(mut self, at: i64) -> Self {
            self.login_expires_at = Some(at);
            self
        }
    }

    fn check(cases: &[Case]) {
        for case in cases {
            let name = case.name;
            assert_eq!(outlook(&case.meta, NOW), case.outlook, "{name}");
            assert_eq!(
                case.outlook.auth_status_logged_in(),
                case.logged_in,
                "{name}"
            );
            let end = sign_in_end(&case.meta, NOW).map(|end| end.latest_ms);
            assert_eq!(end, case.login_expires_at, "{name}");
        }
    }

    const RENEWS: Outlook = Outlook::Valid { renews: true };
    const SOON: i64 = NOW + 8 * HOUR;
    const PAST: i64 = NOW - 2 * DAY_MS;

    /// Cases (a)–(c) and (f) as observed with the real Claude Code 2.1.332
    /// (docs/claude-expiry.md).
    #[test]
    fn outlook_without_a_sign_in_end() {
        use Outlook::{Expired, Renews, SignedOut};
        let (soon, past, renews) = (SOON, PAST, RENEWS);
        check(&[
            case(
                "a: access valid",
                meta(true, Some(soon), true, None),
                renews,
                true,
            ),
            case(
                "b: access expired, refresh token, no sign-in end",
                meta(true, Some(past), true, None),
                Renews,
                true,
            ),
            case(
                "c: access expired, no refresh token",
                meta(true, Some(past), false, None),
                Expired,
                true,
            ),
            case(
                "c: no refresh token, so a sign-in end is ignored",
                meta(true, Some(past), false, Some(NOW + 5 * DAY_MS)),
                Expired,
                true,
            ),
            case(
                "c: access valid, no refresh token",
                meta(true, Some(soon), false, None),
                Outlook::Valid { renews: false },
                true,
            ),
            case(
                "f: signed out (empty tokens, expiresAt 0)",
                meta(false, Some(0), false, None),
                SignedOut,
                false,
            ),
            case(
                "expiresAt 0 beside tokens: an expired, renewable token",
                meta(true, Some(0), true, None),
                Renews,
                true,
            ),
            case(
                "an empty access token beside a refresh token is signed out",
                meta(false, Some(soon), true, None),
                SignedOut,
                false,
            ),
        ]);
    }

    /// Cases (d) and (e): `refreshTokenExpiresAt` past, near and far, and when Claude Code
    /// ignores it.
    #[test]
    fn outlook_with_a_sign_in_end() {
        use Outlook::Renews;
        let (soon, past, renews) = (SOON, PAST, RENEWS);
        let no_renewal = Outlook::Valid { renews: false };
        check(&[
            case(
                "a: access valid, sign-in ends in 40 days",
                meta(true, Some(soon), true, Some(NOW + 40 * DAY_MS)),
                renews,
                true,
            )
            .ends(NOW + 40 * DAY_MS),
            case(
                "d: access expired, sign-in ended yesterday",
                meta(true, Some(past), true, Some(NOW - DAY_MS)),
                Outlook::Ended(SignInEnd {
                    latest_ms: NOW - DAY_MS,
                }),
                true,
            )
            .ends(NOW - DAY_MS),
            case(
                "d: access valid, sign-in ended an hour ago",
                meta(true, Some(soon), true, Some(NOW - HOUR)),
                no_renewal,
                true,
            )
            .ends(NOW - HOUR),
            case(
                "e: sign-in ends in 2 days",
                meta(true, Some(soon), true, Some(NOW + 2 * DAY_MS)),
                renews,
                true,
            )
            .ends(NOW + 2 * DAY_MS),
            case(
                "e: access expired, sign-in ends in 9 days",
                meta(true, Some(NOW - HOUR), true, Some(NOW + 9 * DAY_MS)),
                Renews,
                true,
            )
            .ends(NOW + 9 * DAY_MS),
            case(
                "access expiring over 3 days after the sign-in end: end ignored",
                meta(true, Some(NOW + 9 * DAY_MS), true, Some(NOW + 5 * DAY_MS)),
                renews,
                true,
            ),
            case(
                "access expiring within 3 days after the sign-in end: end kept",
                meta(true, Some(NOW + 7 * DAY_MS), true, Some(NOW + 5 * DAY_MS)),
                renews,
                true,
            )
            .ends(NOW + 5 * DAY_MS),
            case(
                "a sign-in end eleven years away is ignored",
                meta(true, Some(soon), true, Some(NOW + 4015 * DAY_MS)),
                renews,
                true,
            ),
            case(
                "a sign-in end before 2025 is ignored",
                meta(true, Some(NOW - HOUR), true, Some(FLOOR_MS - 1)),
                Renews,
                true,
            ),
        ]);
    }

    #[test]
    fn usable_only_while_requests_can_be_made() {
        assert!(Outlook::Valid { renews: false }.usable());
        assert!(Outlook::Renews.usable());
        let end = SignInEnd { latest_ms: NOW };
        for outlook in [Outlook::SignedOut, Outlook::Expired, Outlook::Ended(end)] {
            assert!(!outlook.usable(), "{outlook:?}");
        }
    }

    /// What the CLI prints for one sign-in end.
    struct Words {
        end: SignInEnd,
        window: &'static str,
        banner: Option<&'static str>,
        print: Option<&'static str>,
    }

    /// The words of `claude auth status --text`, `-p` and the interactive banner, as printed by
    /// the real CLI for the same distances (docs/claude-expiry.md).
    #[test]
    fn words_follow_the_cli() {
        let at = |offset| SignInEnd {
            latest_ms: NOW + offset,
        };
        let cases = [
            Words {
                end: at(11 * DAY_MS),
                window: "between 2026-12-16 and 2026-12-19",
                banner: None,
                print: None,
            },
            Words {
                end: at(9 * DAY_MS),
                window: "between 2026-12-14 and 2026-12-17",
                banner: None,
                print: Some(
                    "Warning: this sign-in ends between 2026-12-14 and 2026-12-17 (in 6 days at \
                     the earliest). Renewing it does not move those dates. Run claude auth login \
                     before then, or use claude setup-token for unattended jobs.",
                ),
            },
            Words {
                end: at(5 * DAY_MS),
                window: "between 2026-12-10 and 2026-12-13",
                banner: None,
                print: Some(
                    "Warning: this sign-in ends between 2026-12-10 and 2026-12-13 (in 2 days at \
                     the earliest). Renewing it does not move those dates. Run claude auth login \
                     before then, or use claude setup-token for unattended jobs.",
                ),
            },
            Words {
                end: at(2 * DAY_MS),
                window: "any day now, by 2026-12-10",
                banner: Some("Your login expires in 2 days · run /login to renew"),
                print: Some(
                    "Warning: this sign-in can end at any time from now until 2026-12-10. \
                     Renewing it does not move that date. Run claude auth login now, or use \
                     claude setup-token for unattended jobs.",
                ),
            },
            Words {
                end: at(12 * HOUR),
                window: "any day now, by 2026-12-08",
                banner: Some("Your login expires in 1 day · run /login to renew"),
                print: Some(
                    "Warning: this sign-in can end at any time from now until 2026-12-08. \
                     Renewing it does not move that date. Run claude auth login now, or use \
                     claude setup-token for unattended jobs.",
                ),
            },
            Words {
                end: at(-DAY_MS),
                window: "may have ended: between 2026-12-04 and 2026-12-07",
                banner: None,
                print: Some(
                    "Warning: this sign-in may have ended between 2026-12-04 and 2026-12-07. If \
                     requests are refused, run claude auth login, or use claude setup-token for \
                     unattended jobs.",
                ),
            },
        ];
        for case in cases {
            let name = format!("{:?}", case.end);
            assert_eq!(case.end.window_words(NOW), case.window, "{name}");
            assert_eq!(
                case.end.interactive_banner(NOW).as_deref(),
                case.banner,
                "{name}"
            );
            assert_eq!(case.end.print_warning(NOW).as_deref(), case.print, "{name}");
        }
        // 3 days exactly is inside the banner's reach; 10 days exactly is outside -p's.
        assert!(at(3 * DAY_MS).interactive_banner(NOW).is_some());
        assert!(at(3 * DAY_MS + 1).interactive_banner(NOW).is_none());
        assert!(at(10 * DAY_MS).print_warning(NOW).is_none());
        assert!(at(10 * DAY_MS - 1).print_warning(NOW).is_some());
    }
}
