//! `replacements:` and the `ReplacementTransformer` plugin: copy a field of
//! one resource into fields of others (kustomize's
//! `api/filters/replacement`).
//!
//! Semantics worth knowing (all checked against kustomize v5.5.0):
//! - the source and the targets are chosen by exact group/version/kind,
//!   name and namespace, tried against every id a resource has had (so
//!   original names select too); a target is rejected when *any* of its
//!   ids matches a `reject` entry;
//! - field paths are dotted; `[name=value]` picks list elements whose
//!   `name` matches the *unanchored* regular expression `value`, a number
//!   indexes a list and `*` visits every element;
//! - copying into a scalar keeps the target's type and copies only the
//!   text (so `"5"` into `replicas: 1` gives `replicas: 5`);
//! - with `create: true`, missing fields (and a list element at index
//!   `len`, or a `[k=v]` element) are created.

use std::path::Path;

use regex::Regex;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::kustomization::node_to_config_json;
use crate::loader::Loader;
use crate::plugins::{PluginContext, Transformer};
use crate::resource::{ResId, ResMap, Resource};
use crate::select::LabelSelector;
use crate::yaml::parse::resolve_plain;
use crate::yaml::{Map, Node, Scalar, ScalarKind};

const DEFAULT_FIELD_PATH: &str = "metadata.name";

/// The `ReplacementTransformer` built-in plugin.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReplacementTransformer {
    replacements: Vec<Replacement>,
}

/// One entry of `replacements:`: inline, or `path:` to a file holding one
/// replacement or a list of them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
struct ReplacementField {
    path: String,
    #[serde(flatten)]
    replacement: Replacement,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
struct Replacement {
    source: Option<SourceSelector>,
    targets: Option<Vec<TargetSelector>>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
struct SourceSelector {
    group: String,
    version: String,
    kind: String,
    name: String,
    namespace: String,
    field_path: String,
    options: Option<FieldOptions>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
struct TargetSelector {
    select: Option<IdSelector>,
    reject: Vec<IdSelector>,
    field_paths: Vec<String>,
    options: Option<FieldOptions>,
}

/// Kustomize's `types.Selector` as replacements use it: exact ids plus
/// label and annotation selectors.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
struct IdSelector {
    group: String,
    version: String,
    kind: String,
    name: String,
    namespace: String,
    label_selector: String,
    annotation_selector: String,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase")]
struct FieldOptions {
    delimiter: String,
    index: i64,
    encoding: String,
    create: bool,
}

impl ReplacementTransformer {
    /// From a `kind: ReplacementTransformer` configuration.
    pub fn from_config(config: &Node, ldr: &Loader<'_>) -> Result<Self> {
        let entries = match config.get("replacements") {
            None => Vec::new(),
            Some(node) if node.is_null() => Vec::new(),
            Some(Node::Seq(items)) => items.iter().map(node_to_config_json).collect(),
            Some(other) => {
                return Err(Error::msg(format!(
                    "replacements must be a list, found a {} in the ReplacementTransformer configuration",
                    other.kind_name()
                )))
            }
        };
        Self::from_kustomization(&entries, ldr)
    }

