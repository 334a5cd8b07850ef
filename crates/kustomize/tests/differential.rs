//! Differential test of the whole engine against the real thing: random
//! kustomization trees (bases, overlays, components, generators, patches,
//! name and label transformers, replacements, vars, sorting) are built by
//! `kubectl kustomize` (kustomize v5.5.0) and by Berth, and the outputs must
//! be byte for byte the same, or both builds must fail.
//!
//! Skipped (with a message) when `kubectl` is not on the PATH.
//!
//! - `BERTH_DIFF_TREES`: how many trees (default 150).
//! - `BERTH_DIFF_SEED`: the first tree's seed (default 1); tree `i` uses
//!   seed `BERTH_DIFF_SEED + i`, so `BERTH_DIFF_SEED=<seed> BERTH_DIFF_TREES=1`
//!   rebuilds exactly one reported tree.
//! - `BERTH_DIFF_VERBOSE=1`: print kubectl's error for every tree that
//!   fails in both builds.
//! - `BERTH_DIFF_KEEP=1`: keep every tree, not only the differing ones.
//! - `BERTH_DIFF_ALL=1`: also draw the features that hit known gaps (see
//!   `Features` in `differential/gen.rs`).
//!
//! - `BERTH_DIFF_DIR=<dir>`: compare that one kustomization directory
//!   instead (to minimise a reported tree); both outputs are printed.
//!
//! A differing tree is kept under the temp dir (its path is printed) with
//! both outputs beside it (`kubectl.out`, `berth.out`).

#[path = "differential/gen.rs"]
mod gen;
#[path = "differential/rng.rs"]
mod rng;
#[path = "differential/yaml.rs"]
mod yaml;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use berth_kustomize::fs::DiskFs;
use berth_kustomize::{build_to_string, BuildOptions};

const DEFAULT_TREES: u64 = 150;
/// kubectl is a separate process; a few run at once to hide its start-up.
const WORKERS: usize = 4;
const MAX_SHOWN: usize = 10;

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

fn kubectl_available() -> bool {
    Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Output of one build, or the failure's message.
type Outcome = Result<String, String>;

fn kubectl_build(dir: &Path) -> Outcome {
    let output = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .map_err(|e| format!("cannot run kubectl: {e}"))?;
    if output.status.success() {
        String::from_utf8(output.stdout).map_err(|e| format!("kubectl printed non-UTF-8: {e}"))
    } else {
        // Deprecation warnings come before the error; keep the error.
        let stderr = String::from_utf8_lossy(&output.stderr);
        let error: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.starts_with("# Warning:"))
            .collect();
        Err(error.join("\n"))
    }
}

fn berth_build(dir: &Path) -> Outcome {
    let built =
        std::panic::catch_unwind(|| build_to_string(&DiskFs, dir, &BuildOptions::default()));
    match built {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("Berth panicked".into()),
    }
}

fn write_tree(root: &Path, tree: &gen::Tree) -> std::io::Result<()> {
    for (path, content) in &tree.files {
        let file = root.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(file, content)?;
    }
    Ok(())
}

/// The first differing line with a little context, `diff -u` style.
fn first_difference(kubectl: &str, berth: &str) -> String {
    let a: Vec<&str> = kubectl.lines().collect();
    let b: Vec<&str> = berth.lines().collect();
    let first = (0..a.len().max(b.len()))
        .find(|&i| a.get(i) != b.get(i))
        .unwrap_or(0);
    let start = first.saturating_sub(3);
    let mut out = format!("@@ line {} @@ (--- kubectl, +++ berth)\n", first + 1);
    for line in &a[start.min(a.len())..first.min(a.len())] {
        let _ = writeln!(out, " {line}");
    }
    for line in a.iter().skip(first).take(6) {
        let _ = writeln!(out, "-{line}");
    }
    for line in b.iter().skip(first).take(6) {
        let _ = writeln!(out, "+{line}");
    }
    if kubectl.ends_with('\n') != berth.ends_with('\n') {
        out.push_str("(the outputs differ in their final newline)\n");
    }
    out
}

/// How one tree went.
enum Verdict {
    /// Both built the same output.
    Same,
    /// Both failed; kubectl's message, to see what the generator gets wrong.
    BothFail(String),
    /// A report of the difference.
    Differ(String),
}

