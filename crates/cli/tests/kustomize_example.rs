//! The example service builds to exactly what the seed's `kustomize build`
//! printed, and `-o` writes the same resources to a file or directory.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn berth_build(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_berth"))
        .current_dir(repo())
        .args(["kustomize", "build"])
        .args(args)
        .output()
        .expect("run berth")
}

const PROD: &str = "examples/copilot-agent/_kustomize/overlays/prod";

#[test]
fn prod_overlay_matches_the_seed_output() {
    let expected =
        std::fs::read_to_string(repo().join("examples/copilot-agent/expected-prod.yaml"))
            .expect("expected output");
    let output = berth_build(&[PROD]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
}

#[test]
fn output_flag_writes_a_file_or_one_file_per_resource() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("example-out");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).expect("create out dir");
    let expected =
        std::fs::read_to_string(repo().join("examples/copilot-agent/expected-prod.yaml"))
            .expect("expected output");

    let file = out.join("all.yaml");
    let status = berth_build(&[PROD, "-o", file.to_str().expect("utf-8 path")]).status;
    assert!(status.success());
    assert_eq!(std::fs::read_to_string(&file).expect("written"), expected);

    let dir = out.join("per-resource");
    std::fs::create_dir_all(&dir).expect("create dir");
    let status = berth_build(&[PROD, "-o", dir.to_str().expect("utf-8 path")]).status;
    assert!(status.success());
    let written = std::fs::read_to_string(
        dir.join("kubernetes.project-planton.org_v1_kubernetesdeployment_copilot-agent.yaml"),
    )
    .expect("file named as kustomize names it");
    assert_eq!(written, expected);
}

#[test]
fn local_overlay_builds_on_top_of_prod() {
    let output = berth_build(&["examples/copilot-agent/_kustomize/overlays/local"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains("PORT: \"8003\""),
        "local overrides prod's port: {text}"
    );
    assert!(text.contains("env: app-prod"), "metadata from prod is kept");
}
