//! `commonLabels:`, `labels:` and the `LabelTransformer` plugin (kustomize's
//! `api/filters/labels`).
//!
//! Each label is written, in key order, into every map field the field specs
//! reach; missing maps are created where a spec says `create`.

use std::collections::BTreeMap;

use crate::error::{Error, Result, ResultExt};
use crate::fieldspec::{
    apply_field_specs, config_string_map, field_specs_in, merge_all, merge_one, set_map_entry,
    CreateKind, FieldSpec, TransformerConfig,
};
use crate::kustomization::Label;
use crate::plugins::{PluginContext, Transformer};
use crate::resource::ResMap;
use crate::yaml::Node;

/// Kustomize's prefix for a `labels:` entry whose field specs conflict.
const MERGE_LABELS: &str = "failed to merge labels";

/// Adds labels to the map fields the specs select.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabelTransformer {
    pub labels: BTreeMap<String, String>,
    pub field_specs: Vec<FieldSpec>,
}

impl LabelTransformer {
    /// The transformer for `commonLabels:` (labels, selectors, templates).
    pub fn common(labels: &BTreeMap<String, String>, config: &TransformerConfig) -> Self {
        LabelTransformer {
            labels: labels.clone(),
            field_specs: config.common_labels.clone(),
        }
    }

    /// The transformer for one `labels:` entry, with kustomize v5.5's specs:
    /// its own `fields`, then the `labels:` table of `configurations:`, then
    /// either the commonLabels specs (`includeSelectors`) or the template
    /// specs (`includeTemplates`) followed by `metadata/labels`. The order
    /// matters: a spec only counts as a duplicate of an earlier one its
    /// selector covers, and a duplicate that disagrees about `create` fails.
    pub fn for_label(label: &Label, config: &TransformerConfig) -> Result<Self> {
        let mut specs = label
            .fields
            .iter()
            .map(|v| serde_json::from_value::<FieldSpec>(v.clone()))
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::msg(format!("labels: invalid fields entry: {e}")))?;
        merge_all(&mut specs, config.labels.clone()).context(MERGE_LABELS)?;
        if label.include_selectors {
            merge_all(&mut specs, config.common_labels.clone()).context(MERGE_LABELS)?;
        } else {
            if label.include_templates {
                merge_all(&mut specs, config.template_labels.clone())
                    .context("failed to merge template fieldSpec")?;
            }
            merge_one(&mut specs, FieldSpec::any_kind("metadata/labels", true))
                .context(MERGE_LABELS)?;
        }
        Ok(LabelTransformer {
            labels: label.pairs.clone(),
            field_specs: specs,
        })
    }

    /// Reads `labels` and `fieldSpecs`.
    pub fn from_config(config: &Node) -> Result<Self> {
        Ok(LabelTransformer {
            labels: config_string_map(config, "labels")?,
            field_specs: field_specs_in(config, "fieldSpecs")?.unwrap_or_default(),
        })
    }
}

/// Writes each entry of `entries` (in key order) into every map field the
/// specs reach, creating missing maps where a spec says so. Shared with the
/// annotations transformer.
pub(crate) fn add_map_entries(
    resources: &mut ResMap,
    entries: &BTreeMap<String, String>,
    specs: &[FieldSpec],
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    for resource in resources.iter_mut() {
        for (key, value) in entries {
            apply_field_specs(
                &mut resource.node,
                specs,
                Some(CreateKind::Map),
                &mut |node| set_map_entry(node, key, Node::string(value.as_str())),
            )?;
        }
    }
    Ok(())
}

