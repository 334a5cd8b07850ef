//! Strategic merge patch with kustomize v5.5's exact semantics.
//!
//! Kustomize applies a strategic merge patch with kyaml's `merge2.Merge`
//! (list direction "prepend"), a walker over go-yaml node pointers whose
//! results depend on pointer identity: visitors hand back either the
//! resource's node (then merged into in place) or the patch's node, element
//! lists are rebuilt by "element setters" that replace every element matching
//! a key, and so on. To get the same results in every corner (elements
//! without their merge key, duplicate keys, `$patch` directives on elements,
//! ports that differ only by protocol) this module replays that algorithm on
//! an arena of nodes addressed by index, which behave like the Go pointers.
//!
//! What follows from it, and is easy to get wrong:
//! * Merged lists start with the patch's elements in patch order, followed
//!   by the resource's remaining elements in their order.
//! * `null` in the patch deletes a field; `null`s already in the resource
//!   survive unless their text is empty (`key:` with nothing after it).
//! * `$patch: delete` removes a map or list element, `$patch: replace` on a
//!   map replaces it (but on a list element the resource's element wins back,
//!   and at the top of a patch it does nothing), `$patch: merge` merges. In a
//!   list merged by key, an element that is exactly `{$patch: replace}` (or
//!   `delete`) replaces (or deletes) the whole list.
//!   `$setElementOrder/…`, `$deleteFromPrimitiveList/…` and `$retainKeys` are
//!   not understood by kyaml and end up in the resource as plain fields.
//! * Lists merge by key only where the schema says `x-kubernetes-patch-strategy`
//!   includes `merge`; every other list is replaced by the patch's list.
//! * A scalar written into an existing quoted string field stays a string
//!   (`"3"` patched with `5` gives `"5"`): the node keeps the old style.

use std::collections::{BTreeSet, HashSet};

use crate::yaml::parse::resolve_plain;
use crate::yaml::{Map, Node, Scalar, ScalarKind};

use super::schema::{Schema, SchemaNode};
use super::PatchError;

type Id = usize;

/// Options of kustomize's `PatchTransformer` that change how the merged
/// resource is finished.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SmpOptions {
    /// `options.allowNameChange`: keep the name the patch sets.
    pub allow_name_change: bool,
    /// `options.allowKindChange`: keep the kind the patch sets.
    pub allow_kind_change: bool,
}

/// Merges a strategic merge patch into a resource, as kyaml's
/// `merge2.Merge(patch, resource, {ListIncreaseDirection: Prepend})` does for
/// kustomize. `Ok(None)` means the patch deletes the resource (`$patch:
/// delete` at its top).
///
/// The patch's `metadata.name`, `kind` etc. are merged like any field; use
/// [`apply_smp_to_resource`] to restore them as kustomize does.
pub fn strategic_merge(
    base: &Node,
    patch: &Node,
    schema: &Schema,
) -> Result<Option<Node>, PatchError> {
    match merge_into_tree(base, patch, schema)? {
        None => Ok(None),
        Some((tree, dest)) => Ok(Some(tree.export(dest)?)),
    }
}

/// Runs the merge and hands back the arena and the resource's node.
fn merge_into_tree(
    base: &Node,
    patch: &Node,
    schema: &Schema,
) -> Result<Option<(Tree, Id)>, PatchError> {
    let mut m = Merger {
        t: Tree::default(),
        schema,
    };
    let dest = m.t.import(base);
    let origin = m.t.import(patch);
    let result = m.walk([Some(dest), Some(origin)], None)?;
    if result.is_none() {
        return Ok(None);
    }
    // Kustomize keeps its resource node: when the walk hands back another
    // node (a top-level `$patch: replace`), the resource is left unchanged.
    Ok(Some((m.t, dest)))
}

