//! The OpenAPI knowledge strategic merge needs: for a resource type and a
//! field, the list patch strategy and merge keys.
//!
//! This mirrors kyaml's `openapi` package as kustomize v5.5 uses it. A schema
//! is a set of named definitions (`io.k8s.api.core.v1.PodSpec`, ...) plus an
//! index from `apiVersion`/`kind` to the definition describing that type.
//! Lookups walk field by field ([`SchemaNode::field`]) and into list elements
//! ([`SchemaNode::elements`]), resolving `$ref`s against the whole schema at
//! lookup time, so a custom definition overrides a built-in one of the same
//! name everywhere it is referenced.
//!
//! The built-in part is the Kubernetes v1.21.2 schema kustomize embeds,
//! stored in `k8s_patch_meta.txt` pruned to the definitions that lead to
//! merge metadata (the rest makes no difference to merging).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use crate::yaml::Node;

use super::PatchError;

/// One schema object: a definition, a property or list items.
#[derive(Debug, Default)]
struct Def {
    /// `$ref` target (a definition name); when set, the rest is ignored, as
    /// kyaml replaces a schema with what its reference resolves to.
    reference: Option<String>,
    properties: BTreeMap<String, Arc<Def>>,
    additional: Option<Arc<Def>>,
    items: Option<Arc<Def>>,
    /// `type` is exactly `["array"]`.
    is_array: bool,
    /// `x-kubernetes-patch-strategy`.
    strategy: Option<String>,
    /// `x-kubernetes-patch-merge-key`.
    merge_key: Option<String>,
    /// `x-kubernetes-list-map-keys`.
    list_map_keys: Option<Vec<String>>,
}

/// Definitions and the type index.
#[derive(Debug, Default, Clone)]
pub struct Schema {
    defs: HashMap<String, Arc<Def>>,
    by_type: HashMap<(String, String), String>,
}

/// A resolved schema for one node of a resource (a field, or list elements).
#[derive(Debug, Clone)]
pub struct SchemaNode {
    def: Arc<Def>,
}

/// The list strategy of a field: `x-kubernetes-patch-strategy` and its merge
/// keys (`x-kubernetes-list-map-keys` when given, else the single
/// `x-kubernetes-patch-merge-key`, else none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListStrategy {
    pub strategy: String,
    pub keys: Vec<String>,
}

impl ListStrategy {
    /// kyaml merges a list by key when any of the comma-separated strategies
    /// is `merge` (so `merge,retainKeys` merges too).
    pub fn is_merge(&self) -> bool {
        self.strategy.split(',').any(|s| s == "merge")
    }
}

