//! The field-path walker every transformer uses (kustomize's
//! `fieldspec.Filter` / `fsslice.Filter`).
//!
//! A path is slash-separated (`spec/template/metadata/labels`); `\/` keeps a
//! slash inside a key (`metadata/annotations/a.io\/b`). Sequences met on
//! the way are traversed element by element with the rest of the path; a
//! `[]` suffix (`spec/containers[]/image`) only says the field is expected to
//! be a sequence (a null there becomes an empty one) and is never created.
//! Missing fields end the walk silently unless the spec says `create` and
//! the transformer says what kind of node it writes at the end; then missing
//! maps are created on the way and the leaf is created with that kind.

use std::fmt::Write as _;

use crate::error::{Error, Result};
use crate::resource::Gvk;
use crate::yaml::{Map, Node, Scalar, ScalarKind};

use super::FieldSpec;

/// The kind of node a transformer writes at the end of a path, which is
/// what gets created there when a spec asks for creation. Transformers
/// that never create (image tags) pass `None` instead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateKind {
    Scalar,
    Map,
}

/// What a transformer does with each field it reaches.
pub type Visit<'a> = dyn FnMut(&mut Node) -> Result<()> + 'a;

/// Splits an `apiVersion` at its first slash (kustomize's
/// `ParseGroupVersion`); the legacy `builtin` is a group.
pub fn group_version(api_version: &str) -> (&str, &str) {
    match api_version.split_once('/') {
        Some((group, version)) => (group, version),
        None if api_version == "builtin" => (api_version, ""),
        None => ("", api_version),
    }
}

/// Whether `fs`'s kind selector selects the object `node`.
pub fn spec_selects(fs: &FieldSpec, node: &Node) -> bool {
    let kind = node.str_at(&["kind"]).unwrap_or("");
    let (group, version) = group_version(node.str_at(&["apiVersion"]).unwrap_or(""));
    (fs.kind.is_empty() || fs.kind == kind)
        && (fs.group.is_empty() || fs.group == group)
        && (fs.version.is_empty() || fs.version == version)
}

/// The object's id as kustomize prints it in errors
/// (`StatefulSet.v1.apps/web.[noNs]`).
pub fn node_res_id(node: &Node) -> String {
    let (group, version) = group_version(node.str_at(&["apiVersion"]).unwrap_or(""));
    let gvk = Gvk::new(group, version, node.str_at(&["kind"]).unwrap_or(""));
    let or = |s: &str, empty: &'static str| {
        if s.is_empty() {
            empty.to_owned()
        } else {
            s.to_owned()
        }
    };
    format!(
        "{}/{}.{}",
        super::gvk_string(&gvk),
        or(node.str_at(&["metadata", "name"]).unwrap_or(""), "[noName]"),
        or(
            node.str_at(&["metadata", "namespace"]).unwrap_or(""),
            "[noNs]"
        )
    )
}

/// Splits a field path at slashes, keeping `\/` as a slash inside a key.
pub fn split_path(path: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    for piece in path.split('/') {
        match parts.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push('/');
                last.push_str(piece);
            }
            _ => parts.push(piece.to_owned()),
        }
    }
    parts
}

/// Applies one field spec to one object: nothing happens unless the spec
/// selects the object; errors name the spec's path and the object.
pub fn apply_field_spec(
    node: &mut Node,
    fs: &FieldSpec,
    create: Option<CreateKind>,
    f: &mut Visit<'_>,
) -> Result<()> {
    if !spec_selects(fs, node) {
        return Ok(());
    }
    let create = if fs.create { create } else { None };
    // The id is only needed for an error, so it is computed then (walks
    // that fail do so before they rename anything).
    match walk_path(node, &split_path(&fs.path), create, f) {
        Ok(()) => Ok(()),
        Err(e) => {
            let id = node_res_id(node);
            Err(prefix_error(
                e,
                &format!("considering field '{}' of object {id}", fs.path),
            ))
        }
    }
}

