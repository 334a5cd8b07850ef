//! The `kustomization.yaml` file: its fields, read strictly (an unknown field
//! is an error, as in kustomize), and the deprecated spellings folded into
//! their current ones.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::yaml::{Node, ScalarKind};

/// File names kustomize recognises, in the order it tries them.
pub const KUSTOMIZATION_FILE_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

pub const KUSTOMIZATION_KIND: &str = "Kustomization";
pub const COMPONENT_KIND: &str = "Component";
pub const COMPONENT_API_VERSION: &str = "kustomize.config.k8s.io/v1alpha1";

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Kustomization {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub metadata: Option<serde_json::Value>,

    pub resources: Vec<String>,
    /// Deprecated: folded into `resources`.
    pub bases: Vec<String>,
    pub components: Vec<String>,
    pub crds: Vec<String>,
    #[serde(rename = "openapi")]
    pub open_api: BTreeMap<String, String>,
    pub configurations: Vec<String>,

    pub name_prefix: String,
    pub name_suffix: String,
    pub namespace: String,
    pub common_labels: BTreeMap<String, String>,
    pub labels: Vec<Label>,
    pub common_annotations: BTreeMap<String, String>,

    pub patches: Vec<Patch>,
    pub patches_strategic_merge: Vec<String>,
    pub patches_json6902: Vec<Patch>,

    pub images: Vec<Image>,
    /// Deprecated: folded into `images`.
    pub image_tags: Vec<Image>,
    pub replicas: Vec<Replica>,

    pub config_map_generator: Vec<GeneratorArgs>,
    pub secret_generator: Vec<GeneratorArgs>,
    pub generator_options: Option<GeneratorOptions>,

    pub vars: Vec<Var>,
    pub replacements: Vec<serde_json::Value>,

    pub generators: Vec<String>,
    pub transformers: Vec<String>,
    pub validators: Vec<String>,

    pub sort_options: Option<serde_json::Value>,
    pub build_metadata: Vec<String>,

    pub helm_charts: Vec<serde_json::Value>,
    pub helm_globals: Option<serde_json::Value>,
    pub helm_chart_inflation_generator: Vec<serde_json::Value>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Label {
    pub pairs: BTreeMap<String, String>,
    pub include_selectors: bool,
    pub include_templates: bool,
    pub fields: Vec<serde_json::Value>,
}

/// A patch entry: a file or inline text, optionally with a target selector.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Patch {
    pub path: String,
    pub patch: String,
    pub target: Option<Selector>,
    pub options: BTreeMap<String, bool>,
}

/// Selects resources by kind, name, namespace and labels/annotations.
/// `name` and `namespace` are anchored regular expressions in kustomize.
#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Selector {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    pub label_selector: String,
    pub annotation_selector: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Image {
    pub name: String,
    pub new_name: String,
    pub new_tag: String,
    pub digest: String,
    pub tag_suffix: String,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Replica {
    pub name: String,
    pub count: i64,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct GeneratorArgs {
    pub name: String,
    pub namespace: String,
    pub behavior: String,
    pub literals: Vec<String>,
    pub files: Vec<String>,
    pub envs: Vec<String>,
    /// Deprecated single env file: folded into `envs`.
    pub env: String,
    pub options: Option<GeneratorOptions>,
    /// Secret type (`Opaque` by default).
    #[serde(rename = "type")]
    pub kind: String,
}

#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct GeneratorOptions {
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub disable_name_suffix_hash: Option<bool>,
    pub immutable: Option<bool>,
}

#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Var {
    pub name: String,
    pub objref: VarTarget,
    #[serde(default)]
    pub fieldref: FieldRef,
}

#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct VarTarget {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub api_version: String,
    pub name: String,
    pub namespace: String,
}

#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldRef {
    #[serde(alias = "fieldpath")]
    pub field_path: String,
}

impl Kustomization {
    /// Parses a kustomization file's node. Errors read like kustomize's
    /// (`invalid Kustomization: json: unknown field "foo"`).
    pub fn from_node(node: &Node) -> Result<Kustomization, String> {
        if node.is_null() {
            return Ok(Kustomization::default());
        }
        let mut value = node_to_config_json(node);
        canonicalize_field_names(&mut value);
        // The path of the offending field leads the message
        // (`images[0].newTag: invalid type: integer...`).
        let mut k: Kustomization = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            if path == "." {
                e.inner().to_string()
            } else {
                format!("{path}: {}", e.inner())
            }
        })?;
        k.fold_deprecated_fields();
        Ok(k)
    }

    fn fold_deprecated_fields(&mut self) {
        self.resources.append(&mut self.bases);
        self.images.append(&mut self.image_tags);
        for g in self
            .config_map_generator
            .iter_mut()
            .chain(self.secret_generator.iter_mut())
        {
            if !g.env.is_empty() {
                let env = std::mem::take(&mut g.env);
                g.envs.push(env);
            }
        }
    }

    pub fn is_component(&self) -> bool {
        self.kind.as_deref() == Some(COMPONENT_KIND)
    }
}

