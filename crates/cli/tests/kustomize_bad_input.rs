//! `berth kustomize build` on bad input: every case fails with exit code 1
//! and one clear line on stderr naming the file (and line where there is
//! one), never a panic.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn berth() -> Command {
    Command::new(env!("CARGO_BIN_EXE_berth"))
}

/// A fresh directory under the target dir, removed and recreated per test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("bad-input")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    fs::create_dir_all(path.parent().expect("has parent")).expect("create parent");
    fs::write(path, text).expect("write file");
}

fn build(dir: &Path) -> Output {
    berth()
        .args(["kustomize", "build"])
        .arg(dir)
        .output()
        .expect("run berth")
}

/// Asserts a failed build with a single stderr line containing `needles`.
fn assert_one_line_error(output: &Output, needles: &[&str]) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(1), "exit code; stderr: {stderr}");
    assert!(output.stdout.is_empty(), "nothing on stdout on error");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    assert!(!stderr.contains("panicked"), "no panic: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "stderr {stderr:?} should contain {needle:?}"
        );
    }
    stderr
}

const CONFIG_MAP: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n";

#[test]
fn malformed_yaml_names_file_and_line() {
    let dir = scratch("malformed");
    write(&dir, "kustomization.yaml", "resources: [r.yaml]\n");
    write(
        &dir,
        "r.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: [a, b\n",
    );
    assert_one_line_error(&build(&dir), &["r.yaml", "line 6"]);
}

#[test]
fn missing_file_is_named() {
    let dir = scratch("missing");
    write(&dir, "kustomization.yaml", "resources: [nope.yaml]\n");
    assert_one_line_error(&build(&dir), &["nope.yaml", "no such file"]);
}

#[test]
fn missing_kustomization_file_is_named() {
    let dir = scratch("no-kustomization");
    write(&dir, "r.yaml", CONFIG_MAP);
    assert_one_line_error(
        &build(&dir),
        &["unable to find one of 'kustomization.yaml'"],
    );
}

#[test]
fn cycles_between_kustomizations_are_refused() {
    let dir = scratch("cycle");
    write(&dir, "a/kustomization.yaml", "resources: [../b]\n");
    write(&dir, "b/kustomization.yaml", "resources: [../a]\n");
    assert_one_line_error(&build(&dir.join("a")), &["cycle detected", "/a"]);
}

#[test]
fn untargeted_patch_matching_nothing_is_an_error() {
    let dir = scratch("patch-no-target");
    write(
        &dir,
        "kustomization.yaml",
        "resources: [r.yaml]\npatches:\n- patch: |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: nope}\n",
    );
    write(&dir, "r.yaml", CONFIG_MAP);
    assert_one_line_error(
        &build(&dir),
        &["no matches for Id ConfigMap.v1.[noGrp]/nope"],
    );
}

#[test]
fn files_outside_the_root_are_refused() {
    let dir = scratch("outside");
    write(&dir, "secret.yaml", CONFIG_MAP);
    write(
        &dir,
        "app/kustomization.yaml",
        "resources: [../secret.yaml]\n",
    );
    let err = assert_one_line_error(
        &build(&dir.join("app")),
        &["security;", "secret.yaml", "is not in or below"],
    );
    assert!(err.contains("/app"), "{err}");

    // The same file is fine when the restrictor is lifted.
    let output = berth()
        .args([
            "kustomize",
            "build",
            "--load-restrictor",
            "LoadRestrictionsNone",
        ])
        .arg(dir.join("app"))
        .output()
        .expect("run berth");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[cfg(unix)]
#[test]
fn symlinks_pointing_outside_the_root_are_refused() {
    let dir = scratch("symlink");
    write(&dir, "secret.yaml", CONFIG_MAP);
    write(&dir, "app/kustomization.yaml", "resources: [link.yaml]\n");
    std::os::unix::fs::symlink("../secret.yaml", dir.join("app/link.yaml")).expect("symlink");
    assert_one_line_error(&build(&dir.join("app")), &["security;", "link.yaml"]);
}

#[test]
fn alias_bombs_are_refused() {
    let dir = scratch("bomb");
    let mut text = String::from("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        text.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    write(&dir, "kustomization.yaml", "resources: [r.yaml]\n");
    write(&dir, "r.yaml", &text);
    assert_one_line_error(&build(&dir), &["r.yaml", "excessive aliasing"]);
}

#[test]
fn huge_files_are_refused_before_reading() {
    let dir = scratch("huge");
    write(&dir, "kustomization.yaml", "resources: [r.yaml]\n");
    let file = fs::File::create(dir.join("r.yaml")).expect("create");
    // A sparse 100 MB file: costs no disk, and is refused by size alone.
    file.set_len(100 * 1024 * 1024).expect("grow");
    assert_one_line_error(&build(&dir), &["r.yaml", "larger than"]);
}

#[test]
fn unknown_kustomization_fields_are_named() {
    let dir = scratch("unknown-field");
    write(&dir, "kustomization.yaml", "resourcez: [r.yaml]\n");
    assert_one_line_error(
        &build(&dir),
        &["kustomization.yaml", "unknown field `resourcez`"],
    );
}

#[test]
fn good_input_still_builds() {
    let dir = scratch("good");
    write(
        &dir,
        "kustomization.yaml",
        "resources: [r.yaml]\nnamePrefix: p-\n",
    );
    write(&dir, "r.yaml", CONFIG_MAP);
    let output = build(&dir);
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: p-x\n"
    );
}

#[test]
fn targeted_patch_matching_nothing_warns_but_builds_as_kustomize_does() {
    let dir = scratch("patch-target-nothing");
    write(
        &dir,
        "kustomization.yaml",
        "resources: [r.yaml]\npatches:\n- target: {kind: Deployment, name: nope}\n  patch: |-\n    - op: add\n      path: /x\n      value: 1\n",
    );
    write(&dir, "r.yaml", CONFIG_MAP);
    let output = build(&dir);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: patch target {kind=Deployment name=nope}")
            && stderr.contains("matches no resource"),
        "{stderr}"
    );
}
