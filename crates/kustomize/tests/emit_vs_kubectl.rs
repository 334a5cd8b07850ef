//! Differential test of the YAML writer against the real thing: generated
//! resources full of hostile values go through `kubectl kustomize` (which
//! embeds kustomize v5.5.0) and through `to_yaml_string(parse(..))`, and
//! every document must come out byte for byte the same.
//!
//! Skipped (with a message) when `kubectl` is not on the PATH. The number
//! of batches and the first seed can be set with `BERTH_EMIT_BATCHES` and
//! `BERTH_EMIT_SEED` to search further.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use berth_kustomize::yaml::emit::to_yaml_string;
use berth_kustomize::yaml::parse::parse_documents;
use berth_kustomize::yaml::Node;

const DOCS_PER_BATCH: usize = 250;
const DEFAULT_BATCHES: u64 = 4;
const MAX_REPORTED_MISMATCHES: usize = 8;

/// splitmix64: small, deterministic, good enough to pick test values.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Pieces that hostile strings are glued from: YAML indicators in every
/// position, whitespace, breaks, escapes, unicode (letters, digits, astral
/// characters, invisible ones) and words that resolve to other types.
const FRAGMENTS: &[&str] = &[
    "a",
    "word",
    "Hello",
    "x1",
    "data",
    "z",
    " ",
    " ",
    " ",
    "  ",
    "   ",
    ":",
    ": ",
    " :",
    "::",
    "#",
    " #",
    "# ",
    "-",
    "- ",
    " -",
    "--- ",
    "---",
    "...",
    "?",
    "? ",
    "'",
    "''",
    "\"",
    "\\",
    "\\n",
    "\t",
    "\n",
    "\n",
    "\n\n",
    " \n",
    "\n ",
    "\n  ",
    "\r",
    "\r\n",
    ",",
    "[",
    "]",
    "{",
    "}",
    "&",
    "*",
    "!",
    "|",
    ">",
    "%",
    "@",
    "`",
    "~",
    "=",
    "<<",
    "é",
    "ñ",
    "Ärger",
    "中文",
    "日本語",
    "😀",
    "𝔘",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\u{a0}",
    "\u{feff}",
    "\u{0}",
    "\u{1}",
    "\u{8}",
    "\u{b}",
    "\u{c}",
    "\u{1b}",
    "\u{7}",
    "\u{1f}",
    "\u{fffd}",
    "Ω",
    "٣",
    "١٠",
    "0",
    "1",
    "42",
    "0x1F",
    "1.5",
    "1e3",
    "true",
    "yes",
    "no",
    "on",
    "off",
    "null",
    "~",
    "2001-12-14",
    "12:30",
    "a: b",
    "key: value",
    "http://x.io/a#b",
    "$HOME",
    "${VAR}",
    "%{x}",
    "a=b",
];