/// Every top-level field of a kustomization, as spelled in the schema.
const FIELD_NAMES: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "resources",
    "bases",
    "components",
    "crds",
    "openapi",
    "configurations",
    "namePrefix",
    "nameSuffix",
    "namespace",
    "commonLabels",
    "labels",
    "commonAnnotations",
    "patches",
    "patchesStrategicMerge",
    "patchesJson6902",
    "images",
    "imageTags",
    "replicas",
    "configMapGenerator",
    "secretGenerator",
    "generatorOptions",
    "vars",
    "replacements",
    "generators",
    "transformers",
    "validators",
    "sortOptions",
    "buildMetadata",
    "helmCharts",
    "helmGlobals",
    "helmChartInflationGenerator",
];

/// Kustomize decodes its file with Go's `encoding/json`, which matches field
/// names without regard to case (`nameprefix` is `namePrefix`).
fn canonicalize_field_names(value: &mut serde_json::Value) {
    let Some(object) = value.as_object_mut() else {
        return;
    };
    let renames: Vec<(String, &str)> = object
        .keys()
        .filter(|k| !FIELD_NAMES.contains(&k.as_str()))
        .filter_map(|k| {
            FIELD_NAMES
                .iter()
                .find(|f| f.eq_ignore_ascii_case(k))
                .map(|f| (k.clone(), *f))
        })
        .collect();
    for (from, to) in renames {
        if let Some(v) = object.remove(&from) {
            object.entry(to).or_insert(v);
        }
    }
}

/// Converts a node into JSON for typed configuration (kustomization and
/// plugin configs). Scalars become JSON by their resolved kind.
pub fn node_to_config_json(node: &Node) -> serde_json::Value {
    use serde_json::Value;
    match node {
        Node::Scalar(s) => match s.kind {
            ScalarKind::Null => Value::Null,
            ScalarKind::Bool => Value::Bool(s.value.eq_ignore_ascii_case("true")),
            ScalarKind::Int => match crate::yaml::parse::go_parse_int(&s.value.replace('_', "")) {
                Some(i) if i >= 0 => Value::from(i as u64),
                Some(i) => Value::from(i as i64),
                None => Value::String(s.value.clone()),
            },
            ScalarKind::Float => s
                .value
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map(Value::Number)
                .unwrap_or_else(|| Value::String(s.value.clone())),
            ScalarKind::Str | ScalarKind::Timestamp => Value::String(s.value.clone()),
        },
        Node::Seq(items) => Value::Array(items.iter().map(node_to_config_json).collect()),
        Node::Map(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), node_to_config_json(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse::parse_single;

    #[test]
    fn reads_fields_and_folds_deprecated_ones() {
        let node = parse_single(
            "resources: [a.yaml]\nbases: [../base]\nnamePrefix: p-\nimageTags: [{name: nginx, newTag: '1.2'}]\n",
        )
        .unwrap();
        let k = Kustomization::from_node(&node).unwrap();
        assert_eq!(k.resources, ["a.yaml", "../base"]);
        assert_eq!(k.name_prefix, "p-");
        assert_eq!(k.images[0].new_tag, "1.2");
    }

    #[test]
    fn matches_field_names_without_case() {
        let node = parse_single("nameprefix: p-\nResources: [a.yaml]\n").unwrap();
        let k = Kustomization::from_node(&node).unwrap();
        assert_eq!(k.name_prefix, "p-");
        assert_eq!(k.resources, ["a.yaml"]);
    }

    #[test]
    fn type_errors_name_the_field() {
        let node = parse_single("images:\n- name: nginx\n  newTag: 1.10\n").unwrap();
        let err = Kustomization::from_node(&node).unwrap_err();
        assert!(err.starts_with("images[0].newTag: invalid type"), "{err}");
    }

    #[test]
    fn refuses_unknown_fields() {
        let node = parse_single("resourcez: [a.yaml]\n").unwrap();
        let err = Kustomization::from_node(&node).unwrap_err();
        assert!(err.contains("unknown field `resourcez`"), "{err}");
    }
}
