//! The patch transformers: `patches` (PatchTransformer),
//! `patchesStrategicMerge` (PatchStrategicMergeTransformer) and
//! `patchesJson6902` (PatchJson6902Transformer).

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::kustomization::{node_to_config_json, Selector};
use crate::loader::Loader;
use crate::patch::{apply_json6902, strategic_merge};
use crate::plugins::{PluginContext, Transformer};
use crate::resource::{ResId, ResMap, Resource};
use crate::target::parse_resources;
use crate::yaml::Node;

/// A patch's content once read: strategic-merge documents or JSON 6902 ops.
enum PatchBody {
    StrategicMerge(Vec<Resource>),
    Json6902(Node),
}

/// `patches:` entries and PatchTransformer configs.
pub struct PatchTransformer {
    body: PatchBody,
    text: String,
    /// The patch file, or which kustomization holds the inline patch: named
    /// in errors.
    source: String,
    target: Option<Selector>,
    allow_name_change: bool,
    allow_kind_change: bool,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct PatchConfig {
    path: String,
    patch: String,
    target: Option<Selector>,
    options: std::collections::BTreeMap<String, bool>,
}

impl PatchTransformer {
    pub fn from_config(config: &Node, loader: &Loader<'_>) -> Result<Self> {
        let c: PatchConfig = serde_json::from_value(node_to_config_json(config))
            .map_err(|e| Error::msg(format!("invalid PatchTransformer config: {e}")))?;
        Self::new(&c.path, &c.patch, c.target, &c.options, loader)
    }

    pub fn from_entry(entry: &crate::kustomization::Patch, loader: &Loader<'_>) -> Result<Self> {
        Self::new(
            &entry.path,
            &entry.patch,
            entry.target.clone(),
            &entry.options,
            loader,
        )
    }