/// Applies a strategic merge patch to a resource the way kustomize's
/// `Resource.ApplySmPatch` does: merge, then put back the resource's kind and
/// name (unless the options allow the patch to change them) and its
/// namespace (removed when the resource had none).
///
/// Recording the previous id of a renamed resource (`allowNameChange`) is
/// left to the caller.
pub fn apply_smp_to_resource(
    resource: &Node,
    patch: &Node,
    schema: &Schema,
    options: SmpOptions,
) -> Result<Option<Node>, PatchError> {
    let text = |path: &[&str]| resource.str_at(path).unwrap_or("").to_owned();
    let (name, namespace, kind) = (
        text(&["metadata", "name"]),
        text(&["metadata", "namespace"]),
        text(&["kind"]),
    );
    let Some((mut t, root)) = merge_into_tree(resource, patch, schema)? else {
        return Ok(None);
    };
    if t.nil_or_empty(Some(root)) || !t.is_map(root) {
        return Ok(Some(t.export(root)?));
    }
    // kyaml's SetKind / SetName / SetNamespace: untagged scalars set with
    // FieldSetter, so they take the style of the fields they replace.
    if !options.allow_kind_change {
        let value = t.scalar(&kind, None);
        t.set_field(root, "kind", Some(value))?;
    }
    if !options.allow_name_change {
        if let Some(meta) = t.metadata(root, true)? {
            let value = t.scalar(&name, None);
            t.set_field(meta, "name", Some(value))?;
        }
    }
    if namespace.is_empty() {
        if let Some(meta) = t.metadata(root, false)? {
            t.clear_field(meta, "namespace")?;
        }
    } else if let Some(meta) = t.metadata(root, true)? {
        let value = t.scalar(&namespace, None);
        t.set_field(meta, "namespace", Some(value))?;
    }
    Ok(Some(t.export(root)?))
}

/// Whether a string scalar must have been written quoted (or as a block),
/// because read plain its text would not be a string. Strings that also read
/// as strings when plain may have been quoted too, but the node model does
/// not say so; they are taken as plain.
fn quoted_style(s: &Scalar) -> bool {
    s.kind == ScalarKind::Str && resolve_plain(&s.value) != ScalarKind::Str
}

// ---------------------------------------------------------------------------
// The node arena: go-yaml nodes addressed by index.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum YKind {
    Scalar,
    Seq,
    Map,
}

#[derive(Clone, Debug)]
struct YNode {
    kind: YKind,
    /// The resolved tag of a scalar read from YAML; `None` for scalars kyaml
    /// creates untagged (their kind comes from their text when printed).
    tag: Option<ScalarKind>,
    /// Quoted, literal or folded style: a non-string tag printed in it reads
    /// back as a string.
    quoted: bool,
    value: String,
    /// Elements, or alternating keys and values.
    content: Vec<Id>,
}

#[derive(Default)]
struct Tree {
    nodes: Vec<YNode>,
}

const MAX_DEPTH: usize = 10_000;