/// Applies each spec in turn (kustomize's `fsslice.Filter`).
pub fn apply_field_specs(
    node: &mut Node,
    specs: &[FieldSpec],
    create: Option<CreateKind>,
    f: &mut Visit<'_>,
) -> Result<()> {
    specs
        .iter()
        .try_for_each(|fs| apply_field_spec(node, fs, create, f))
}

/// Applies `f` at `path` on every kind (a spec with an empty selector).
pub fn apply_to_field(
    node: &mut Node,
    path: &str,
    create: Option<CreateKind>,
    f: &mut Visit<'_>,
) -> Result<()> {
    apply_field_spec(
        node,
        &FieldSpec::any_kind(path, create.is_some()),
        create,
        f,
    )
}

/// Walks `path` (already split) from `node`, calling `f` on every field it
/// ends at. `create` is the leaf kind to create when fields are missing
/// (`None`: never create). No kind check and no error context: the
/// building block for transformers with their own selection.
pub fn walk_path(
    node: &mut Node,
    path: &[String],
    create: Option<CreateKind>,
    f: &mut Visit<'_>,
) -> Result<()> {
    let Some(_) = path.first() else {
        return f(node);
    };
    match node {
        Node::Scalar(s) if s.is_null() => Ok(()),
        Node::Seq(items) => {
            for item in items.iter_mut() {
                walk_path(item, path, create, f).map_err(|e| {
                    prefix_error(e, &format!("visit traversal on path: [{}]", path.join(" ")))
                })?;
            }
            Ok(())
        }
        Node::Map(map) => walk_map(map, path, create, f),
        Node::Scalar(_) => Err(Error::msg("expected sequence or mapping node")),
    }
}

fn walk_map(
    map: &mut Map,
    path: &[String],
    create: Option<CreateKind>,
    f: &mut Visit<'_>,
) -> Result<()> {
    let (name, is_seq) = match path[0].strip_suffix("[]") {
        Some(name) => (name, true),
        None => (path[0].as_str(), false),
    };
    if name.is_empty() {
        return Err(Error::msg("cannot set or create an empty field name"));
    }
    // What to create when the field is missing, and what a null found there
    // becomes: the leaf kind at the end, maps on the way, nothing for `[]`.
    let (create_here, null_becomes) = match create {
        _ if is_seq => (None, Some(NewNode::Seq)),
        None => (None, None),
        Some(kind) if path.len() == 1 => (Some(NewNode::from(kind)), Some(NewNode::from(kind))),
        Some(_) => (Some(NewNode::Map), Some(NewNode::Map)),
    };
    let field = match (map.contains_key(name), create_here) {
        (true, _) => map.get_mut(name).expect("key is present"),
        (false, Some(kind)) => map.entry_or_insert_with(name, || kind.empty()),
        (false, None) => return Ok(()),
    };
    if let (Node::Scalar(s), Some(kind)) = (&*field, null_becomes) {
        if s.is_null() {
            *field = kind.retype_null(s);
        }
    }
    walk_path(field, &path[1..], create, f)
}

#[derive(Clone, Copy)]
enum NewNode {
    Scalar,
    Map,
    Seq,
}

impl From<CreateKind> for NewNode {
    fn from(kind: CreateKind) -> Self {
        match kind {
            CreateKind::Scalar => NewNode::Scalar,
            CreateKind::Map => NewNode::Map,
        }
    }
}

impl NewNode {
    fn empty(self) -> Node {
        match self {
            NewNode::Scalar => Node::string(""),
            NewNode::Map => Node::empty_map(),
            NewNode::Seq => Node::Seq(Vec::new()),
        }
    }

    /// Kustomize re-kinds a null in place: a scalar keeps the null's text.
    fn retype_null(self, null: &Scalar) -> Node {
        match self {
            NewNode::Scalar => Node::Scalar(Scalar {
                value: null.value.clone(),
                kind: ScalarKind::Str,
            }),
            other => other.empty(),
        }
    }
}

/// Puts `context: ` before an error's message, keeping it one message (the
/// way kustomize's `WrapPrefixf` does).
fn prefix_error(e: Error, context: &str) -> Error {
    e.context(context)
}

