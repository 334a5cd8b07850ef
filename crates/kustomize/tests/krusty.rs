//! Runs the conformance corpus taken from kustomize's own test suite
//! (`testdata/krusty`, see its README): each case's output must equal the
//! reference byte for byte, or the build must fail with the expected error.

use std::fs;
use std::path::{Path, PathBuf};

use berth_kustomize::fs::DiskFs;
use berth_kustomize::loader::LoadRestrictor;
use berth_kustomize::{build_to_string, BuildOptions, Reorder};

/// Cases that must pass. Every case passes; this may not go down.
const REQUIRED_PASSES: usize = 209;

fn corpus() -> PathBuf {
    // Canonical, so that paths in error messages (which are cleaned) start
    // with exactly this prefix.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/krusty")
        .canonicalize()
        .expect("testdata/krusty exists")
}

fn options(flags: &str) -> BuildOptions {
    let mut options = BuildOptions::default();
    let words: Vec<&str> = flags.split_whitespace().collect();
    for pair in words.windows(2) {
        match pair {
            ["--reorder", "none"] => options.reorder = Reorder::None,
            ["--reorder", "legacy"] => options.reorder = Reorder::Legacy,
            ["--load-restrictor", "LoadRestrictionsNone"] => {
                options.load_restrictor = LoadRestrictor::None
            }
            _ => {}
        }
    }
    options
}

enum Outcome {
    Pass,
    Fail(String),
}

fn run_case(case: &Path) -> Outcome {
    let read = |name: &str| fs::read_to_string(case.join(name)).ok();
    let target = read("target").unwrap_or_default();
    let flags = read("flags").unwrap_or_default();
    let fs_root = case.join("fs");
    let dir = fs_root.join(target.trim());
    let result = std::panic::catch_unwind(|| build_to_string(&DiskFs, &dir, &options(&flags)));
    let Ok(result) = result else {
        return Outcome::Fail("panicked".into());
    };
    match (read("expected.yaml"), read("expected_error"), result) {
        (Some(expected), _, Ok(actual)) => {
            if actual == expected {
                Outcome::Pass
            } else {
                Outcome::Fail(first_difference(&expected, &actual))
            }
        }
        (Some(_), _, Err(e)) => Outcome::Fail(format!("unexpected error: {e}")),
        (None, Some(expected), Err(e)) => {
            let message = e.to_string().replace(&fs_root.display().to_string(), "");
            let missing: Vec<&str> = expected
                .lines()
                .map(|l| l.trim_start_matches("= ").trim())
                .filter(|l| !l.is_empty() && !message.contains(l))
                .collect();
            if missing.is_empty() {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("error {message:?} lacks {missing:?}"))
            }
        }
        (None, Some(_), Ok(_)) => Outcome::Fail("expected an error, build succeeded".into()),
        (None, None, _) => Outcome::Fail("case has no expectation".into()),
    }
}

fn first_difference(expected: &str, actual: &str) -> String {
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            return format!("line {}: expected {e:?}, got {a:?}", i + 1);
        }
    }
    format!(
        "expected {} lines, got {}",
        expected.lines().count(),
        actual.lines().count()
    )
}

#[test]
fn krusty_conformance() {
    let mut cases: Vec<PathBuf> = fs::read_dir(corpus())
        .expect("testdata/krusty exists")
        .map(|e| e.expect("readable corpus").path())
        .filter(|p| p.join("fs").is_dir())
        .collect();
    cases.sort();
    let mut passed = 0;
    let mut failures = Vec::new();
    for case in &cases {
        match run_case(case) {
            Outcome::Pass => passed += 1,
            Outcome::Fail(why) => failures.push(format!(
                "{}: {why}",
                case.file_name().unwrap_or_default().to_string_lossy()
            )),
        }
    }
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    eprintln!("krusty: {passed} of {} cases pass", cases.len());
    assert!(
        passed >= REQUIRED_PASSES,
        "only {passed} of {} krusty cases pass; at least {REQUIRED_PASSES} must",
        cases.len()
    );
}