impl Tree {
    fn push(&mut self, node: YNode) -> Id {
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    fn scalar(&mut self, value: &str, tag: Option<ScalarKind>) -> Id {
        self.push(YNode {
            kind: YKind::Scalar,
            tag,
            quoted: false,
            value: value.to_owned(),
            content: Vec::new(),
        })
    }

    fn new_seq(&mut self) -> Id {
        self.push(YNode {
            kind: YKind::Seq,
            tag: None,
            quoted: false,
            value: String::new(),
            content: Vec::new(),
        })
    }

    fn import(&mut self, node: &Node) -> Id {
        match node {
            Node::Scalar(s) => {
                let id = self.scalar(&s.value, Some(s.kind));
                self.nodes[id].quoted = quoted_style(s);
                id
            }
            Node::Seq(items) => {
                let content = items.iter().map(|n| self.import(n)).collect();
                let id = self.new_seq();
                self.nodes[id].content = content;
                id
            }
            Node::Map(map) => {
                let mut content = Vec::with_capacity(map.len() * 2);
                for (k, v) in map.iter() {
                    content.push(self.scalar(k, Some(ScalarKind::Str)));
                    content.push(self.import(v));
                }
                self.push(YNode {
                    kind: YKind::Map,
                    tag: None,
                    quoted: false,
                    value: String::new(),
                    content,
                })
            }
        }
    }

    fn export(&self, id: Id) -> Result<Node, PatchError> {
        self.export_at(id, 0)
    }

    fn export_at(&self, id: Id, depth: usize) -> Result<Node, PatchError> {
        if depth > MAX_DEPTH {
            return Err(PatchError::TooDeep(MAX_DEPTH));
        }
        let n = &self.nodes[id];
        Ok(match n.kind {
            YKind::Scalar => {
                let kind = match (n.tag, n.quoted) {
                    (Some(ScalarKind::Null), _) => ScalarKind::Null,
                    (_, true) => ScalarKind::Str,
                    (Some(kind), false) => kind,
                    (None, false) => resolve_plain(&n.value),
                };
                Node::Scalar(Scalar {
                    value: n.value.clone(),
                    kind,
                })
            }
            YKind::Seq => Node::Seq(
                n.content
                    .iter()
                    .map(|&c| self.export_at(c, depth + 1))
                    .collect::<Result<_, _>>()?,
            ),
            YKind::Map => {
                let mut map = Map::with_capacity(n.content.len() / 2);
                for pair in n.content.chunks(2) {
                    let key = self.nodes[pair[0]].value.clone();
                    if let Some(&v) = pair.get(1) {
                        map.insert(key, self.export_at(v, depth + 1)?);
                    }
                }
                Node::Map(map)
            }
        })
    }

    fn kind(&self, id: Id) -> YKind {
        self.nodes[id].kind
    }

    fn value(&self, id: Id) -> &str {
        &self.nodes[id].value
    }

    fn is_map(&self, id: Id) -> bool {
        self.kind(id) == YKind::Map
    }

    /// `IsTaggedNull`.
    fn is_tagged_null(&self, id: Option<Id>) -> bool {
        id.is_some_and(|id| {
            let n = &self.nodes[id];
            n.kind == YKind::Scalar && n.tag == Some(ScalarKind::Null)
        })
    }

    /// `IsMissingOrNull`.
    fn missing_or_null(&self, id: Option<Id>) -> bool {
        id.is_none() || self.is_tagged_null(id)
    }

    /// `IsEmptyMap` (which is also true for missing and null nodes).
    fn is_empty_map(&self, id: Option<Id>) -> bool {
        self.missing_or_null(id)
            || id.is_some_and(|id| self.is_map(id) && self.nodes[id].content.is_empty())
    }

    /// `IsNilOrEmpty` of a field value.
    fn nil_or_empty(&self, id: Option<Id>) -> bool {
        match id {
            None => true,
            Some(id) => {
                let n = &self.nodes[id];
                self.is_tagged_null(Some(id)) || (n.kind != YKind::Scalar && n.content.is_empty())
            }
        }
    }

    /// `RNode.Field(name).Value`: `None` for non-maps and absent fields.
    fn field(&self, id: Option<Id>, name: &str) -> Option<Id> {
        let id = id?;
        let n = &self.nodes[id];
        if n.kind != YKind::Map {
            return None;
        }
        n.content
            .chunks(2)
            .find(|pair| self.nodes[pair[0]].value == name)
            .and_then(|pair| pair.get(1).copied())
    }

    fn kind_name(&self, id: Id) -> &'static str {
        match self.kind(id) {
            YKind::Scalar => "ScalarNode",
            YKind::Seq => "SequenceNode",
            YKind::Map => "MappingNode",
        }
    }