    fn new(
        path: &str,
        patch: &str,
        target: Option<Selector>,
        options: &std::collections::BTreeMap<String, bool>,
        loader: &Loader<'_>,
    ) -> Result<Self> {
        let inline = patch.trim();
        let text = match (inline.is_empty(), path.is_empty()) {
            (true, true) => return Err(Error::msg("must specify one of patch and path")),
            (false, false) => {
                return Err(Error::msg("patch and path can't be set at the same time"))
            }
            (false, true) => inline.to_owned(),
            (true, false) => loader.load_text(path)?,
        };
        let source = if path.is_empty() {
            format!("inline patch in {}", loader.root().display())
        } else {
            loader.resolve(path).display().to_string()
        };
        let as_resources = parse_resources(std::path::Path::new(&source), &text);
        let as_ops = json_patch_ops(&text);
        let body = match (as_resources, as_ops) {
            (Ok(r), Ok(_)) if r.is_empty() => {
                return Err(Error::msg(format!(
                    "unable to parse SM or JSON patch from {text}"
                )))
            }
            (Ok(resources), Err(_)) => PatchBody::StrategicMerge(resources),
            (Err(_), Ok(ops)) => PatchBody::Json6902(ops),
            (Ok(_), Ok(_)) => {
                return Err(Error::msg(format!(
                    "illegally qualifies as both an SM and JSON patch: {text}"
                )))
            }
            (Err(e), Err(_)) => {
                return Err(e.context(format!("unable to parse SM or JSON patch from {text}")));
            }
        };
        Ok(PatchTransformer {
            body,
            text,
            source,
            target,
            allow_name_change: options.get("allowNameChange").copied().unwrap_or(false),
            allow_kind_change: options.get("allowKindChange").copied().unwrap_or(false),
        })
    }
}

impl Transformer for PatchTransformer {
    fn transform(&self, resources: &mut ResMap, ctx: &PluginContext<'_, '_>) -> Result<()> {
        self.apply(resources, ctx)
            .map_err(|e| e.context(format!("patch {}", self.source)))
    }
}

impl PatchTransformer {
    fn apply(&self, resources: &mut ResMap, ctx: &PluginContext<'_, '_>) -> Result<()> {
        match &self.body {
            PatchBody::StrategicMerge(patches) => {
                for patch in patches {
                    let selected = match &self.target {
                        None => vec![unique_target(resources, &patch.id())?],
                        Some(selector) => select_warning_if_none(selector, resources, ctx)?,
                    };
                    let targeted = self.target.is_some();
                    apply_sm_to(
                        resources,
                        &selected,
                        patch,
                        targeted,
                        self.allow_name_change,
                        self.allow_kind_change,
                        ctx,
                    )?;
                }
                refuse_duplicate_ids(resources)
            }
            PatchBody::Json6902(ops) => {
                let Some(selector) = &self.target else {
                    return Err(Error::msg(format!(
                        "must specify a target for JSON patch {}",
                        self.text
                    )));
                };
                for index in select_warning_if_none(selector, resources, ctx)? {
                    apply_json_to(&mut resources.resources[index], ops, true)?;
                }
                refuse_duplicate_ids(resources)
            }
        }
    }
}

/// Selects a patch's targets. Kustomize accepts a target that selects
/// nothing, so Berth does too, but says so: it is usually a typo.
fn select_warning_if_none(
    selector: &Selector,
    resources: &ResMap,
    ctx: &PluginContext<'_, '_>,
) -> Result<Vec<usize>> {
    let selected = crate::select::select(selector, resources)?;
    if selected.is_empty() {
        ctx.warn(format!(
            "patch target {} in {} matches no resource",
            describe_selector(selector),
            ctx.loader.root().display()
        ));
    }
    Ok(selected)
}

/// `patchesStrategicMerge:` entries and PatchStrategicMergeTransformer configs.
pub struct PatchStrategicMergeTransformer {
    patches: Vec<Resource>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct PatchStrategicMergeConfig {
    paths: Vec<String>,
    patches: String,
}

impl PatchStrategicMergeTransformer {
    pub fn from_config(config: &Node, loader: &Loader<'_>) -> Result<Self> {
        let c: PatchStrategicMergeConfig = serde_json::from_value(node_to_config_json(config))
            .map_err(|e| {
                Error::msg(format!(
                    "invalid PatchStrategicMergeTransformer config: {e}"
                ))
            })?;
        let mut patches = Self::from_paths(&c.paths, loader)?.patches;
        if !c.patches.is_empty() {
            patches.extend(parse_resources(
                std::path::Path::new("inline patch"),
                &c.patches,
            )?);
        }
        if c.paths.is_empty() && c.patches.is_empty() {
            return Err(Error::msg("empty file path and empty patch content"));
        }
        if patches.is_empty() {
            return Err(Error::msg(format!(
                "patch appears to be empty; files={:?}, Patch={}",
                c.paths, c.patches
            )));
        }
        Ok(PatchStrategicMergeTransformer { patches })
    }

    /// Each entry is, for historical reasons, either patch text or a path.
    pub fn from_paths(entries: &[String], loader: &Loader<'_>) -> Result<Self> {
        let mut patches = Vec::new();
        for entry in entries {
            match inline_patch(entry) {
                Some(inline) => patches.extend(inline),
                None => {
                    let docs = loader.load_yaml(entry)?;
                    patches.extend(crate::target::resources_from_documents(
                        docs,
                        &loader.resolve(entry),
                    )?);
                }
            }
        }
        Ok(PatchStrategicMergeTransformer { patches })
    }
}

fn inline_patch(entry: &str) -> Option<Vec<Resource>> {
    let docs = crate::target::inline_yaml_documents(entry)?;
    crate::target::resources_from_documents(docs, std::path::Path::new("inline patch"))
        .ok()
        .filter(|r| !r.is_empty())
}

impl Transformer for PatchStrategicMergeTransformer {
    fn transform(&self, resources: &mut ResMap, ctx: &PluginContext<'_, '_>) -> Result<()> {
        for patch in &self.patches {
            let index = unique_target(resources, &patch.id())?;
            apply_sm_to(resources, &[index], patch, false, false, false, ctx)?;
        }
        refuse_duplicate_ids(resources)
    }
}

/// `patchesJson6902:` entries and PatchJson6902Transformer configs.
pub struct PatchJson6902Transformer {
    target: Selector,
    ops: Node,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct PatchJson6902Config {
    target: Option<Selector>,
    path: String,
    json_op: String,
}

impl PatchJson6902Transformer {
    pub fn from_config(config: &Node, loader: &Loader<'_>) -> Result<Self> {
        let c: PatchJson6902Config = serde_json::from_value(node_to_config_json(config))
            .map_err(|e| Error::msg(format!("invalid PatchJson6902Transformer config: {e}")))?;
        Self::new(c.target, &c.path, &c.json_op, loader)
    }