impl Transformer for LabelTransformer {
    fn transform(&self, resources: &mut ResMap, _ctx: &PluginContext<'_, '_>) -> Result<()> {
        add_map_entries(resources, &self.labels, &self.field_specs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse::{parse_documents, parse_single};
    use crate::yaml::ScalarKind;

    fn resmap(text: &str) -> ResMap {
        parse_documents(text).unwrap().into_iter().collect()
    }

    fn run(t: &dyn Transformer, m: &mut ResMap) -> Result<()> {
        crate::fieldspec::test_support::run_transformer(t, m, &TransformerConfig::default())
    }

    fn pairs(p: &[(&str, &str)]) -> BTreeMap<String, String> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn label(text: &str) -> Label {
        let node = parse_single(text).unwrap();
        serde_json::from_value(crate::kustomization::node_to_config_json(&node)).unwrap()
    }

    #[test]
    fn common_labels_reach_selectors_and_templates() {
        // krusty TestNumericCommonLabels: the value stays a string.
        let config = TransformerConfig::default_config();
        let mut m =
            resmap("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: the-deployment\n");
        run(
            &LabelTransformer::common(&pairs(&[("version", "1")]), &config),
            &mut m,
        )
        .unwrap();
        let n = &m.resources[0].node;
        for path in [
            &["metadata", "labels", "version"][..],
            &["spec", "selector", "matchLabels", "version"],
            &["spec", "template", "metadata", "labels", "version"],
        ] {
            let s = n.get_path(path).and_then(Node::as_scalar).unwrap();
            assert_eq!(
                (s.value.as_str(), s.kind),
                ("1", ScalarKind::Str),
                "{path:?}"
            );
        }
    }

    #[test]
    fn common_labels_do_not_create_arrays() {
        // krusty TestTransformersNoCreateArrays.
        let config = TransformerConfig::default_config();
        let mut m = resmap(
            "kind: StatefulSet\napiVersion: apps/v1\nmetadata:\n  name: test\n  labels:\n    notIn: arrays\nspec:\n  selector:\n    matchLabels:\n      app: test\n  template:\n    metadata:\n      labels:\n        app: test\n---\nkind: StatefulSet\napiVersion: apps/v1\nmetadata:\n  name: persisted-test\nspec:\n  volumeClaimTemplates:\n  - metadata:\n      name: www\n  - metadata:\n      name: data\n",
        );
        run(
            &LabelTransformer::common(&pairs(&[("notIn", "arrays")]), &config),
            &mut m,
        )
        .unwrap();
        assert!(m.resources[0]
            .node
            .get_path(&["spec", "volumeClaimTemplates"])
            .is_none());
        assert_eq!(
            m.resources[0]
                .node
                .str_at(&["spec", "selector", "matchLabels", "notIn"]),
            Some("arrays")
        );
        let templates = m.resources[1]
            .node
            .get_path(&["spec", "volumeClaimTemplates"])
            .unwrap();
        for t in templates.as_seq().unwrap() {
            assert_eq!(t.str_at(&["metadata", "labels", "notIn"]), Some("arrays"));
        }
    }

    #[test]
    fn labels_entry_without_selectors_touches_metadata_only() {
        let config = TransformerConfig::default_config();
        let t = LabelTransformer::for_label(&label("pairs: {app: x}\n"), &config).unwrap();
        assert_eq!(
            t.field_specs,
            vec![FieldSpec::any_kind("metadata/labels", true)]
        );
        let mut m = resmap("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n");
        run(&t, &mut m).unwrap();
        assert_eq!(
            m.resources[0].node.str_at(&["metadata", "labels", "app"]),
            Some("x")
        );
        assert!(m.resources[0].node.get("spec").is_none());
    }

    #[test]
    fn labels_entry_with_templates_reaches_pod_templates_not_selectors() {
        // krusty TestKustomizationLabelsInDeploymentTemplate / CronJobTemplate.
        let config = TransformerConfig::default_config();
        let t = LabelTransformer::for_label(
            &label("pairs: {foo: bar}\nincludeTemplates: true\n"),
            &config,
        )
        .unwrap();
        let mut m = resmap(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels:\n      app: d\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\n",
        );
        run(&t, &mut m).unwrap();
        let d = &m.resources[0].node;
        assert_eq!(
            d.str_at(&["spec", "template", "metadata", "labels", "foo"]),
            Some("bar")
        );
        assert_eq!(d.str_at(&["spec", "selector", "matchLabels", "foo"]), None);
        let c = &m.resources[1].node;
        assert_eq!(
            c.str_at(&["spec", "jobTemplate", "metadata", "labels", "foo"]),
            Some("bar")
        );
        assert_eq!(
            c.str_at(&[
                "spec",
                "jobTemplate",
                "spec",
                "template",
                "metadata",
                "labels",
                "foo"
            ]),
            Some("bar")
        );
    }

    #[test]
    fn labels_entry_with_selectors_and_own_fields() {
        let config = TransformerConfig::default_config();
        let t = LabelTransformer::for_label(
            &label("pairs: {a: b}\nincludeSelectors: true\nfields:\n- path: spec/custom\n  kind: Foo\n  create: true\n"),
            &config,
        )
        .unwrap();
        assert_eq!(t.field_specs.len(), config.common_labels.len() + 1);
        let mut m = resmap("apiVersion: v1\nkind: Foo\nmetadata:\n  name: f\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n");
        run(&t, &mut m).unwrap();
        assert_eq!(
            m.resources[0].node.str_at(&["spec", "custom", "a"]),
            Some("b")
        );
        assert_eq!(
            m.resources[1].node.str_at(&["spec", "selector", "a"]),
            Some("b")
        );
    }

    #[test]
    fn plugin_config_and_null_maps() {
        let config = parse_single("labels:\n  app: x\nfieldSpecs:\n- path: spec/selector/matchLabels\n  kind: Job\n- path: metadata/labels\n  create: true\n").unwrap();
        let t = LabelTransformer::from_config(&config).unwrap();
        let mut m = resmap("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  labels:\nspec:\n  selector:\n    matchLabels:\n");
        run(&t, &mut m).unwrap();
        let n = &m.resources[0].node;
        // A null map is created where the spec says so, left alone elsewhere.
        assert_eq!(n.str_at(&["metadata", "labels", "app"]), Some("x"));
        assert!(n
            .get_path(&["spec", "selector", "matchLabels"])
            .unwrap()
            .is_null());
    }

    /// The built-in tables merged with one `configurations:` document.
    fn config_with(yaml: &str) -> TransformerConfig {
        let mut config = TransformerConfig::default_config();
        config
            .merge(TransformerConfig::from_yaml(&parse_single(yaml).unwrap()).unwrap())
            .unwrap();
        config
    }

    const SAMPLE_RESOURCE: &str = "apiVersion: custom.example.org/v1\nkind: SampleResource\nmetadata:\n  name: sample-resource\nspec:\n  template:\n    spec: {}\n";

    #[test]
    fn configured_label_specs_reach_custom_resources() {
        // krusty TestLabelTransformerConfigWithCustomResources (all three):
        // the `labels:` table of `configurations:` applies to `labels:`
        // entries whatever their include flags.
        let config = config_with(
            "labels:\n- path: spec/selectors/labels\n  create: true\n  kind: SampleResource\n- path: spec/template/metadata/labels\n  create: true\n  kind: SampleResource\n",
        );
        for entry in [
            "pairs: {location: planet-earth}\nincludeSelectors: false\nincludeTemplates: false\n",
            "pairs: {location: planet-earth}\nincludeSelectors: true\n",
            "pairs: {location: planet-earth}\nincludeTemplates: true\n",
        ] {
            let t = LabelTransformer::for_label(&label(entry), &config).unwrap();
            let mut m = resmap(SAMPLE_RESOURCE);
            run(&t, &mut m).unwrap();
            let n = &m.resources[0].node;
            for path in [
                &["metadata", "labels", "location"][..],
                &["spec", "selectors", "labels", "location"],
                &["spec", "template", "metadata", "labels", "location"],
            ] {
                assert_eq!(n.str_at(path), Some("planet-earth"), "{entry}: {path:?}");
            }
        }
    }

    #[test]
    fn configured_label_specs_do_not_reach_common_labels() {
        let config = config_with("labels:\n- path: spec/x\n  create: true\n");
        let mut m = resmap(SAMPLE_RESOURCE);
        run(
            &LabelTransformer::common(&pairs(&[("a", "b")]), &config),
            &mut m,
        )
        .unwrap();
        assert!(m.resources[0].node.get_path(&["spec", "x"]).is_none());
    }

    fn label_error(config_yaml: &str, entry: &str) -> Option<String> {
        LabelTransformer::for_label(&label(entry), &config_with(config_yaml))
            .err()
            .map(|e| e.to_string())
    }

    #[test]
    fn conflicting_label_specs_fail_as_in_kustomize() {
        // Each message and each order checked against kubectl kustomize.
        let metadata_no_create = "labels:\n- path: metadata/labels\n";
        assert_eq!(
            label_error(metadata_no_create, "pairs: {a: b}\n").as_deref(),
            Some("failed to merge labels: conflicting fieldspecs")
        );
        assert_eq!(
            label_error(
                metadata_no_create,
                "pairs: {a: b}\nincludeSelectors: true\n"
            )
            .as_deref(),
            Some("failed to merge labels: conflicting fieldspecs")
        );
        // The template specs (which include metadata/labels) come first.
        assert_eq!(
            label_error(
                metadata_no_create,
                "pairs: {a: b}\nincludeTemplates: true\n"
            )
            .as_deref(),
            Some("failed to merge template fieldSpec: conflicting fieldspecs")
        );
        assert_eq!(
            label_error(
                "{}",
                "pairs: {a: b}\nincludeTemplates: true\nfields: [{path: metadata/labels}]\n"
            )
            .as_deref(),
            Some("failed to merge template fieldSpec: conflicting fieldspecs")
        );
        // The entry's own fields come before the configured table.
        assert_eq!(
            label_error(
                "labels: [{path: spec/x}]\n",
                "pairs: {a: b}\nfields: [{path: spec/x, create: true}]\n"
            )
            .as_deref(),
            Some("failed to merge labels: conflicting fieldspecs")
        );
    }

    #[test]
    fn only_specs_whose_selector_covers_an_earlier_one_conflict() {
        // A narrower spec after a broader one is kept beside it...
        assert_eq!(
            label_error(
                "labels: [{path: spec/x, kind: Deployment, create: true}]\n",
                "pairs: {a: b}\nfields: [{path: spec/x}]\n"
            ),
            None
        );
        // ... and so are the built-in selector and template specs after a
        // configured spec for any kind.
        assert_eq!(
            label_error(
                "labels: [{path: spec/selector}]\n",
                "pairs: {a: b}\nincludeSelectors: true\n"
            ),
            None
        );
        assert_eq!(
            label_error(
                "labels: [{path: spec/template/metadata/labels}]\n",
                "pairs: {a: b}\nincludeTemplates: true\n"
            ),
            None
        );
        // A broader spec after a narrower one conflicts.
        assert!(label_error(
            "labels: [{path: spec/x, create: true}]\n",
            "pairs: {a: b}\nfields: [{path: spec/x, kind: Deployment}]\n"
        )
        .is_some());
    }

    #[test]
    fn wrong_kinds_are_errors() {
        let config = TransformerConfig::default_config();
        let mut m = resmap("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: j\n  labels: 3\n");
        let err = run(
            &LabelTransformer::common(&pairs(&[("a", "b")]), &config),
            &mut m,
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("considering field 'metadata/labels' of object ConfigMap.v1.[noGrp]/j.[noNs]: wrong node kind: expected MappingNode but got ScalarNode"), "{err}");
    }
}