/// Whole strings that must be quoted (or must not be) for subtle reasons.
const SPECIAL_STRINGS: &[&str] = &[
    "",
    " ",
    "  ",
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "yes",
    "Yes",
    "YES",
    "no",
    "No",
    "NO",
    "y",
    "Y",
    "n",
    "N",
    "on",
    "On",
    "ON",
    "off",
    "Off",
    "OFF",
    "oN",
    "yES",
    "null",
    "Null",
    "NULL",
    "nULL",
    "~",
    "0",
    "-0",
    "+0",
    "8080",
    "-1",
    "+1",
    "0x1F",
    "0X1f",
    "0o17",
    "0O17",
    "017",
    "08",
    "09",
    "0b101",
    "-0b101",
    "0B11",
    "1_000",
    "1__0",
    "_1",
    "1_",
    "1.5",
    "-1.5",
    "+1.5",
    ".5",
    "-.5",
    "1.",
    "1e3",
    "1E3",
    "1e+3",
    "1e-3",
    "1.5e3",
    ".5e3",
    "1e",
    "e3",
    ".e3",
    ".",
    "..",
    "...",
    "-",
    "+",
    ".inf",
    ".Inf",
    ".INF",
    "-.inf",
    "+.inf",
    ".nan",
    ".NaN",
    "inf",
    "nan",
    "NaN",
    "Infinity",
    "-Infinity",
    "1:20",
    "1:20:30",
    "-1:20",
    "+1:20",
    "1:60",
    "1:5",
    "190:20:30.15",
    "1:20.5_",
    "1_0:20",
    "1:2:3:4",
    "1::2",
    "2001-12-14",
    "2001-12-14t21:59:43.10-05:00",
    "2001-12-14T21:59:43.10+05:00",
    "2001-12-14 21:59:43.10",
    "2001-12-14 21:59:43,10",
    "2001-12-14 21:59:43.10 -5",
    "2002-12-14T21:59:43Z",
    "2001-12-32",
    "2001-02-29",
    "2000-02-29",
    "2001-1-2",
    "2001-12-14  21:59:43",
    "2001-12-14 24:00:00",
    "2001-12-14T21:59:43+24:00",
    "2001-12-14T21:59:43+25:00",
    "2001-12-14T1:2:3Z",
    "20011-12-14",
    "0001-01-01",
    "2001-12-14 21:59:43.",
    "2001-12-14 21:59:43.1234567890123",
    "1.2.3",
    "1,000",
    "<<",
    "=",
    "!",
    "&a",
    "*a",
    "- a",
    "-a",
    "? a",
    "?a",
    ": a",
    ":a",
    "a:",
    "a: b",
    "a:b",
    "a #b",
    "a#b",
    "#a",
    "@a",
    "`a",
    "%a",
    "|",
    ">",
    "'a'",
    "\"a\"",
    "[a]",
    "{a}",
    "a]",
    "a}",
    "a,b",
    "--- a",
    "---",
    "... a",
    "----",
    "0x",
    "0o",
    "0b",
    "0xG",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "0xFFFFFFFFFFFFFFFF",
    "0x1FFFFFFFFFFFFFFFF",
    "1e400",
    "-1e400",
    ".5_5",
    "1_000.5",
    "0.1_",
    "+.5",
    "+-1",
    "--1",
    "0x_1F",
    "1__000",
    "-_1",
    "0_x1",
    "._5",
    "0777777777777777777777777",
    "a\u{2028}b",
    "\u{2029}",
    "x\u{85}y",
    "tab\there",
    "trailing ",
    " leading",
    "\nstarts with break",
    "ends with break\n",
    "two\n\n",
    "\n",
    "\n\n",
    " \n ",
    "a\n b",
    "a \nb",
    "a\n\n b\n",
    "\t",
    "#",
    "# comment",
    "*",
    "&",
    "!tag",
];

/// Plain (unquoted) scalars written into the input as they are, to check
/// how typed values (ints, floats, bools, nulls) and YAML 1.1 words print.
/// (No plain timestamps: kustomize turns them into Go `time.Time` values,
/// which the node model does not represent yet.)
const PLAIN_TOKENS: &[&str] = &[
    "true",
    "True",
    "TRUE",
    "false",
    "False",
    "FALSE",
    "null",
    "Null",
    "NULL",
    "~",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "0",
    "-0",
    "+0",
    "8080",
    "-1",
    "+12",
    "0x1F",
    "0X1f",
    "0o17",
    "017",
    "08",
    "09",
    "0b101",
    "-0b101",
    "1_000",
    "1.5",
    "-1.5",
    "+1.5",
    ".5",
    "-.5",
    "1.",
    "1.0",
    "-0.0",
    "1e3",
    "1E3",
    "1e+3",
    "1e-3",
    "1.5e3",
    ".5e3",
    "1e21",
    "1e20",
    "1e-7",
    "1e-6",
    "1.25e-10",
    "123456.5",
    "1234567.5",
    "0.0001",
    "0.00001",
    "1e100",
    "1e400",
    "12345678901234567890",
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775807",
    "9223372036854775808",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "1_000.5",
    "1:20",
    "1.2.3",
    "0x",
    "0xFFFFFFFFFFFFFFFF",
    "0x1FFFFFFFFFFFFFFFF",
    "3.14159265358979",
    "2.5e-5",
    "6.02e23",
    "1.7976931348623157e308",
    "5e-324",
    "4.9e-324",
    "0.1",
    "0.30000000000000004",
    "100000.5",
    "1000000.5",
];