    /// From a kustomization's `replacements:` entries.
    pub fn from_kustomization(entries: &[serde_json::Value], ldr: &Loader<'_>) -> Result<Self> {
        let mut replacements = Vec::new();
        for entry in entries {
            let field: ReplacementField = serde_json::from_value(entry.clone())
                .map_err(|e| Error::msg(format!("invalid replacement {entry}: {e}")))?;
            if field.path.is_empty() {
                replacements.push(field.replacement);
                continue;
            }
            let inline = &field.replacement;
            if inline.source.is_some() || inline.targets.as_ref().is_some_and(|t| !t.is_empty()) {
                return Err(Error::msg(
                    "cannot specify both path and inline replacement",
                ));
            }
            replacements.extend(load_replacement_file(ldr, &field.path)?);
        }
        Ok(ReplacementTransformer { replacements })
    }
}

/// Reads a `path:` replacement file: one replacement (a mapping) or a list.
fn load_replacement_file(ldr: &Loader<'_>, path: &str) -> Result<Vec<Replacement>> {
    let docs = ldr.load_yaml(path)?;
    let parse = |node: &Node| -> Result<Replacement> {
        serde_json::from_value(node_to_config_json(node)).map_err(|e| {
            Error::msg(format!(
                "invalid replacement in {}: {e}",
                Path::new(path).display()
            ))
        })
    };
    match docs.first() {
        Some(Node::Seq(items)) => items.iter().map(parse).collect(),
        Some(node @ Node::Map(_)) => Ok(vec![parse(node)?]),
        other => {
            let kind = match other {
                None => "invalid",
                Some(n) if n.is_null() => "invalid",
                Some(_) => "string",
            };
            Err(Error::msg(format!(
                "unsupported replacement type encountered within replacement path: {kind}"
            )))
        }
    }
}

impl Transformer for ReplacementTransformer {
    fn transform(&self, resources: &mut ResMap, _ctx: &PluginContext<'_, '_>) -> Result<()> {
        self.apply(resources)
    }
}

impl ReplacementTransformer {
    /// Runs every replacement in order over the resources.
    pub fn apply(&self, resources: &mut ResMap) -> Result<()> {
        for replacement in &self.replacements {
            let (Some(source), Some(targets)) = (&replacement.source, &replacement.targets) else {
                return Err(Error::msg(
                    "replacements must specify a source and at least one target",
                ));
            };
            let value = source_value(resources, source)?;
            for target in targets {
                apply_to_targets(resources, &value, target)?;
            }
        }
        Ok(())
    }
}

/// Kustomize's `ResId.IsSelectedBy`: empty selector fields match anything;
/// an empty namespace and `default` are the same.
fn id_selected_by(
    id: &ResId,
    group: &str,
    version: &str,
    kind: &str,
    name: &str,
    namespace: &str,
) -> bool {
    let ns = |s: &str| {
        if s.is_empty() {
            "default".to_owned()
        } else {
            s.to_owned()
        }
    };
    (name.is_empty() || name == id.name)
        && (namespace.is_empty() || ns(namespace) == ns(&id.namespace))
        && (group.is_empty() || group == id.gvk.group)
        && (version.is_empty() || version == id.gvk.version)
        && (kind.is_empty() || kind == id.gvk.kind)
}

/// Every id a resource has had, current first (kustomize's `MakeResIds`).
fn all_ids(resource: &Resource) -> Vec<ResId> {
    let mut ids = vec![resource.id()];
    ids.extend(resource.previous_ids.iter().cloned());
    ids
}

fn go_res_id_string(group: &str, version: &str, kind: &str, name: &str, namespace: &str) -> String {
    let or = |s: &str, p: &'static str| {
        if s.is_empty() {
            p.to_owned()
        } else {
            s.to_owned()
        }
    };
    format!(
        "{}.{}.{}/{}.{}",
        or(kind, "[noKind]"),
        or(version, "[noVer]"),
        or(group, "[noGrp]"),
        or(name, "[noName]"),
        or(namespace, "[noNs]")
    )
}

impl SourceSelector {
    fn res_id_string(&self) -> String {
        go_res_id_string(
            &self.group,
            &self.version,
            &self.kind,
            &self.name,
            &self.namespace,
        )
    }

    /// Kustomize's `SourceSelector.String`.
    fn describe(&self) -> String {
        let mut parts = vec![self.res_id_string()];
        if !self.field_path.is_empty() {
            parts.push(self.field_path.clone());
        }
        if let Some(o) = &self.options {
            if !o.delimiter.is_empty() || o.create {
                parts.push(format!("{}({}), create={}", o.delimiter, o.index, o.create));
            }
        }
        parts.join(":")
    }

    fn selects(&self, id: &ResId) -> bool {
        id_selected_by(
            id,
            &self.group,
            &self.version,
            &self.kind,
            &self.name,
            &self.namespace,
        )
    }
}

impl IdSelector {
    fn id_is_empty(&self) -> bool {
        self.group.is_empty()
            && self.version.is_empty()
            && self.kind.is_empty()
            && self.name.is_empty()
            && self.namespace.is_empty()
    }

    fn selects(&self, id: &ResId) -> bool {
        id_selected_by(
            id,
            &self.group,
            &self.version,
            &self.kind,
            &self.name,
            &self.namespace,
        )
    }