/// Kustomize's name for a node's kind in errors.
fn yaml_kind_name(node: &Node) -> &'static str {
    match node {
        Node::Scalar(_) => "ScalarNode",
        Node::Seq(_) => "SequenceNode",
        Node::Map(_) => "MappingNode",
    }
}

/// Kustomize's "wrong node kind" error for a field that is not what the
/// transformer writes (`expected` is `ScalarNode` or `MappingNode`).
pub fn wrong_node_kind(expected: &str, node: &Node) -> Error {
    Error::msg(format!(
        "wrong node kind: expected {expected} but got {}: node contents:\n{}\n",
        yaml_kind_name(node),
        flow_text(node)
    ))
}

/// A one-line YAML rendering of a node for error messages.
fn flow_text(node: &Node) -> String {
    let mut out = String::new();
    write_flow(node, &mut out);
    out
}

fn write_flow(node: &Node, out: &mut String) {
    match node {
        Node::Scalar(s) => out.push_str(&s.value),
        Node::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_flow(item, out);
            }
            out.push(']');
        }
        Node::Map(map) => {
            out.push('{');
            for (i, (key, value)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{key}: ");
                write_flow(value, out);
            }
            out.push('}');
        }
    }
}

/// Replaces a scalar field's value (kustomize's `SetEntry("", ...)`): a
/// null is replaced too; a map or sequence is an error.
pub fn set_scalar(node: &mut Node, value: Scalar) -> Result<()> {
    match node {
        Node::Scalar(_) => {
            *node = Node::Scalar(value);
            Ok(())
        }
        other => Err(wrong_node_kind("ScalarNode", other)),
    }
}

