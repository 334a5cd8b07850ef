//! go-yaml v2's scalar resolution, used to decide whether a string can be
//! printed plain: it must read back as a string, so `"true"`, `"yes"`,
//! `"8080"`, `"1.5"`, `"~"`, `"2001-12-14"` or `"1:20"` get double quotes.
//!
//! v2 is YAML 1.1 flavoured: `y`, `yes`, `on`, `n`, `no`, `off` (in three
//! capitalisations) are booleans, and base-60 numbers are quoted too.

use crate::yaml::parse::is_yaml_style_float;

/// Whether go-yaml v2's encoder may write `s` as a plain scalar, that is
/// whether it resolves to a string and is not a base-60 float.
pub(super) fn plain_reads_as_string(s: &str) -> bool {
    resolves_to_string(s) && !is_base60_float(s)
}

/// Words that v2 resolves through its lookup table to a non-string.
fn is_reserved_word(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "true"
            | "True"
            | "TRUE"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "false"
            | "False"
            | "FALSE"
            | "off"
            | "Off"
            | "OFF"
            | "~"
            | "null"
            | "Null"
            | "NULL"
            | ".nan"
            | ".NaN"
            | ".NAN"
            | ".inf"
            | ".Inf"
            | ".INF"
            | "+.inf"
            | "+.Inf"
            | "+.INF"
            | "-.inf"
            | "-.Inf"
            | "-.INF"
    )
}

/// v2's `resolve("", s)` returning the string tag.
fn resolves_to_string(s: &str) -> bool {
    let Some(&first) = s.as_bytes().first() else {
        return false; // the empty string is null
    };
    // Only scalars starting with these characters can resolve to anything
    // but a string; everything else is a string without further checks.
    let hinted = first.is_ascii_digit() || b"+-.yYnNtTfFoO~".contains(&first);
    if !hinted {
        return true;
    }
    if is_reserved_word(s) {
        return false;
    }
    match first {
        b'.' => go_parse_float(s).is_none(),
        b'0'..=b'9' | b'+' | b'-' => !resolves_to_number_or_time(s),
        _ => true,
    }
}

/// The digit/sign branch of v2's resolver: timestamps, ints, floats.
fn resolves_to_number_or_time(s: &str) -> bool {
    if is_v2_timestamp(s) {
        return true;
    }
    let plain = s.replace('_', "");
    if go_parse_int_base0(&plain, true).is_ok() || go_parse_int_base0(&plain, false).is_ok() {
        return true;
    }
    is_yaml_style_float(&plain) && go_parse_float(&plain).is_some()
}

/// Why Go's `strconv.ParseInt`/`ParseUint` refused a string.
#[derive(Debug, PartialEq, Eq)]
enum IntError {
    Syntax,
    Range,
}

/// Go's `strconv.ParseInt(s, 0, 64)` (`signed`) or `ParseUint(s, 0, 64)`.
/// Underscores are never passed here (v2 strips them first).
fn go_parse_int_base0(s: &str, signed: bool) -> Result<i128, IntError> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') if signed => (true, &s[1..]),
        Some(b'+') if signed => (false, &s[1..]),
        _ => (false, s),
    };
    let bytes = body.as_bytes();
    let (radix, digits) = if bytes.len() >= 3 && bytes[0] == b'0' {
        match bytes[1].to_ascii_lowercase() {
            b'x' => (16, &body[2..]),
            b'o' => (8, &body[2..]),
            b'b' => (2, &body[2..]),
            _ => (8, &body[1..]),
        }
    } else if bytes.len() >= 2 && bytes[0] == b'0' {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(IntError::Syntax);
    }
    let mut value: u128 = 0;
    for c in digits.chars() {
        value = value * u128::from(radix) + u128::from(c.to_digit(radix).unwrap_or(0));
        if value > u128::from(u64::MAX) {
            return Err(IntError::Range);
        }
    }
    let limit = match (signed, negative) {
        (false, _) => u128::from(u64::MAX),
        (true, false) => i64::MAX as u128,
        (true, true) => i64::MAX as u128 + 1,
    };
    if value > limit {
        return Err(IntError::Range);
    }
    let value = value as i128;
    Ok(if negative { -value } else { value })
}

