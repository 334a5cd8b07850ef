//! The content hash kustomize appends to the names of generated ConfigMaps
//! and Secrets (`my-config-5k2h8fbt9m`), and the transformer that appends it.
//!
//! The hash is the first ten hex digits of the SHA-256 of a small JSON
//! document encoded as Go's `json.Marshal` encodes it (sorted keys, HTML
//! characters escaped), with the vowel-like digits replaced so that no words
//! are formed.
//!
//! Kustomize v5.5.0 (as embedded in kubectl) reads the name for that document
//! from a top-level key spelled `metadata/name`, which never exists, so the
//! `name` member is always empty: generators with the same data get the same
//! suffix whatever their names. This was checked against kubectl.

use std::fmt::Write as _;

use serde_json::{Map as JsonMap, Value};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::plugins::{PluginContext, Transformer};
use crate::resource::ResMap;
use crate::yaml::json::{go_json_marshal, to_json};
use crate::yaml::Node;

/// The hash kustomize would append to this resource's name.
///
/// ConfigMaps hash `{binaryData?, data, kind, name}`, Secrets
/// `{data, kind, name, stringData?, type}`. Kustomize hashes any other kind
/// from its in-memory YAML node (source line numbers included), which cannot
/// be reproduced; those are hashed from their JSON form instead.
pub fn content_hash(resource: &Node) -> Result<String> {
    let kind = resource.str_at(&["kind"]).unwrap_or("");
    let document = match kind {
        "ConfigMap" => {
            let mut doc = JsonMap::new();
            doc.insert("kind".to_owned(), Value::from("ConfigMap"));
            doc.insert(
                "name".to_owned(),
                field_value(resource, "metadata/name")?.value,
            );
            doc.insert("data".to_owned(), field_value(resource, "data")?.value);
            let binary = field_value(resource, "binaryData")?;
            if binary.is_map {
                doc.insert("binaryData".to_owned(), binary.value);
            }
            Value::Object(doc)
        }
        "Secret" => {
            let mut doc = JsonMap::new();
            doc.insert("kind".to_owned(), Value::from("Secret"));
            doc.insert("type".to_owned(), field_value(resource, "type")?.value);
            doc.insert(
                "name".to_owned(),
                field_value(resource, "metadata/name")?.value,
            );
            doc.insert("data".to_owned(), field_value(resource, "data")?.value);
            let string_data = field_value(resource, "stringData")?;
            if string_data.is_map {
                doc.insert("stringData".to_owned(), string_data.value);
            }
            Value::Object(doc)
        }
        _ => checked_json(resource)?,
    };
    let encoded = go_json_marshal(&document);
    Ok(encode_hash(&Sha256::digest(encoded.as_bytes())))
}

/// One value read by kustomize's `getNodeValues`, and whether Go holds it
/// as a `map[string]interface{}` (possibly nil).
struct FieldValue {
    value: Value,
    is_map: bool,
}

/// Kustomize's `getNodeValues` for one top-level key: absent is `""`, a
/// scalar is its text, a mapping is its JSON round trip, and a sequence
/// fails to decode into a map and stays a nil map (`null`).
fn field_value(resource: &Node, key: &str) -> Result<FieldValue> {
    Ok(match resource.get(key) {
        None => FieldValue {
            value: Value::from(""),
            is_map: false,
        },
        Some(Node::Scalar(s)) => FieldValue {
            value: Value::from(s.value.as_str()),
            is_map: false,
        },
        Some(map @ Node::Map(_)) => FieldValue {
            value: checked_json(map)?,
            is_map: true,
        },
        Some(Node::Seq(_)) => FieldValue {
            value: Value::Null,
            is_map: true,
        },
    })
}

/// The node's JSON form, refusing what Go's encoder refuses (NaN and the
/// infinities, which the JSON view keeps as their YAML text).
fn checked_json(node: &Node) -> Result<Value> {
    if let Some(text) = non_finite_float(node) {
        return Err(Error::msg(format!(
            "json: unsupported value: {text} (while hashing a generated resource)"
        )));
    }
    Ok(to_json(node))
}

fn non_finite_float(node: &Node) -> Option<&str> {
    match node {
        Node::Scalar(s) if s.kind == crate::yaml::ScalarKind::Float => {
            let lower = s.value.to_ascii_lowercase();
            matches!(lower.as_str(), ".nan" | ".inf" | "+.inf" | "-.inf")
                .then_some(s.value.as_str())
        }
        Node::Scalar(_) => None,
        Node::Seq(items) => items.iter().find_map(non_finite_float),
        Node::Map(map) => map.values().find_map(non_finite_float),
    }
}

/// First ten hex digits of the digest, with `0 1 3 a e` replaced by
/// `g h k m t` (kubectl's `encodeHash`).
fn encode_hash(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(10);
    for byte in &digest[..5] {
        let _ = write!(hex, "{byte:02x}");
    }
    hex.chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            other => other,
        })
        .collect()
}

/// Appends `-<hash>` to the name of every resource marked as needing one
/// (generated ConfigMaps and Secrets), remembering the old name so that
/// references to it can be fixed afterwards.
#[derive(Debug, Default, Clone, Copy)]
pub struct HashTransformer;