impl Schema {
    /// The built-in Kubernetes schema (kustomize's default).
    pub fn builtin() -> &'static Schema {
        static BUILTIN: OnceLock<Schema> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            parse_builtin(include_str!("k8s_patch_meta.txt"))
                .expect("the embedded Kubernetes patch metadata is well formed")
        })
    }

    /// A schema without any definitions: nothing merges by key.
    pub fn empty() -> Schema {
        Schema::default()
    }

    /// The built-in schema extended by a user's OpenAPI document (the
    /// kustomization's `openapi: {path: ...}`): its definitions replace
    /// built-in ones of the same name and its
    /// `x-kubernetes-group-version-kind`s are added to the type index.
    ///
    /// Kustomize keeps one process-wide schema and only adds the custom
    /// document to it, so whether the built-in definitions are still there
    /// depends on whether anything had loaded them first: a custom schema
    /// named by the top kustomization (set before any resource is read)
    /// stands alone ([`Schema::custom_only`]), one named by a base or
    /// component read after a resource of a kind kustomize had to look up
    /// extends the built-in one (this function).
    pub fn with_custom(openapi_document: &Node) -> Result<Schema, PatchError> {
        let mut schema = Schema::builtin().clone();
        schema.add_document(openapi_document)?;
        Ok(schema)
    }

    /// Only the definitions of a user's OpenAPI document.
    pub fn custom_only(openapi_document: &Node) -> Result<Schema, PatchError> {
        let mut schema = Schema::empty();
        schema.add_document(openapi_document)?;
        Ok(schema)
    }

    /// Adds the `definitions` of an OpenAPI (swagger v2) document, replacing
    /// definitions of the same name, as kyaml's `AddDefinitions` does.
    pub fn add_document(&mut self, document: &Node) -> Result<(), PatchError> {
        let Some(definitions) = document.get("definitions") else {
            return Ok(());
        };
        let Some(definitions) = definitions.as_map() else {
            if definitions.is_null() {
                return Ok(());
            }
            return Err(PatchError::InvalidSchema(format!(
                "`definitions` must be a map, found a {}",
                definitions.kind_name()
            )));
        };
        for (name, def) in definitions.iter() {
            let parsed = parse_schema_object(def, name)?;
            self.defs.insert(name.clone(), Arc::new(parsed));
            if let Some(gvks) = def
                .get("x-kubernetes-group-version-kind")
                .and_then(Node::as_seq)
            {
                for gvk in gvks {
                    let (Some(version), Some(kind)) = (
                        gvk.get("version").and_then(Node::as_str),
                        gvk.get("kind").and_then(Node::as_str),
                    ) else {
                        continue;
                    };
                    let api_version = match gvk.get("group").and_then(Node::as_str) {
                        Some(group) if !group.is_empty() => format!("{group}/{version}"),
                        _ => version.to_owned(),
                    };
                    self.by_type
                        .insert((api_version, kind.to_owned()), name.clone());
                }
            }
        }
        Ok(())
    }

    /// The schema of a resource type, if the type is known.
    pub fn for_type(&self, api_version: &str, kind: &str) -> Option<SchemaNode> {
        let name = self
            .by_type
            .get(&(api_version.to_owned(), kind.to_owned()))?;
        let def = self.defs.get(name)?.clone();
        self.resolve(def)
    }

    /// Whether a definition of this name exists.
    pub fn has_definition(&self, name: &str) -> bool {
        self.defs.contains_key(name)
    }

    /// The list strategy at a path of field names below a resource type
    /// (`["spec", "template", "spec", "containers"]`), walking into list
    /// elements where the path goes through a list.
    pub fn list_strategy(&self, api_version: &str, kind: &str, path: &[&str]) -> ListStrategy {
        let mut node = self.for_type(api_version, kind);
        for field in path {
            node = node.and_then(|n| {
                let n = if n.def.is_array {
                    self.elements(&n)?
                } else {
                    n
                };
                self.field(&n, field)
            });
        }
        node.map(|n| n.list_strategy()).unwrap_or_default()
    }

    /// Follows `$ref`s until a schema without one (kyaml's resolve loop).
    fn resolve(&self, mut def: Arc<Def>) -> Option<SchemaNode> {
        let mut hops = 0;
        while let Some(target) = &def.reference {
            hops += 1;
            if hops > 64 {
                return None;
            }
            def = self.defs.get(target)?.clone();
        }
        Some(SchemaNode { def })
    }

    /// The schema of a field of an object (or of any value of a map with
    /// `additionalProperties`), like kyaml's `ResourceSchema.Field`.
    pub fn field(&self, node: &SchemaNode, name: &str) -> Option<SchemaNode> {
        let def = match node.def.properties.get(name) {
            Some(def) => def.clone(),
            None => node.def.additional.clone()?,
        };
        self.resolve(def)
    }

    /// The schema of the elements of an array, like kyaml's
    /// `ResourceSchema.Elements`.
    pub fn elements(&self, node: &SchemaNode) -> Option<SchemaNode> {
        if !node.def.is_array {
            return None;
        }
        self.resolve(node.def.items.clone()?)
    }
}

