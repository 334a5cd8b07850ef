//! Expected outputs below were produced by `kubectl kustomize` (kustomize
//! v5.5.0) from the same input.

use super::to_yaml_string;
use crate::yaml::parse::parse_single;
use crate::yaml::{Map, Node};

fn emit(input: &str) -> String {
    to_yaml_string(&parse_single(input).expect("test input parses"))
}

#[test]
fn sorts_keys_and_ends_with_a_newline() {
    assert_eq!(emit("b: 1\na: x\n"), "a: x\nb: 1\n");
}

/// One resource exercising every rule: YAML 1.1 words and numbers quoted,
/// single quotes for indicators, literal blocks with indentation and
/// chomping indicators, escapes (tabs, astral characters, a leading BOM
/// escaping everything, NEL folded away by the JSON trip), folding at
/// column 80, `{}`/`[]`/`null`, natural key order, `? ` keys (multi-line,
/// longer than 128 bytes), number normalisation and nested sequences.
#[test]
fn matches_kustomize_on_every_rule() {
    assert_eq!(emit(INPUT), EXPECTED);
}

const INPUT: &str = r##"apiVersion: v1
kind: Thing
metadata:
  name: a
data:
  bools: ["true", "yes", "on", "y", "n", "off", "No"]
  nums: ["8080", "1.5", "", "null", "~", "2001-12-14", "1:20", "0x1F", "1e3"]
  typed: [0x1F, 1.0, 1e3, 1234567.5, 1e21, 0.0000001, -0.0, 017, true, ~, 99999999999999999999]
  single: ["*star", "a: b", "a #b", " lead", "trail ", "- x", "@at", "%pct"]
  plain: ["a:b", "a#b", "-x", "caf\u00e9", "x]"]
  literal: ["a\nb", "a\nb\n", "a\n\n", " x\ny", "\nfirst"]
  doubled: ["a\tb", "\U0001F600", "a \nb", "\ufeffab", "x\u0085y"]
  long: "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua"
  longq: "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod\ttempor incididunt ut labore et dolore magna aliqua"
  empty: {m: {}, l: [], n: null}
  order: {b: 1, a10: 1, a2: 1, A: 1, _x: 1, "1": 1, a02: 1}
  "a\nb": 1
  ? aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
  : [x]
  nested: [[a, b], {k: v, j: [1]}]
"##;

const EXPECTED: &str = r##"apiVersion: v1
data:
  ? |-
    a
    b
  : 1
  ? aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
  : - x
  bools:
  - "true"
  - "yes"
  - "on"
  - "y"
  - "n"
  - "off"
  - "No"
  doubled:
  - "a\tb"
  - "\U0001F600"
  - "a \nb"
  - "\uFEFF\x61\x62"
  - x y
  empty:
    l: []
    m: {}
    "n": null
  literal:
  - |-
    a
    b
  - |
    a
    b
  - |+
    a

  - |2-
     x
    y
  - |2-

    first
  long: Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor
    incididunt ut labore et dolore magna aliqua
  longq: "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod\ttempor
    incididunt ut labore et dolore magna aliqua"
  nested:
  - - a
    - b
  - j:
    - 1
    k: v
  nums:
  - "8080"
  - "1.5"
  - ""
  - "null"
  - "~"
  - "2001-12-14"
  - "1:20"
  - "0x1F"
  - "1e3"
  order:
    _x: 1
    "1": 1
    A: 1
    a2: 1
    a02: 1
    a10: 1
    b: 1
  plain:
  - a:b
  - a#b
  - -x
  - café
  - x]
  single:
  - '*star'
  - 'a: b'
  - 'a #b'
  - ' lead'
  - 'trail '
  - '- x'
  - '@at'
  - '%pct'
  typed:
  - 31
  - 1
  - 1000
  - 1.2345675e+06
  - 1e+21
  - 1e-07
  - 0
  - 15
  - true
  - null
  - 1e+20
kind: Thing
metadata:
  name: a
"##;

#[test]
fn prints_scalars_at_the_root() {
    assert_eq!(to_yaml_string(&Node::string("x")), "x\n");
    assert_eq!(to_yaml_string(&Node::string("a\nb")), "|-\n  a\n  b\n");
    assert_eq!(to_yaml_string(&Node::empty_map()), "{}\n");
    assert_eq!(to_yaml_string(&Node::Seq(vec![])), "[]\n");
}

#[test]
fn folds_long_sequence_items_under_their_dash() {
    let words = vec!["word"; 30].join(" ");
    let mut map = Map::new();
    map.insert("k", Node::Seq(vec![Node::string(words)]));
    let out = to_yaml_string(&Node::Map(map));
    let first = out.lines().nth(1).unwrap_or_default();
    assert!(first.starts_with("- word") && first.len() > 80, "{out}");
    assert!(
        out.lines().nth(2).unwrap_or_default().starts_with("  word"),
        "{out}"
    );
}