    fn matches_labels_and_annotations(&self, resource: &Resource) -> Result<bool> {
        Ok(
            LabelSelector::parse(&self.annotation_selector)?.matches(resource.annotations())
                && LabelSelector::parse(&self.label_selector)?.matches(resource.labels()),
        )
    }
}

/// Finds the one source resource and reads (and refines) its field.
fn source_value(resources: &ResMap, source: &SourceSelector) -> Result<Node> {
    let mut found: Option<&Resource> = None;
    for resource in resources.iter() {
        if all_ids(resource).iter().any(|id| source.selects(id)) {
            if found.is_some() {
                return Err(Error::msg(format!(
                    "multiple matches for selector {}",
                    source.describe()
                )));
            }
            found = Some(resource);
        }
    }
    let Some(resource) = found else {
        return Err(Error::msg(format!(
            "nothing selected by {}",
            source.describe()
        )));
    };
    let field_path = if source.field_path.is_empty() {
        DEFAULT_FIELD_PATH
    } else {
        &source.field_path
    };
    let parts = smarter_path_split(field_path);
    let value = lookup(&resource.node, &parts)
        .map_err(|e| Error::msg(format!("error looking up replacement source: {e}")))?;
    let value = match value {
        Some(v) if !is_nil_or_empty(v) => v,
        _ => {
            return Err(Error::msg(format!(
                "fieldPath `{field_path}` is missing for replacement source {}",
                source.res_id_string()
            )))
        }
    };
    refine_source_value(source.options.as_ref(), value)
}

fn is_nil_or_empty(node: &Node) -> bool {
    match node {
        Node::Scalar(s) => s.is_null(),
        Node::Map(m) => m.is_empty(),
        Node::Seq(s) => s.is_empty(),
    }
}

/// Applies `delimiter`/`index` to the source value.
fn refine_source_value(options: Option<&FieldOptions>, value: &Node) -> Result<Node> {
    let Some(options) = options.filter(|o| !o.delimiter.is_empty()) else {
        return Ok(value.clone());
    };
    let Node::Scalar(scalar) = value else {
        return Err(Error::msg(
            "delimiter option can only be used with scalar nodes",
        ));
    };
    let pieces: Vec<&str> = scalar.value.split(options.delimiter.as_str()).collect();
    let piece = usize::try_from(options.index)
        .ok()
        .and_then(|i| pieces.get(i))
        .ok_or_else(|| {
            Error::msg(format!(
                "options.index {} is out of bounds for value {}",
                options.index, scalar.value
            ))
        })?;
    Ok(Node::Scalar(Scalar {
        value: (*piece).to_owned(),
        kind: scalar.kind,
    }))
}

/// Writes `value` into every selected target's field paths.
fn apply_to_targets(resources: &mut ResMap, value: &Node, target: &TargetSelector) -> Result<()> {
    let Some(select) = &target.select else {
        return Err(Error::msg("target must specify resources to select"));
    };
    let default_paths = [DEFAULT_FIELD_PATH.to_owned()];
    let field_paths: &[String] = if target.field_paths.is_empty() {
        &default_paths
    } else {
        &target.field_paths
    };
    for resource in resources.iter_mut() {
        if !is_selected_target(resource, select, &target.reject)? {
            continue;
        }
        for field_path in field_paths {
            copy_to_field(
                &mut resource.node,
                value,
                field_path,
                target.options.as_ref(),
            )?;
        }
    }
    Ok(())
}

fn is_selected_target(
    resource: &Resource,
    select: &IdSelector,
    reject: &[IdSelector],
) -> Result<bool> {
    if !select.matches_labels_and_annotations(resource)? {
        return Ok(false);
    }
    for r in reject {
        if (!r.label_selector.is_empty() || !r.annotation_selector.is_empty())
            && r.matches_labels_and_annotations(resource)?
        {
            return Ok(false);
        }
    }
    let ids = all_ids(resource);
    let rejected = reject
        .iter()
        .any(|r| !r.id_is_empty() && ids.iter().any(|id| r.selects(id)));
    Ok(!rejected && ids.iter().any(|id| select.selects(id)))
}

fn copy_to_field(
    node: &mut Node,
    value: &Node,
    field_path: &str,
    options: Option<&FieldOptions>,
) -> Result<()> {
    let create = options.is_some_and(|o| o.create);
    let create_kind = create.then(|| NodeKind::of(value));
    let path = smarter_path_split(field_path);
    let retrieval_error = || {
        if create {
            format!("unable to find or create field {field_path:?} in replacement target")
        } else {
            format!("unable to find field {field_path:?} in replacement target")
        }
    };
    let mut matched = 0usize;
    let mut set_error: Option<Error> = None;
    let mut visit = |target: &mut Node, created: bool| {
        matched += 1;
        if set_error.is_none() {
            if let Err(e) = set_field_value(target, created, value, options) {
                set_error = Some(e);
            }
        }
    };
    match_path(node, &path, create_kind, &mut visit)
        .map_err(|e| Error::msg(format!("{}: {e}", retrieval_error())))?;
    if let Some(e) = set_error {
        return Err(e);
    }
    if matched == 0 {
        return Err(Error::msg(retrieval_error()));
    }
    Ok(())
}

/// The node kinds a path walk may create.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NodeKind {
    Scalar,
    Seq,
    Map,
}

impl NodeKind {
    fn of(node: &Node) -> NodeKind {
        match node {
            Node::Scalar(_) => NodeKind::Scalar,
            Node::Seq(_) => NodeKind::Seq,
            Node::Map(_) => NodeKind::Map,
        }
    }