const WORDS: &[&str] = &[
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "kubernetes",
    "deployment",
    "container",
    "a",
    "is",
    "of",
    "to",
    "configuration",
    "x",
    "supercalifragilisticexpialidocious",
    "é",
    "中文",
    "-",
    ":",
    "#",
    "'",
    "\"",
    "--",
    "a:",
    "#x",
    "42",
    "true",
];

const KEY_WORDS: &[&str] = &[
    "a",
    "b",
    "A",
    "B",
    "z",
    "Z",
    "_",
    "_x",
    "-x",
    ".x",
    "x.y",
    "k8s.io/name",
    "app.kubernetes.io/name",
    "name",
    "Name",
    "NAME",
    "item",
    "Item",
    "é",
    "É",
    "ä",
    "z9",
    "中",
    "Ω",
    "ω",
    "a-b",
    "a_b",
    "a b",
    "a.b",
    "a/b",
    "a~b",
    "aa",
    "aA",
    "Aa",
    "$x",
    "@x",
    "x@",
    "key",
    "value",
];

const KEY_SUFFIXES: &[&str] = &[
    "",
    "",
    "0",
    "00",
    "000",
    "1",
    "01",
    "001",
    "2",
    "02",
    "9",
    "10",
    "010",
    "11",
    "100",
    "99",
    "1a",
    "1b2",
    "1b10",
    "0a",
    "٣",
    "١٠",
    "٠",
    "9223372036854775807",
    "9223372036854775808",
    "99999999999999999999",
    "0x1F",
    "1.5",
    "-1",
    "_2",
    " 2",
    ".10",
    ".9",
];

struct Generator {
    rng: Rng,
    /// Number of scalars (keys and values) in the documents generated.
    values: usize,
}

impl Generator {
    fn hostile_string(&mut self, max_fragments: usize) -> String {
        let n = self.rng.range(1, max_fragments);
        (0..n).map(|_| self.rng.pick(FRAGMENTS)).collect()
    }

    fn sentence(&mut self) -> String {
        let target = self.rng.range(40, 400);
        let mut text = String::new();
        while text.chars().count() < target {
            if !text.is_empty() {
                text.push_str(match self.rng.below(20) {
                    0 => "  ",
                    1 => "   ",
                    2 => "\n",
                    _ => " ",
                });
            }
            if self.rng.chance(3) {
                text.push_str(&self.long_word());
            } else {
                text.push_str(self.rng.pick(WORDS));
            }
        }
        match self.rng.below(8) {
            0 => text.insert(0, ' '),
            1 => text.push(' '),
            2 => text.push('\n'),
            3 => text.insert(0, '\t'),
            _ => {}
        }
        text
    }

    fn long_word(&mut self) -> String {
        let len = self.rng.range(20, 160);
        let alphabet: Vec<char> = "abcdefghijklmnopqrstuvwxyz0123456789-_./é中"
            .chars()
            .collect();
        (0..len)
            .map(|_| alphabet[self.rng.below(alphabet.len())])
            .collect()
    }

    /// A string value. A NEL (U+0085) right before `---` or `...` is
    /// avoided: go-yaml v2 takes the NEL for a line break and then the
    /// dashes for a document marker, and kustomize fails.
    fn string_value(&mut self) -> String {
        self.any_string_value()
            .replace("\u{85}---", "\u{85}-x-")
            .replace("\u{85}...", "\u{85}.x.")
    }

    fn any_string_value(&mut self) -> String {
        match self.rng.below(20) {
            0..=7 => self.hostile_string(8),
            8..=11 => self.rng.pick(SPECIAL_STRINGS).to_owned(),
            12..=15 => self.sentence(),
            16 => self.long_word(),
            17 => format!(
                "{}{}",
                self.rng.pick(SPECIAL_STRINGS),
                self.hostile_string(3)
            ),
            18 => format!(
                "{}{}",
                self.hostile_string(3),
                self.rng.pick(SPECIAL_STRINGS)
            ),
            _ => self.hostile_string(30),
        }
    }

    /// A mapping key. Keys never hold NEL (U+0085): Go's JSON leaves it
    /// raw, go-yaml v2 reads it as a line break and kustomize fails.
    fn key(&mut self) -> String {
        self.any_key().replace('\u{85}', "x")
    }

