//! Reads YAML text into [`Node`]s, resolving plain scalars the way go-yaml v3
//! (kustomize's reader) does, expanding aliases and `<<` merge keys.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};

use super::{Map, Node, Scalar, ScalarKind};

/// Aliases may copy at most this many nodes per stream. Go-yaml refuses
/// "excessive aliasing" too; without a bound a few lines of YAML (the
/// "billion laughs") would expand into gigabytes.
const MAX_ALIAS_EXPANSION: usize = 1_000_000;

/// Nesting deeper than this is refused instead of overflowing the stack.
const MAX_DEPTH: usize = 1_000;

/// A YAML syntax error with the (1-based) line and column where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for ParseError {}

/// A parsed document and the line it starts on.
#[derive(Debug, Clone)]
pub struct Document {
    pub node: Node,
    pub line: usize,
}

/// Parses every document of a YAML stream. Empty documents (nothing, or only
/// comments, or an explicit `null`) are dropped, as kustomize drops them.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, ParseError> {
    Ok(parse_documents_with_lines(text)?
        .into_iter()
        .map(|d| d.node)
        .collect())
}

/// Like [`parse_documents`], keeping the line each document starts on.
pub fn parse_documents_with_lines(text: &str) -> Result<Vec<Document>, ParseError> {
    refuse_unicode_line_separators(text)?;
    Reader::new(text, false).stream()
}

/// go-yaml (kustomize's reader) takes U+2028 and U+2029 for line breaks,
/// anywhere, where YAML 1.2 readers see ordinary characters. Rather than
/// read such a file differently from kustomize, refuse it, saying where.
fn refuse_unicode_line_separators(text: &str) -> Result<(), ParseError> {
    let Some(offset) = text.find(['\u{2028}', '\u{2029}']) else {
        return Ok(());
    };
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Err(ParseError {
        line,
        column,
        message: "a raw U+2028/U+2029 line or paragraph separator is not supported \
                  (kustomize reads it as a line break); write it as \\u2028 or \\u2029 \
                  in a double-quoted string"
            .to_owned(),
    })
}

/// Like [`parse_documents`], but a repeated mapping key replaces the
/// earlier value instead of failing. Kustomize reads kustomization files
/// this way (through go-yaml v2), while resources refuse duplicates.
pub fn parse_documents_last_key_wins(text: &str) -> Result<Vec<Node>, ParseError> {
    refuse_unicode_line_separators(text)?;
    Ok(Reader::new(text, true)
        .stream()?
        .into_iter()
        .map(|d| d.node)
        .collect())
}

/// Parses text that must hold exactly one document (or none, giving null).
pub fn parse_single(text: &str) -> Result<Node, ParseError> {
    let mut docs = parse_documents(text)?;
    match docs.len() {
        0 => Ok(Node::null()),
        1 => Ok(docs.pop().expect("one document")),
        n => Err(ParseError {
            line: 1,
            column: 1,
            message: format!("expected one YAML document, found {n}"),
        }),
    }
}

struct Reader<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
    /// Whether a repeated key replaces the earlier value (else an error).
    last_key_wins: bool,
    /// Anchored nodes and their size in nodes (to charge alias expansion).
    anchors: HashMap<usize, (Node, usize)>,
    expanded: usize,
    last_span: Option<Span>,
}

impl<'a> Reader<'a> {
    fn new(text: &'a str, last_key_wins: bool) -> Self {
        Reader {
            parser: Parser::new_from_str(text),
            last_key_wins,
            anchors: HashMap::new(),
            expanded: 0,
            last_span: None,
        }
    }

    fn next(&mut self) -> Result<(Event<'a>, Span), ParseError> {
        match self.parser.next_event() {
            Some(Ok((event, span))) => {
                self.last_span = Some(span);
                Ok((event, span))
            }
            Some(Err(e)) => Err(ParseError {
                line: e.marker().line(),
                column: e.marker().col() + 1,
                message: e.info().to_owned(),
            }),
            None => Err(self.error_here("unexpected end of YAML stream")),
        }
    }

    fn error_at(span: &Span, message: impl Into<String>) -> ParseError {
        ParseError {
            line: span.start.line(),
            column: span.start.col() + 1,
            message: message.into(),
        }
    }