    fn empty(self) -> Node {
        match self {
            NodeKind::Scalar => Node::Scalar(Scalar::string("")),
            NodeKind::Seq => Node::Seq(Vec::new()),
            NodeKind::Map => Node::empty_map(),
        }
    }
}

/// Kind of node to create for the part before `next`.
fn part_kind(next: Option<&String>, leaf: NodeKind) -> NodeKind {
    match next {
        None => leaf,
        Some(p) if is_list_index(p) || is_index_number(p) => NodeKind::Seq,
        Some(_) => NodeKind::Map,
    }
}

fn is_list_index(part: &str) -> bool {
    part.starts_with('[') && part.ends_with(']')
}

fn is_index_number(part: &str) -> bool {
    go_atoi(part).is_some_and(|i| i >= 0)
}

fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `[name=value]` -> (`name`, `value`).
fn split_index_name_value(part: &str) -> std::result::Result<(&str, &str), String> {
    let inner = part.strip_prefix('[').unwrap_or(part);
    let inner = inner.strip_suffix(']').unwrap_or(inner);
    inner.split_once('=').ok_or_else(|| {
        "list path element must contain fieldName=fieldValue for element to match".to_owned()
    })
}

/// kyaml's `PathMatcher` (with `Create`): calls `visit` on every node the
/// path reaches; `visit`'s flag says whether the node was just created.
fn match_path(
    node: &mut Node,
    path: &[String],
    create: Option<NodeKind>,
    visit: &mut dyn FnMut(&mut Node, bool),
) -> std::result::Result<(), String> {
    match_path_inner(node, path, create, false, visit)
}

fn match_path_inner(
    node: &mut Node,
    path: &[String],
    create: Option<NodeKind>,
    created: bool,
    visit: &mut dyn FnMut(&mut Node, bool),
) -> std::result::Result<(), String> {
    let Some((part, rest)) = path.split_first() else {
        visit(node, created);
        return Ok(());
    };
    if is_index_number(part) {
        let index = go_atoi(part).unwrap_or(0) as usize;
        if node.is_null() && create.is_none() {
            return Err(format!("index {index} specified but only 0 elements found"));
        }
        let items = elements_mut(node, create.is_some())?;
        if items.len() == index {
            if let Some(leaf) = create {
                items.push(part_kind(rest.first(), leaf).empty());
                let last = items.last_mut().expect("just pushed");
                return match_path_inner(last, rest, create, true, visit);
            }
        }
        let len = items.len();
        let item = items
            .get_mut(index)
            .ok_or_else(|| format!("index {index} specified but only {len} elements found"))?;
        return match_path_inner(item, rest, create, false, visit);
    }
    if is_list_index(part) {
        return match_list_elements(node, part, rest, create, visit);
    }
    if part == "*" {
        if node.is_null() {
            return Ok(());
        }
        for item in elements_mut(node, false)?.iter_mut() {
            match_path_inner(item, rest, create, false, visit)?;
        }
        return Ok(());
    }
    match_field(node, part, rest, create, visit)
}

fn match_field(
    node: &mut Node,
    name: &str,
    rest: &[String],
    create: Option<NodeKind>,
    visit: &mut dyn FnMut(&mut Node, bool),
) -> std::result::Result<(), String> {
    if node.is_null() {
        match create {
            // A null parent cannot hold fields; creating turns it into one.
            Some(_) => *node = Node::empty_map(),
            None => return Ok(()),
        }
    }
    let Node::Map(map) = node else {
        return Err(wrong_kind("MappingNode", node));
    };
    if let Some(field) = map.get_mut(name) {
        return match_path_inner(field, rest, create, false, visit);
    }
    let Some(leaf) = create else {
        return Ok(());
    };
    map.insert(name, part_kind(rest.first(), leaf).empty());
    let field = map.get_mut(name).expect("just inserted");
    match_path_inner(field, rest, create, true, visit)
}

fn match_list_elements(
    node: &mut Node,
    part: &str,
    rest: &[String],
    create: Option<NodeKind>,
    visit: &mut dyn FnMut(&mut Node, bool),
) -> std::result::Result<(), String> {
    let (field, pattern) = split_index_name_value(part)?;
    let re = Regex::new(pattern).map_err(|e| format!("error parsing regexp: {e}"))?;
    if node.is_null() && create.is_none() {
        return Ok(());
    }
    let items = elements_mut(node, create.is_some())?;
    let mut found = false;
    for item in items.iter_mut() {
        if field.is_empty() {
            if re.is_match(&node_text(item)) {
                found = true;
                visit(item, false);
            }
            continue;
        }
        let matches = item
            .get(field)
            .is_some_and(|v| !v.is_null() && re.is_match(&node_text(v)));
        if matches {
            found = true;
            match_path_inner(item, rest, create, false, visit)?;
        }
    }
    if found || create.is_none() {
        return Ok(());
    }
    let element = if field.is_empty() {
        Node::string(pattern)
    } else {
        let mut m = Map::new();
        m.insert(field, Node::string(pattern));
        Node::Map(m)
    };
    items.push(element);
    // Search again: the new element matches now.
    match_list_elements(node, part, rest, create, visit)
}

/// The elements of a list; with `create`, a null becomes an empty list.
/// Callers handle a null without `create` themselves (it has no elements).
fn elements_mut(node: &mut Node, create: bool) -> std::result::Result<&mut Vec<Node>, String> {
    if node.is_null() && create {
        *node = Node::Seq(Vec::new());
    }
    match node {
        Node::Seq(items) => Ok(items),
        other => Err(wrong_kind("SequenceNode", other)),
    }
}

/// A node's text as kyaml prints a matched value (`RNode.String`, trimmed).
fn node_text(node: &Node) -> String {
    render_yaml(node).trim().to_owned()
}

fn wrong_kind(expected: &str, node: &Node) -> String {
    let actual = match node {
        Node::Scalar(_) => "ScalarNode",
        Node::Seq(_) => "SequenceNode",
        Node::Map(_) => "MappingNode",
    };
    format!(
        "wrong node kind: expected {expected} but got {actual}: node contents:\n{}",
        render_yaml(node)
    )
}

/// A plain block-style rendering for error messages (kustomize prints the
/// node with its original formatting, which is not kept).
fn render_yaml(node: &Node) -> String {
    let mut out = String::new();
    render_into(node, 0, &mut out);
    out
}

fn render_into(node: &Node, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match node {
        Node::Scalar(s) => {
            out.push_str(&s.value);
            out.push('\n');
        }
        Node::Seq(items) if items.is_empty() => out.push_str("[]\n"),
        Node::Map(map) if map.is_empty() => out.push_str("{}\n"),
        Node::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 || !out.is_empty() && !out.ends_with('\n') {
                    out.push_str(&pad);
                }
                out.push_str("- ");
                let mut inner = String::new();
                render_into(item, indent + 2, &mut inner);
                out.push_str(&inner);
            }
        }
        Node::Map(map) => {
            for (i, (key, value)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(&pad);
                }
                out.push_str(key);
                out.push(':');
                match value {
                    Node::Scalar(_) => {
                        out.push(' ');
                        render_into(value, indent + 2, out);
                    }
                    _ if is_nil_or_empty(value) => {
                        out.push(' ');
                        render_into(value, indent + 2, out);
                    }
                    _ => {
                        out.push('\n');
                        out.push_str(&" ".repeat(indent + 2));
                        render_into(value, indent + 2, out);
                    }
                }
            }
        }
    }
}

