//! Changes one top-level member of a JSON object *in its text*, leaving every other byte of the
//! file exactly as it was.
//!
//! Called by [`super::approval`] for `.claude.json`. Claude Code writes that file with
//! `JSON.stringify(config, null, 2)`, and re-encoding the whole document with `serde_json` would
//! rewrite lines nobody changed: JavaScript prints `0.00001` and `1e+21` where `serde_json` prints
//! `1e-5` and `1e21`, and a user who reformatted the file would lose that too. So only the new
//! value is encoded, in the indentation the file already uses at that place, and spliced in
//! where the old value was (or appended as the last member).
//!
//! The functions here only look at the text's structure; callers parse it first (so it is known
//! to be valid JSON) and check the result parses to the document they meant.

use serde::Serialize;
use serde_json::Value;
use serde_json::ser::PrettyFormatter;

/// Where one member of the top-level object sits in the text (byte offsets).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Member {
    name: String,
    key_start: usize,
    value_start: usize,
    value_end: usize,
}

/// The top-level object: its braces and members.
#[derive(Debug)]
struct Layout {
    open: usize,
    close: usize,
    members: Vec<Member>,
}

/// `text` (a JSON object) with the top-level member `key` set to `value`: the old value's text
/// replaced, or the member appended after the last one. `None` when `text` is not a single
/// object, or names `key` more than once (then which one counts is the reader's guess).
pub fn set_member(text: &str, key: &str, value: &Value) -> Option<String> {
    let layout = layout(text)?;
    let mut found = layout.members.iter().filter(|member| member.name == key);
    let existing = found.next();
    if found.next().is_some() {
        return None;
    }
    let key_json = serde_json::to_string(key).ok()?;
    // A file edited on Windows keeps its CRLF line ends.
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let mut out = String::with_capacity(text.len() + 64);
    match (existing, layout.members.last()) {
        (Some(member), _) => {
            let rendered = match line_indent(text, member.key_start) {
                Some(indent) if !indent.is_empty() => pretty(value, indent, indent, newline)?,
                _ => serde_json::to_string(value).ok()?,
            };
            out.push_str(&text[..member.value_start]);
            out.push_str(&rendered);
            out.push_str(&text[member.value_end..]);
        }
        (None, Some(last)) => {
            out.push_str(&text[..last.value_end]);
            match line_indent(text, last.key_start) {
                Some(indent) if !indent.is_empty() => {
                    out.push(',');
                    out.push_str(newline);
                    out.push_str(indent);
                    out.push_str(&key_json);
                    out.push_str(": ");
                    out.push_str(&pretty(value, indent, indent, newline)?);
                }
                _ => {
                    out.push(',');
                    out.push_str(&key_json);
                    out.push(':');
                    out.push_str(&serde_json::to_string(value).ok()?);
                }
            }
            out.push_str(&text[last.value_end..]);
        }
        (None, None) => {
            // `{}`: written the way Claude Code would, two spaces.
            out.push_str(&text[..layout.open]);
            out.push('{');
            out.push_str(newline);
            out.push_str("  ");
            out.push_str(&key_json);
            out.push_str(": ");
            out.push_str(&pretty(value, "  ", "  ", newline)?);
            out.push_str(newline);
            out.push('}');
            out.push_str(&text[layout.close + 1..]);
        }
    }
    Some(out)
}

/// `value` pretty-printed with `unit` per level, every line after the first prefixed with
/// `indent` (the indentation of the line the value starts on), lines ended by `newline`.
fn pretty(value: &Value, unit: &str, indent: &str, newline: &str) -> Option<String> {
    let mut bytes = Vec::new();
    let mut serializer = serde_json::Serializer::with_formatter(
        &mut bytes,
        PrettyFormatter::with_indent(unit.as_bytes()),
    );
    value.serialize(&mut serializer).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    // Inside strings a newline is always escaped, so every raw one is a line break.
    Some(text.replace('\n', &format!("{newline}{indent}")))
}

/// The spaces and tabs between the start of the line holding `pos` and `pos`; `None` when
/// something else comes first on that line (a compact, one-line document).
fn line_indent(text: &str, pos: usize) -> Option<&str> {
    let start = text[..pos].rfind('\n').map_or(0, |newline| newline + 1);
    let before = &text[start..pos];
    let is_indent = before.bytes().all(|byte| byte == b' ' || byte == b'\t');
    (is_indent && text[..pos].contains('\n')).then_some(before)
}

fn layout(text: &str) -> Option<Layout> {
    let bytes = text.as_bytes();
    let open = skip_ws(bytes, 0);
    if bytes.get(open) != Some(&b'{') {
        return None;
    }
    let mut members = Vec::new();
    let mut at = skip_ws(bytes, open + 1);
    let close = if bytes.get(at) == Some(&b'}') {
        at
    } else {
        loop {
            let key_start = at;
            let key_end = scan_string(bytes, at)?;
            let name: String = serde_json::from_str(&text[key_start..key_end]).ok()?;
            at = skip_ws(bytes, key_end);
            if bytes.get(at) != Some(&b':') {
                return None;
            }
            let value_start = skip_ws(bytes, at + 1);
            let value_end = scan_value(bytes, value_start)?;
            members.push(Member {
                name,
                key_start,
                value_start,
                value_end,
            });
            at = skip_ws(bytes, value_end);
            match bytes.get(at) {
                Some(b',') => at = skip_ws(bytes, at + 1),
                Some(b'}') => break at,
                _ => return None,
            }
        }
    };
    (skip_ws(bytes, close + 1) == bytes.len()).then_some(Layout {
        open,
        close,
        members,
    })
}

