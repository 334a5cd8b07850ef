//! Field specs: which fields of which kinds a transformer touches, and the
//! built-in tables kustomize ships (commonLabels, namePrefix, nameReference,
//! ...), extended by `configurations:` and `crds:`.
//!
//! The tables merge the way kustomize's `TransformerConfig.Merge` does: an
//! incoming spec whose selector selects an existing spec's kind and has the
//! same path is a duplicate and dropped (an error if the two disagree about
//! `create`), name references merge per referred kind, and every table is
//! sorted by kind afterwards (kustomize's `sortFields`), which fixes the
//! order transformers visit fields in.

mod crds;
#[cfg(test)]
mod krusty_tests;
mod walk;

/// Runs a transformer the way a build does, for the transformers' tests.
#[cfg(test)]
pub(crate) mod test_support {
    use std::path::Path;

    use crate::error::Result;
    use crate::fieldspec::TransformerConfig;
    use crate::fs::MemFs;
    use crate::loader::{LoadRestrictor, Loader};
    use crate::plugins::{PluginContext, Transformer};
    use crate::resource::ResMap;

    pub(crate) fn run_transformer(
        t: &dyn Transformer,
        m: &mut ResMap,
        config: &TransformerConfig,
    ) -> Result<()> {
        let mut mem = MemFs::new();
        mem.add("kustomization.yaml", "");
        let ldr = Loader::new(&mem, Path::new("/"), LoadRestrictor::RootOnly)?;
        let ctx = PluginContext {
            loader: &ldr,
            config,
            schema: crate::patch::Schema::builtin(),
            origin: None,
            warnings: None,
        };
        t.transform(m, &ctx)
    }
}

use std::cmp::Ordering;
use std::sync::OnceLock;

use serde::Deserialize;

use crate::error::{Error, Result, ResultExt};
use crate::loader::Loader;
use crate::resource::Gvk;
use crate::yaml::{Node, ScalarKind};

pub use crds::config_from_crds;
pub use walk::{
    apply_field_spec, apply_field_specs, apply_to_field, group_version, node_res_id, set_map_entry,
    set_scalar, spec_selects, split_path, walk_path, wrong_node_kind, CreateKind,
};

/// One field to visit: a kind selector and a slash-separated path.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct FieldSpec {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub path: String,
    /// Create the field when it is missing.
    pub create: bool,
}

impl FieldSpec {
    /// A spec for `path` on every kind.
    pub fn any_kind(path: &str, create: bool) -> Self {
        FieldSpec {
            path: path.to_owned(),
            create,
            ..FieldSpec::default()
        }
    }

    pub fn gvk(&self) -> Gvk {
        Gvk::new(&self.group, &self.version, &self.kind)
    }

    /// Kustomize's `effectivelyEquals`: `self` (incoming) is a duplicate of
    /// `existing` when its selector selects the existing kind and the paths
    /// are the same.
    fn duplicates(&self, existing: &FieldSpec) -> bool {
        self.path == existing.path && self.gvk().selects(&existing.gvk())
    }

    /// Reads one spec the way kustomize's JSON decoding does: unknown keys
    /// are ignored, nulls leave the zero value, wrong types are errors.
    pub fn from_node(node: &Node) -> Result<Self> {
        let Some(map) = node.as_map() else {
            return Err(Error::msg(format!(
                "a field spec must be a map with group, version, kind, path and create (found {})",
                node.kind_name()
            )));
        };
        let mut fs = FieldSpec::default();
        for (key, value) in map.iter() {
            match key.as_str() {
                "group" => fs.group = string_field(key, value)?,
                "version" => fs.version = string_field(key, value)?,
                "kind" => fs.kind = string_field(key, value)?,
                "path" => fs.path = string_field(key, value)?,
                "create" => fs.create = bool_field(key, value)?,
                _ => {}
            }
        }
        Ok(fs)
    }
}

fn string_field(key: &str, value: &Node) -> Result<String> {
    match value {
        Node::Scalar(s) if s.kind == ScalarKind::Null => Ok(String::new()),
        Node::Scalar(s) if s.kind == ScalarKind::Str => Ok(s.value.clone()),
        other => Err(Error::msg(format!(
            "`{key}` must be a string (found {})",
            other.kind_name()
        ))),
    }
}