/// Compares one tree.
fn check_tree(root: &Path, seed: u64, features: gen::Features) -> Verdict {
    let tree = gen::generate(seed, features);
    let dir = root.join(format!("tree-{seed}"));
    if let Err(e) = write_tree(&dir, &tree) {
        return Verdict::Differ(format!("seed {seed}: cannot write the tree: {e}"));
    }
    let target = dir.join(tree.target);
    let kubectl = kubectl_build(&target);
    let berth = berth_build(&target);
    let problem = match (&kubectl, &berth) {
        (Ok(a), Ok(b)) if a == b => None,
        (Err(_), Err(_)) => None,
        // kustomize's output is not always stable (Go map order in a few
        // places); a difference it does not repeat is not Berth's.
        (Ok(a), Ok(b)) if kubectl_build(&target).as_ref() != Ok(a) => Some(format!(
            "kubectl's output varies between runs\n{}",
            first_difference(a, b)
        )),
        (Ok(a), Ok(b)) => Some(first_difference(a, b)),
        (Ok(_), Err(e)) => Some(format!("kubectl succeeds, Berth fails: {e}\n")),
        (Err(e), Ok(_)) => Some(format!("Berth succeeds, kubectl fails: {e}\n")),
    };
    match problem {
        None => {
            if !keep_trees() {
                let _ = std::fs::remove_dir_all(&dir);
            }
            match kubectl {
                Ok(_) => Verdict::Same,
                Err(e) => Verdict::BothFail(e),
            }
        }
        Some(problem) => {
            let show = |o: &Outcome| match o {
                Ok(text) => text.clone(),
                Err(e) => format!("ERROR: {e}\n"),
            };
            let _ = std::fs::write(dir.join("kubectl.out"), show(&kubectl));
            let _ = std::fs::write(dir.join("berth.out"), show(&berth));
            Verdict::Differ(format!(
                "seed {seed}: tree kept at {}\n{problem}",
                target.display()
            ))
        }
    }
}

fn keep_trees() -> bool {
    std::env::var("BERTH_DIFF_KEEP").is_ok_and(|v| v == "1")
}

fn temp_root() -> PathBuf {
    let root = std::env::temp_dir().join(format!("berth-diff-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("create the temp dir for the trees");
    root
}

/// Builds one given directory with both and prints everything.
fn compare_one_dir(dir: &Path) {
    let kubectl = kubectl_build(dir);
    let berth = berth_build(dir);
    let show = |o: &Outcome| match o {
        Ok(text) => text.clone(),
        Err(e) => format!("ERROR: {e}\n"),
    };
    eprintln!(
        "--- kubectl:\n{}--- berth:\n{}",
        show(&kubectl),
        show(&berth)
    );
    match (&kubectl, &berth) {
        (Ok(a), Ok(b)) => assert!(a == b, "outputs differ:\n{}", first_difference(a, b)),
        (Err(_), Err(_)) => {}
        _ => panic!("one build fails, the other does not"),
    }
}

#[test]
fn builds_match_kubectl_kustomize() {
    if !kubectl_available() {
        eprintln!("kubectl is not on the PATH: skipping the differential build test");
        return;
    }
    if let Ok(dir) = std::env::var("BERTH_DIFF_DIR") {
        compare_one_dir(Path::new(&dir));
        return;
    }
    let trees = env_number("BERTH_DIFF_TREES", DEFAULT_TREES);
    let first_seed = env_number("BERTH_DIFF_SEED", 1);
    let features = gen::Features {
        known_gaps: std::env::var("BERTH_DIFF_ALL").is_ok_and(|v| v == "1"),
    };
    let root = temp_root();
    let next = AtomicUsize::new(0);
    let mismatches = Mutex::new(Vec::new());
    let both_fail = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed) as u64;
                if i >= trees {
                    break;
                }
                let seed = first_seed + i;
                match check_tree(&root, seed, features) {
                    Verdict::Same => {}
                    Verdict::BothFail(error) => both_fail
                        .lock()
                        .expect("no worker panics")
                        .push((seed, error)),
                    Verdict::Differ(report) => {
                        eprintln!("{report}");
                        mismatches
                            .lock()
                            .expect("no worker panics")
                            .push((seed, report));
                    }
                }
            });
        }
    });
    let mut mismatches = mismatches.into_inner().expect("no worker panics");
    mismatches.sort();
    let mut both_fail = both_fail.into_inner().expect("no worker panics");
    both_fail.sort();
    if std::env::var("BERTH_DIFF_VERBOSE").is_ok_and(|v| v == "1") {
        for (seed, error) in &both_fail {
            eprintln!("seed {seed}: both fail: {error}");
        }
    }
    eprintln!(
        "compared {trees} trees (seeds {first_seed}..{}): {} differ, {} fail in both",
        first_seed + trees - 1,
        mismatches.len(),
        both_fail.len()
    );
    // A generator that mostly makes broken trees would test little.
    assert!(
        trees < 30 || both_fail.len() * 3 <= trees as usize,
        "{} of {trees} trees fail in both builds: the generator needs fixing",
        both_fail.len()
    );
    if keep_trees() {
        eprintln!("trees kept under {}", root.display());
    } else if mismatches.is_empty() {
        let _ = std::fs::remove_dir_all(&root);
        return;
    }
    let seeds: Vec<String> = mismatches.iter().map(|(s, _)| s.to_string()).collect();
    let shown: Vec<&str> = mismatches
        .iter()
        .take(MAX_SHOWN)
        .map(|(_, r)| r.as_str())
        .collect();
    panic!(
        "{} of {trees} trees build differently from kubectl kustomize (seeds {}):\n\n{}",
        mismatches.len(),
        seeds.join(" "),
        shown.join("\n")
    );
}