    fn any_key(&mut self) -> String {
        match self.rng.below(20) {
            0..=9 => format!(
                "{}{}",
                self.rng.pick(KEY_WORDS),
                self.rng.pick(KEY_SUFFIXES)
            ),
            10..=11 => self.rng.pick(SPECIAL_STRINGS).to_owned(),
            12..=13 => self.hostile_string(4),
            14 => {
                let n = self.rng.range(100, 200);
                let mut key = self.sentence();
                key.truncate(key.char_indices().nth(n).map_or(key.len(), |(i, _)| i));
                key
            }
            15 => self.long_word().repeat(2),
            16 => format!("{}\n{}", self.rng.pick(KEY_WORDS), self.rng.pick(KEY_WORDS)),
            _ => format!(
                "{}{}{}",
                self.rng.pick(KEY_WORDS),
                self.rng.pick(KEY_SUFFIXES),
                self.rng.pick(KEY_SUFFIXES)
            ),
        }
    }

    /// A random value as YAML flow text (JSON-like, so nesting is free of
    /// indentation concerns on the input side).
    fn value(&mut self, depth: usize, out: &mut String) {
        let nested = depth < 4 && self.rng.chance(35 - depth * 8);
        if nested {
            if self.rng.chance(55) {
                self.mapping(depth + 1, out);
            } else {
                self.sequence(depth + 1, out);
            }
            return;
        }
        self.values += 1;
        match self.rng.below(20) {
            0..=4 => out.push_str(self.rng.pick(PLAIN_TOKENS)),
            5 => out.push_str(if self.rng.chance(50) { "{}" } else { "[]" }),
            _ => {
                let s = self.string_value();
                quote(&s, out);
            }
        }
    }

    fn mapping(&mut self, depth: usize, out: &mut String) {
        let n = self.rng.range(0, 8);
        let mut keys = BTreeSet::new();
        for _ in 0..n {
            keys.insert(self.key());
        }
        // Shuffle so that the input order says nothing about the output.
        let mut keys: Vec<String> = keys.into_iter().collect();
        for i in (1..keys.len()).rev() {
            let j = self.rng.below(i + 1);
            keys.swap(i, j);
        }
        out.push('{');
        for (i, key) in keys.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.values += 1;
            quote(key, out);
            out.push_str(": ");
            self.value(depth, out);
        }
        out.push('}');
    }

    fn sequence(&mut self, depth: usize, out: &mut String) {
        let n = self.rng.range(0, 6);
        out.push('[');
        for i in 0..n {
            if i > 0 {
                out.push_str(", ");
            }
            self.value(depth, out);
        }
        out.push(']');
    }

    fn document(&mut self, name: &str) -> String {
        let mut out = format!("{{\"apiVersion\": \"test.berth.dev/v1\", \"kind\": \"Thing\", \"metadata\": {{\"name\": \"{name}\"}}, \"spec\": ");
        self.mapping(0, &mut out);
        out.push('}');
        out
    }
}

/// A YAML double-quoted scalar that reads back as exactly `s`: printable
/// ASCII as is, everything else escaped.
fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xFFFF => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08X}", c as u32);
            }
        }
    }
    out.push('"');
}

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run_kustomize(dir: &Path, resources: &str) -> String {
    std::fs::write(
        dir.join("kustomization.yaml"),
        "resources:\n- resources.yaml\n",
    )
    .expect("write kustomization");
    std::fs::write(dir.join("resources.yaml"), resources).expect("write resources");
    let output = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("run kubectl kustomize");
    assert!(
        output.status.success(),
        "kubectl kustomize failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("kustomize prints UTF-8")
}

/// Splits `kustomize build` output into documents keyed by resource name.
/// Documents are joined with `---\n`, which does not always start a line:
/// a document can end in a U+2028/U+2029 line separator without `\n`.
fn documents_by_name(output: &str) -> BTreeMap<String, String> {
    const START: &str = "apiVersion: test.berth.dev/v1\n";
    let mut docs = BTreeMap::new();
    for (i, part) in output.split(&format!("---\n{START}")).enumerate() {
        let doc = if i == 0 {
            part.to_owned()
        } else {
            format!("{START}{part}")
        };
        let name = doc
            .lines()
            .find_map(|line| line.strip_prefix("  name: "))
            .unwrap_or("?")
            .to_owned();
        docs.insert(name, doc);
    }
    docs
}

/// Whether kustomize can print `expected` for this one document on some
/// run. Go sorts mapping keys from a randomly ordered Go map, and for key
/// sets that v2's comparison orders inconsistently the output varies.
fn kustomize_sometimes_prints(dir: &Path, input: &str, expected: &str) -> bool {
    (0..12).any(|_| run_kustomize(dir, input) == expected)
}

fn first_difference(expected: &str, actual: &str) -> String {
    let mut report = String::new();
    for (n, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            let _ = writeln!(
                report,
                "line {}:\n  kubectl: {a:?}\n  ours:    {e:?}",
                n + 1
            );
            return report;
        }
    }
    let _ = writeln!(
        report,
        "lengths differ: kubectl {} lines, ours {} lines",
        actual.lines().count(),
        expected.lines().count()
    );
    report
}

