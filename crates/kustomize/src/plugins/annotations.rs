//! `commonAnnotations:` and the `AnnotationsTransformer` plugin (kustomize's
//! `api/filters/annotations`): like labels, annotations are written in key
//! order into every map field the specs reach.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::fieldspec::{config_string_map, field_specs_in, FieldSpec, TransformerConfig};
use crate::plugins::labels::add_map_entries;
use crate::plugins::{PluginContext, Transformer};
use crate::resource::ResMap;
use crate::yaml::Node;

/// Adds annotations to the map fields the specs select.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AnnotationsTransformer {
    pub annotations: BTreeMap<String, String>,
    pub field_specs: Vec<FieldSpec>,
}

impl AnnotationsTransformer {
    /// The transformer for `commonAnnotations:`.
    pub fn common(annotations: &BTreeMap<String, String>, config: &TransformerConfig) -> Self {
        AnnotationsTransformer {
            annotations: annotations.clone(),
            field_specs: config.common_annotations.clone(),
        }
    }

    /// Reads `annotations` and `fieldSpecs`.
    pub fn from_config(config: &Node) -> Result<Self> {
        Ok(AnnotationsTransformer {
            annotations: config_string_map(config, "annotations")?,
            field_specs: field_specs_in(config, "fieldSpecs")?.unwrap_or_default(),
        })
    }
}

impl Transformer for AnnotationsTransformer {
    fn transform(&self, resources: &mut ResMap, _ctx: &PluginContext<'_, '_>) -> Result<()> {
        add_map_entries(resources, &self.annotations, &self.field_specs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;
    use crate::yaml::parse::{parse_documents, parse_single};

    fn run(t: &dyn Transformer, m: &mut ResMap) -> Result<()> {
        crate::fieldspec::test_support::run_transformer(t, m, &TransformerConfig::default())
    }

    #[test]
    fn common_annotations_reach_metadata_and_pod_templates() {
        let config = TransformerConfig::default_config();
        let annotations: BTreeMap<String, String> = [("note".to_owned(), "1".to_owned())].into();
        let t = AnnotationsTransformer::common(&annotations, &config);
        let mut m = ResMap {
            resources: parse_documents(
                "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  annotations:\n    keep: me\n",
            )
            .unwrap()
            .into_iter()
            .map(Resource::new)
            .collect(),
        };
        run(&t, &mut m).unwrap();
        let cron = &m.resources[0].node;
        assert_eq!(cron.str_at(&["metadata", "annotations", "note"]), Some("1"));
        assert_eq!(
            cron.str_at(&["spec", "jobTemplate", "metadata", "annotations", "note"]),
            Some("1")
        );
        assert_eq!(
            cron.str_at(&[
                "spec",
                "jobTemplate",
                "spec",
                "template",
                "metadata",
                "annotations",
                "note"
            ]),
            Some("1")
        );
        let cm = &m.resources[1].node;
        assert_eq!(cm.str_at(&["metadata", "annotations", "keep"]), Some("me"));
        assert_eq!(cm.str_at(&["metadata", "annotations", "note"]), Some("1"));
        assert!(cm.get("spec").is_none());
    }

    #[test]
    fn plugin_config_with_custom_specs() {
        let config = parse_single(
            "apiVersion: builtin\nkind: AnnotationsTransformer\nmetadata:\n  name: a\nannotations:\n  b: y\n  a: x\nfieldSpecs:\n- path: spec/notes\n  kind: Foo\n  create: true\n",
        )
        .unwrap();
        let t = AnnotationsTransformer::from_config(&config).unwrap();
        let mut m = ResMap {
            resources: vec![Resource::new(
                parse_single("apiVersion: v1\nkind: Foo\nmetadata:\n  name: f\n").unwrap(),
            )],
        };
        run(&t, &mut m).unwrap();
        let notes = m.resources[0]
            .node
            .get_path(&["spec", "notes"])
            .unwrap()
            .as_map()
            .unwrap();
        // Written in key order.
        assert_eq!(notes.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert!(m.resources[0]
            .node
            .get_path(&["metadata", "annotations"])
            .is_none());
    }

    #[test]
    fn non_string_values_are_refused() {
        let config = parse_single("annotations:\n  a: 1\n").unwrap();
        let err = AnnotationsTransformer::from_config(&config)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "`annotations.a` must be a string (found integer)");
    }
}
