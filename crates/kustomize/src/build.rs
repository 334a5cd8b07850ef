//! The top of a build: what `kustomize build DIR` does around the
//! kustomization tree (final hashes, name references, vars, order).

use std::path::Path;

use crate::error::Result;
use crate::fs::FileSystem;
use crate::loader::{LoadRestrictor, Loader};
use crate::resource::{Origin, ResMap};
use crate::sort::SortOptions;
use crate::target::Target;
use crate::yaml::{Node, Scalar, ScalarKind};

/// How the output is ordered (`--reorder`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reorder {
    /// Not given: the kustomization's `sortOptions`, else legacy.
    #[default]
    Unspecified,
    Legacy,
    /// Keep input order.
    None,
}

/// Options of one build.
#[derive(Clone, Debug, Default)]
pub struct BuildOptions {
    pub load_restrictor: LoadRestrictor,
    pub reorder: Reorder,
}

/// Annotation kustomize uses to mark resources that are never output.
const LOCAL_CONFIG_ANNOTATION: &str = "config.kubernetes.io/local-config";

/// `buildMetadata` option asking for `config.kubernetes.io/origin`.
const ORIGIN_ANNOTATIONS_OPTION: &str = "originAnnotations";
const ORIGIN_ANNOTATION: &str = "config.kubernetes.io/origin";
/// `buildMetadata` option asking for `alpha.config.kubernetes.io/transformations`.
const TRANSFORMER_ANNOTATIONS_OPTION: &str = "transformerAnnotations";
const TRANSFORMATIONS_ANNOTATION: &str = "alpha.config.kubernetes.io/transformations";
/// `buildMetadata` option asking for the managed-by label.
const MANAGED_BY_LABEL_OPTION: &str = "managedByLabel";
const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// The value kustomize v5.5.0 writes; Berth builds what that version builds.
const MANAGED_BY_VALUE: &str = "kustomize-v5.5.0";

/// Annotations kustomize uses to carry state between steps; never output.
fn is_build_annotation(key: &str) -> bool {
    key.starts_with("internal.config.kubernetes.io/")
        || matches!(
            key,
            "config.kubernetes.io/previousKinds"
                | "config.kubernetes.io/previousNames"
                | "config.kubernetes.io/previousNamespaces"
                | "config.kubernetes.io/path"
                | "config.kubernetes.io/index"
                | "config.k8s.io/id"
                | "kustomize.config.k8s.io/id"
                | "kustomize.config.k8s.io/needs-hash"
                | "kustomize.config.k8s.io/behavior"
        )
}

/// Kustomize's `RemoveBuildAnnotations`: drops its own annotations and
/// writes the rest back as a string map, so every value prints as a string
/// (`port: 8080` becomes `port: "8080"`, null becomes ""), and an emptied
/// map disappears. An empty map that was empty all along stays.
fn remove_build_annotations(r: &mut crate::resource::Resource) {
    let Some(meta) = r.node.get_mut("metadata").and_then(Node::as_map_mut) else {
        return;
    };
    let Some(annotations) = meta.get_mut("annotations").and_then(Node::as_map_mut) else {
        return;
    };
    if annotations.is_empty() {
        return;
    }
    annotations.retain(|key, _| !is_build_annotation(key));
    for (_, value) in annotations.iter_mut() {
        if let Node::Scalar(s) = value {
            if s.is_null() {
                *s = Scalar::string("");
            } else {
                s.kind = ScalarKind::Str;
            }
        }
    }
    if annotations.is_empty() {
        meta.remove("annotations");
    }
}