/// Go's `strconv.ParseFloat(s, 64)` for decimal syntax (what can reach it
/// here): digits with at most one point, an optional exponent, underscores
/// only between digits. Overflow to infinity is an error in Go.
pub(super) fn go_parse_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let mut saw_digits = false;
    let mut saw_point = false;
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => saw_digits = true,
            b'_' => {}
            b'.' if !saw_point => saw_point = true,
            _ => break,
        }
        i += 1;
    }
    if !saw_digits {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        if i >= b.len() || !b[i].is_ascii_digit() {
            return None;
        }
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    if i != b.len() || (s.contains('_') && !underscores_between_digits(s)) {
        return None;
    }
    s.replace('_', "")
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
}

/// Go's `underscoreOK` for a decimal number: every underscore sits
/// between two digits.
fn underscores_between_digits(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    #[derive(PartialEq)]
    enum Saw {
        Start,
        Digit,
        Underscore,
        Other,
    }
    let mut saw = Saw::Start;
    for c in body.bytes() {
        if c.is_ascii_digit() {
            saw = Saw::Digit;
        } else if c == b'_' {
            if saw != Saw::Digit {
                return false;
            }
            saw = Saw::Underscore;
        } else {
            if saw == Saw::Underscore {
                return false;
            }
            saw = Saw::Other;
        }
    }
    saw != Saw::Underscore
}

/// `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`: YAML 1.1 base-60
/// numbers, which v2 quotes for the sake of other parsers.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if i >= b.len() || !b[i].is_ascii_digit() {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while i < b.len() && b[i] == b':' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let ok = match i - start {
            1 => true,
            2 => b[start] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// v2's `parseTimestamp`: Go's `time.Parse` with the layouts
/// `2006-1-2T15:4:5.999999999Z07:00` (also with `t`),
/// `2006-1-2 15:4:5.999999999` and `2006-1-2`.
fn is_v2_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let leading_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if leading_digits != 4 || b.len() == 4 || b[4] != b'-' {
        return false;
    }
    [
        Layout::ZonedUpper,
        Layout::ZonedLower,
        Layout::Spaced,
        Layout::DateOnly,
    ]
    .into_iter()
    .any(|layout| matches_layout(b, layout))
}

#[derive(Clone, Copy, PartialEq)]
enum Layout {
    ZonedUpper,
    ZonedLower,
    Spaced,
    DateOnly,
}

fn matches_layout(s: &[u8], layout: Layout) -> bool {
    let mut p = GoTimeCursor { s, i: 0 };
    let year = p.fixed_digits(4);
    let Some(year) = year else { return false };
    if !p.literal(b'-') {
        return false;
    }
    let Some(month) = p.number() else {
        return false;
    };
    if !(1..=12).contains(&month) || !p.literal(b'-') {
        return false;
    }
    let Some(day) = p.number() else { return false };
    let date_ok = day >= 1 && day <= days_in_month(year, month);
    if layout == Layout::DateOnly {
        return date_ok && p.done();
    }
    let separator_ok = match layout {
        Layout::ZonedUpper => p.literal(b'T'),
        Layout::ZonedLower => p.literal(b't'),
        _ => p.spaces(),
    };
    if !separator_ok || !p.clock() {
        return false;
    }
    if layout != Layout::Spaced && !p.zone() {
        return false;
    }
    date_ok && p.done()
}

/// A cursor over the value being parsed, with Go's `time.Parse` rules for
/// each layout element.
struct GoTimeCursor<'s> {
    s: &'s [u8],
    i: usize,
}