    fn error_here(&self, message: &str) -> ParseError {
        match &self.last_span {
            Some(span) => Self::error_at(span, message),
            None => ParseError {
                line: 1,
                column: 1,
                message: message.to_owned(),
            },
        }
    }

    fn stream(&mut self) -> Result<Vec<Document>, ParseError> {
        let mut docs = Vec::new();
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => return Ok(docs),
                Event::DocumentStart(_) => {
                    self.anchors.clear();
                    let (event, span) = self.next()?;
                    let line = span.start.line();
                    let (node, _) = self.node(event, span, 0)?;
                    let (end, _) = self.next()?;
                    if !matches!(end, Event::DocumentEnd) {
                        return Err(self.error_here("expected the end of the document"));
                    }
                    if !node.is_null() {
                        docs.push(Document { node, line });
                    }
                }
                _ => return Err(Self::error_at(&span, "unexpected YAML event")),
            }
        }
    }

    /// Builds the node that starts with `event`; returns it with its size.
    fn node(
        &mut self,
        event: Event<'a>,
        span: Span,
        depth: usize,
    ) -> Result<(Node, usize), ParseError> {
        if depth > MAX_DEPTH {
            return Err(Self::error_at(&span, "YAML nested too deeply"));
        }
        match event {
            Event::Scalar(value, style, anchor, tag) => {
                let node = Node::Scalar(resolve_scalar(value, style, tag.as_deref()));
                self.remember(anchor, &node, 1);
                Ok((node, 1))
            }
            Event::Alias(id) => {
                let Some((node, size)) = self.anchors.get(&id) else {
                    return Err(Self::error_at(&span, "unknown anchor"));
                };
                self.expanded += size;
                if self.expanded > MAX_ALIAS_EXPANSION {
                    return Err(Self::error_at(
                        &span,
                        "document contains excessive aliasing (refusing to expand)",
                    ));
                }
                Ok((node.clone(), *size))
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                let mut size = 1;
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    let (item, n) = self.node(event, span, depth + 1)?;
                    size += n;
                    items.push(item);
                }
                let node = Node::Seq(items);
                self.remember(anchor, &node, size);
                Ok((node, size))
            }
            Event::MappingStart(anchor, _) => {
                let (map, size) = self.mapping(depth)?;
                let node = Node::Map(map);
                self.remember(anchor, &node, size);
                Ok((node, size))
            }
            _ => Err(Self::error_at(&span, "unexpected YAML event")),
        }
    }

    fn mapping(&mut self, depth: usize) -> Result<(Map, usize), ParseError> {
        let mut map = Map::new();
        let mut size = 1;
        let mut merged: Vec<Map> = Vec::new();
        let mut key_lines: HashMap<String, usize> = HashMap::new();
        loop {
            let (event, key_span) = self.next()?;
            let (key, is_merge) = match event {
                Event::MappingEnd => break,
                Event::Scalar(value, style, _, tag) => {
                    let is_merge = style == ScalarStyle::Plain && tag.is_none() && value == "<<";
                    let scalar = resolve_scalar(value, style, tag.as_deref());
                    let key = if scalar.kind == ScalarKind::Null {
                        String::new()
                    } else {
                        scalar.value
                    };
                    (key, is_merge)
                }
                Event::Alias(id) => match self.anchors.get(&id) {
                    Some((Node::Scalar(s), _)) => (s.value.clone(), false),
                    _ => {
                        return Err(Self::error_at(
                            &key_span,
                            "only scalar mapping keys are supported",
                        ))
                    }
                },
                _ => {
                    return Err(Self::error_at(
                        &key_span,
                        "only scalar mapping keys are supported",
                    ))
                }
            };
            let (event, span) = self.next()?;
            let (value, n) = self.node(event, span, depth + 1)?;
            size += n;
            if is_merge {
                match value {
                    Node::Map(m) => merged.push(m),
                    Node::Seq(items) => {
                        for item in items {
                            match item {
                                Node::Map(m) => merged.push(m),
                                _ => {
                                    return Err(Self::error_at(
                                        &span,
                                        "map merge requires map or sequence of maps as the value",
                                    ))
                                }
                            }
                        }
                    }
                    _ => {
                        return Err(Self::error_at(
                            &span,
                            "map merge requires map or sequence of maps as the value",
                        ))
                    }
                }
                continue;
            }
            let line = key_span.start.line();
            if let Some(first) = key_lines.insert(key.clone(), line) {
                if self.last_key_wins {
                    map.insert(key, value);
                    continue;
                }
                return Err(Self::error_at(
                    &key_span,
                    format!("mapping key {key:?} already defined at line {first}"),
                ));
            }
            map.push_unique(key, value);
        }
        // Keys written in the mapping itself win over merged ones; among
        // merged maps the first listed wins.
        for source in merged {
            for (k, v) in source {
                if !map.contains_key(&k) {
                    map.insert(k, v);
                }
            }
        }
        Ok((map, size))
    }

    fn remember(&mut self, anchor: usize, node: &Node, size: usize) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), size));
        }
    }
}

