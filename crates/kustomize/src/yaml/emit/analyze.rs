//! The emitter's look at a scalar before choosing how to write it: which
//! styles can carry the text unchanged (libyaml's `analyze_scalar`, as
//! go-yaml v2 runs it with unicode output on).

/// Characters the emitter may write as they are. Everything else (tabs,
/// control characters, NEL, the BOM, U+FFFE/U+FFFF and, notably, every
/// character outside the Basic Multilingual Plane) forces double quotes
/// with an escape.
pub(super) fn is_printable(c: char) -> bool {
    matches!(c as u32, 0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD) && c != '\u{FEFF}'
}

/// Line breaks as YAML 1.1 knows them.
pub(super) fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// Blank, break or NUL: what counts as "whitespace before" a `#`.
fn is_blank_or_break_or_nul(c: char) -> bool {
    is_blank(c) || is_break(c) || c == '\0'
}

/// Which styles can represent a scalar's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Analysis {
    pub multiline: bool,
    pub block_plain_allowed: bool,
    pub single_quoted_allowed: bool,
    pub block_allowed: bool,
}

/// What a scan of the text found.
#[derive(Default)]
struct Findings {
    block_indicators: bool,
    line_breaks: bool,
    special_characters: bool,
    leading_space: bool,
    leading_break: bool,
    trailing_space: bool,
    trailing_break: bool,
    break_space: bool,
    space_break: bool,
}

pub(super) fn analyze(value: &str) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let found = scan(value);
    let mut analysis = Analysis {
        multiline: found.line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if found.leading_space || found.leading_break || found.trailing_space || found.trailing_break {
        analysis.block_plain_allowed = false;
    }
    if found.trailing_space {
        analysis.block_allowed = false;
    }
    if found.break_space {
        analysis.block_plain_allowed = false;
        analysis.single_quoted_allowed = false;
    }
    if found.space_break || found.special_characters {
        analysis.block_plain_allowed = false;
        analysis.single_quoted_allowed = false;
        analysis.block_allowed = false;
    }
    if found.line_breaks || found.block_indicators {
        analysis.block_plain_allowed = false;
    }
    analysis
}

fn scan(value: &str) -> Findings {
    let mut found = Findings {
        block_indicators: value.starts_with("---") || value.starts_with("..."),
        ..Findings::default()
    };
    let chars: Vec<char> = value.chars().collect();
    let last = chars.len() - 1;
    let mut preceded_by_whitespace = true;
    let mut previous_space = false;
    let mut previous_break = false;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_whitespace = chars.get(i + 1).is_none_or(|&n| is_blank(n));
        if is_block_indicator(c, i == 0, preceded_by_whitespace, followed_by_whitespace) {
            found.block_indicators = true;
        }
        if !is_printable(c) {
            found.special_characters = true;
        }
        if c == ' ' {
            found.leading_space |= i == 0;
            found.trailing_space |= i == last;
            found.break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            found.line_breaks = true;
            found.leading_break |= i == 0;
            found.trailing_break |= i == last;
            found.space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank_or_break_or_nul(c);
    }
    found
}

/// Whether `c` at this position would be read as YAML syntax in a block
/// context (flow indicators do not matter: the writer never puts a
/// non-empty flow collection out).
fn is_block_indicator(
    c: char,
    first: bool,
    preceded_by_whitespace: bool,
    followed_by_whitespace: bool,
) -> bool {
    if first {
        match c {
            '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%'
            | '@' | '`' => true,
            '?' | ':' | '-' => followed_by_whitespace,
            _ => false,
        }
    } else {
        match c {
            ':' => followed_by_whitespace,
            '#' => preceded_by_whitespace,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_is_refused_for_indicators() {
        for text in [
            "*x", "- x", "a: b", "a #b", " a", "a ", "---x", "@x", "?", ":", "-",
        ] {
            assert!(!analyze(text).block_plain_allowed, "{text:?}");
        }
        for text in ["a:b", "a#b", "-x", "?x", ":x", "a-b", "a,b", "x]", "x{"] {
            assert!(analyze(text).block_plain_allowed, "{text:?}");
        }
    }

    #[test]
    fn special_characters_force_double_quotes() {
        for text in ["a\tb", "\u{1F600}", "a\u{85}", "\u{FEFF}", "\u{7F}", "a\rb"] {
            let a = analyze(text);
            assert!(!a.single_quoted_allowed && !a.block_allowed, "{text:?}");
        }
        assert!(analyze("caf\u{e9} \u{4e2d}").block_plain_allowed);
    }
}
