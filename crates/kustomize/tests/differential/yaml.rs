//! A tiny YAML value and block-style writer for the generated trees. It is
//! deliberately independent of Berth's own writer: the inputs must not
//! inherit a bug from the code under test.

use std::fmt::Write as _;

/// One YAML value, in the order it is written.
#[derive(Clone, Debug)]
pub enum Y {
    Map(Vec<(String, Y)>),
    Seq(Vec<Y>),
    /// A string, quoted when the plain form would read as something else.
    Str(String),
    /// A plain token written as it is (numbers, booleans).
    Raw(String),
}

pub fn s(value: impl Into<String>) -> Y {
    Y::Str(value.into())
}

pub fn int(value: i64) -> Y {
    Y::Raw(value.to_string())
}

pub fn boolean(value: bool) -> Y {
    Y::Raw(value.to_string())
}

pub fn seq(items: Vec<Y>) -> Y {
    Y::Seq(items)
}

pub fn map(entries: Vec<(&str, Y)>) -> Y {
    Y::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

impl Y {
    /// Adds an entry to a map (no-op on other values).
    pub fn push(&mut self, key: &str, value: Y) {
        if let Y::Map(entries) = self {
            entries.push((key.to_owned(), value));
        }
    }

    /// The entry `key` of a map, created as an empty map when missing.
    pub fn entry(&mut self, key: &str) -> &mut Y {
        let Y::Map(entries) = self else {
            panic!("entry({key}) on a non-map value");
        };
        let index = match entries.iter().position(|(k, _)| k == key) {
            Some(i) => i,
            None => {
                entries.push((key.to_owned(), Y::Map(Vec::new())));
                entries.len() - 1
            }
        };
        &mut entries[index].1
    }

    fn is_scalar(&self) -> bool {
        matches!(self, Y::Str(_) | Y::Raw(_))
            || matches!(self, Y::Map(m) if m.is_empty())
            || matches!(self, Y::Seq(s) if s.is_empty())
    }
}

/// The value as a YAML document (block style, ends with a newline).
pub fn to_yaml(value: &Y) -> String {
    let mut out = String::new();
    match value {
        Y::Map(entries) if !entries.is_empty() => write_map(&mut out, entries, 0),
        Y::Seq(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        other => {
            out.push_str(&scalar(other, 0));
            out.push('\n');
        }
    }
    out
}

/// The value as compact JSON (for JSON 6902 patches written as JSON).
pub fn to_json(value: &Y) -> String {
    match value {
        Y::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}:{}", quoted(k), to_json(v)))
                .collect();
            format!("{{{}}}", parts.join(","))
        }
        Y::Seq(items) => {
            let parts: Vec<String> = items.iter().map(to_json).collect();
            format!("[{}]", parts.join(","))
        }
        Y::Str(text) => quoted(text),
        Y::Raw(token) => token.clone(),
    }
}

fn write_map(out: &mut String, entries: &[(String, Y)], indent: usize) {
    for (i, (key, value)) in entries.iter().enumerate() {
        // The first entry of a map inside a sequence item follows the "- ".
        if i > 0 || !out.ends_with("- ") {
            pad(out, indent);
        }
        out.push_str(&key_text(key));
        out.push(':');
        write_value_after_key(out, value, indent);
    }
}

fn write_value_after_key(out: &mut String, value: &Y, indent: usize) {
    if value.is_scalar() {
        out.push(' ');
        out.push_str(&scalar(value, indent + 2));
        out.push('\n');
        return;
    }
    out.push('\n');
    match value {
        Y::Map(entries) => write_map(out, entries, indent + 2),
        Y::Seq(items) => write_seq(out, items, indent),
        _ => unreachable!("scalars are written above"),
    }
}

fn write_seq(out: &mut String, items: &[Y], indent: usize) {
    for item in items {
        pad(out, indent);
        out.push_str("- ");
        match item {
            Y::Map(entries) if !entries.is_empty() => write_map(out, entries, indent + 2),
            Y::Seq(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, indent + 2);
            }
            other => {
                out.push_str(&scalar(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn key_text(key: &str) -> String {
    if is_plain(key) {
        key.to_owned()
    } else {
        quoted(key)
    }
}

fn scalar(value: &Y, indent: usize) -> String {
    match value {
        Y::Raw(token) => token.clone(),
        Y::Map(_) => "{}".into(),
        Y::Seq(_) => "[]".into(),
        Y::Str(text) if text.contains('\n') && literal_ok(text) => literal(text, indent),
        Y::Str(text) if is_plain(text) => text.clone(),
        Y::Str(text) => quoted(text),
    }
}

/// A `|` block keeps the text exactly when no line has edge whitespace the
/// block would eat and the text ends in at most one newline.
fn literal_ok(text: &str) -> bool {
    !text.ends_with("\n\n")
        && !text.starts_with(' ')
        && text.lines().all(|l| !l.ends_with(' ') && !l.contains('\t'))
}

fn literal(text: &str, indent: usize) -> String {
    let mut out = String::from(if text.ends_with('\n') { "|" } else { "|-" });
    for line in text.lines() {
        out.push('\n');
        if !line.is_empty() {
            pad(&mut out, indent);
            out.push_str(line);
        }
    }
    out
}

/// Whether the text reads back as the same string when written plain.
fn is_plain(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    ];
    let Some(first) = text.chars().next() else {
        return false;
    };
    first.is_ascii_alphabetic()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        && !WORDS.contains(&text.to_ascii_lowercase().as_str())
}

fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