    fn short_tag(&self, id: Id) -> &'static str {
        match self.kind(id) {
            YKind::Seq => "!!seq",
            YKind::Map => "!!map",
            YKind::Scalar => match self.nodes[id]
                .tag
                .unwrap_or_else(|| resolve_plain(self.value(id)))
            {
                ScalarKind::Str => "!!str",
                ScalarKind::Timestamp => "!!timestamp",
                ScalarKind::Int => "!!int",
                ScalarKind::Float => "!!float",
                ScalarKind::Bool => "!!bool",
                ScalarKind::Null => "!!null",
            },
        }
    }

    /// A short flow-style rendering of a node for error messages.
    fn render(&self, id: Id) -> String {
        let mut out = String::new();
        self.render_into(id, &mut out, 0);
        out
    }

    fn render_into(&self, id: Id, out: &mut String, depth: usize) {
        if depth > 64 {
            out.push_str("...");
            return;
        }
        let n = &self.nodes[id];
        match n.kind {
            YKind::Scalar => out.push_str(&n.value),
            YKind::Seq => {
                out.push('[');
                for (i, &c) in n.content.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.render_into(c, out, depth + 1);
                }
                out.push(']');
            }
            YKind::Map => {
                out.push('{');
                for (i, pair) in n.content.chunks(2).enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.render_into(pair[0], out, depth + 1);
                    out.push_str(": ");
                    if let Some(&v) = pair.get(1) {
                        self.render_into(v, out, depth + 1);
                    }
                }
                out.push('}');
            }
        }
    }

    fn wrong_kind(&self, id: Id, expected: YKind) -> PatchError {
        PatchError::WrongNodeKind {
            expected: match expected {
                YKind::Scalar => "ScalarNode",
                YKind::Seq => "SequenceNode",
                YKind::Map => "MappingNode",
            },
            got: self.kind_name(id),
            contents: self.render(id),
        }
    }

    /// `ErrorIfInvalid`: null and missing nodes pass.
    fn check_kind(&self, id: Option<Id>, kind: YKind) -> Result<(), PatchError> {
        match id {
            Some(id) if !self.missing_or_null(Some(id)) && self.kind(id) != kind => {
                Err(self.wrong_kind(id, kind))
            }
            _ => Ok(()),
        }
    }

    /// `SetYNode`: the node at `dest` becomes a copy of the node at `src`
    /// (children shared).
    fn set_ynode(&mut self, dest: Id, src: Id) {
        if dest != src {
            self.nodes[dest] = self.nodes[src].clone();
        }
    }

    /// The `metadata` map of a resource; with `create`, made when missing
    /// (kyaml's `LookupCreate(MappingNode, "metadata")`).
    fn metadata(&mut self, root: Id, create: bool) -> Result<Option<Id>, PatchError> {
        if let Some(meta) = self.field_matcher(Some(root), "metadata", None)? {
            if !self.missing_or_null(Some(meta)) {
                self.check_kind(Some(meta), YKind::Map)?;
                return Ok(Some(meta));
            }
        }
        if !create {
            return Ok(None);
        }
        let meta = self.push(YNode {
            kind: YKind::Map,
            tag: None,
            quoted: false,
            value: String::new(),
            content: Vec::new(),
        });
        self.set_field(root, "metadata", Some(meta))?;
        Ok(self.field(Some(root), "metadata"))
    }

    /// `FieldClearer`.
    fn clear_field(&mut self, id: Id, name: &str) -> Result<(), PatchError> {
        self.check_kind(Some(id), YKind::Map)?;
        let pos = self.nodes[id]
            .content
            .chunks(2)
            .position(|pair| self.nodes[pair[0]].value == name);
        if let Some(pos) = pos {
            let content = &mut self.nodes[id].content;
            let end = (pos * 2 + 2).min(content.len());
            content.drain(pos * 2..end);
        }
        Ok(())
    }

    /// `FieldMatcher{Name: name, Value: value}`: the value of the field
    /// `name` of the map `id` (whose text equals `value` when one is given);
    /// with an empty name, `id` itself when it is a scalar of that text.
    fn field_matcher(
        &self,
        id: Option<Id>,
        name: &str,
        value: Option<&str>,
    ) -> Result<Option<Id>, PatchError> {
        if self.missing_or_null(id) {
            return Ok(None);
        }
        let id = id.expect("not missing");
        if name.is_empty() {
            self.check_kind(Some(id), YKind::Scalar)?;
            return Ok((self.value(id) == value.unwrap_or("")).then_some(id));
        }
        self.check_kind(Some(id), YKind::Map)?;
        for pair in self.nodes[id].content.chunks(2) {
            if self.nodes[pair[0]].value == name {
                if let Some(&v) = pair.get(1) {
                    if value.is_none_or(|want| self.nodes[v].value == want) {
                        return Ok(Some(v));
                    }
                }
            }
        }
        Ok(None)
    }

    /// `FieldSetter{Name: name, Value: value}` on the node `id`.
    fn set_field(&mut self, id: Id, name: &str, value: Option<Id>) -> Result<(), PatchError> {
        if name.is_empty() {
            self.check_kind(Some(id), YKind::Scalar)?;
            if self.missing_or_null(value) {
                return Ok(());
            }
            let value = value.expect("not missing");
            // The value takes the style of the node it replaces.
            self.nodes[value].quoted = self.nodes[id].quoted;
            self.set_ynode(id, value);
            return Ok(());
        }
        let Some(value) = value.filter(|&v| !self.is_tagged_null(Some(v))) else {
            return self.clear_field(id, name);
        };
        match self.field_matcher(Some(id), name, None)? {
            Some(field) => {
                if field != value {
                    self.nodes[value].quoted = self.nodes[field].quoted;
                    self.set_ynode(field, value);
                }
            }
            None => {
                if self.missing_or_null(Some(id)) {
                    return Ok(());
                }
                let key = self.scalar(name, None);
                self.nodes[id].content.push(key);
                self.nodes[id].content.push(value);
            }
        }
        Ok(())
    }

    /// `ElementMatcher{Keys, Values}`: the first element matching every
    /// key/value pair (for an empty key, the first scalar of that text).
    fn element_matcher(
        &self,
        list: Id,
        keys: &[String],
        values: &[String],
    ) -> Result<Option<Id>, PatchError> {
        let empty = [String::new()];
        let keys = if keys.is_empty() { &empty[..] } else { keys };
        let values = if values.is_empty() {
            &empty[..]
        } else {
            values
        };
        if keys[0].is_empty() {
            return Ok(self.nodes[list]
                .content
                .iter()
                .copied()
                .find(|&e| self.nodes[e].value == values[0]));
        }
        for &elem in &self.nodes[list].content {
            if !self.is_map(elem) {
                continue;
            }
            if keys.len() != values.len() {
                return Err(PatchError::NoMergeKey(
                    "length of keys must equal length of values".into(),
                ));
            }
            let mut matches = true;
            for (k, v) in keys.iter().zip(values) {
                if self.field_matcher(Some(elem), k, Some(v))?.is_none() {
                    matches = false;
                    break;
                }
            }
            if matches {
                return Ok(Some(elem));
            }
        }
        Ok(None)
    }

    /// `RNode.ElementList`: like [`Tree::element_matcher`] but `None` for
    /// non-lists and on errors.
    fn element_list(&self, list: Option<Id>, keys: &[String], values: &[String]) -> Option<Id> {
        let list = list?;
        if self.kind(list) != YKind::Seq {
            return None;
        }
        self.element_matcher(list, keys, values).ok().flatten()
    }

    /// `ElementSetter`: replaces every element matching the key/value pairs
    /// with `element` (or removes them when `element` is `None`), appending
    /// `element` when nothing matched. Null and empty-map elements are
    /// dropped on the way.
    fn element_setter(
        &mut self,
        list: Id,
        element: Option<Id>,
        keys: &[String],
        values: &[String],
    ) -> Result<(), PatchError> {
        let empty = [String::new()];
        let keys = if keys.is_empty() { &empty[..] } else { keys };
        self.check_kind(Some(list), YKind::Seq)?;
        let mapping_setter = !keys[0].is_empty() && values.first().is_some_and(|v| !v.is_empty());
        let mut new_content = Vec::new();
        let mut matching_found = false;
        let old = self.nodes[list].content.clone();
        for elem in old {
            if self.missing_or_null(Some(elem)) || self.is_empty_map(Some(elem)) {
                continue;
            }
            if !self.is_map(elem) && mapping_setter {
                new_content.push(elem);
                continue;
            }
            let mut val = None;
            let mut found = true;
            for (j, key) in keys.iter().enumerate() {
                if let Some(v) = values.get(j) {
                    let want = (!v.is_empty()).then_some(v.as_str());
                    val = self.field_matcher(Some(elem), key, want)?;
                }
                if val.is_none() {
                    found = false;
                    break;
                }
            }
            if !found {
                if !values.is_empty() {
                    new_content.push(elem);
                }
                continue;
            }
            matching_found = true;
            if let Some(e) = element {
                new_content.push(e);
            }
        }
        self.nodes[list].content = new_content;
        if self.missing_or_null(element) {
            return Ok(());
        }
        if !matching_found {
            self.nodes[list].content.push(element.expect("not missing"));
        }
        Ok(())
    }

    /// kyaml's `appendListNode(dst, src, keys)`: sets every element of `src`
    /// into `dst` by its key values.
    fn append_list_node(&mut self, dst: Id, src: Id, keys: &[String]) -> Result<Id, PatchError> {
        let elems = self.nodes[src].content.clone();
        for elem in elems {
            if keys[0].is_empty() {
                let value = self.value(elem).to_owned();
                self.element_setter(dst, Some(elem), &[String::new()], &[value])?;
                continue;
            }
            let mut v = Vec::new();
            for key in keys {
                match self.field_matcher(Some(elem), key, None)? {
                    None => {
                        self.check_kind(Some(dst), YKind::Seq)?;
                        self.nodes[dst].content.push(elem);
                    }
                    Some(value_node) => v.push(self.value(value_node).to_owned()),
                }
            }
            if keys.len() > 1 {
                self.element_setter(dst, None, keys, &v)?;
            }
            self.element_setter(dst, Some(elem), keys, &v)?;
        }
        Ok(dst)
    }
}