fn bool_field(key: &str, value: &Node) -> Result<bool> {
    match value {
        Node::Scalar(s) if s.kind == ScalarKind::Null => Ok(false),
        Node::Scalar(s) if s.kind == ScalarKind::Bool => Ok(s.value.eq_ignore_ascii_case("true")),
        other => Err(Error::msg(format!(
            "`{key}` must be true or false (found {})",
            other.kind_name()
        ))),
    }
}

fn spec_list(key: &str, node: &Node) -> Result<Vec<FieldSpec>> {
    match node {
        Node::Scalar(s) if s.is_null() => Ok(Vec::new()),
        Node::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| FieldSpec::from_node(item).with_context(|| format!("{key}[{i}]")))
            .collect(),
        other => Err(Error::msg(format!(
            "`{key}` must be a list of field specs (found {})",
            other.kind_name()
        ))),
    }
}

/// Reads the `fieldSpecs` list (or another key) of a plugin configuration.
/// `None` when the key is absent or null; kustomize's prefix and suffix
/// transformers refuse that, while `fieldSpecs: []` is accepted.
pub fn field_specs_in(config: &Node, key: &str) -> Result<Option<Vec<FieldSpec>>> {
    match config.get(key) {
        None => Ok(None),
        Some(node) if node.is_null() => Ok(None),
        Some(node) => spec_list(key, node).map(Some),
    }
}

/// A string field of a plugin configuration (absent or null: empty).
pub fn config_string(config: &Node, path: &[&str]) -> Result<String> {
    match config.get_path(path) {
        None => Ok(String::new()),
        Some(node) => string_field(&path.join("."), node),
    }
}

/// A boolean field of a plugin configuration (absent or null: false).
pub fn config_bool(config: &Node, key: &str) -> Result<bool> {
    match config.get(key) {
        None => Ok(false),
        Some(node) => bool_field(key, node),
    }
}

/// A map of strings in a plugin configuration (`labels`, `annotations`).
pub fn config_string_map(
    config: &Node,
    key: &str,
) -> Result<std::collections::BTreeMap<String, String>> {
    match config.get(key) {
        None => Ok(Default::default()),
        Some(Node::Scalar(s)) if s.is_null() => Ok(Default::default()),
        Some(Node::Map(map)) => map
            .iter()
            .map(|(k, v)| Ok((k.clone(), string_field(&format!("{key}.{k}"), v)?)))
            .collect(),
        Some(other) => Err(Error::msg(format!(
            "`{key}` must be a map of strings (found {})",
            other.kind_name()
        ))),
    }
}

/// Kustomize's `FsSlice.MergeOne`: appends `spec` unless a duplicate is
/// already there; a duplicate that disagrees about `create` is an error.
pub fn merge_one(specs: &mut Vec<FieldSpec>, spec: FieldSpec) -> Result<()> {
    match specs.iter().find(|existing| spec.duplicates(existing)) {
        Some(existing) if existing.create != spec.create => {
            Err(Error::msg("conflicting fieldspecs"))
        }
        Some(_) => Ok(()),
        None => {
            specs.push(spec);
            Ok(())
        }
    }
}

/// Kustomize's `FsSlice.MergeAll`.
pub fn merge_all(specs: &mut Vec<FieldSpec>, incoming: Vec<FieldSpec>) -> Result<()> {
    incoming
        .into_iter()
        .try_for_each(|spec| merge_one(specs, spec))
}

/// All field-spec tables of a build.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TransformerConfig {
    pub name_prefix: Vec<FieldSpec>,
    pub name_suffix: Vec<FieldSpec>,
    pub namespace: Vec<FieldSpec>,
    pub common_labels: Vec<FieldSpec>,
    /// Kustomize reads a `labels:` table too (no built-in entries).
    pub labels: Vec<FieldSpec>,
    pub template_labels: Vec<FieldSpec>,
    pub common_annotations: Vec<FieldSpec>,
    pub name_reference: Vec<NameBackReferences>,
    pub var_reference: Vec<FieldSpec>,
    pub images: Vec<FieldSpec>,
    pub replicas: Vec<FieldSpec>,
}

/// Fields of other resources that refer to resources of one kind by name.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
pub struct NameBackReferences {
    pub group: String,
    pub version: String,
    pub kind: String,
    #[serde(rename = "fieldSpecs")]
    pub referrers: Vec<FieldSpec>,
}