/// Sets one entry of a map field (labels, annotations). A null field is
/// left alone, as kustomize leaves it; a scalar or sequence is an error.
pub fn set_map_entry(node: &mut Node, key: &str, value: Node) -> Result<()> {
    match node {
        Node::Map(map) => {
            map.insert(key, value);
            Ok(())
        }
        Node::Scalar(s) if s.is_null() => Ok(()),
        other => Err(wrong_node_kind("MappingNode", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse::parse_single;

    fn doc(text: &str) -> Node {
        parse_single(text).unwrap()
    }

    fn spec(kind: &str, path: &str, create: bool) -> FieldSpec {
        FieldSpec {
            kind: kind.to_owned(),
            path: path.to_owned(),
            create,
            ..FieldSpec::default()
        }
    }

    fn add_label(node: &mut Node, fs: &FieldSpec) -> Result<()> {
        apply_field_spec(node, fs, Some(CreateKind::Map), &mut |n| {
            set_map_entry(n, "app", Node::string("x"))
        })
    }

    #[test]
    fn splits_paths_with_escaped_slashes() {
        assert_eq!(split_path("a/b\\/c/d"), ["a", "b/c", "d"]);
        assert_eq!(split_path("metadata/name"), ["metadata", "name"]);
        assert_eq!(split_path("x"), ["x"]);
    }

    #[test]
    fn creates_maps_along_the_path() {
        let mut n = doc("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n");
        add_label(
            &mut n,
            &spec("Deployment", "spec/template/metadata/labels", true),
        )
        .unwrap();
        assert_eq!(
            n.str_at(&["spec", "template", "metadata", "labels", "app"]),
            Some("x")
        );
    }

    #[test]
    fn skips_missing_fields_without_create_and_unselected_kinds() {
        let mut n = doc("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n");
        let before = n.clone();
        add_label(&mut n, &spec("Job", "spec/selector/matchLabels", false)).unwrap();
        add_label(&mut n, &spec("Deployment", "metadata/labels", true)).unwrap();
        assert_eq!(n, before);
    }

    #[test]
    fn selects_by_group_and_version() {
        let n = doc("apiVersion: apps/v1\nkind: Deployment\n");
        let mut fs = spec("Deployment", "x", false);
        fs.group = "apps".into();
        assert!(spec_selects(&fs, &n));
        fs.version = "v2".into();
        assert!(!spec_selects(&fs, &n));
        let core = doc("apiVersion: v1\nkind: Service\n");
        let mut fs = spec("Service", "x", false);
        fs.version = "v1".into();
        assert!(spec_selects(&fs, &core));
    }

    #[test]
    fn traverses_sequences_with_and_without_brackets() {
        let mut n = doc(
            "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: a\n  - image: b\n  initContainers:\n  - image: c\n",
        );
        let mut seen = Vec::new();
        for path in ["spec/containers[]/image", "spec/initContainers/image"] {
            apply_field_spec(&mut n, &spec("", path, true), None, &mut |node| {
                seen.push(node.as_str().unwrap_or("").to_owned());
                Ok(())
            })
            .unwrap();
        }
        assert_eq!(seen, ["a", "b", "c"]);
    }

    #[test]
    fn null_is_retyped_only_when_creating_or_hinted() {
        // TestTransformersNoCreateArrays-like: a null sequence hinted by `[]`
        // becomes an empty sequence; a null map without create stays null.
        let mut n = doc(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\nspec:\n  volumeClaimTemplates:\n  selector:\n",
        );
        add_label(
            &mut n,
            &spec(
                "StatefulSet",
                "spec/volumeClaimTemplates[]/metadata/labels",
                true,
            ),
        )
        .unwrap();
        add_label(
            &mut n,
            &spec("StatefulSet", "spec/selector/matchLabels", false),
        )
        .unwrap();
        assert_eq!(
            n.get_path(&["spec", "volumeClaimTemplates"]),
            Some(&Node::Seq(vec![]))
        );
        assert!(n.get_path(&["spec", "selector"]).unwrap().is_null());
        add_label(
            &mut n,
            &spec("StatefulSet", "spec/selector/matchLabels", true),
        )
        .unwrap();
        assert_eq!(
            n.str_at(&["spec", "selector", "matchLabels", "app"]),
            Some("x")
        );
    }

    #[test]
    fn errors_name_the_field_and_the_object() {
        let mut n = doc("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: j\nspec:\n  volumeClaimTemplates: 3\n");
        let err = add_label(
            &mut n,
            &spec("", "spec/volumeClaimTemplates[]/metadata/labels", true),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "considering field 'spec/volumeClaimTemplates[]/metadata/labels' of object StatefulSet.v1.apps/j.[noNs]: expected sequence or mapping node"
        );
        let mut n = doc("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: j\nspec:\n  volumeClaimTemplates: [3]\n");
        let err = add_label(
            &mut n,
            &spec("", "spec/volumeClaimTemplates[]/metadata/labels", true),
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "considering field 'spec/volumeClaimTemplates[]/metadata/labels' of object StatefulSet.v1.apps/j.[noNs]: visit traversal on path: [metadata labels]: expected sequence or mapping node"
        );
        let mut n = doc("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: j\n  labels: 3\n");
        let err = add_label(&mut n, &spec("", "metadata/labels", true)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "considering field 'metadata/labels' of object ConfigMap.v1.[noGrp]/j.[noNs]: wrong node kind: expected MappingNode but got ScalarNode: node contents:\n3\n"
        );
        let err = add_label(&mut n, &spec("", "metadata//labels", true)).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("cannot set or create an empty field name"),
            "{err}"
        );
    }

    #[test]
    fn creates_scalar_leaves_for_scalar_writers() {
        let mut n = doc("apiVersion: v1\nkind: Foo\nmetadata:\n  name: f\n");
        apply_to_field(&mut n, "spec/ns", Some(CreateKind::Scalar), &mut |node| {
            set_scalar(node, Scalar::string("there"))
        })
        .unwrap();
        assert_eq!(n.str_at(&["spec", "ns"]), Some("there"));
    }

    #[test]
    fn escaped_slash_reaches_annotation_keys() {
        let mut n =
            doc("apiVersion: v1\nkind: Ingress\nmetadata:\n  annotations:\n    a.io/b: old\n");
        apply_to_field(&mut n, "metadata/annotations/a.io\\/b", None, &mut |node| {
            set_scalar(node, Scalar::string("new"))
        })
        .unwrap();
        assert_eq!(
            n.str_at(&["metadata", "annotations", "a.io/b"]),
            Some("new")
        );
    }
}