    pub fn from_entry(entry: &crate::kustomization::Patch, loader: &Loader<'_>) -> Result<Self> {
        Self::new(entry.target.clone(), &entry.path, &entry.patch, loader)
    }

    fn new(
        target: Option<Selector>,
        path: &str,
        json_op: &str,
        loader: &Loader<'_>,
    ) -> Result<Self> {
        let target = target.unwrap_or_default();
        if target.name.is_empty() {
            return Err(Error::msg("must specify the target name"));
        }
        let text = match (path.is_empty(), json_op.is_empty()) {
            (true, true) => return Err(Error::msg("empty file path and empty jsonOp")),
            (false, false) => {
                return Err(Error::msg("must specify a file path or jsonOp, not both"))
            }
            (false, true) => {
                let text = loader.load_text(path)?;
                if text.is_empty() {
                    return Err(Error::msg(format!(
                        "patch file '{path}' empty seems to be empty"
                    )));
                }
                text
            }
            (true, false) => json_op.to_owned(),
        };
        let ops = json_patch_ops(&text)?;
        if ops.as_seq().is_some_and(Vec::is_empty) {
            return Err(Error::msg(format!(
                "patch appears to be empty; file={path}, JsonOp={json_op}"
            )));
        }
        Ok(PatchJson6902Transformer { target, ops })
    }
}

impl Transformer for PatchJson6902Transformer {
    fn transform(&self, resources: &mut ResMap, ctx: &PluginContext<'_, '_>) -> Result<()> {
        for index in select_warning_if_none(&self.target, resources, ctx)? {
            // The legacy transformer does not record the previous name, so
            // name references do not follow its renames (as in kustomize).
            apply_json_to(&mut resources.resources[index], &self.ops, false)?;
        }
        refuse_duplicate_ids(resources)
    }
}

/// A selector as the user wrote it: `kind=Deployment name=web`.
fn describe_selector(s: &Selector) -> String {
    let fields = [
        ("group", &s.group),
        ("version", &s.version),
        ("kind", &s.kind),
        ("name", &s.name),
        ("namespace", &s.namespace),
        ("labelSelector", &s.label_selector),
        ("annotationSelector", &s.annotation_selector),
    ];
    let parts: Vec<String> = fields
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if parts.is_empty() {
        "(everything)".to_owned()
    } else {
        format!("{{{}}}", parts.join(" "))
    }
}

/// Parses JSON 6902 operations written as JSON or YAML: a list of maps.
fn json_patch_ops(text: &str) -> Result<Node> {
    let node = crate::yaml::parse::parse_single(text)
        .map_err(|e| Error::msg(format!("invalid JSON patch: {e}")))?;
    match &node {
        Node::Seq(items)
            if items
                .iter()
                .all(|op| op.as_map().is_some_and(|m| m.contains_key("op"))) =>
        {
            Ok(node)
        }
        _ => Err(Error::msg("a JSON patch must be a list of operations")),
    }
}

/// The one resource a patch without a target applies to (kustomize's
/// `GetById`, matching current or earlier identities).
fn unique_target(resources: &ResMap, id: &ResId) -> Result<usize> {
    let matches = resources.matching_any_id(id);
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => Err(Error::msg(format!(
            "no matches for Id {id}; failed to find unique target for patch {id}"
        ))),
        _ => Err(Error::msg(format!(
            "multiple matches for Id {id}; failed to find unique target for patch {id}"
        ))),
    }
}

/// Applies a strategic merge patch to the selected resources, dropping any
/// the patch deletes. Name, namespace and kind survive unless the patch's
/// options allow changing them.
fn apply_sm_to(
    resources: &mut ResMap,
    selected: &[usize],
    patch: &Resource,
    targeted: bool,
    allow_name_change: bool,
    allow_kind_change: bool,
    ctx: &PluginContext<'_, '_>,
) -> Result<()> {
    let mut deleted = Vec::new();
    for &index in selected {
        let resource = &mut resources.resources[index];
        let mut patch_node = patch.node.clone();
        if targeted {
            // A targeted patch takes the target's apiVersion; its own kind
            // stays so that a kind change can be requested.
            patch_node.set_path(&["apiVersion"], Node::string(resource.api_version()));
        }
        let (name, namespace, kind) = (
            resource.name().to_owned(),
            resource.namespace().to_owned(),
            resource.kind().to_owned(),
        );
        if allow_name_change || allow_kind_change {
            resource.remember_current_id();
        }
        match strategic_merge(&resource.node, &patch_node, ctx.schema)
            .map_err(|e| Error::msg(e.to_string()).context(format!("with patch {}", patch.id())))?
        {
            None => deleted.push(index),
            Some(merged) if merged.as_map().is_none_or(|m| m.is_empty()) => deleted.push(index),
            Some(merged) => {
                resource.node = merged;
                if !allow_kind_change {
                    resource.node.set_path(&["kind"], untyped(&kind));
                }
                if !allow_name_change {
                    resource
                        .node
                        .set_path(&["metadata", "name"], untyped(&name));
                }
                if namespace.is_empty() {
                    if let Some(meta) = resource.node.get_mut("metadata").and_then(Node::as_map_mut)
                    {
                        meta.remove("namespace");
                    }
                } else {
                    resource
                        .node
                        .set_path(&["metadata", "namespace"], untyped(&namespace));
                }
            }
        }
    }
    if !deleted.is_empty() {
        let deleted: std::collections::HashSet<usize> = deleted.into_iter().collect();
        let mut index = 0;
        resources.resources.retain(|_| {
            let keep = !deleted.contains(&index);
            index += 1;
            keep
        });
    }
    Ok(())
}

fn apply_json_to(resource: &mut Resource, ops: &Node, remember_id: bool) -> Result<()> {
    let id = resource.id();
    // Kustomize keeps its bookkeeping in annotations while it works, so the
    // annotations map exists during the patch exactly when the resource has
    // some: a stored previous id (always, for `patches`), a rename, or
    // generator marks. `add /metadata/annotations/x` relies on that.
    let has_build_annotations = remember_id
        || !resource.previous_ids.is_empty()
        || resource.needs_hash_suffix
        || resource.behavior != crate::resource::Behavior::Unspecified;
    if remember_id {
        // A JSON patch may rename; later patches must still find the
        // resource by the name it had (kustomize stores the previous id).
        resource.remember_current_id();
    }
    let added_annotations = match resource.node.get_mut("metadata").and_then(Node::as_map_mut) {
        Some(meta) if has_build_annotations && !meta.contains_key("annotations") => {
            meta.insert("annotations", Node::empty_map());
            true
        }
        _ => false,
    };
    resource.node = apply_json6902(&resource.node, ops)
        .map_err(|e| Error::msg(format!("{e}")).context(format!("applying JSON patch to {id}")))?;
    if added_annotations {
        if let Some(meta) = resource.node.get_mut("metadata").and_then(Node::as_map_mut) {
            if meta
                .get("annotations")
                .and_then(Node::as_map)
                .is_some_and(|m| m.is_empty())
            {
                meta.remove("annotations");
            }
        }
    }
    Ok(())
}

/// Kustomize re-adds patched resources to its map, which refuses two with
/// the same id: a patch may not make two resources one.
fn refuse_duplicate_ids(resources: &ResMap) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for r in resources.iter() {
        let id = r.id();
        if !seen.insert(id.key()) {
            return Err(Error::DuplicateId(id));
        }
    }
    Ok(())
}

/// A scalar set without a tag, as kustomize's `SetName`/`SetKind` set them:
/// on output its text is read afresh (`1.36` prints as a number).
fn untyped(text: &str) -> Node {
    Node::Scalar(crate::yaml::Scalar {
        value: text.to_owned(),
        kind: crate::yaml::parse::resolve_plain(text),
    })
}