/// Resolves a scalar's kind from its style, tag and text (go-yaml v3 rules).
fn resolve_scalar(value: Cow<'_, str>, style: ScalarStyle, tag: Option<&Tag>) -> Scalar {
    let value = value.into_owned();
    if let Some(tag) = tag {
        let core = tag.is_yaml_core_schema() || tag.handle == "!!";
        let kind = match (core, tag.suffix.as_str()) {
            (true, "int") => Some(ScalarKind::Int),
            (true, "float") => Some(ScalarKind::Float),
            (true, "bool") => Some(ScalarKind::Bool),
            (true, "null") => Some(ScalarKind::Null),
            _ => None,
        };
        return Scalar {
            kind: kind.unwrap_or(ScalarKind::Str),
            value,
        };
    }
    if style != ScalarStyle::Plain {
        return Scalar::string(value);
    }
    let kind = resolve_plain(&value);
    Scalar { value, kind }
}

/// The kind go-yaml v3 gives an untagged plain scalar.
pub fn resolve_plain(text: &str) -> ScalarKind {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return ScalarKind::Null,
        "true" | "True" | "TRUE" | "false" | "False" | "FALSE" => return ScalarKind::Bool,
        ".nan" | ".NaN" | ".NAN" | ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF"
        | "-.inf" | "-.Inf" | "-.INF" => return ScalarKind::Float,
        _ => {}
    }
    let first = text.as_bytes()[0];
    match first {
        b'.' => {
            if go_parse_float(text).is_some() {
                ScalarKind::Float
            } else {
                ScalarKind::Str
            }
        }
        b'0'..=b'9' | b'+' | b'-' => {
            if looks_like_timestamp(text) {
                return ScalarKind::Timestamp;
            }
            let plain = text.replace('_', "");
            if go_parse_int(&plain).is_some() {
                return ScalarKind::Int;
            }
            if is_yaml_style_float(&plain) && go_parse_float(&plain).is_some() {
                return ScalarKind::Float;
            }
            let unsigned = plain.strip_prefix('-').unwrap_or(&plain);
            if let Some(digits) = unsigned.strip_prefix("0b") {
                if !digits.is_empty() && digits.bytes().all(|b| b == b'0' || b == b'1') {
                    return ScalarKind::Int;
                }
            }
            if let Some(digits) = unsigned.strip_prefix("0o") {
                if !digits.is_empty() && digits.bytes().all(|b| (b'0'..=b'7').contains(&b)) {
                    return ScalarKind::Int;
                }
            }
            ScalarKind::Str
        }
        _ => ScalarKind::Str,
    }
}

/// Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint(s, 0, 64)`: an optional
/// sign (signed only), a base prefix (`0x`, `0o`, `0b`, or a leading `0` for
/// octal) and digits. Returns the value as i128 so both ranges fit.
pub fn go_parse_int(s: &str) -> Option<i128> {
    let (negative, rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits) =
        if let Some(d) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
            (16, d)
        } else if let Some(d) = rest.strip_prefix("0o").or_else(|| rest.strip_prefix("0O")) {
            (8, d)
        } else if let Some(d) = rest.strip_prefix("0b").or_else(|| rest.strip_prefix("0B")) {
            (2, d)
        } else if rest.len() > 1 && rest.starts_with('0') {
            (8, &rest[1..])
        } else {
            (10, rest)
        };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u128::from_str_radix(digits, radix).ok()?;
    if negative {
        if magnitude > (i64::MAX as u128) + 1 {
            return None;
        }
        Some(-(magnitude as i128))
    } else if magnitude <= u64::MAX as u128 {
        Some(magnitude as i128)
    } else {
        None
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
pub fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if i < b.len() && b[i] == b'.' {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            digits(&mut i);
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms YAML produces.
pub fn go_parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if matches!(body, "inf" | "infinity" | "nan") {
        return None; // spelled `.inf` in YAML; Go accepts these, YAML never produces them plain
    }
    if body.starts_with("0x") {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// go-yaml's quick timestamp check followed by its accepted layouts.
pub fn looks_like_timestamp(s: &str) -> bool {
    parse_timestamp(s).is_some()
}

/// A timestamp as Go's `encoding/json` prints the `time.Time` go-yaml v3
/// decodes from a plain timestamp scalar (RFC 3339 with nanoseconds, UTC
/// written `Z`): `2001-12-14` becomes `2001-12-14T00:00:00Z`.
pub fn timestamp_as_rfc3339(s: &str) -> Option<String> {
    let t = parse_timestamp(s)?;
    let mut out = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    );
    if t.nanos > 0 {
        let digits = format!("{:09}", t.nanos);
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    match t.offset_minutes {
        0 => out.push('Z'),
        offset => {
            let sign = if offset < 0 { '-' } else { '+' };
            let offset = offset.unsigned_abs();
            out.push_str(&format!("{sign}{:02}:{:02}", offset / 60, offset % 60));
        }
    }
    Some(out)
}

/// The parts of a timestamp go-yaml accepts.
struct Timestamp {
    year: u32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    offset_minutes: i32,
}

/// go-yaml's layouts: "2006-1-2", "2006-1-2T15:4:5.999999999Z07:00" (also
/// with 't'), "2006-1-2 15:4:5.999999999".
fn parse_timestamp(s: &str) -> Option<Timestamp> {
    let b = s.as_bytes();
    if b.len() < 5 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return None;
    }
    let mut cur = Cursor { s: b, i: 0 };
    let year = cur.digits(4, 4)?;
    cur.eat(b'-').then_some(())?;
    let month = cur.digits(1, 2)?;
    cur.eat(b'-').then_some(())?;
    let day = cur.digits(1, 2)?;
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut t = Timestamp {
        year,
        month,
        day,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        offset_minutes: 0,
    };
    if cur.done() {
        return Some(t);
    }
    let zoned = match cur.peek() {
        Some(b'T') | Some(b't') => true,
        Some(b' ') => false,
        _ => return None,
    };
    cur.i += 1;
    t.hour = cur.digits(1, 2)?;
    cur.eat(b':').then_some(())?;
    t.minute = cur.digits(1, 2)?;
    cur.eat(b':').then_some(())?;
    t.second = cur.digits(1, 2)?;
    if t.hour > 23 || t.minute > 59 || t.second > 59 {
        return None;
    }
    if cur.peek() == Some(b'.') {
        cur.i += 1;
        let start = cur.i;
        let fraction = cur.digits(1, 9)?;
        let width = (cur.i - start) as u32;
        t.nanos = fraction * 10u32.pow(9 - width);
    }
    if !zoned {
        return cur.done().then_some(t);
    }
    match cur.peek() {
        Some(b'Z') => {
            cur.i += 1;
        }
        Some(sign @ (b'+' | b'-')) => {
            cur.i += 1;
            let hours = cur.digits(2, 2).filter(|h| *h <= 23)?;
            cur.eat(b':').then_some(())?;
            let minutes = cur.digits(2, 2).filter(|m| *m <= 59)?;
            let offset = (hours * 60 + minutes) as i32;
            t.offset_minutes = if sign == b'-' { -offset } else { offset };
        }
        _ => return None,
    }
    cur.done().then_some(t)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

struct Cursor<'s> {
    s: &'s [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i == self.s.len()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        while self.i < self.s.len() && self.i - start < max && self.s[self.i].is_ascii_digit() {
            self.i += 1;
        }
        if self.i - start < min {
            return None;
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()?
            .parse()
            .ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(text: &str) -> ScalarKind {
        match parse_single(&format!("k: {text}"))
            .unwrap()
            .get("k")
            .unwrap()
        {
            Node::Scalar(s) => s.kind,
            other => panic!("not a scalar: {other:?}"),
        }
    }

    #[test]
    fn resolves_plain_scalars_as_go_yaml_v3() {
        assert_eq!(kind("8080"), ScalarKind::Int);
        assert_eq!(kind("0x1F"), ScalarKind::Int);
        assert_eq!(kind("0o17"), ScalarKind::Int);
        assert_eq!(kind("1_000"), ScalarKind::Int);
        assert_eq!(kind("1.5"), ScalarKind::Float);
        assert_eq!(kind("1e3"), ScalarKind::Float);
        assert_eq!(kind(".5"), ScalarKind::Float);
        assert_eq!(kind("08"), ScalarKind::Float);
        assert_eq!(kind("true"), ScalarKind::Bool);
        assert_eq!(kind("yes"), ScalarKind::Str);
        assert_eq!(kind("on"), ScalarKind::Str);
        assert_eq!(kind("~"), ScalarKind::Null);
        assert_eq!(kind(""), ScalarKind::Null);
        assert_eq!(kind("2001-12-14"), ScalarKind::Timestamp);
        assert_eq!(kind("\"2001-12-14\""), ScalarKind::Str);
        assert_eq!(kind("1.2.3"), ScalarKind::Str);
        assert_eq!(kind("'8080'"), ScalarKind::Str);
        assert_eq!(kind("!!str 8080"), ScalarKind::Str);
        assert_eq!(kind("!!int \"8\""), ScalarKind::Int);
        assert_eq!(kind("-x"), ScalarKind::Str);
        assert_eq!(kind("+12"), ScalarKind::Int);
    }

    #[test]
    fn formats_timestamps_as_go_json_does() {
        assert_eq!(
            timestamp_as_rfc3339("2001-12-14").as_deref(),
            Some("2001-12-14T00:00:00Z")
        );
        assert_eq!(
            timestamp_as_rfc3339("2001-12-14 21:59:43.10").as_deref(),
            Some("2001-12-14T21:59:43.1Z")
        );
        assert_eq!(
            timestamp_as_rfc3339("2001-2-3t01:02:03-05:30").as_deref(),
            Some("2001-02-03T01:02:03-05:30")
        );
        assert_eq!(
            timestamp_as_rfc3339("2001-12-14T21:59:43+00:00").as_deref(),
            Some("2001-12-14T21:59:43Z")
        );
        assert_eq!(timestamp_as_rfc3339("2001-13-14"), None);
    }

    #[test]
    fn skips_empty_documents() {
        let docs = parse_documents("---\n# only a comment\n---\na: 1\n---\n").unwrap();
        assert_eq!(docs.len(), 1);
    }

    #[test]
    fn expands_aliases_and_merge_keys() {
        let node = parse_single("base: &b {x: 1, y: 2}\nderived:\n  <<: *b\n  y: 3\n").unwrap();
        assert_eq!(node.str_at(&["derived", "x"]), Some("1"));
        assert_eq!(node.str_at(&["derived", "y"]), Some("3"));
    }

    #[test]
    fn refuses_alias_bombs() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            text.push_str(&format!("a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"));
        }
        let err = parse_documents(&text).unwrap_err();
        assert!(err.message.contains("excessive aliasing"), "{err}");
    }

    #[test]
    fn reports_line_of_syntax_errors() {
        let err = parse_documents("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(err.line >= 2, "{err}");
    }

    #[test]
    fn refuses_unicode_line_separators_with_their_position() {
        let err = parse_documents("a: 1\nb: 'x\u{2028}y'\n").unwrap_err();
        assert_eq!((err.line, err.column), (2, 6));
        assert!(err.message.contains("U+2028"), "{err}");
        assert!(parse_documents("b: \"x\\u2028y\"\n").is_ok());
    }

    #[test]
    fn last_key_wins_when_asked() {
        let docs = parse_documents_last_key_wins("a: 1\nb: 2\na: 3\n").unwrap();
        assert_eq!(docs[0].str_at(&["a"]), Some("3"));
    }

    #[test]
    fn refuses_duplicate_keys() {
        let err = parse_documents("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.contains("already defined at line 1"), "{err}");
    }
}