impl NameBackReferences {
    pub fn gvk(&self) -> Gvk {
        Gvk::new(&self.group, &self.version, &self.kind)
    }

    fn from_node(node: &Node) -> Result<Self> {
        let Some(map) = node.as_map() else {
            return Err(Error::msg(format!(
                "a nameReference entry must be a map with group, version, kind and fieldSpecs (found {})",
                node.kind_name()
            )));
        };
        let mut nbr = NameBackReferences::default();
        for (key, value) in map.iter() {
            match key.as_str() {
                "group" => nbr.group = string_field(key, value)?,
                "version" => nbr.version = string_field(key, value)?,
                "kind" => nbr.kind = string_field(key, value)?,
                "fieldSpecs" => nbr.referrers = spec_list(key, value)?,
                _ => {}
            }
        }
        Ok(nbr)
    }
}

/// Kustomize's `nbrSlice.mergeOne`: referrers of an already known kind
/// (exact group/version/kind) are merged into its entry.
fn merge_name_reference(
    list: &mut Vec<NameBackReferences>,
    other: NameBackReferences,
) -> Result<()> {
    let gvk = other.gvk();
    let mut found = false;
    for existing in list.iter_mut().filter(|e| e.gvk() == gvk) {
        merge_all(&mut existing.referrers, other.referrers.clone())?;
        found = true;
    }
    if !found {
        list.push(other);
    }
    Ok(())
}

/// The kustomize text of the built-in tables.
const BUILTIN_FIELD_SPECS: &str = include_str!("fieldspec/builtin.yaml");

impl TransformerConfig {
    /// Kustomize's built-in tables (parsed once, then copied).
    pub fn default_config() -> Self {
        static DEFAULT: OnceLock<TransformerConfig> = OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                let node = crate::yaml::parse::parse_single(BUILTIN_FIELD_SPECS)
                    .expect("the built-in field specs are valid YAML");
                TransformerConfig::from_yaml(&node).expect("the built-in field specs are valid")
            })
            .clone()
    }

    /// Reads a `configurations:` document (same keys as kustomize's
    /// `TransformerConfig`; unknown keys are ignored as kustomize does).
    /// The tables come back sorted, as kustomize sorts them after reading.
    pub fn from_yaml(node: &Node) -> Result<Self> {
        let mut config = TransformerConfig::default();
        let map = match node {
            Node::Map(map) => map,
            Node::Scalar(s) if s.is_null() => return Ok(config),
            other => {
                return Err(Error::msg(format!(
                    "a transformer configuration must be a map of field spec tables (found {})",
                    other.kind_name()
                )))
            }
        };
        for (key, value) in map.iter() {
            let table = match key.as_str() {
                "namePrefix" => &mut config.name_prefix,
                "nameSuffix" => &mut config.name_suffix,
                "namespace" => &mut config.namespace,
                "commonLabels" => &mut config.common_labels,
                "labels" => &mut config.labels,
                "templateLabels" => &mut config.template_labels,
                "commonAnnotations" => &mut config.common_annotations,
                "varReference" => &mut config.var_reference,
                "images" => &mut config.images,
                "replicas" => &mut config.replicas,
                "nameReference" => {
                    config.name_reference = name_reference_list(value)?;
                    continue;
                }
                _ => continue,
            };
            *table = spec_list(key, value)?;
        }
        config.sort();
        Ok(config)
    }

    /// Kustomize's `MakeTransformerConfig`: the built-in tables merged with
    /// each `configurations:` entry (a file path, or inline YAML when the
    /// entry spans lines).
    pub fn make(ldr: &Loader<'_>, configurations: &[String]) -> Result<Self> {
        let mut config = TransformerConfig::default_config();
        let (inline, paths): (Vec<&String>, Vec<&String>) = configurations
            .iter()
            .partition(|c| c.contains('\n') || c.contains('\r'));
        for text in inline {
            let node = crate::yaml::parse::parse_single(text)
                .map_err(|e| Error::msg(format!("inline configuration: {e}")))?;
            config.merge(TransformerConfig::from_yaml(&node)?)?;
        }
        if paths.is_empty() {
            return Ok(config);
        }
        let mut from_files = TransformerConfig::default();
        for path in paths {
            let docs = ldr.load_yaml(path)?;
            let node = docs.into_iter().next().unwrap_or_default();
            let file_config = TransformerConfig::from_yaml(&node)
                .with_context(|| format!("configuration file '{path}'"))?;
            from_files.merge(file_config)?;
        }
        config.merge(from_files)?;
        Ok(config)
    }

    /// Kustomize's `TransformerConfig.Merge`: adds `other`'s specs that are
    /// not duplicates, then sorts every table.
    pub fn merge(&mut self, other: TransformerConfig) -> Result<()> {
        let tables = [
            ("NamePrefix", &mut self.name_prefix, other.name_prefix),
            ("NameSuffix", &mut self.name_suffix, other.name_suffix),
            ("NameSpace", &mut self.namespace, other.namespace),
            (
                "CommonAnnotations",
                &mut self.common_annotations,
                other.common_annotations,
            ),
            ("CommonLabels", &mut self.common_labels, other.common_labels),
            ("Labels", &mut self.labels, other.labels),
            (
                "TemplateLabels",
                &mut self.template_labels,
                other.template_labels,
            ),
            ("VarReference", &mut self.var_reference, other.var_reference),
        ];
        for (name, mine, theirs) in tables {
            merge_all(mine, theirs).with_context(|| format!("failed to merge {name} fieldSpec"))?;
        }
        for nbr in other.name_reference {
            merge_name_reference(&mut self.name_reference, nbr)
                .context("failed to merge NameReference fieldSpec")?;
        }
        merge_all(&mut self.images, other.images).context("failed to merge Images fieldSpec")?;
        merge_all(&mut self.replicas, other.replicas)
            .context("failed to merge Replicas fieldSpec")?;
        self.sort();
        Ok(())
    }

    /// Kustomize's `sortFields`: every table ordered by kind (see
    /// [`gvk_order`]); the sort is stable.
    fn sort(&mut self) {
        for table in [
            &mut self.name_prefix,
            &mut self.name_suffix,
            &mut self.namespace,
            &mut self.common_labels,
            &mut self.labels,
            &mut self.template_labels,
            &mut self.common_annotations,
            &mut self.var_reference,
            &mut self.images,
            &mut self.replicas,
        ] {
            table.sort_by(|a, b| gvk_order(&a.gvk(), &b.gvk()));
        }
        self.name_reference
            .sort_by(|a, b| gvk_order(&a.gvk(), &b.gvk()));
    }
}