// ---------------------------------------------------------------------------
// The walker and the merge visitor.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Directive {
    Unknown,
    Replace,
    Delete,
    Merge,
}

struct Merger<'s> {
    t: Tree,
    schema: &'s Schema,
}

/// `[dest, origin]`: the resource's node and the patch's node.
type Sources = [Option<Id>; 2];

impl Merger<'_> {
    fn walk(
        &mut self,
        mut src: Sources,
        schema: Option<SchemaNode>,
    ) -> Result<Option<Id>, PatchError> {
        let schema = self.get_schema(&src, schema);
        let kind = src
            .iter()
            .find(|s| !self.t.missing_or_null(**s))
            .map(|s| self.t.kind(s.expect("not missing")));
        match kind {
            None => self.walk_map(&mut src, schema),
            Some(kind) => {
                for s in src {
                    self.t.check_kind(s, kind)?;
                }
                match kind {
                    YKind::Map => self.walk_map(&mut src, schema),
                    YKind::Seq => {
                        let associative = schema
                            .as_ref()
                            .is_some_and(|s| s.list_strategy().is_merge());
                        if associative {
                            self.walk_associative(&mut src, schema)
                        } else {
                            Ok(src[1].or(src[0]))
                        }
                    }
                    YKind::Scalar => Ok(src[1].or(src[0])),
                }
            }
        }
    }

    /// `Walker.GetSchema` (without the schemas kyaml reads from comments):
    /// the given schema, else the schema of the type a source declares.
    fn get_schema(&self, src: &Sources, schema: Option<SchemaNode>) -> Option<SchemaNode> {
        if schema.is_some() {
            return schema;
        }
        for &s in src {
            if self.t.missing_or_null(s) {
                continue;
            }
            let meta = |name: &str| {
                let f = self.t.field(s, name);
                if self.t.nil_or_empty(f) {
                    ""
                } else {
                    self.t.value(f.expect("present"))
                }
            };
            let (api_version, kind) = (meta("apiVersion"), meta("kind"));
            if api_version.is_empty() || kind.is_empty() {
                continue;
            }
            if let Some(found) = self.schema.for_type(api_version, kind) {
                return Some(found);
            }
        }
        None
    }

    /// `determineSmpDirective`: reads (and removes) `$patch` from a map.
    fn directive(&mut self, patch: Option<Id>) -> Result<Directive, PatchError> {
        let Some(patch) = patch else {
            return Ok(Directive::Merge);
        };
        match self.t.kind(patch) {
            YKind::Seq => self.sequence_directive(patch),
            YKind::Map => {
                let Some(node) = self.t.field_matcher(Some(patch), "$patch", None)? else {
                    return Ok(Directive::Merge);
                };
                let directive = match self.t.value(node) {
                    "delete" => Directive::Delete,
                    "replace" => Directive::Replace,
                    "merge" => Directive::Merge,
                    other => return Err(PatchError::UnknownPatchStrategy(other.to_owned())),
                };
                self.t.clear_field(patch, "$patch")?;
                Ok(directive)
            }
            YKind::Scalar => Err(PatchError::NoStrategyForNode {
                tag: self.t.short_tag(patch).to_owned(),
                value: self.t.render(patch),
            }),
        }
    }

    /// `determineSequenceNodePatchStrategy`: a list element that is exactly
    /// `{$patch: DIRECTIVE}` applies to the whole list and is removed.
    fn sequence_directive(&mut self, list: Id) -> Result<Directive, PatchError> {
        let mut found = None;
        for &elem in &self.t.nodes[list].content {
            if self.t.is_map(elem) && self.t.field_matcher(Some(elem), "$patch", None)?.is_some() {
                found = Some(elem);
                break;
            }
        }
        let Some(elem) = found else {
            return Ok(Directive::Merge);
        };
        if self.t.nodes[elem].content.len() > 2 {
            return Ok(Directive::Merge);
        }
        let Some(value) = self.t.field_matcher(Some(elem), "$patch", None)? else {
            return Ok(Directive::Merge);
        };
        let v = self.t.value(value).to_owned();
        let directive = match v.as_str() {
            "delete" => Directive::Delete,
            "replace" => Directive::Replace,
            "merge" => Directive::Merge,
            _ => return Err(PatchError::UnknownPatchStrategy(v)),
        };
        self.t
            .element_setter(list, None, &["$patch".to_owned()], &[v])?;
        Ok(directive)
    }

    /// Shared end of `VisitMap` and `VisitList` once both sides exist: a
    /// tagged null in the patch deletes, else its `$patch` directive picks
    /// the patch's node (replace), nothing (delete) or the resource's (merge).
    fn keep_by_directive(
        &mut self,
        dest: Option<Id>,
        origin: Option<Id>,
    ) -> Result<Option<Id>, PatchError> {
        if self.t.is_tagged_null(origin) {
            return Ok(None);
        }
        Ok(match self.directive(origin)? {
            Directive::Delete => None,
            Directive::Replace => origin,
            Directive::Merge | Directive::Unknown => dest,
        })
    }

    /// `Merger.VisitMap`.
    fn visit_map(&mut self, src: &Sources) -> Result<Option<Id>, PatchError> {
        let [dest, origin] = *src;
        if self.t.missing_or_null(dest) {
            let ps = self.directive(origin).unwrap_or(Directive::Unknown);
            if ps == Directive::Delete {
                return Ok(None);
            }
            // A null the resource spells out survives when the patch does not
            // mention the field (as an untagged scalar of the same text).
            if let (None, Some(d)) = (origin, dest) {
                if !self.t.value(d).is_empty() {
                    let text = self.t.value(d).to_owned();
                    return Ok(Some(self.t.scalar(&text, None)));
                }
            }
            return Ok(origin);
        }
        self.keep_by_directive(dest, origin)
    }

    /// `Merger.VisitList` for associative lists.
    fn visit_associative_list(&mut self, src: &Sources) -> Result<Option<Id>, PatchError> {
        let [dest, origin] = *src;
        if self.t.missing_or_null(dest) {
            return Ok(origin);
        }
        self.keep_by_directive(dest, origin)
    }

    fn walk_map(
        &mut self,
        src: &mut Sources,
        schema: Option<SchemaNode>,
    ) -> Result<Option<Id>, PatchError> {
        let dest = self.visit_map(src)?;
        src[0] = dest;
        let Some(dest) = dest else {
            return Ok(None);
        };
        let mut names = BTreeSet::new();
        for s in src.iter().flatten() {
            if self.t.is_map(*s) {
                for pair in self.t.nodes[*s].content.chunks(2) {
                    names.insert(self.t.nodes[pair[0]].value.clone());
                }
            }
        }
        for name in names {
            let field_schema = schema.as_ref().and_then(|s| self.schema.field(s, &name));
            let values = [self.t.field(src[0], &name), self.t.field(src[1], &name)];
            let val = self.walk(values, field_schema)?;
            self.t.set_field(dest, &name, val)?;
        }
        Ok(Some(dest))
    }

    fn walk_associative(
        &mut self,
        src: &mut Sources,
        schema: Option<SchemaNode>,
    ) -> Result<Option<Id>, PatchError> {
        let dest = self.visit_associative_list(src)?;
        src[0] = dest;
        let Some(dest) = dest else {
            return Ok(None);
        };
        let strategy = schema
            .as_ref()
            .map(|s| s.list_strategy())
            .unwrap_or_default();
        let keys = strategy.keys;
        if strategy.strategy.is_empty() && keys.is_empty() {
            // kyaml infers a key here, but only for lists it was told to
            // infer, which kustomize never asks for.
            return Err(PatchError::NoMergeKey(String::new()));
        }
        let values = self.element_values(src, &keys);
        let elem_schema = schema.as_ref().and_then(|s| self.schema.elements(s));
        if !values.is_empty() || !keys.is_empty() {
            return self.set_associative_elements(src, elem_schema, values, &keys, dest);
        }
        let values = self.element_primitive_values(src);
        self.set_associative_elements(src, elem_schema, values, &[String::new()], dest)
    }

    /// The key values of every element, patch first (kyaml's prepend order),
    /// without repeats.
    fn element_values(&self, src: &Sources, keys: &[String]) -> Vec<Vec<String>> {
        let mut out: Vec<Vec<String>> = Vec::new();
        let mut seen: HashSet<Vec<String>> = HashSet::new();
        for s in [src[1], src[0]].into_iter().flatten() {
            if self.t.kind(s) != YKind::Seq {
                continue;
            }
            for &elem in &self.t.nodes[s].content {
                let vals: Vec<String> = keys
                    .iter()
                    .map(|k| {
                        let f = self.t.field(Some(elem), k);
                        if self.t.nil_or_empty(f) {
                            String::new()
                        } else {
                            self.t.value(f.expect("present")).to_owned()
                        }
                    })
                    .collect();
                if vals.is_empty() || seen.contains(&vals) {
                    continue;
                }
                seen.insert(vals.clone());
                out.push(vals);
            }
        }
        out
    }

    fn element_primitive_values(&self, src: &Sources) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for s in [src[1], src[0]].into_iter().flatten() {
            for &item in &self.t.nodes[s].content {
                let v = self.t.value(item).to_owned();
                if seen.insert(v.clone()) {
                    out.push(vec![v]);
                }
            }
        }
        out
    }

    fn set_associative_elements(
        &mut self,
        src: &Sources,
        elem_schema: Option<SchemaNode>,
        mut values_list: Vec<Vec<String>>,
        keys: &[String],
        dest: Id,
    ) -> Result<Option<Id>, PatchError> {
        let items = self.t.new_seq();
        if keys.len() > 1 {
            merge_values(&mut values_list);
        }
        let mut valid_keys: Vec<String> = Vec::new();
        for values in &values_list {
            if values.is_empty() {
                continue;
            }
            let valid_values;
            (valid_keys, valid_values) = validate_keys(&values_list, values, keys);
            let sources = self.element_value_list(src, &valid_keys, &valid_values);
            let val = self.walk(sources, elem_schema.clone())?;
            let mut exit = false;
            for (i, key) in valid_keys.iter().enumerate() {
                if self.t.missing_or_null(val) || self.t.is_empty_map(val) {
                    self.t
                        .element_setter(dest, None, &valid_keys, &valid_values)?;
                    exit = true;
                } else if self.t.field(val, key).is_none() && !valid_values[i].is_empty() {
                    let key_value = self.t.scalar(&valid_values[i], None);
                    self.t
                        .set_field(val.expect("present"), key, Some(key_value))?;
                }
            }
            if exit {
                continue;
            }
            self.t
                .element_setter(items, val, &valid_keys, &valid_values)?;
        }
        let mut dest = dest;
        if !values_list.is_empty() {
            dest = self.t.append_list_node(items, dest, &valid_keys)?;
        }
        if self.t.missing_or_null(Some(dest)) {
            return Ok(None);
        }
        Ok(Some(dest))
    }

    fn element_value_list(&self, src: &Sources, keys: &[String], values: &[String]) -> Sources {
        let (keys, values) = validate_keys(&[values.to_vec()], values, keys);
        [
            self.t.element_list(src[0], &keys, &values),
            self.t.element_list(src[1], &keys, &values),
        ]
    }
}

