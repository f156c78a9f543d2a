//! What the terminal can show: whether it can draw a full screen at all (`TERM`), and whether its
//! locale can show more than ASCII (`LC_ALL`, `LC_CTYPE`, `LANG`), with the ASCII stand-ins for
//! every glyph ccauth draws when it cannot.
//!
//! Pure: the front end reads the variables once and decides; the view and the line-mode writers
//! apply [`ascii_char`] and [`to_ascii`].

use std::borrow::Cow;

/// Whether a terminal of type `term` can draw the full-screen interface: not when `TERM` is unset,
/// empty or `dumb` (Emacs shells, some screen readers' consoles, CI logs), which get line mode.
pub fn can_draw(term: Option<&str>) -> bool {
    !matches!(term.map(str::trim), None | Some("" | "dumb"))
}

/// Whether the locale shows UTF-8: the first of `LC_ALL`, `LC_CTYPE`, `LANG` that is set and not
/// empty decides, as the C library does; it must name UTF-8 (`en_US.UTF-8`, `C.utf8`). With none
/// set, UTF-8 is assumed: most terminals are, and containers often set no locale at all.
pub fn utf8_locale(lc_all: Option<&str>, lc_ctype: Option<&str>, lang: Option<&str>) -> bool {
    let Some(locale) = [lc_all, lc_ctype, lang]
        .into_iter()
        .flatten()
        .find(|value| !value.is_empty())
    else {
        return true;
    };
    let locale = locale.to_ascii_lowercase();
    locale.contains("utf-8") || locale.contains("utf8")
}

/// The one-cell ASCII stand-in for `c` (itself when it is ASCII): `✔` `*`, `✘` `x`, `❯` `>`,
/// `·` `-`, borders `+` `-` `|`, arrows `^` `v` `<` `>`, `…` `.`; anything else `?`.
pub fn ascii_char(c: char) -> char {
    if c.is_ascii() {
        return c;
    }
    match c {
        // The spinner's braille frames too.
        '✔' | '✓' | '•' | '●' | '★' | '\u{2800}'..='\u{28ff}' => '*',
        '✘' | '✗' | '×' => 'x',
        '❯' | '›' | '»' | '→' | '▶' | '⟩' => '>',
        '‹' | '«' | '←' | '◀' | '⟨' => '<',
        '↑' | '▲' => '^',
        '↓' | '▼' => 'v',
        '·' | '─' | '━' | '═' | '–' | '—' | '−' | '╌' | '┄' => '-',
        '│' | '┃' | '║' | '▏' | '▕' | '╎' | '┆' | '↕' | '⇅' => '|',
        '┌' | '┐' | '└' | '┘' | '├' | '┤' | '┬' | '┴' | '┼' | '╭' | '╮' | '╰' | '╯' | '┏' | '┓'
        | '┗' | '┛' | '╔' | '╗' | '╚' | '╝' => '+',
        '…' => '.',
        '‘' | '’' | '′' => '\'',
        '“' | '”' | '″' => '"',
        '█' | '▀' | '▄' | '▌' | '▐' | '░' | '▒' | '▓' => '#',
        '\u{a0}' => ' ',
        _ => '?',
    }
}

/// `text` with every non-ASCII character replaced for a terminal that cannot show it: the
/// stand-ins of [`ascii_char`], except that `…` reads `...` and `→` reads `->` where there is
/// room (line mode). Borrowed when it is ASCII already.
pub fn to_ascii(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '…' => out.push_str("..."),
            '→' => out.push_str("->"),
            '←' => out.push_str("<-"),
            '✔' => out.push_str("OK"),
            '✘' => out.push('X'),
            _ => out.push(ascii_char(c)),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumb_and_unset_terminals_get_line_mode() {
        assert!(!can_draw(None));
        assert!(!can_draw(Some("")));
        assert!(!can_draw(Some("dumb")));
        assert!(can_draw(Some("xterm-256color")));
        assert!(can_draw(Some("linux")));
    }

    #[test]
    fn the_first_locale_variable_set_decides() {
        assert!(!utf8_locale(None, None, Some("C")));
        assert!(!utf8_locale(None, None, Some("POSIX")));
        assert!(!utf8_locale(None, None, Some("en_US.ISO-8859-1")));
        assert!(utf8_locale(None, None, Some("en_US.UTF-8")));
        assert!(utf8_locale(None, None, Some("C.utf8")));
        assert!(
            !utf8_locale(Some("C"), None, Some("en_US.UTF-8")),
            "LC_ALL wins"
        );
        assert!(
            utf8_locale(Some(""), Some("de_DE.utf8"), Some("C")),
            "empty is unset"
        );
        assert!(utf8_locale(None, None, None), "nothing set: assumed UTF-8");
    }

    #[test]
    fn every_glyph_has_a_one_cell_stand_in() {
        assert_eq!(
            "✔ ✘ ❯ · ↑↓ ┌─┐│└┘ … ▏"
                .chars()
                .map(ascii_char)
                .collect::<String>(),
            "* x > - ^v +-+|++ . |"
        );
        assert_eq!(ascii_char('é'), '?');
        assert_eq!(to_ascii("✔ saved → next…"), "OK saved -> next...");
        assert!(matches!(to_ascii("plain"), Cow::Borrowed(_)));
    }
}
