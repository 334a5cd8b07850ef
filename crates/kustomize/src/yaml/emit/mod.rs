//! Prints resources exactly as `kustomize build` does.
//!
//! Kustomize turns each resource into JSON (Go's `encoding/json` of what
//! go-yaml v3 decoded) and that JSON into YAML with `sigs.k8s.io/yaml`,
//! which reads it with go-yaml v2 and prints it with go-yaml v2's emitter.
//! The trip leaves its marks, all reproduced here:
//!
//! - numbers are normalised (`0x1F` prints as `31`, `1.0` as `1`, `1e3` as
//!   `1000`, `1234567.5` as `1.2345675e+06`);
//! - mapping keys come out in go-yaml v2's "natural" order;
//! - strings are quoted by v2's YAML 1.1 rules (`"yes"`, `"on"`, `"1:20"`);
//! - the layout is v2's: block style, sequences in mappings not indented,
//!   long scalars folded at column 80, multi-line strings as literal
//!   blocks, `{}` and `[]` for empty collections.

mod analyze;
mod resolve;
mod sort;
mod unicode_tables;
mod writer;

use std::borrow::Cow;

use super::json::{bool_value, number_after_json_roundtrip, scalar_number};
use super::{Map, Node, Scalar, ScalarKind};
use writer::{Style, Writer};

/// Prints one document the way kustomize prints a resource. The text ends
/// with a line break; documents are joined with `---\n`.
pub fn to_yaml_string(node: &Node) -> String {
    let mut writer = Writer::new();
    emit_node(&mut writer, node, false);
    writer.finish()
}

/// Writes a node. `in_mapping` tells whether it is a mapping value, where
/// block sequences are not indented (`key:\n- item`).
fn emit_node(writer: &mut Writer, node: &Node, in_mapping: bool) {
    match node {
        Node::Scalar(scalar) => {
            let (text, style) = scalar_text(scalar);
            writer.scalar(&text, style, false);
        }
        Node::Seq(items) if items.is_empty() => empty_flow(writer, "[", "]"),
        Node::Seq(items) => emit_sequence(writer, items, in_mapping),
        Node::Map(map) => {
            let entries = sorted_entries(map);
            if entries.is_empty() {
                empty_flow(writer, "{", "}");
            } else {
                emit_mapping(writer, &entries);
            }
        }
    }
}

fn empty_flow(writer: &mut Writer, open: &str, close: &str) {
    writer.write_indicator(open, true, true, false);
    writer.write_indicator(close, false, false, false);
}

fn emit_sequence(writer: &mut Writer, items: &[Node], in_mapping: bool) {
    let indentless = in_mapping && !writer.indention();
    writer.increase_indent(false, indentless);
    for item in items {
        writer.write_indent();
        writer.write_indicator("-", true, false, true);
        emit_node(writer, item, false);
    }
    writer.restore_indent();
}

fn emit_mapping(writer: &mut Writer, entries: &[(&String, &Node)]) {
    writer.increase_indent(false, false);
    for &(key, value) in entries {
        writer.write_indent();
        let key = fold_raw_next_lines(key);
        let style = string_style(&key);
        if Writer::is_simple_key(&key, &analyze::analyze(&key)) {
            writer.scalar(&key, style, true);
            writer.write_indicator(":", false, false, false);
        } else {
            writer.write_indicator("?", true, false, true);
            writer.scalar(&key, style, false);
            writer.write_indent();
            writer.write_indicator(":", true, false, true);
        }
        emit_node(writer, value, true);
    }
    writer.restore_indent();
}