impl Transformer for HashTransformer {
    fn transform(&self, resources: &mut ResMap, _ctx: &PluginContext<'_, '_>) -> Result<()> {
        add_hash_suffixes(resources)
    }
}

/// The work of [`HashTransformer`], usable without a plugin context.
pub fn add_hash_suffixes(resources: &mut ResMap) -> Result<()> {
    for resource in resources.iter_mut().filter(|r| r.needs_hash_suffix) {
        let hash = content_hash(&resource.node)?;
        resource.remember_current_id();
        let name = format!("{}-{}", resource.name(), hash);
        resource.set_name(&name);
        resource.needs_hash_suffix = false;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;
    use crate::yaml::parse::parse_single;

    fn hash_of(yaml: &str) -> String {
        content_hash(&parse_single(yaml).unwrap()).unwrap()
    }

    // Every expected value below was produced by `kubectl kustomize`
    // (kustomize v5.5.0) for the equivalent generator.

    #[test]
    fn config_map_from_literals() {
        assert_eq!(
            hash_of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n"),
            "4h2mbtbbt6"
        );
        assert_eq!(
            hash_of("kind: ConfigMap\nmetadata: {name: cm}\ndata: {a: c}\n"),
            "8f2d5hh62d"
        );
        assert_eq!(
            hash_of("kind: ConfigMap\nmetadata: {name: cm}\ndata: {b: b}\n"),
            "m8tf9h96hd"
        );
    }

    #[test]
    fn name_labels_namespace_and_immutable_do_not_change_the_hash() {
        let plain = hash_of("kind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n");
        let decorated = hash_of(
            "kind: ConfigMap\nmetadata: {name: other, namespace: ns, labels: {x: '1'}}\nimmutable: true\ndata: {a: b}\n",
        );
        assert_eq!(plain, decorated);
    }

    #[test]
    fn config_map_without_data_or_with_binary_data() {
        assert_eq!(
            hash_of("kind: ConfigMap\nmetadata: {name: cm}\n"),
            "6ct58987ht"
        );
        assert_eq!(
            hash_of("kind: ConfigMap\nmetadata: {name: cm}\nbinaryData: {b.bin: /w==}\n"),
            "4f75d58gkm"
        );
    }

    #[test]
    fn config_map_from_files_with_newlines() {
        let node = parse_single(
            "kind: ConfigMap\nmetadata: {name: blah-bob}\ndata:\n  fruit: apple\n  vegetable: broccoli\n  nobles: \"\\nhelium\\nneon\\nargon\\nkrypton\\nxenon\\nradon\\n\"\n",
        )
        .unwrap();
        assert_eq!(content_hash(&node).unwrap(), "db529cg5bk");
    }

    #[test]
    fn escapes_like_go_json() {
        // Key "a\b\f\u2028<>&é\x01": short escapes for \b and \f, HTML
        // characters and U+2028 as \u, other controls as \u00XX.
        let node = parse_single(
            "kind: ConfigMap\nmetadata: {name: cm}\ndata:\n  \"a\\b\\f\\u2028<>&\u{e9}\\x01\": x\n",
        )
        .unwrap();
        assert_eq!(content_hash(&node).unwrap(), "kf6584d8tt");
    }

    #[test]
    fn secrets_include_type() {
        assert_eq!(
            hash_of("apiVersion: v1\nkind: Secret\nmetadata: {name: cm}\ntype: Opaque\ndata: {a: Yg==}\n"),
            "k695gkmbtk"
        );
        assert_eq!(
            hash_of("kind: Secret\nmetadata: {name: s}\ntype: Opaque\nimmutable: true\ndata: {b.bin: /w==}\n"),
            "t7bmm8mfbk"
        );
    }

    #[test]
    fn numbers_in_data_hash_as_float64() {
        // `a: 1` and `a: 1.0` both decode to float64 1 in Go.
        assert_eq!(
            hash_of("kind: ConfigMap\nmetadata: {name: cm}\ndata: {a: 1}\n"),
            hash_of("kind: ConfigMap\nmetadata: {name: cm}\ndata: {a: 1.0}\n")
        );
    }

    #[test]
    fn transformer_renames_marked_resources_and_remembers_old_name() {
        let mut marked = Resource::new(
            parse_single("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n")
                .unwrap(),
        );
        marked.needs_hash_suffix = true;
        let unmarked = Resource::new(
            parse_single("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n").unwrap(),
        );
        let mut resources = ResMap {
            resources: vec![marked, unmarked],
        };
        add_hash_suffixes(&mut resources).unwrap();
        let renamed = &resources.resources[0];
        assert_eq!(renamed.name(), "cm-4h2mbtbbt6");
        assert!(!renamed.needs_hash_suffix);
        assert_eq!(renamed.previous_ids.len(), 1);
        assert_eq!(renamed.previous_ids[0].name, "cm");
        assert_eq!(resources.resources[1].name(), "other");
        assert!(resources.resources[1].previous_ids.is_empty());
    }
}
