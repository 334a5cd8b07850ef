//! JSON views of the node tree, and Go's `encoding/json` text format.
//!
//! Kustomize moves resources through JSON in several places: to print them
//! (`yaml -> JSON -> yaml`), to apply JSON 6902 patches (`JSON -> Go map ->
//! yaml`) and to hash generated ConfigMaps and Secrets (`json.Marshal`). The
//! helpers here reproduce what each of those Go steps does to numbers and
//! strings, so that the result is byte-for-byte what kustomize gives.

use serde_json::{Map as JsonMap, Number, Value};

use super::parse::{go_parse_int, is_yaml_style_float};
use super::{Map, Node, Scalar, ScalarKind};

/// A number as Go holds it after go-yaml v3 decoded a scalar into
/// `interface{}`: an `int`/`uint64`, or a `float64`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum GoNumber {
    Int(i128),
    Float(f64),
}

/// The number a non-string scalar stands for, as go-yaml v3 decodes it.
/// `None` when the text does not parse as its kind (only possible with an
/// explicit tag such as `!!int abc`); callers then treat it as a string.
pub(crate) fn scalar_number(scalar: &Scalar) -> Option<GoNumber> {
    match scalar.kind {
        ScalarKind::Int => parse_yaml_int(&scalar.value)
            .map(GoNumber::Int)
            .or_else(|| parse_yaml_float(&scalar.value).map(GoNumber::Float)),
        ScalarKind::Float => parse_yaml_float(&scalar.value).map(GoNumber::Float),
        _ => None,
    }
}

/// go-yaml v3's integer reading: underscores dropped, then Go's base-0
/// `ParseInt`/`ParseUint` (`0x`, `0o`, `0b`, leading-`0` octal).
fn parse_yaml_int(text: &str) -> Option<i128> {
    go_parse_int(&text.replace('_', ""))
}