impl GoTimeCursor<'_> {
    fn done(&self) -> bool {
        self.i == self.s.len()
    }

    fn digit_at(&self, i: usize) -> Option<u32> {
        self.s
            .get(i)
            .filter(|c| c.is_ascii_digit())
            .map(|c| u32::from(c - b'0'))
    }

    fn fixed_digits(&mut self, n: usize) -> Option<u32> {
        let mut value = 0;
        for k in 0..n {
            value = value * 10 + self.digit_at(self.i + k)?;
        }
        self.i += n;
        Some(value)
    }

    /// Go's `getnum(value, false)`: one digit, or two when two are there.
    fn number(&mut self) -> Option<u32> {
        let first = self.digit_at(self.i)?;
        match self.digit_at(self.i + 1) {
            Some(second) => {
                self.i += 2;
                Some(first * 10 + second)
            }
            None => {
                self.i += 1;
                Some(first)
            }
        }
    }

    fn literal(&mut self, c: u8) -> bool {
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    /// A space in a Go layout matches any run of spaces (even none at the
    /// end of the value, where the next element then fails).
    fn spaces(&mut self) -> bool {
        if self.i < self.s.len() && self.s[self.i] != b' ' {
            return false;
        }
        while self.s.get(self.i) == Some(&b' ') {
            self.i += 1;
        }
        true
    }

    /// `15:4:5.999999999`: hour, minute, second, optional fraction of any
    /// length introduced by `.` or `,`.
    fn clock(&mut self) -> bool {
        let hour = self.number();
        if hour.is_none_or(|h| h >= 24) || !self.literal(b':') {
            return false;
        }
        if self.number().is_none_or(|m| m >= 60) || !self.literal(b':') {
            return false;
        }
        if self.number().is_none_or(|s| s >= 60) {
            return false;
        }
        let fraction =
            matches!(self.s.get(self.i), Some(b'.' | b',')) && self.digit_at(self.i + 1).is_some();
        if fraction {
            self.i += 1;
            while self.digit_at(self.i).is_some() {
                self.i += 1;
            }
        }
        true
    }

    /// `Z07:00`: `Z`, or a sign, two-digit hours (at most 24), `:` and
    /// two-digit minutes (at most 60).
    fn zone(&mut self) -> bool {
        if self.literal(b'Z') {
            return true;
        }
        let rest = &self.s[self.i..];
        if rest.len() < 6 || rest[3] != b':' || !matches!(rest[0], b'+' | b'-') {
            return false;
        }
        let two = |a: u8, b: u8| {
            (a.is_ascii_digit() && b.is_ascii_digit())
                .then(|| u32::from(a - b'0') * 10 + u32::from(b - b'0'))
        };
        let ok = two(rest[1], rest[2]).is_some_and(|h| h <= 24)
            && two(rest[4], rest[5]).is_some_and(|m| m <= 60);
        if ok {
            self.i += 6;
        }
        ok
    }
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_1_1_words_are_not_strings() {
        for word in [
            "y", "Yes", "ON", "n", "no", "Off", "true", "NULL", "~", "", ".inf", "-.Inf",
        ] {
            assert!(!plain_reads_as_string(word), "{word:?}");
        }
        for word in ["yep", "nope", "<<", "x", "Y2", "onion", ".", "-", "+"] {
            assert!(plain_reads_as_string(word), "{word:?}");
        }
    }

    #[test]
    fn numbers_are_not_strings() {
        for word in [
            "8080",
            "-1",
            "+1",
            "0x1F",
            "0o17",
            "017",
            "0b101",
            "1_000",
            "1.5",
            ".5",
            "1e3",
            "08",
            ".5_5",
            "1.",
            "1:20",
            "-1:20:30.5",
        ] {
            assert!(!plain_reads_as_string(word), "{word:?}");
        }
        for word in [
            "1.2.3",
            "0x",
            "0xFFFFFFFFFFFFFFFFF",
            "1e",
            "1e400",
            ".5.",
            "1:60",
            "1:2:",
            "+0x_",
        ] {
            assert!(plain_reads_as_string(word), "{word:?}");
        }
    }

    #[test]
    fn timestamps_are_not_strings() {
        for word in [
            "2001-12-14",
            "2001-1-2",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43,10",
            "2001-12-14  1:2:3",
            "2001-12-14T21:59:43Z",
            "2004-02-29",
        ] {
            assert!(!plain_reads_as_string(word), "{word:?}");
        }
        for word in [
            "2001-12-32",
            "2001-13-01",
            "2003-02-29",
            "2001-12-14T21:59:43",
            "2001-12-14 25:00:00",
            "20011-12-14",
            "2001-12-14x",
        ] {
            assert!(plain_reads_as_string(word), "{word:?}");
        }
    }
}