/// The entries of a mapping in go-yaml v2's key order.
///
/// A key spelled `<<` never reaches kustomize's output: a plain one is a
/// merge key (already merged by the reader) and kustomize drops a quoted
/// one on its way to the printer, whatever its value.
///
/// v2's comparison is not transitive for some key sets (`aA0019`, `aA0a`,
/// `aA2` form a cycle); Go then sorts the keys of a Go map, whose order is
/// random, and kustomize's output varies from run to run. Starting from
/// the keys in bytewise order (the order of the JSON text, which is what Go
/// iterates most often for small maps) gives kustomize's usual result.
fn sorted_entries(map: &Map) -> Vec<(&String, &Node)> {
    // Keys are ordered by the text they print as (NEL folded), both for the
    // starting order and for the sort, so the output reads back in the same
    // order.
    let mut entries: Vec<(Cow<'_, str>, &String, &Node)> = map
        .iter()
        .filter(|(key, _)| key.as_str() != "<<")
        .map(|(key, value)| (fold_raw_next_lines(key), key, value))
        .collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let mut keyed: Vec<(Vec<char>, &String, &Node)> = entries
        .into_iter()
        .map(|(printed, key, value)| (printed.chars().collect(), key, value))
        .collect();
    sort::go_sort(&mut keyed, |a, b| sort::key_less(&a.0, &b.0));
    keyed
        .into_iter()
        .map(|(_, key, value)| (key, value))
        .collect()
}

/// The text a scalar prints as after the JSON trip, and the style the
/// encoder asks for.
fn scalar_text(scalar: &Scalar) -> (Cow<'_, str>, Style) {
    let as_string = || {
        let text = fold_raw_next_lines(&scalar.value);
        let style = string_style(&text);
        (text, style)
    };
    match scalar.kind {
        ScalarKind::Str => as_string(),
        // Go's JSON encoding of the `time.Time` go-yaml decoded; the string
        // then reads as a timestamp again, so it is always quoted.
        ScalarKind::Timestamp => match crate::yaml::parse::timestamp_as_rfc3339(&scalar.value) {
            Some(text) => {
                let style = string_style(&text);
                (Cow::Owned(text), style)
            }
            None => as_string(),
        },
        ScalarKind::Null => (Cow::Borrowed("null"), Style::Plain),
        ScalarKind::Bool => match bool_value(&scalar.value) {
            Some(b) => (
                Cow::Borrowed(if b { "true" } else { "false" }),
                Style::Plain,
            ),
            None => as_string(),
        },
        ScalarKind::Int | ScalarKind::Float => match scalar_number(scalar) {
            Some(number) => (
                Cow::Owned(number_after_json_roundtrip(number)),
                Style::Plain,
            ),
            None => as_string(),
        },
    }
}

/// What go-yaml v2 reads back from the JSON string Go wrote for `s`.
///
/// Go's JSON encoder escapes every line break but NEL (U+0085), and go-yaml
/// v2 takes a raw NEL inside a double-quoted scalar for a line break, which
/// it folds: one break (with the spaces around it) becomes a space, `n`
/// consecutive breaks become `n - 1` line feeds. (In a key it is an error
/// in kustomize; keys get the same treatment here.)
fn fold_raw_next_lines(s: &str) -> Cow<'_, str> {
    if !s.contains('\u{85}') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut pending_spaces = 0;
    let mut in_break = false;
    let mut extra_breaks = 0;
    let join = |out: &mut String,
                pending_spaces: &mut usize,
                in_break: &mut bool,
                extra_breaks: &mut usize| {
        if *in_break {
            if *extra_breaks == 0 {
                out.push(' ');
            }
            out.extend(std::iter::repeat_n('\n', *extra_breaks));
        } else {
            out.extend(std::iter::repeat_n(' ', *pending_spaces));
        }
        *pending_spaces = 0;
        *in_break = false;
        *extra_breaks = 0;
    };
    for c in s.chars() {
        match c {
            ' ' if !in_break => pending_spaces += 1,
            ' ' => {}
            '\u{85}' if !in_break => {
                pending_spaces = 0;
                in_break = true;
            }
            '\u{85}' => extra_breaks += 1,
            c => {
                join(
                    &mut out,
                    &mut pending_spaces,
                    &mut in_break,
                    &mut extra_breaks,
                );
                out.push(c);
            }
        }
    }
    join(
        &mut out,
        &mut pending_spaces,
        &mut in_break,
        &mut extra_breaks,
    );
    Cow::Owned(out)
}

/// go-yaml v2's choice for a string: a literal block when it has a line
/// feed, plain when the plain text would read back as the same string,
/// double quotes otherwise. The emitter may still fall back to quotes.
fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolve::plain_reads_as_string(s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    }
}

#[cfg(test)]
mod tests;