fn name_reference_list(node: &Node) -> Result<Vec<NameBackReferences>> {
    match node {
        Node::Scalar(s) if s.is_null() => Ok(Vec::new()),
        Node::Seq(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                NameBackReferences::from_node(item).with_context(|| format!("nameReference[{i}]"))
            })
            .collect(),
        other => Err(Error::msg(format!(
            "`nameReference` must be a list of referred kinds (found {})",
            other.kind_name()
        ))),
    }
}

// Kustomize sorts field specs by kind with the legacy output order's kind
// lists (kinds first, then the rest, then the last ones).
use crate::sort::{DEFAULT_ORDER_FIRST as ORDER_FIRST, DEFAULT_ORDER_LAST as ORDER_LAST};

fn kind_rank(kind: &str) -> i32 {
    if let Some(i) = ORDER_FIRST.iter().position(|k| *k == kind) {
        return i as i32 - ORDER_FIRST.len() as i32;
    }
    if let Some(i) = ORDER_LAST.iter().position(|k| *k == kind) {
        return i as i32 + 1;
    }
    0
}

/// Kustomize's `Gvk.IsLessThan` as an ordering: well-known kinds by rank,
/// then by `group_version_kind` with `~G`/`~V`/`~K` for empty parts.
pub fn gvk_order(a: &Gvk, b: &Gvk) -> Ordering {
    kind_rank(&a.kind)
        .cmp(&kind_rank(&b.kind))
        .then_with(|| stable_sort_string(a).cmp(&stable_sort_string(b)))
}

fn stable_sort_string(g: &Gvk) -> String {
    let or = |s: &str, empty: &str| {
        if s.is_empty() {
            empty.to_owned()
        } else {
            s.to_owned()
        }
    };
    format!(
        "{}_{}_{}",
        or(&g.group, "~G"),
        or(&g.version, "~V"),
        or(&g.kind, "~K")
    )
}