impl SchemaNode {
    /// The patch strategy and merge keys of this node (kyaml's
    /// `PatchStrategyAndKeyList`): none without a strategy extension.
    pub fn list_strategy(&self) -> ListStrategy {
        let Some(strategy) = &self.def.strategy else {
            return ListStrategy::default();
        };
        let keys = match (&self.def.list_map_keys, &self.def.merge_key) {
            (Some(keys), _) => keys.clone(),
            (None, Some(key)) => vec![key.clone()],
            (None, None) => Vec::new(),
        };
        ListStrategy {
            strategy: strategy.clone(),
            keys,
        }
    }
}

/// Reads one JSON-schema object of a swagger document.
fn parse_schema_object(node: &Node, at: &str) -> Result<Def, PatchError> {
    let Some(map) = node.as_map() else {
        // `additionalProperties: true` and the like carry no schema.
        return Ok(Def::default());
    };
    let mut def = Def::default();
    if let Some(reference) = map.get("$ref").and_then(Node::as_str) {
        def.reference = Some(ref_target(reference));
    }
    if let Some(props) = map.get("properties").and_then(Node::as_map) {
        for (name, prop) in props.iter() {
            let parsed = parse_schema_object(prop, &format!("{at}.{name}"))?;
            def.properties.insert(name.clone(), Arc::new(parsed));
        }
    }
    if let Some(additional) = map.get("additionalProperties") {
        if additional.as_map().is_some() {
            def.additional = Some(Arc::new(parse_schema_object(
                additional,
                &format!("{at}.additionalProperties"),
            )?));
        }
    }
    if let Some(items) = map.get("items") {
        if items.as_map().is_some() {
            def.items = Some(Arc::new(parse_schema_object(
                items,
                &format!("{at}.items"),
            )?));
        }
    }
    def.is_array = match map.get("type") {
        Some(Node::Seq(types)) => types.len() == 1 && types[0].as_str() == Some("array"),
        Some(t) => t.as_str() == Some("array"),
        None => false,
    };
    def.strategy = map
        .get("x-kubernetes-patch-strategy")
        .and_then(Node::as_str)
        .map(str::to_owned);
    def.merge_key = map
        .get("x-kubernetes-patch-merge-key")
        .and_then(Node::as_str)
        .map(str::to_owned);
    if let Some(keys) = map.get("x-kubernetes-list-map-keys").and_then(Node::as_seq) {
        def.list_map_keys = Some(
            keys.iter()
                .filter_map(Node::as_str)
                .map(str::to_owned)
                .collect(),
        );
    }
    Ok(def)
}

/// The definition a `$ref` points at: `#/definitions/NAME` (with JSON
/// pointer escapes undone). Other references cannot be resolved and become
/// an unknown name.
fn ref_target(reference: &str) -> String {
    match reference.strip_prefix("#/definitions/") {
        Some(name) => name.replace("~1", "/").replace("~0", "~"),
        None => format!("\u{0}unresolvable:{reference}"),
    }
}