/// go-yaml v3's float reading, including the `.inf`/`.nan` spellings.
fn parse_yaml_float(text: &str) -> Option<f64> {
    match text {
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    let plain = text.replace('_', "");
    if !is_yaml_style_float(&plain) {
        return None;
    }
    plain.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// The shortest decimal digits that read back as `f`, the way Go's
/// `strconv` (and Rust's formatter) find them.
struct Digits {
    negative: bool,
    /// ASCII digits without leading or trailing zeros; empty for zero.
    digits: String,
    /// Position of the decimal point relative to the digits.
    point: i32,
}

impl Digits {
    fn of(f: f64) -> Digits {
        // `{:e}` prints the shortest round-trip digits as `d.ddde±x`.
        let text = format!("{:e}", f.abs());
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let digits = digits.trim_end_matches('0').to_owned();
        Digits {
            negative: f.is_sign_negative(),
            point: if digits.is_empty() { 0 } else { exponent + 1 },
            digits,
        }
    }

    fn sign(&self) -> &'static str {
        if self.negative {
            "-"
        } else {
            ""
        }
    }

    /// Go's `%e` with the shortest precision: `d.ddde±XX`.
    fn format_e(&self) -> String {
        let digits = if self.digits.is_empty() {
            "0"
        } else {
            &self.digits
        };
        let exponent = if self.digits.is_empty() {
            0
        } else {
            self.point - 1
        };
        let mut out = String::from(self.sign());
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exponent < 0 { '-' } else { '+' });
        let magnitude = exponent.unsigned_abs();
        if magnitude < 10 {
            out.push('0');
        }
        out.push_str(&magnitude.to_string());
        out
    }

    /// Go's `%f` with the shortest precision: no exponent, as many
    /// fraction digits as needed.
    fn format_f(&self) -> String {
        let mut out = String::from(self.sign());
        let digits = &self.digits;
        let len = digits.len() as i32;
        if self.point <= 0 {
            out.push('0');
            if !digits.is_empty() {
                out.push('.');
                out.extend(std::iter::repeat_n('0', (-self.point) as usize));
                out.push_str(digits);
            }
        } else if self.point >= len {
            out.push_str(digits);
            out.extend(std::iter::repeat_n('0', (self.point - len) as usize));
        } else {
            let (int, frac) = digits.split_at(self.point as usize);
            out.push_str(int);
            out.push('.');
            out.push_str(frac);
        }
        out
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)` (go-yaml's float printer), with
/// go-yaml's spellings of the non-finite values.
pub(crate) fn go_format_float_g(f: f64) -> String {
    if f.is_nan() {
        return ".nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    let digits = Digits::of(f);
    let exponent = digits.point - 1;
    if !digits.digits.is_empty() && !(-4..6).contains(&exponent) {
        digits.format_e()
    } else {
        digits.format_f()
    }
}

/// How Go's `encoding/json` writes a float64: plain decimal between 1e-6
/// and 1e21, exponent form (`1e-7`, `1e+21`) outside.
pub(crate) fn go_format_float_json(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let mut text = Digits::of(f).format_e();
        // Go trims the exponent's leading zero: e-07 -> e-7.
        if let Some(pos) = text.find("e-0") {
            text.remove(pos + 2);
        }
        return text;
    }
    Digits::of(f).format_f()
}

/// What a number prints as after kustomize's `yaml -> JSON -> yaml` trip:
/// JSON text re-read by go-yaml v2, which turns integral JSON numbers into
/// ints and everything else into floats printed with `'g'` formatting.
pub(crate) fn number_after_json_roundtrip(number: GoNumber) -> String {
    match number {
        GoNumber::Int(i) => i.to_string(),
        GoNumber::Float(f) if !f.is_finite() => go_format_float_g(f),
        GoNumber::Float(f) => {
            let json = go_format_float_json(f);
            if json.contains(['.', 'e']) {
                return go_format_float_g(f);
            }
            match json.parse::<i128>() {
                Ok(i) if i >= i128::from(i64::MIN) && i <= i128::from(u64::MAX) => i.to_string(),
                _ => go_format_float_g(f),
            }
        }
    }
}

/// The JSON value kustomize's `MarshalJSON` gives for a node.
pub fn to_json(node: &Node) -> Value {
    match node {
        Node::Scalar(scalar) => scalar_to_json(scalar),
        Node::Seq(items) => Value::Array(items.iter().map(to_json).collect()),
        Node::Map(map) => {
            let mut object = JsonMap::with_capacity(map.len());
            for (key, value) in map.iter() {
                object.insert(key.clone(), to_json(value));
            }
            Value::Object(object)
        }
    }
}

fn scalar_to_json(scalar: &Scalar) -> Value {
    match scalar.kind {
        ScalarKind::Null => Value::Null,
        ScalarKind::Str => Value::String(scalar.value.clone()),
        ScalarKind::Timestamp => Value::String(
            crate::yaml::parse::timestamp_as_rfc3339(&scalar.value)
                .unwrap_or_else(|| scalar.value.clone()),
        ),
        ScalarKind::Bool => match bool_value(&scalar.value) {
            Some(b) => Value::Bool(b),
            None => Value::String(scalar.value.clone()),
        },
        ScalarKind::Int | ScalarKind::Float => match scalar_number(scalar) {
            Some(GoNumber::Int(i)) => int_to_json(i),
            Some(GoNumber::Float(f)) => Number::from_f64(f)
                .map(Value::Number)
                // Go's encoder refuses NaN and infinities; keep the text
                // rather than invent a number.
                .unwrap_or_else(|| Value::String(scalar.value.clone())),
            None => Value::String(scalar.value.clone()),
        },
    }
}

fn int_to_json(i: i128) -> Value {
    if let Ok(small) = i64::try_from(i) {
        Value::from(small)
    } else if let Ok(large) = u64::try_from(i) {
        Value::from(large)
    } else {
        Value::String(i.to_string())
    }
}

/// The boolean a `!!bool` scalar holds (go-yaml v3 spellings).
pub(crate) fn bool_value(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// The node kustomize builds back from JSON after a JSON 6902 patch.
///
/// Kustomize decodes the JSON with Go's `encoding/json`, which holds every
/// number as a float64, and prints it with go-yaml v3 before reading it
/// again: integral numbers come back as ints (beyond 2^53 they lose
/// precision, as they do in kustomize), the others as floats.
pub fn from_json(value: &Value) -> Node {
    match value {
        Value::Null => Node::null(),
        Value::Bool(b) => Node::Scalar(Scalar {
            value: b.to_string(),
            kind: ScalarKind::Bool,
        }),
        Value::Number(number) => Node::Scalar(number_scalar(number)),
        Value::String(s) => Node::string(s.clone()),
        Value::Array(items) => Node::Seq(items.iter().map(from_json).collect()),
        Value::Object(object) => {
            let mut map = Map::with_capacity(object.len());
            for (key, value) in object {
                map.insert(key.clone(), from_json(value));
            }
            Node::Map(map)
        }
    }
}

fn number_scalar(number: &Number) -> Scalar {
    let f = number.as_f64().unwrap_or(0.0);
    let text = go_format_float_g(f);
    let integral = !text.contains(['.', 'e']);
    Scalar {
        kind: if integral {
            ScalarKind::Int
        } else {
            ScalarKind::Float
        },
        value: text,
    }
}

/// Go's `json.Marshal` of the value as a `map[string]interface{}` tree:
/// compact, object keys sorted bytewise, `<`, `>`, `&`, U+2028 and U+2029
/// escaped, floats in Go's format.
pub fn go_json_marshal(value: &Value) -> String {
    let mut out = String::new();
    write_json(value, &mut out);
    out
}

fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(number) => write_json_number(number, out),
        Value::String(s) => write_json_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(object) => {
            let mut entries: Vec<(&String, &Value)> = object.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json_string(key, out);
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
    }
}

fn write_json_number(number: &Number, out: &mut String) {
    if let Some(i) = number.as_i64() {
        out.push_str(&i.to_string());
    } else if let Some(u) = number.as_u64() {
        out.push_str(&u.to_string());
    } else {
        out.push_str(&go_format_float_json(number.as_f64().unwrap_or(0.0)));
    }
}

/// A JSON string as Go's encoder writes it with HTML escaping on.
fn write_json_string(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 || matches!(c, '<' | '>' | '&') => {
                let b = c as usize;
                out.push_str("\\u00");
                out.push(HEX[b >> 4] as char);
                out.push(HEX[b & 0xF] as char);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_floats_like_go_json() {
        assert_eq!(go_format_float_json(1.5), "1.5");
        assert_eq!(go_format_float_json(1e20), "100000000000000000000");
        assert_eq!(go_format_float_json(1e21), "1e+21");
        assert_eq!(go_format_float_json(1e-7), "1e-7");
        assert_eq!(go_format_float_json(1.25e-10), "1.25e-10");
        assert_eq!(go_format_float_json(0.000001), "0.000001");
        assert_eq!(go_format_float_json(-0.0), "-0");
        assert_eq!(go_format_float_json(0.0), "0");
    }

    #[test]
    fn formats_floats_like_strconv_g() {
        assert_eq!(go_format_float_g(1234567.5), "1.2345675e+06");
        assert_eq!(go_format_float_g(100000.5), "100000.5");
        assert_eq!(go_format_float_g(1e21), "1e+21");
        assert_eq!(go_format_float_g(1e-7), "1e-07");
        assert_eq!(go_format_float_g(0.0001), "0.0001");
        assert_eq!(go_format_float_g(0.00001), "1e-05");
        assert_eq!(go_format_float_g(8080.0), "8080");
        assert_eq!(go_format_float_g(1e6), "1e+06");
        assert_eq!(go_format_float_g(1e100), "1e+100");
    }

    #[test]
    fn numbers_normalise_through_json() {
        let f = |x| number_after_json_roundtrip(GoNumber::Float(x));
        assert_eq!(f(1.0), "1");
        assert_eq!(f(1e3), "1000");
        assert_eq!(f(-0.0), "0");
        assert_eq!(f(1e20), "1e+20");
        assert_eq!(f(1.5), "1.5");
        assert_eq!(f(1e-7), "1e-07");
        assert_eq!(f(12345678901234567890.0), "12345678901234567000");
    }

    #[test]
    fn marshals_like_go() {
        let v = json!({"b": "<a&b>\u{2028}", "a": [1, 2.5, null, true], "c": "\u{1}\t\u{8}"});
        assert_eq!(
            go_json_marshal(&v),
            r#"{"a":[1,2.5,null,true],"b":"\u003ca\u0026b\u003e\u2028","c":"\u0001\t\b"}"#
        );
    }

    #[test]
    fn json_roundtrip_keeps_ints() {
        let node = super::super::parse::parse_single("a: 8080\nb: 1.5\nc: x\nd: null\ne: [true]\n")
            .unwrap();
        let back = from_json(&to_json(&node));
        assert_eq!(back, node);
    }
}