/// Kustomize's `Gvk.String()` (`Deployment.[noVer].[noGrp]`), used in some
/// of its error messages.
pub fn gvk_string(g: &Gvk) -> String {
    let or = |s: &str, empty: &str| {
        if s.is_empty() {
            empty.to_owned()
        } else {
            s.to_owned()
        }
    };
    format!(
        "{}.{}.{}",
        or(&g.kind, "[noKind]"),
        or(&g.version, "[noVer]"),
        or(&g.group, "[noGrp]")
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::fs::MemFs;
    use crate::loader::LoadRestrictor;
    use crate::yaml::parse::parse_single;

    fn fs(kind: &str, path: &str, create: bool) -> FieldSpec {
        FieldSpec {
            kind: kind.to_owned(),
            path: path.to_owned(),
            create,
            ..FieldSpec::default()
        }
    }

    #[test]
    fn default_tables_have_kustomize_sizes() {
        let c = TransformerConfig::default_config();
        assert_eq!(
            c.name_prefix,
            vec![FieldSpec::any_kind("metadata/name", false)]
        );
        assert_eq!(c.name_suffix.len(), 1);
        assert_eq!(c.common_labels.len(), 32);
        assert_eq!(c.template_labels.len(), 10);
        assert_eq!(c.common_annotations.len(), 9);
        assert_eq!(c.namespace.len(), 3);
        assert_eq!(c.var_reference.len(), 72);
        assert_eq!(c.name_reference.len(), 16);
        let referrers: usize = c.name_reference.iter().map(|n| n.referrers.len()).sum();
        assert_eq!(referrers, 167);
        assert_eq!(c.images.len(), 4);
        assert!(c.labels.is_empty());
    }

    #[test]
    fn default_tables_are_sorted_by_kind() {
        let c = TransformerConfig::default_config();
        let kinds: Vec<_> = c.replicas.iter().map(|f| f.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "Deployment",
                "StatefulSet",
                "ReplicaSet",
                "ReplicationController"
            ]
        );
        // Specs without a kind have rank 0 and `~G_~V_~K` sorts after letters.
        assert_eq!(c.common_annotations[0].kind, "Deployment");
        assert_eq!(
            c.common_annotations.last().unwrap().path,
            "metadata/annotations"
        );
        let referred: Vec<_> = c
            .name_reference
            .iter()
            .map(|n| n.kind.as_str())
            .take(3)
            .collect();
        assert_eq!(referred, ["StorageClass", "ServiceAccount", "Role"]);
    }

    #[test]
    fn merge_drops_duplicates_selected_by_the_incoming_selector() {
        let mut specs = vec![fs("Deployment", "metadata/name", false)];
        // An incoming wildcard selects the Deployment spec: duplicate.
        merge_one(&mut specs, fs("", "metadata/name", false)).unwrap();
        assert_eq!(specs.len(), 1);
        // A narrower incoming selector does not select a wildcard spec.
        let mut specs = vec![fs("", "metadata/name", false)];
        merge_one(&mut specs, fs("Deployment", "metadata/name", false)).unwrap();
        assert_eq!(specs.len(), 2);
    }

    #[test]
    fn merge_refuses_conflicting_create() {
        let mut c = TransformerConfig::default_config();
        let other = TransformerConfig {
            common_labels: vec![fs("Service", "spec/selector", false)],
            ..TransformerConfig::default()
        };
        let err = c.merge(other).unwrap_err().to_string();
        assert_eq!(
            err,
            "failed to merge CommonLabels fieldSpec: conflicting fieldspecs"
        );
    }

    #[test]
    fn merge_joins_name_references_of_the_same_kind() {
        let mut c = TransformerConfig::default_config();
        let node = parse_single(
            "nameReference:\n- kind: Secret\n  version: v1\n  fieldSpecs:\n  - path: spec/secretName\n    kind: MyKind\n- kind: Bee\n  fieldSpecs:\n  - path: spec/bee\n    kind: Hive\n",
        )
        .unwrap();
        c.merge(TransformerConfig::from_yaml(&node).unwrap())
            .unwrap();
        let secret = c
            .name_reference
            .iter()
            .find(|n| n.kind == "Secret")
            .unwrap();
        assert!(secret
            .referrers
            .iter()
            .any(|f| f.kind == "MyKind" && f.path == "spec/secretName"));
        assert_eq!(c.name_reference.len(), 17);
        assert!(c.name_reference.iter().any(|n| n.kind == "Bee"));
    }

    #[test]
    fn from_yaml_reads_known_tables_and_ignores_others() {
        let node = parse_single(
            "namePrefix:\n- path: spec/x\n  kind: Foo\n  create: true\nimages:\n- path: spec/image\nsomethingElse: 1\n",
        )
        .unwrap();
        let c = TransformerConfig::from_yaml(&node).unwrap();
        assert_eq!(c.name_prefix, vec![fs("Foo", "spec/x", true)]);
        assert_eq!(c.images, vec![FieldSpec::any_kind("spec/image", false)]);
        let bad = parse_single("commonLabels:\n- path: [a]\n").unwrap();
        let err = TransformerConfig::from_yaml(&bad).unwrap_err().to_string();
        assert_eq!(err, "commonLabels[0]: `path` must be a string (found list)");
    }

    #[test]
    fn make_merges_configuration_files_and_inline_text() {
        let mut mem = MemFs::new();
        mem.add("app/kustomization.yaml", "").add(
            "app/config.yaml",
            "commonLabels:\n- path: spec/labels\n  kind: Foo\n  create: true\n",
        );
        let ldr = Loader::new(&mem, Path::new("/app"), LoadRestrictor::RootOnly).unwrap();
        let configurations = vec![
            "config.yaml".to_owned(),
            "images:\n- path: spec/img\n  kind: Foo\n".to_owned(),
        ];
        let c = TransformerConfig::make(&ldr, &configurations).unwrap();
        assert!(c.common_labels.contains(&fs("Foo", "spec/labels", true)));
        assert!(c.images.contains(&fs("Foo", "spec/img", false)));
        assert_eq!(c.common_labels.len(), 33);
        let err = TransformerConfig::make(&ldr, &["missing.yaml".to_owned()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("missing.yaml"), "{err}");
    }

    /// Kustomize merges each kustomization's made config into its
    /// accumulator's config, which starts empty. That second merge sees the
    /// sorted table (kind-specific specs before wildcards), so a wildcard
    /// that selects a configured kind-specific spec is dropped, or conflicts
    /// when `create` differs (krusty TestIssue4884; checked with kubectl).
    #[test]
    fn merging_a_made_config_into_an_empty_one_lets_kind_specific_specs_win() {
        let mut mem = MemFs::new();
        mem.add("app/kustomization.yaml", "").add(
            "app/config.yaml",
            "namePrefix:\n- path: metadata/name\n  kind: IngressHost\n- path: metadata/name\n  kind: IngressSecret\n",
        );
        let ldr = Loader::new(&mem, Path::new("/app"), LoadRestrictor::RootOnly).unwrap();
        let made = TransformerConfig::make(&ldr, &["config.yaml".to_owned()]).unwrap();
        assert_eq!(made.name_prefix.len(), 3);
        assert_eq!(
            made.name_prefix[2],
            FieldSpec::any_kind("metadata/name", false)
        );

        let mut accumulated = TransformerConfig::default();
        accumulated.merge(made).unwrap();
        assert_eq!(
            accumulated.name_prefix,
            vec![
                fs("IngressHost", "metadata/name", false),
                fs("IngressSecret", "metadata/name", false)
            ]
        );
        // The built-in tables without configurations come through whole.
        let mut plain = TransformerConfig::default();
        plain.merge(TransformerConfig::default_config()).unwrap();
        assert_eq!(plain, TransformerConfig::default_config());

        let mut conflicting = TransformerConfig::default();
        let made = TransformerConfig {
            name_prefix: vec![
                fs("Foo", "metadata/name", true),
                FieldSpec::any_kind("metadata/name", false),
            ],
            ..TransformerConfig::default()
        };
        assert_eq!(
            conflicting.merge(made).unwrap_err().to_string(),
            "failed to merge NamePrefix fieldSpec: conflicting fieldspecs"
        );
    }

    #[test]
    fn gvk_strings_match_kustomize() {
        assert_eq!(
            gvk_string(&Gvk::new("", "", "Deployment")),
            "Deployment.[noVer].[noGrp]"
        );
        assert_eq!(gvk_string(&Gvk::new("apps", "v1", "")), "[noKind].v1.apps");
    }
}