fn skip_ws(bytes: &[u8], mut at: usize) -> usize {
    while matches!(bytes.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The offset just past the string starting at `at`.
fn scan_string(bytes: &[u8], at: usize) -> Option<usize> {
    if bytes.get(at) != Some(&b'"') {
        return None;
    }
    let mut at = at + 1;
    loop {
        match bytes.get(at)? {
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
}

/// The offset just past the value starting at `at`.
fn scan_value(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at)? {
        b'"' => scan_string(bytes, at),
        b'{' | b'[' => {
            let mut depth = 0_usize;
            let mut at = at;
            loop {
                match bytes.get(at)? {
                    b'"' => {
                        at = scan_string(bytes, at)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    _ => {}
                }
                at += 1;
            }
        }
        _ => {
            let end = bytes[at..]
                .iter()
                .position(|byte| matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b',' | b'}' | b']'))
                .map_or(bytes.len(), |offset| at + offset);
            (end > at).then_some(end)
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn responses() -> Value {
        json!({"approved": ["aaaa"], "rejected": []})
    }

    #[test]
    fn replaces_a_value_in_claude_codes_layout_and_nothing_else() {
        let text = "{\n  \"numStartups\": 42,\n  \"lastCost\": 0.00001,\n  \"big\": 1e+21,\n  \
                    \"customApiKeyResponses\": {\n    \"approved\": [],\n    \"rejected\": [\n      \
                    \"bbbb\"\n    ]\n  },\n  \"tips\": {\"a\": \"caf\u{e9} \\u00e9 \\\"q\\\" }\"}\n}\n";
        let out = set_member(text, "customApiKeyResponses", &responses()).unwrap();
        assert_eq!(
            out,
            "{\n  \"numStartups\": 42,\n  \"lastCost\": 0.00001,\n  \"big\": 1e+21,\n  \
             \"customApiKeyResponses\": {\n    \"approved\": [\n      \"aaaa\"\n    ],\n    \
             \"rejected\": []\n  },\n  \"tips\": {\"a\": \"caf\u{e9} \\u00e9 \\\"q\\\" }\"}\n}\n"
        );
    }

    #[test]
    fn appends_after_the_last_member_in_the_files_indentation() {
        let text = "{\n    \"a\": [1, {\"}\": \"]\"}],\n    \"b\": null\n}";
        let out = set_member(text, "k", &responses()).unwrap();
        assert_eq!(
            out,
            "{\n    \"a\": [1, {\"}\": \"]\"}],\n    \"b\": null,\n    \"k\": {\n        \
             \"approved\": [\n            \"aaaa\"\n        ],\n        \"rejected\": []\n    }\n}"
        );
        let tabs = "{\n\t\"a\": 1\n}\n";
        assert_eq!(
            set_member(tabs, "k", &json!({"x": [true]})).unwrap(),
            "{\n\t\"a\": 1,\n\t\"k\": {\n\t\t\"x\": [\n\t\t\ttrue\n\t\t]\n\t}\n}\n"
        );
    }

    #[test]
    fn compact_documents_stay_compact() {
        let text = r#"{"a":1,"k":{"approved":[]},"z":"x"}"#;
        assert_eq!(
            set_member(text, "k", &responses()).unwrap(),
            r#"{"a":1,"k":{"approved":["aaaa"],"rejected":[]},"z":"x"}"#
        );
        assert_eq!(
            set_member(r#"{"a":1}"#, "k", &json!([])).unwrap(),
            r#"{"a":1,"k":[]}"#
        );
    }

    #[test]
    fn empty_objects_get_claude_codes_layout() {
        for text in ["{}", " { \n } \n"] {
            let out = set_member(text, "k", &json!({"approved": []})).unwrap();
            assert_eq!(
                serde_json::from_str::<Value>(&out).unwrap(),
                json!({"k": {"approved": []}})
            );
            assert!(
                out.contains("{\n  \"k\": {\n    \"approved\": []\n  }\n}"),
                "{out:?}"
            );
        }
    }

    #[test]
    fn crlf_files_keep_their_line_ends() {
        let text = "{\r\n  \"a\": 1,\r\n  \"k\": []\r\n}\r\n";
        assert_eq!(
            set_member(text, "k", &json!(["x"])).unwrap(),
            "{\r\n  \"a\": 1,\r\n  \"k\": [\r\n    \"x\"\r\n  ]\r\n}\r\n"
        );
        assert_eq!(
            set_member("{\r\n  \"a\": 1\r\n}", "k", &json!({"b": 2})).unwrap(),
            "{\r\n  \"a\": 1,\r\n  \"k\": {\r\n    \"b\": 2\r\n  }\r\n}"
        );
    }

    #[test]
    fn escaped_key_names_are_matched_by_their_value() {
        let text = "{\n  \"\\u006b\": 1,\n  \"b\": 2\n}";
        assert_eq!(
            set_member(text, "k", &json!(3)).unwrap(),
            "{\n  \"\\u006b\": 3,\n  \"b\": 2\n}"
        );
    }

    #[test]
    fn refuses_what_it_cannot_place() {
        assert_eq!(set_member("[]", "k", &json!(1)), None);
        assert_eq!(set_member(r#"{"k":1,"k":2}"#, "k", &json!(1)), None);
        assert_eq!(set_member(r#"{"k":1} {}"#, "k", &json!(1)), None);
        assert_eq!(set_member(r#"{"k":"#, "k", &json!(1)), None);
    }
}