/// Kustomize's `setFieldValue`.
fn set_field_value(
    target: &mut Node,
    created: bool,
    value: &Node,
    options: Option<&FieldOptions>,
) -> Result<()> {
    let mut value = value.clone();
    if let Some(options) = options.filter(|o| !o.delimiter.is_empty()) {
        let Node::Scalar(current) = &*target else {
            return Err(Error::msg(
                "delimiter option can only be used with scalar nodes",
            ));
        };
        let inserted = match &value {
            Node::Scalar(s) => s.value.clone(),
            _ => String::new(),
        };
        let mut pieces: Vec<String> = current
            .value
            .split(options.delimiter.as_str())
            .map(str::to_owned)
            .collect();
        match usize::try_from(options.index) {
            Err(_) => pieces.insert(0, inserted),
            Ok(i) if i >= pieces.len() => pieces.push(inserted),
            Ok(i) => pieces[i] = inserted,
        }
        let joined = pieces.join(&options.delimiter);
        value = match value {
            Node::Scalar(s) => Node::Scalar(Scalar {
                value: joined,
                kind: s.kind,
            }),
            _ => Node::string(joined),
        };
    }
    match target {
        Node::Scalar(current) => {
            // Only the text moves; the target keeps its type. A node the
            // walk just created has no type yet and is resolved from the text.
            let text = match &value {
                Node::Scalar(s) => s.value.clone(),
                _ => String::new(),
            };
            let kind = if created {
                resolve_plain(&text)
            } else {
                current.kind
            };
            check_text_fits_kind(&text, kind)?;
            *current = Scalar { value: text, kind };
        }
        _ => *target = value,
    }
    Ok(())
}

/// Kustomize fails when it prints a scalar whose kept type does not fit
/// its new text (`replicas: 1` given `"abc"`); we fail when it happens.
fn check_text_fits_kind(text: &str, kind: ScalarKind) -> Result<()> {
    let resolved = resolve_plain(text);
    let fits = match kind {
        ScalarKind::Str | ScalarKind::Timestamp => true,
        ScalarKind::Float => matches!(resolved, ScalarKind::Float | ScalarKind::Int),
        other => resolved == other,
    };
    if fits {
        return Ok(());
    }
    let tag = |k: ScalarKind| match k {
        ScalarKind::Str => "!!str",
        ScalarKind::Timestamp => "!!timestamp",
        ScalarKind::Int => "!!int",
        ScalarKind::Float => "!!float",
        ScalarKind::Bool => "!!bool",
        ScalarKind::Null => "!!null",
    };
    Err(Error::msg(format!(
        "map[string]interface {{}}(nil): yaml: cannot decode {} `{text}` as a {}",
        tag(resolved),
        tag(kind)
    )))
}

/// kyaml's `SmarterPathSplitter` on `.`: `\.` escapes a dot; a bracketed
/// part with dots stays whole (`[name=a.b]`) or, without `=`, loses its
/// brackets (`[a.b]` -> `a.b`).
pub(crate) fn smarter_path_split(path: &str) -> Vec<String> {
    let mut split: Vec<String> = Vec::new();
    for piece in path.split('.') {
        match split.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push('.');
                last.push_str(piece);
            }
            _ => split.push(piece.to_owned()),
        }
    }
    let mut result = Vec::new();
    let mut i = 0;
    while i < split.len() {
        let elem = &split[i];
        if elem.starts_with('[') && !elem.ends_with(']') {
            let mut bracketed = vec![elem.clone()];
            while i < split.len() - 1 {
                i += 1;
                bracketed.push(split[i].clone());
                if split[i].ends_with(']') {
                    break;
                }
            }
            let joined = bracketed.join(".");
            if joined.contains('=') {
                result.push(joined);
            } else {
                result.push(joined.trim_matches(|c| c == '[' || c == ']').to_owned());
            }
        } else {
            result.push(elem.clone());
        }
        i += 1;
    }
    result
}