/// With `BERTH_EMIT_DUMP=DIR`, keeps each differing document's input and
/// both outputs in DIR for a closer look.
fn dump_mismatch(name: &str, input: &str, kubectl: &str, ours: &str) {
    let Ok(dir) = std::env::var("BERTH_EMIT_DUMP") else {
        return;
    };
    let dir = Path::new(&dir);
    let _ = std::fs::create_dir_all(dir);
    let _ = std::fs::write(dir.join(format!("{name}.input.yaml")), input);
    let _ = std::fs::write(dir.join(format!("{name}.kubectl.yaml")), kubectl);
    let _ = std::fs::write(dir.join(format!("{name}.ours.yaml")), ours);
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn emitter_matches_kubectl_kustomize() {
    if !kubectl_available() {
        eprintln!("kubectl is not on the PATH: skipping the differential emitter test");
        return;
    }
    let batches: u64 = std::env::var("BERTH_EMIT_BATCHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_BATCHES);
    let first_seed: u64 = std::env::var("BERTH_EMIT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let dir = TempDir(std::env::temp_dir().join(format!("berth-emit-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).expect("create temp dir");

    let (mut compared_docs, mut compared_values, mut mismatches, mut unstable) =
        (0, 0, Vec::new(), 0);
    for seed in first_seed..first_seed + batches {
        let mut generator = Generator {
            rng: Rng(seed),
            values: 0,
        };
        let inputs: Vec<String> = (0..DOCS_PER_BATCH)
            .map(|i| generator.document(&format!("doc-{seed:04}-{i:05}")))
            .collect();
        let stream = inputs.join("\n---\n");
        let actual = documents_by_name(&run_kustomize(&dir.0, &stream));
        let nodes: Vec<Node> = parse_documents(&stream).expect("generated input parses");
        assert_eq!(nodes.len(), inputs.len());
        for (input, node) in inputs.iter().zip(&nodes) {
            let name = node.str_at(&["metadata", "name"]).unwrap_or("?").to_owned();
            let expected = to_yaml_string(node);
            match actual.get(&name) {
                Some(doc) if *doc == expected => {}
                Some(_) if kustomize_sometimes_prints(&dir.0, input, &expected) => unstable += 1,
                Some(doc) => {
                    dump_mismatch(&name, input, doc, &expected);
                    mismatches.push(format!(
                        "{name}: {}input: {input}\n--- kubectl:\n{doc}--- ours:\n{expected}",
                        first_difference(&expected, doc)
                    ))
                }
                None => mismatches.push(format!("{name}: missing from kubectl output")),
            }
        }
        compared_docs += nodes.len();
        compared_values += generator.values;
    }
    eprintln!(
        "compared {compared_docs} documents holding {compared_values} keys and values; {} differ; \
         {unstable} match only some of kustomize's runs (its key order varies)",
        mismatches.len()
    );
    if !mismatches.is_empty() {
        let shown: Vec<&String> = mismatches.iter().take(MAX_REPORTED_MISMATCHES).collect();
        panic!(
            "{} of {compared_docs} documents differ from kubectl kustomize:\n\n{}",
            mismatches.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
}