/// Turns a YAML mapping's lines into one item of a YAML list.
fn as_list_item(mapping: &str) -> String {
    let mut out = String::new();
    for (i, line) in mapping.lines().enumerate() {
        out.push_str(if i == 0 { "- " } else { "  " });
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The origin annotation's text: YAML with kustomize's field order.
fn origin_annotation(origin: &Origin) -> String {
    let mut out = String::new();
    for (key, value) in [
        ("path", &origin.path),
        ("repo", &origin.repo),
        ("ref", &origin.git_ref),
        ("configuredIn", &origin.configured_in),
    ] {
        if !value.is_empty() {
            out.push_str(&format!("{key}: {value}\n"));
        }
    }
    if let Some(by) = &origin.configured_by {
        out.push_str("configuredBy:\n");
        out.push_str(&format!("  apiVersion: {}\n", by.gvk.api_version()));
        out.push_str(&format!("  kind: {}\n", by.gvk.kind));
        if !by.name.is_empty() {
            out.push_str(&format!("  name: {}\n", by.name));
        }
        if !by.namespace.is_empty() {
            out.push_str(&format!("  namespace: {}\n", by.namespace));
        }
    }
    out
}

/// Builds the kustomization in `path` into resources.
pub fn build(fs: &dyn FileSystem, path: &Path, options: &BuildOptions) -> Result<ResMap> {
    build_with_warnings(fs, path, options).map(|(resources, _)| resources)
}

/// Like [`build`], also returning warnings: things kustomize accepts
/// silently that are probably mistakes (a patch target matching nothing, a
/// var never used).
pub fn build_with_warnings(
    fs: &dyn FileSystem,
    path: &Path,
    options: &BuildOptions,
) -> Result<(ResMap, Vec<String>)> {
    let loader = Loader::new(fs, path, options.load_restrictor)?;
    let mut target = Target::load(loader)?;
    let build_metadata = target.kustomization.build_metadata.clone();
    if !build_metadata.is_empty() {
        target.origin = Some(Origin::default());
    }
    target.set_schema(true)?;
    let mut ra = target.accumulate()?;
    let mut resources = std::mem::take(&mut ra.resources);
    // Done last, not per kustomization: hashes cover the final content,
    // and references follow every rename made anywhere in the tree.
    crate::plugins::hash::add_hash_suffixes(&mut resources)?;
    crate::nameref::fix_name_references(&mut resources, &ra.config)?;
    let unused = crate::vars::resolve_vars_reporting_unused(
        &mut resources,
        &ra.vars,
        &ra.config.var_reference,
    )?;
    if !unused.is_empty() {
        target.warnings.borrow_mut().push(format!(
            "well-defined vars that were never replaced: {}",
            unused.join(",")
        ));
    }
    resources.resources.retain(|r| {
        r.annotations()
            .and_then(|a| a.get(LOCAL_CONFIG_ANNOTATION))
            // Present means local, unless it says exactly "false".
            .is_none_or(|v| v.as_str() == Some("false"))
    });

    for r in resources.iter_mut() {
        remove_build_annotations(r);
    }
    if build_metadata
        .iter()
        .any(|m| m == ORIGIN_ANNOTATIONS_OPTION)
    {
        for r in resources.iter_mut() {
            if let Some(text) = r.origin.as_ref().map(origin_annotation) {
                r.set_annotation(ORIGIN_ANNOTATION, &text);
            }
        }
    }
    if build_metadata
        .iter()
        .any(|m| m == TRANSFORMER_ANNOTATIONS_OPTION)
    {
        for r in resources.iter_mut() {
            if !r.transformations.is_empty() {
                let text: String = r
                    .transformations
                    .iter()
                    .map(|o| as_list_item(&origin_annotation(o)))
                    .collect();
                r.set_annotation(TRANSFORMATIONS_ANNOTATION, &text);
            }
        }
    }
    if build_metadata.iter().any(|m| m == MANAGED_BY_LABEL_OPTION) {
        for r in resources.iter_mut() {
            r.node.set_path(
                &["metadata", "labels", MANAGED_BY_LABEL],
                Node::string(MANAGED_BY_VALUE),
            );
        }
    }

    let sort = match (&target.kustomization.sort_options, options.reorder) {
        (Some(value), _) => Some(SortOptions::from_json(value)?),
        (None, Reorder::Unspecified | Reorder::Legacy) => Some(SortOptions::legacy()),
        (None, Reorder::None) => None,
    };
    if let Some(sort) = sort {
        sort.apply(&mut resources)?;
    }
    let warnings = std::mem::take(&mut *target.warnings.borrow_mut());
    Ok((resources, warnings))
}

/// Prints resources as `kustomize build` does: documents joined by `---`.
pub fn render(resources: &ResMap) -> String {
    let mut out = String::new();
    for (i, r) in resources.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&crate::yaml::emit::to_yaml_string(&r.node));
    }
    out
}

/// Builds and prints in one step.
pub fn build_to_string(fs: &dyn FileSystem, path: &Path, options: &BuildOptions) -> Result<String> {
    build(fs, path, options).map(|m| render(&m))
}