/// kyaml's `Lookup` (`PathGetter` without create): fields, list indexes
/// (`-` is the last element) and `[name=value]` elements (exact match).
/// `Ok(None)` when something on the way is missing.
pub(crate) fn lookup<'a>(
    node: &'a Node,
    path: &[String],
) -> std::result::Result<Option<&'a Node>, String> {
    let mut current = node;
    for part in path.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let next = if let Ok(index) = part.parse::<i64>() {
            if index < 0 {
                return Err(format!("array index {index} cannot be negative"));
            }
            list_items(current)?.get(index as usize)
        } else if part == "-" {
            list_items(current)?.last()
        } else if is_list_index(part) {
            let (field, value) = split_index_name_value(part)?;
            let items = list_items(current)?;
            if field.is_empty() {
                items
                    .iter()
                    .find(|n| matches!(n, Node::Scalar(s) if s.value == value))
            } else {
                items.iter().find(|n| {
                    matches!(n, Node::Map(_))
                        && n.get(field).is_some_and(
                            |v| matches!(v, Node::Scalar(s) if !s.is_null() && s.value == value),
                        )
                })
            }
        } else {
            if current.is_null() {
                return Ok(None);
            }
            match current {
                Node::Map(map) => map.get(part),
                other => return Err(wrong_kind("MappingNode", other)),
            }
        };
        match next {
            Some(n) => current = n,
            None => return Ok(None),
        }
    }
    Ok(Some(current))
}

fn list_items(node: &Node) -> std::result::Result<&[Node], String> {
    match node {
        Node::Seq(items) => Ok(items),
        n if n.is_null() => Ok(&[]),
        other => Err(wrong_kind("SequenceNode", other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::MemFs;
    use crate::loader::LoadRestrictor;
    use crate::yaml::parse::{parse_documents, parse_single};

    fn resmap(yaml: &str) -> ResMap {
        let mut m = ResMap::new();
        for doc in parse_documents(yaml).unwrap() {
            m.resources.push(Resource::new(doc));
        }
        m
    }

    fn run(resources: &str, replacements: &str) -> Result<ResMap> {
        let mut m = resmap(resources);
        run_on(&mut m, replacements)?;
        Ok(m)
    }

    fn run_on(m: &mut ResMap, replacements: &str) -> Result<()> {
        let fs = MemFs::new();
        let mut fs = fs;
        fs.add("k/kustomization.yaml", "");
        let ldr = Loader::new(&fs, Path::new("/k"), LoadRestrictor::RootOnly).unwrap();
        let config = parse_single(&format!("replacements:\n{replacements}")).unwrap();
        ReplacementTransformer::from_config(&config, &ldr)?.apply(m)
    }

    fn scalar_at<'a>(m: &'a ResMap, index: usize, path: &str) -> &'a Scalar {
        let parts = smarter_path_split(path);
        lookup(&m.resources[index].node, &parts)
            .unwrap()
            .unwrap()
            .as_scalar()
            .unwrap()
    }

    fn text_at<'a>(m: &'a ResMap, index: usize, path: &str) -> &'a str {
        &scalar_at(m, index, path).value
    }

    fn err(resources: &str, replacements: &str) -> String {
        run(resources, replacements).unwrap_err().to_string()
    }

    const DEPLOY: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: deploy
spec:
  replicas: 1
  template:
    spec:
      containers:
      - image: foobar:1
        name: foobar
        args: [a, b]
      - image: postgres:1.8.0
        name: foo
      - image: nginx
        name: bar
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
data:
  str: hello
  num: '7'
  five: '5'
  csv: a,b,c
  map: {k: v}
  nul: null
