//! Field specs derived from OpenAPI definitions listed under `crds:`
//! (kustomize's `LoadConfigFromCRDs`).
//!
//! Each file maps type names (`github.com/x/apis/v1beta1.MyKind`) to
//! `{Schema: {properties: ...}}`. Types that look like Kubernetes objects
//! (they have `kind`, `apiVersion` and `metadata` properties) are walked,
//! following `$ref`s into other types of the file, and their properties'
//! extensions become field specs for the kind named by the type's last
//! dotted segment:
//!
//! - `x-kubernetes-annotation` → commonAnnotations,
//! - `x-kubernetes-label-selector` → commonLabels,
//! - `x-kubernetes-identity` → namePrefix,
//! - `x-kubernetes-object-ref-api-version` with `x-kubernetes-object-ref-kind`
//!   (and optionally `x-kubernetes-object-ref-name-key`, default `name`) →
//!   a nameReference from that kind to `<property>/<name key>`.

use crate::error::{Error, Result};
use crate::loader::Loader;
use crate::yaml::{Map, Node, ScalarKind};

use super::{merge_one, FieldSpec, NameBackReferences, TransformerConfig};

/// Reads the `crds:` files of a kustomization into field specs.
pub fn config_from_crds(ldr: &Loader<'_>, paths: &[String]) -> Result<TransformerConfig> {
    let mut config = TransformerConfig::default();
    for path in paths {
        let text = ldr.load_text(path)?;
        let definitions = parse_definitions(&text).map_err(|e| {
            Error::msg(format!(
                "unable to parse open API definition from '{path}': {e}"
            ))
        })?;
        config.merge(config_from_definitions(&definitions)?)?;
    }
    Ok(config)
}

fn parse_definitions(text: &str) -> std::result::Result<Map, String> {
    if text.trim().is_empty() {
        return Err("the file is empty".to_owned());
    }
    // JSON is YAML, so one reader serves both spellings kustomize accepts.
    let node = crate::yaml::parse::parse_single(text).map_err(|e| e.to_string())?;
    match node {
        Node::Map(map) => Ok(map),
        other => Err(format!(
            "expected a map of type names to definitions, found a {}",
            other.kind_name()
        )),
    }
}

fn config_from_definitions(definitions: &Map) -> Result<TransformerConfig> {
    let mut result = TransformerConfig::default();
    for (type_name, definition) in definitions.iter() {
        let Some(properties) = properties_of(definition) else {
            continue;
        };
        if !["kind", "apiVersion", "metadata"]
            .iter()
            .all(|p| properties.contains_key(p))
        {
            continue;
        }
        // The kind is the last dotted segment of the type name; group and
        // version are not known (kustomize leaves them empty too).
        let kind = type_name.rsplit('.').next().unwrap_or(type_name);
        let mut config = TransformerConfig::default();
        let mut walker = Walker {
            kind,
            definitions,
            config: &mut config,
            chain: Vec::new(),
        };
        walker.load_type(type_name, &[])?;
        result.merge(config)?;
    }
    Ok(result)
}

/// Looks a key up the way Go's JSON decoding matches struct fields:
/// exact match first, then case-insensitively.
fn get_ci<'a>(map: &'a Map, key: &str) -> Option<&'a Node> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn properties_of(definition: &Node) -> Option<&Map> {
    let schema = get_ci(definition.as_map()?, "Schema")?.as_map()?;
    get_ci(schema, "properties")?.as_map()
}

/// A string-valued extension (`GetString` in go-openapi: keys are matched
/// case-insensitively and only string values count).
fn extension<'a>(property: &'a Map, key: &str) -> Option<&'a str> {
    match property
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)?
    {
        Node::Scalar(s) if s.kind == ScalarKind::Str => Some(&s.value),
        _ => None,
    }
}

struct Walker<'a> {
    kind: &'a str,
    definitions: &'a Map,
    config: &'a mut TransformerConfig,
    /// Types being walked, to stop on self-referencing schemas (kustomize
    /// would recurse forever).
    chain: Vec<String>,
}