/// Parses the compact built-in table (see the file's header).
fn parse_builtin(text: &str) -> Result<Schema, String> {
    let mut aliases: Vec<(String, String)> = Vec::new();
    let expand = |aliases: &[(String, String)], word: &str| -> String {
        let mut out = word.to_owned();
        // Longest alias names first so `$AS1` is not read as `$A` + `S1`.
        for (name, value) in aliases {
            out = out.replace(&format!("${name}"), value);
        }
        out
    };
    let mut schema = Schema::default();
    let mut current: Option<(String, Def)> = None;
    let finish = |schema: &mut Schema, current: Option<(String, Def)>| {
        if let Some((name, def)) = current {
            schema.defs.insert(name, Arc::new(def));
        }
    };
    for (lineno, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let words: Vec<&str> = trimmed.split_whitespace().collect();
        let err = |msg: &str| format!("k8s_patch_meta.txt line {}: {msg}", lineno + 1);
        if !line.starts_with(' ') {
            match words[0] {
                "alias" if words.len() == 3 => {
                    aliases.push((words[1].to_owned(), words[2].to_owned()));
                    aliases.sort_by_key(|a| std::cmp::Reverse(a.0.len()));
                }
                "gvk" if words.len() >= 4 => {
                    let prefix = expand(&aliases, words[2]);
                    for kind in &words[3..] {
                        schema.by_type.insert(
                            (words[1].to_owned(), (*kind).to_owned()),
                            format!("{prefix}.{kind}"),
                        );
                    }
                }
                "def" if words.len() == 2 => {
                    finish(&mut schema, current.take());
                    current = Some((expand(&aliases, words[1]), Def::default()));
                }
                _ => return Err(err("unknown directive")),
            }
            continue;
        }
        let Some((_, def)) = current.as_mut() else {
            return Err(err("field outside a definition"));
        };
        let mut field = Def::default();
        let mut elem = None;
        for word in &words[1..] {
            let word = expand(&aliases, word);
            if word == "array" {
                field.is_array = true;
            } else if let Some(r) = word.strip_prefix("ref=") {
                field.reference = Some(r.to_owned());
            } else if let Some(e) = word.strip_prefix("elem=") {
                elem = Some(e.to_owned());
            } else if let Some(s) = word.strip_prefix("strategy=") {
                field.strategy = Some(s.to_owned());
            } else if let Some(k) = word.strip_prefix("keys=") {
                let keys: Vec<String> = k.split(',').map(str::to_owned).collect();
                if keys.len() == 1 {
                    field.merge_key = Some(keys[0].clone());
                } else {
                    field.merge_key = Some(keys[0].clone());
                    field.list_map_keys = Some(keys);
                }
            } else {
                return Err(err("unknown field attribute"));
            }
        }
        if field.is_array {
            // Every array of the real schema has item types; elements of
            // unlisted (metadata-free) types get an empty schema.
            field.items = Some(Arc::new(Def {
                reference: elem,
                ..Def::default()
            }));
        }
        def.properties.insert(words[0].to_owned(), Arc::new(field));
    }
    finish(&mut schema, current.take());
    // Types whose definition has no merge metadata at all are still known.
    let missing: Vec<String> = schema
        .by_type
        .values()
        .filter(|name| !schema.defs.contains_key(*name))
        .cloned()
        .collect();
    for name in missing {
        schema.defs.insert(name, Arc::new(Def::default()));
    }
    Ok(schema)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse::parse_single;

    fn strategy(api: &str, kind: &str, path: &str) -> ListStrategy {
        let path: Vec<&str> = path.split('.').collect();
        Schema::builtin().list_strategy(api, kind, &path)
    }

    fn merge(keys: &[&str]) -> ListStrategy {
        ListStrategy {
            strategy: "merge".into(),
            keys: keys.iter().map(|k| (*k).to_owned()).collect(),
        }
    }

    #[test]
    fn pod_spec_lists_in_all_workloads() {
        for (api, kind, prefix) in [
            ("apps/v1", "Deployment", "spec.template.spec"),
            ("apps/v1", "StatefulSet", "spec.template.spec"),
            ("apps/v1", "DaemonSet", "spec.template.spec"),
            ("apps/v1", "ReplicaSet", "spec.template.spec"),
            ("batch/v1", "Job", "spec.template.spec"),
            ("batch/v1", "CronJob", "spec.jobTemplate.spec.template.spec"),
            (
                "batch/v1beta1",
                "CronJob",
                "spec.jobTemplate.spec.template.spec",
            ),
            ("v1", "Pod", "spec"),
            ("v1", "PodTemplate", "template.spec"),
            ("v1", "ReplicationController", "spec.template.spec"),
        ] {
            for list in ["containers", "initContainers", "ephemeralContainers"] {
                assert_eq!(
                    strategy(api, kind, &format!("{prefix}.{list}")),
                    merge(&["name"]),
                    "{kind} {list}"
                );
            }
            assert_eq!(
                strategy(api, kind, &format!("{prefix}.containers.ports")),
                merge(&["containerPort", "protocol"])
            );
            assert_eq!(
                strategy(api, kind, &format!("{prefix}.containers.env")),
                merge(&["name"])
            );
            assert_eq!(
                strategy(api, kind, &format!("{prefix}.initContainers.volumeMounts")),
                merge(&["mountPath"])
            );
            let volumes = strategy(api, kind, &format!("{prefix}.volumes"));
            assert_eq!(volumes.strategy, "merge,retainKeys");
            assert!(volumes.is_merge());
            assert_eq!(
                strategy(api, kind, &format!("{prefix}.hostAliases")),
                merge(&["ip"])
            );
            assert_eq!(
                strategy(api, kind, &format!("{prefix}.imagePullSecrets")),
                merge(&["name"])
            );
        }
    }

    #[test]
    fn other_builtin_strategies() {
        assert_eq!(
            strategy("v1", "Service", "spec.ports"),
            merge(&["port", "protocol"])
        );
        assert_eq!(
            strategy("apps/v1", "Deployment", "metadata.finalizers"),
            merge(&[])
        );
        assert_eq!(
            strategy("v1", "ServiceAccount", "secrets"),
            merge(&["name"])
        );
        assert_eq!(
            strategy(
                "admissionregistration.k8s.io/v1",
                "ValidatingWebhookConfiguration",
                "webhooks"
            ),
            merge(&["name"])
        );
        // Lists without a strategy are replaced.
        assert_eq!(
            strategy("apps/v1", "Deployment", "spec.template.spec.tolerations"),
            ListStrategy::default()
        );
        assert_eq!(
            strategy(
                "apps/v1",
                "Deployment",
                "spec.template.spec.containers.args"
            ),
            ListStrategy::default()
        );
        // Kinds removed before v1.21 are unknown.
        assert!(Schema::builtin()
            .for_type("extensions/v1beta1", "Deployment")
            .is_none());
        assert!(Schema::builtin().for_type("v1", "ConfigMap").is_some());
    }

    #[test]
    fn custom_document_extends_and_overrides() {
        let doc = parse_single(
            r##"
definitions:
  v1alpha1.MyCRD:
    type: object
    properties:
      spec:
        properties:
          template:
            $ref: "#/definitions/io.k8s.api.core.v1.PodTemplateSpec"
    x-kubernetes-group-version-kind:
    - {group: example.com, kind: MyCRD, version: v1alpha1}
    - {group: "", kind: MyCRD, version: v1alpha1}
  io.k8s.api.core.v1.PodSpec:
    properties:
      containers:
        type: array
        items: {$ref: "#/definitions/io.k8s.api.core.v1.Container"}
        x-kubernetes-patch-merge-key: name
        x-kubernetes-patch-strategy: merge
"##,
        )
        .unwrap();
        let custom = Schema::with_custom(&doc).unwrap();
        let s = |api: &str, kind: &str, path: &str| {
            let path: Vec<&str> = path.split('.').collect();
            custom.list_strategy(api, kind, &path)
        };
        assert_eq!(
            s(
                "example.com/v1alpha1",
                "MyCRD",
                "spec.template.spec.containers"
            ),
            merge(&["name"])
        );
        assert_eq!(
            s("v1alpha1", "MyCRD", "spec.template.spec.containers.ports"),
            merge(&["containerPort", "protocol"])
        );
        // The custom PodSpec replaced the built-in one everywhere.
        assert_eq!(
            s("apps/v1", "Deployment", "spec.template.spec.volumes"),
            ListStrategy::default()
        );
        let alone = Schema::custom_only(&doc).unwrap();
        assert!(alone.for_type("apps/v1", "Deployment").is_none());
        assert_eq!(
            alone.list_strategy(
                "example.com/v1alpha1",
                "MyCRD",
                &["spec", "template", "spec", "containers"]
            ),
            ListStrategy::default()
        );
    }
}