/// kyaml's `validateKeys`: the merge keys that have a value in any element
/// (all keys when none has), and the values that go with them.
fn validate_keys(
    values_list: &[Vec<String>],
    values: &[String],
    keys: &[String],
) -> (Vec<String>, Vec<String>) {
    let mut valid: HashSet<&str> = HashSet::new();
    for vals in values_list {
        for (i, v) in vals.iter().enumerate() {
            if !v.is_empty() {
                if let Some(k) = keys.get(i) {
                    valid.insert(k);
                }
            }
        }
    }
    if valid.is_empty() {
        return (keys.to_vec(), values.to_vec());
    }
    let valid_keys = keys
        .iter()
        .filter(|k| valid.contains(k.as_str()))
        .cloned()
        .collect();
    let valid_values = values
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.is_empty() || keys.get(*i).is_some_and(|k| valid.contains(k.as_str())))
        .map(|(_, v)| v.clone())
        .collect();
    (valid_keys, valid_values)
}

/// kyaml's `mergeValues`: key tuples that agree wherever both have a value
/// (say a port with and without its protocol) become the same tuple.
fn merge_values(values_list: &mut [Vec<String>]) {
    for i in 0..values_list.len() {
        let v1 = values_list[i].clone();
        for j in 0..values_list.len() {
            let v2 = values_list[j].clone();
            if let Some(merged) = match_values(&v1, &v2) {
                values_list[i] = merged.clone();
                values_list[j] = merged;
            }
        }
    }
}

fn match_values(v1: &[String], v2: &[String]) -> Option<Vec<String>> {
    if v1.len() != v2.len() {
        return None;
    }
    let mut common = false;
    let mut res = Vec::with_capacity(v1.len());
    for (a, b) in v1.iter().zip(v2) {
        if a == b {
            common = true;
            res.push(a.clone());
            continue;
        }
        if !a.is_empty() && !b.is_empty() {
            return None;
        }
        res.push(if a.is_empty() { b.clone() } else { a.clone() });
    }
    common.then_some(res)
}

#[cfg(test)]
#[path = "smp_tests.rs"]
mod tests;