impl Walker<'_> {
    fn spec(&self, path: &[&str]) -> FieldSpec {
        FieldSpec {
            kind: self.kind.to_owned(),
            path: path.join("/"),
            ..FieldSpec::default()
        }
    }

    fn load_type(&mut self, type_name: &str, path: &[&str]) -> Result<()> {
        let Some(properties) = self.definitions.get(type_name).and_then(properties_of) else {
            return Ok(());
        };
        if self.chain.iter().any(|t| t == type_name) {
            return Ok(());
        }
        self.chain.push(type_name.to_owned());
        for (name, property) in properties.iter() {
            let Some(property) = property.as_map() else {
                continue;
            };
            let mut here: Vec<&str> = path.to_vec();
            here.push(name);
            self.load_property(property, &here)?;
        }
        self.chain.pop();
        Ok(())
    }

    fn load_property(&mut self, property: &Map, path: &[&str]) -> Result<()> {
        let spec = self.spec(path);
        if extension(property, "x-kubernetes-annotation").is_some() {
            merge_one(&mut self.config.common_annotations, spec.clone())?;
        }
        if extension(property, "x-kubernetes-label-selector").is_some() {
            merge_one(&mut self.config.common_labels, spec.clone())?;
        }
        if extension(property, "x-kubernetes-identity").is_some() {
            merge_one(&mut self.config.name_prefix, spec)?;
        }
        if let (Some(version), Some(kind)) = (
            extension(property, "x-kubernetes-object-ref-api-version"),
            extension(property, "x-kubernetes-object-ref-kind"),
        ) {
            let name_key =
                extension(property, "x-kubernetes-object-ref-name-key").unwrap_or("name");
            let mut referrer_path = path.to_vec();
            referrer_path.push(name_key);
            let nbr = NameBackReferences {
                version: version.to_owned(),
                kind: kind.to_owned(),
                referrers: vec![self.spec(&referrer_path)],
                ..NameBackReferences::default()
            };
            super::merge_name_reference(&mut self.config.name_reference, nbr)?;
        }
        if let Some(reference) = get_ci(property, "$ref").and_then(Node::as_str) {
            if !reference.is_empty() {
                let reference = reference.to_owned();
                self.load_type(&reference, path)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::fs::MemFs;
    use crate::loader::LoadRestrictor;

    /// The definitions of krusty's TestCrdBase (trimmed descriptions).
    const MY_CRD: &str = r#"
{
  "github.com/example/pkg/apis/jingfang/v1beta1.Bee": {
    "Schema": {
      "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"$ref": "k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta"},
        "spec": {"$ref": "github.com/example/pkg/apis/jingfang/v1beta1.BeeSpec"}
      }
    },
    "Dependencies": []
  },
  "github.com/example/pkg/apis/jingfang/v1beta1.BeeObjectReference": {
    "Schema": {"properties": {"name": {"type": "string"}}},
    "Dependencies": []
  },
  "github.com/example/pkg/apis/jingfang/v1beta1.MyKind": {
    "Schema": {
      "properties": {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"$ref": "k8s.io/apimachinery/pkg/apis/meta/v1.ObjectMeta"},
        "spec": {"$ref": "github.com/example/pkg/apis/jingfang/v1beta1.MyKindSpec"}
      }
    }
  },
  "github.com/example/pkg/apis/jingfang/v1beta1.MyKindSpec": {
    "Schema": {
      "properties": {
        "beeRef": {
          "x-kubernetes-object-ref-api-version": "v1beta1",
          "x-kubernetes-object-ref-kind": "Bee",
          "$ref": "github.com/example/pkg/apis/jingfang/v1beta1.BeeObjectReference"
        },
        "secretRef": {
          "x-kubernetes-object-ref-api-version": "v1",
          "x-kubernetes-object-ref-kind": "Secret",
          "$ref": "k8s.io/api/core/v1.LocalObjectReference"
        },
        "selector": {"x-kubernetes-label-selector": ""},
        "self": {"$ref": "github.com/example/pkg/apis/jingfang/v1beta1.MyKindSpec"}
      }
    }
  }
}
"#;

    fn load(files: &[(&str, &str)], paths: &[&str]) -> Result<TransformerConfig> {
        let mut mem = MemFs::new();
        mem.add("base/kustomization.yaml", "");
        for (name, text) in files {
            mem.add(format!("base/{name}"), *text);
        }
        let ldr = Loader::new(&mem, Path::new("/base"), LoadRestrictor::RootOnly).unwrap();
        let paths: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        config_from_crds(&ldr, &paths)
    }

    #[test]
    fn derives_name_references_from_object_ref_extensions() {
        let config = load(&[("mycrd.json", MY_CRD)], &["mycrd.json"]).unwrap();
        let secret = config
            .name_reference
            .iter()
            .find(|n| n.kind == "Secret")
            .unwrap();
        assert_eq!(secret.version, "v1");
        assert_eq!(
            secret.referrers,
            vec![FieldSpec {
                kind: "MyKind".into(),
                path: "spec/secretRef/name".into(),
                ..FieldSpec::default()
            }]
        );
        let bee = config
            .name_reference
            .iter()
            .find(|n| n.kind == "Bee")
            .unwrap();
        assert_eq!(bee.version, "v1beta1");
        assert_eq!(bee.referrers[0].path, "spec/beeRef/name");
        assert_eq!(config.common_labels.len(), 1);
        assert_eq!(config.common_labels[0].path, "spec/selector");
        assert!(config.name_prefix.is_empty());
    }

    #[test]
    fn reads_yaml_definitions_too() {
        let yaml = "my.group.v1.Thing:\n  Schema:\n    properties:\n      apiVersion: {}\n      kind: {}\n      metadata: {}\n      owner:\n        x-kubernetes-object-ref-api-version: v1\n        x-kubernetes-object-ref-kind: ServiceAccount\n        x-kubernetes-object-ref-name-key: account\n";
        let config = load(&[("thing.yaml", yaml)], &["thing.yaml"]).unwrap();
        let sa = config
            .name_reference
            .iter()
            .find(|n| n.kind == "ServiceAccount")
            .unwrap();
        assert_eq!(sa.referrers[0].kind, "Thing");
        assert_eq!(sa.referrers[0].path, "owner/account");
    }

    #[test]
    fn reports_unreadable_definitions() {
        let err = load(&[("bad.json", "[1, 2]")], &["bad.json"])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("unable to parse open API definition from 'bad.json': "),
            "{err}"
        );
        let err = load(&[], &["missing.json"]).unwrap_err().to_string();
        assert!(err.contains("missing.json"), "{err}");
    }
}