";

    // krusty TestReplacementsField
    #[test]
    fn copies_by_list_index() {
        let m = run(
            DEPLOY,
            "- source: {kind: Deployment, fieldPath: spec.template.spec.containers.0.image}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.template.spec.containers.1.image]\n",
        )
        .unwrap();
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.1.image"),
            "foobar:1"
        );
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.2.image"),
            "nginx"
        );
    }

    // krusty TestReplacementsFieldWithPathMultiple
    #[test]
    fn path_file_with_a_list() {
        let mut fs = MemFs::new();
        fs.add("k/kustomization.yaml", "").add(
            "k/replacement.yaml",
            "- source:\n    kind: Deployment\n    fieldPath: spec.template.spec.containers.0.image\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - spec.template.spec.containers.1.image\n- source:\n    kind: Deployment\n    fieldPath: spec.template.spec.containers.0.name\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - spec.template.spec.containers.1.name\n",
        );
        let ldr = Loader::new(&fs, Path::new("/k"), LoadRestrictor::RootOnly).unwrap();
        let t = ReplacementTransformer::from_kustomization(
            &[serde_json::json!({"path": "replacement.yaml"})],
            &ldr,
        )
        .unwrap();
        let mut m = resmap(DEPLOY);
        t.apply(&mut m).unwrap();
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.1.image"),
            "foobar:1"
        );
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.1.name"),
            "foobar"
        );
    }

    #[test]
    fn path_file_with_one_replacement_and_bad_entries() {
        let mut fs = MemFs::new();
        fs.add("k/kustomization.yaml", "")
            .add("k/one.yaml", "source: {kind: ConfigMap, fieldPath: data.str}\ntargets:\n- select: {kind: Deployment}\n  fieldPaths: [spec.template.spec.containers.2.image]\n")
            .add("k/scalar.yaml", "hello\n");
        let ldr = Loader::new(&fs, Path::new("/k"), LoadRestrictor::RootOnly).unwrap();
        let t = ReplacementTransformer::from_kustomization(
            &[serde_json::json!({"path": "one.yaml"})],
            &ldr,
        )
        .unwrap();
        let mut m = resmap(DEPLOY);
        t.apply(&mut m).unwrap();
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.2.image"),
            "hello"
        );

        let e = ReplacementTransformer::from_kustomization(
            &[serde_json::json!({"path": "scalar.yaml"})],
            &ldr,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "unsupported replacement type encountered within replacement path: string"
        );
        let both = serde_json::json!({"path": "one.yaml", "source": {"kind": "ConfigMap"}});
        let e = ReplacementTransformer::from_kustomization(&[both], &ldr).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot specify both path and inline replacement"
        );
    }

    // krusty TestReplacementTransformerWithOriginalName: sources and targets
    // are selected by any name they have had.
    #[test]
    fn selects_by_previous_names() {
        let mut m = resmap(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: target}\nspec: {template: {spec: {containers: [{image: 'nginx:oldtag', name: nginx}]}}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: source}\nspec: {template: {spec: {containers: [{image: 'nginx:newtag', name: nginx}]}}}\n",
        );
        for prefix in ["prefix1-", "prefix2-"] {
            for r in m.iter_mut() {
                let name = format!("{prefix}{}", r.name());
                r.remember_current_id();
                r.set_name(&name);
            }
        }
        run_on(
            &mut m,
            "- source: {name: source, fieldPath: spec.template.spec.containers.0.image}\n  targets:\n  - select: {name: prefix1-target}\n    fieldPaths: ['spec.template.spec.containers.[name=nginx].image']\n",
        )
        .unwrap();
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.0.image"),
            "nginx:newtag"
        );
    }

    // A target is rejected when any of its ids matches a reject entry.
    #[test]
    fn reject_matches_any_id() {
        let mut m = resmap(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: '1'}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {x: '2'}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {x: '3'}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: src}\ndata: {v: val}\n",
        );
        for r in m.iter_mut() {
            let name = format!("p-{}", r.name());
            r.remember_current_id();
            r.set_name(&name);
        }
        run_on(
            &mut m,
            "- source: {kind: Secret, name: src, fieldPath: data.v}\n  targets:\n  - select: {kind: ConfigMap}\n    reject: [{name: p-a}, {name: b}]\n    fieldPaths: [data.x]\n",
        )
        .unwrap();
        assert_eq!(text_at(&m, 0, "data.x"), "1");
        assert_eq!(text_at(&m, 1, "data.x"), "2");
        assert_eq!(text_at(&m, 2, "data.x"), "val");
    }

    #[test]
    fn label_selectors_in_select_and_reject() {
        let mut m = resmap(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, labels: {app: x}}\ndata: {v: '1'}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, labels: {app: x, skip: 'yes'}}\ndata: {v: '2'}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {v: '3'}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {v: new}\n",
        );
        run_on(
            &mut m,
            "- source: {kind: Secret, fieldPath: data.v}\n  targets:\n  - select: {labelSelector: app=x}\n    reject: [{labelSelector: skip}]\n    fieldPaths: [data.v]\n",
        )
        .unwrap();
        let values: Vec<&str> = (0..3).map(|i| text_at(&m, i, "data.v")).collect();
        assert_eq!(values, ["new", "2", "3"]);
    }

    // `[name=foo]` is an unanchored regular expression on the value.
    #[test]
    fn list_element_selector_is_an_unanchored_regex() {
        let m = run(
            DEPLOY,
            "- source: {kind: ConfigMap, fieldPath: data.str}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: ['spec.template.spec.containers.[name=foo].image']\n",
        )
        .unwrap();
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.0.image"),
            "hello"
        );
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.1.image"),
            "hello"
        );
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.2.image"),
            "nginx"
        );
    }

    #[test]
    fn wildcard_and_create() {
        let m = run(
            DEPLOY,
            "- source: {kind: ConfigMap, fieldPath: data.str}\n  targets:\n  - select: {kind: Deployment}\n    options: {create: true}\n    fieldPaths:\n    - spec.template.spec.containers.3.image\n    - spec.new.field\n    - 'spec.template.spec.containers.[name=zzz].image'\n    - spec.template.spec.containers.*.newfield\n",
        )
        .unwrap();
        let containers = m.resources[0]
            .node
            .get_path(&["spec", "template", "spec", "containers"])
            .unwrap()
            .as_seq()
            .unwrap();
        assert_eq!(containers.len(), 5);
        assert_eq!(containers[3].str_at(&["image"]), Some("hello"));
        assert_eq!(containers[4].str_at(&["name"]), Some("zzz"));
        assert_eq!(containers[4].str_at(&["image"]), Some("hello"));
        assert!(containers
            .iter()
            .all(|c| c.str_at(&["newfield"]) == Some("hello")));
        assert_eq!(text_at(&m, 0, "spec.new.field"), "hello");
    }

    // Scalars keep their type; created ones take the type their text reads as.
    #[test]
    fn scalar_types_follow_the_target() {
        let m = run(
            DEPLOY,
            "- source: {kind: ConfigMap, fieldPath: data.five}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.replicas]\n- source: {kind: ConfigMap, fieldPath: data.num}\n  targets:\n  - select: {kind: Deployment}\n    options: {create: true}\n    fieldPaths: [spec.created]\n- source: {kind: Deployment, fieldPath: spec.replicas}\n  targets:\n  - select: {kind: ConfigMap}\n    fieldPaths: [data.str]\n- source: {kind: ConfigMap, fieldPath: data.map}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.template.spec.containers.0.args]\n",
        )
        .unwrap();
        assert_eq!(
            *scalar_at(&m, 0, "spec.replicas"),
            Scalar {
                value: "5".into(),
                kind: ScalarKind::Int
            }
        );
        assert_eq!(
            *scalar_at(&m, 0, "spec.created"),
            Scalar {
                value: "7".into(),
                kind: ScalarKind::Int
            }
        );
        assert_eq!(*scalar_at(&m, 1, "data.str"), Scalar::string("5"));
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.0.args.k"),
            "v"
        );
    }

    #[test]
    fn text_that_does_not_fit_the_kept_type_fails() {
        let e = err(
            DEPLOY,
            "- source: {kind: ConfigMap, fieldPath: data.str}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.replicas]\n",
        );
        assert_eq!(
            e,
            "map[string]interface {}(nil): yaml: cannot decode !!str `hello` as a !!int"
        );
    }

    #[test]
    fn delimiter_options() {
        let m = run(
            DEPLOY,
            "- source: {kind: ConfigMap, fieldPath: data.csv, options: {delimiter: ',', index: 1}}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.template.spec.containers.0.image]\n    options: {delimiter: ':', index: 1}\n  - select: {kind: Deployment}\n    fieldPaths: [spec.template.spec.containers.1.image]\n    options: {delimiter: ':', index: -1}\n  - select: {kind: Deployment}\n    fieldPaths: [spec.template.spec.containers.2.image]\n    options: {delimiter: ':', index: 5}\n",
        )
        .unwrap();
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.0.image"),
            "foobar:b"
        );
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.1.image"),
            "b:postgres:1.8.0"
        );
        assert_eq!(
            text_at(&m, 0, "spec.template.spec.containers.2.image"),
            "nginx:b"
        );
        let e = err(DEPLOY, "- source: {kind: ConfigMap, fieldPath: data.csv, options: {delimiter: ',', index: 3}}\n  targets: []\n");
        assert_eq!(e, "options.index 3 is out of bounds for value a,b,c");
    }

    #[test]
    fn error_messages() {
        let two = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}\n";
        assert_eq!(
            err(
                two,
                "- source: {kind: Deployment}\n  targets:\n  - select: {kind: Deployment}\n"
            ),
            "multiple matches for selector Deployment.[noVer].[noGrp]/[noName].[noNs]"
        );
        assert_eq!(
            err(
                two,
                "- source: {kind: Service, name: x, fieldPath: spec.y}\n  targets: []\n"
            ),
            "nothing selected by Service.[noVer].[noGrp]/x.[noNs]:spec.y"
        );
        assert_eq!(
            err(two, "- targets: []\n"),
            "replacements must specify a source and at least one target"
        );
        assert_eq!(
            err(two, "- source: {name: a}\n"),
            "replacements must specify a source and at least one target"
        );
        assert_eq!(
            err(two, "- source: {name: a}\n  targets: [{fieldPaths: [x]}]\n"),
            "target must specify resources to select"
        );
        assert_eq!(
            err(two, "- source: {name: a, fieldPath: spec.missing}\n  targets: []\n"),
            "fieldPath `spec.missing` is missing for replacement source [noKind].[noVer].[noGrp]/a.[noNs]"
        );
        assert_eq!(
            err(DEPLOY, "- source: {kind: ConfigMap, fieldPath: data.str}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.template.spec.containers.5.image]\n"),
            "unable to find field \"spec.template.spec.containers.5.image\" in replacement target: index 5 specified but only 3 elements found"
        );
        assert_eq!(
            err(DEPLOY, "- source: {kind: ConfigMap, fieldPath: data.str}\n  targets:\n  - select: {kind: Deployment}\n    fieldPaths: [spec.nothing]\n"),
            "unable to find field \"spec.nothing\" in replacement target"
        );
        let e = err(DEPLOY, "- source: {kind: Deployment, fieldPath: spec.template.spec.containers.image}\n  targets: []\n");
        assert!(
            e.starts_with("error looking up replacement source: wrong node kind: expected MappingNode but got SequenceNode: node contents:\n- image: foobar:1\n"),
            "{e}"
        );
        // Selecting nothing as a target is not an error.
        run(
            DEPLOY,
            "- source: {kind: ConfigMap}\n  targets:\n  - select: {kind: Nope}\n",
        )
        .unwrap();
    }

    #[test]
    fn null_and_empty_sources_are_missing() {
        let e = err(
            DEPLOY,
            "- source: {kind: ConfigMap, fieldPath: data.nul}\n  targets: []\n",
        );
        assert_eq!(e, "fieldPath `data.nul` is missing for replacement source ConfigMap.[noVer].[noGrp]/[noName].[noNs]");
    }

    #[test]
    fn smarter_split_keeps_brackets() {
        assert_eq!(
            smarter_path_split("a.[name=x.y].b"),
            ["a", "[name=x.y]", "b"]
        );
        assert_eq!(
            smarter_path_split("metadata.annotations.[a.b/c]"),
            ["metadata", "annotations", "a.b/c"]
        );
        assert_eq!(smarter_path_split("a\\.b.c"), ["a.b", "c"]);
        assert_eq!(smarter_path_split("[x]"), ["[x]"]);
    }
}
