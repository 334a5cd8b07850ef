//! Behaviours of `build` checked against `kubectl kustomize` by hand and
//! kept here on in-memory trees (the differential test does not draw them).

use std::path::Path;

use berth_kustomize::fs::MemFs;
use berth_kustomize::{build_to_string, BuildOptions, Reorder};

fn build(files: &[(&str, &str)], reorder: Reorder) -> Result<String, String> {
    let mut fs = MemFs::new();
    for (path, text) in files {
        fs.add(path, *text);
    }
    let options = BuildOptions {
        reorder,
        ..BuildOptions::default()
    };
    build_to_string(&fs, Path::new("/app"), &options).map_err(|e| e.to_string())
}

fn names(output: &str) -> Vec<&str> {
    output
        .lines()
        .filter_map(|l| l.strip_prefix("  name: "))
        .collect()
}

#[test]
fn local_config_annotation_drops_a_resource_unless_it_says_false() {
    let resources = "\
apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  annotations:\n    config.kubernetes.io/local-config: \"yes\"\n---
apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n  annotations:\n    config.kubernetes.io/local-config: \"false\"\n---
apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: z\n  annotations:\n    config.kubernetes.io/local-config: \"\"\n";
    let out = build(
        &[
            ("app/kustomization.yaml", "resources: [r.yaml]\n"),
            ("app/r.yaml", resources),
        ],
        Reorder::None,
    )
    .unwrap();
    assert_eq!(names(&out), ["kept"]);
}

#[test]
fn list_items_come_after_the_documents_that_follow_the_list() {
    let resources = "\
apiVersion: v1\nkind: ConfigMapList\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: a}\n---
apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n---
apiVersion: v1\nkind: List\n";
    let out = build(
        &[
            ("app/kustomization.yaml", "resources: [r.yaml]\n"),
            ("app/r.yaml", resources),
        ],
        Reorder::None,
    )
    .unwrap();
    assert_eq!(
        names(&out),
        ["b", "a"],
        "an empty List is dropped, not an error"
    );
}

#[test]
fn resources_need_a_name() {
    let err = build(
        &[
            ("app/kustomization.yaml", "resources: [r.yaml]\n"),
            (
                "app/r.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n",
            ),
        ],
        Reorder::None,
    )
    .unwrap_err();
    assert!(err.contains("r.yaml: missing metadata.name"), "{err}");
}

#[test]
fn annotations_print_as_strings_and_labels_keep_their_types() {
    let out = build(
        &[
            ("app/kustomization.yaml", "resources: [r.yaml]\n"),
            (
                "app/r.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  annotations: {num: 1, bool: true}\n  labels: {num: 1, bool: true}\n",
            ),
        ],
        Reorder::None,
    )
    .unwrap();
    assert!(
        out.contains("  annotations:\n    bool: \"true\"\n    num: \"1\"\n"),
        "{out}"
    );
    assert!(
        out.contains("  labels:\n    bool: true\n    num: 1\n"),
        "{out}"
    );
}
