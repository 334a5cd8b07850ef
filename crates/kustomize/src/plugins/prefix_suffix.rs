//! `namePrefix:` / `nameSuffix:` and the `PrefixTransformer`,
//! `SuffixTransformer` and legacy `PrefixSuffixTransformer` plugins
//! (kustomize's `api/internal/builtins/{Prefix,Suffix}Transformer.go`).
//!
//! The field specs are matched against a resource's *original* kind, and
//! CustomResourceDefinitions, APIServices and Namespaces are never renamed.
//! When a spec targets `metadata/name` the resource's identity before the
//! change is remembered (for name references) and the affix is recorded in
//! the `internal.config.kubernetes.io/prefixes` / `suffixes` annotation, as
//! kustomize does; the build strips those annotations from its output.

use crate::error::{Error, Result};
use crate::fieldspec::{
    apply_field_spec, config_string, field_specs_in, set_scalar, CreateKind, FieldSpec,
};
use crate::plugins::{PluginContext, Transformer};
use crate::resource::{Gvk, ResMap, Resource};
use crate::yaml::{Node, Scalar};

/// Annotation listing the prefixes added to a resource's name, oldest first.
pub const PREFIXES_ANNOTATION: &str = "internal.config.kubernetes.io/prefixes";
/// Annotation listing the suffixes added to a resource's name, oldest first.
pub const SUFFIXES_ANNOTATION: &str = "internal.config.kubernetes.io/suffixes";

/// Which end of the value an affix goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    Prefix,
    Suffix,
}

/// Adds a prefix or a suffix to the fields the specs select.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Affixer {
    end: End,
    affix: String,
    field_specs: Vec<FieldSpec>,
}

impl Affixer {
    fn from_config(end: End, config: &Node) -> Result<Self> {
        let key = match end {
            End::Prefix => "prefix",
            End::Suffix => "suffix",
        };
        let field_specs = field_specs_in(config, "fieldSpecs")?
            .ok_or_else(|| Error::msg("fieldSpecs is not expected to be nil"))?;
        Ok(Affixer {
            end,
            affix: config_string(config, &[key])?,
            field_specs,
        })
    }

    fn transform(&self, resources: &mut ResMap) -> Result<()> {
        resources.iter_mut().try_for_each(|r| self.apply(r))
    }

    fn apply(&self, resource: &mut Resource) -> Result<()> {
        let original = resource.original_id().gvk;
        if never_renamed(&original) {
            return Ok(());
        }
        for fs in self
            .field_specs
            .iter()
            .filter(|fs| fs.gvk().selects(&original))
        {
            if fs.path == "metadata/name" {
                self.record_affix(resource);
                if !self.affix.is_empty() {
                    resource.remember_current_id();
                }
            }
            apply_field_spec(
                &mut resource.node,
                fs,
                Some(CreateKind::Scalar),
                &mut |node| {
                    let current = node.as_scalar().map(|s| s.value.as_str()).unwrap_or("");
                    let value = match self.end {
                        End::Prefix => format!("{}{current}", self.affix),
                        End::Suffix => format!("{current}{}", self.affix),
                    };
                    set_scalar(node, Scalar::string(value))
                },
            )?;
        }
        Ok(())
    }

    /// Appends the affix to the resource's comma-separated record of them.
    fn record_affix(&self, resource: &mut Resource) {
        if self.affix.is_empty() {
            return;
        }
        let annotation = match self.end {
            End::Prefix => PREFIXES_ANNOTATION,
            End::Suffix => SUFFIXES_ANNOTATION,
        };
        let value = match resource
            .annotations()
            .and_then(|a| a.get(annotation))
            .and_then(Node::as_str)
        {
            Some(existing) if !existing.is_empty() => format!("{existing},{}", self.affix),
            _ => self.affix.clone(),
        };
        resource.set_annotation(annotation, &value);
    }
}

/// Kinds kustomize never renames (matched on the original kind).
fn never_renamed(gvk: &Gvk) -> bool {
    gvk.kind == "CustomResourceDefinition"
        || gvk.kind == "Namespace"
        || (gvk.kind == "APIService" && gvk.group == "apiregistration.k8s.io")
}

/// Adds a prefix to names (`namePrefix:`, `kind: PrefixTransformer`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefixTransformer(Affixer);

impl PrefixTransformer {
    /// The transformer for `namePrefix:` with the `namePrefix` field specs.
    pub fn new(prefix: &str, field_specs: &[FieldSpec]) -> Self {
        PrefixTransformer(Affixer {
            end: End::Prefix,
            affix: prefix.to_owned(),
            field_specs: field_specs.to_vec(),
        })
    }

    /// Reads `prefix` and `fieldSpecs` (required, may be empty).
    pub fn from_config(config: &Node) -> Result<Self> {
        Affixer::from_config(End::Prefix, config).map(PrefixTransformer)
    }
}

impl Transformer for PrefixTransformer {
    fn transform(&self, resources: &mut ResMap, _ctx: &PluginContext<'_, '_>) -> Result<()> {
        self.0.transform(resources)
    }
}

/// Adds a suffix to names (`nameSuffix:`, `kind: SuffixTransformer`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuffixTransformer(Affixer);

impl SuffixTransformer {
    /// The transformer for `nameSuffix:` with the `nameSuffix` field specs.
    pub fn new(suffix: &str, field_specs: &[FieldSpec]) -> Self {
        SuffixTransformer(Affixer {
            end: End::Suffix,
            affix: suffix.to_owned(),
            field_specs: field_specs.to_vec(),
        })
    }

    /// Reads `suffix` and `fieldSpecs` (required, may be empty).
    pub fn from_config(config: &Node) -> Result<Self> {
        Affixer::from_config(End::Suffix, config).map(SuffixTransformer)
    }
}

impl Transformer for SuffixTransformer {
    fn transform(&self, resources: &mut ResMap, _ctx: &PluginContext<'_, '_>) -> Result<()> {
        self.0.transform(resources)
    }
}

/// The deprecated `kind: PrefixSuffixTransformer`: in kustomize 5 a prefix
/// transformer then a suffix transformer, both configured from the same
/// `prefix`, `suffix` and `fieldSpecs`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PrefixSuffixTransformer {
    pub prefix: PrefixTransformer,
    pub suffix: SuffixTransformer,
}

impl PrefixSuffixTransformer {
    pub fn from_config(config: &Node) -> Result<Self> {
        Ok(PrefixSuffixTransformer {
            prefix: PrefixTransformer::from_config(config)?,
            suffix: SuffixTransformer::from_config(config)?,
        })
    }
}

impl Transformer for PrefixSuffixTransformer {
    fn transform(&self, resources: &mut ResMap, ctx: &PluginContext<'_, '_>) -> Result<()> {
        self.prefix.transform(resources, ctx)?;
        self.suffix.transform(resources, ctx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fieldspec::TransformerConfig;
    use crate::yaml::parse::{parse_documents, parse_single};

    fn resmap(text: &str) -> ResMap {
        parse_documents(text).unwrap().into_iter().collect()
    }

    fn run(t: &dyn Transformer, m: &mut ResMap) -> Result<()> {
        crate::fieldspec::test_support::run_transformer(t, m, &TransformerConfig::default())
    }

    fn names(m: &ResMap) -> Vec<&str> {
        m.iter().map(|r| r.name()).collect()
    }

    #[test]
    fn legacy_prefix_suffix_transformer() {
        // krusty TestLegacyPrefixSuffixTransformer.
        let config = parse_single(
            "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: notImportantHere\nprefix: baked-\nsuffix: -pie\nfieldSpecs:\n- path: metadata/name\n",
        )
        .unwrap();
        let t = PrefixSuffixTransformer::from_config(&config).unwrap();
        let mut m = resmap("apiVersion: v1\nkind: Service\nmetadata:\n  name: apple\n");
        run(&t, &mut m).unwrap();
        assert_eq!(names(&m), ["baked-apple-pie"]);
        let r = &m.resources[0];
        let ids: Vec<_> = r.previous_ids.iter().map(|id| id.name.as_str()).collect();
        assert_eq!(ids, ["apple", "baked-apple"]);
        assert_eq!(
            r.annotations()
                .unwrap()
                .get(PREFIXES_ANNOTATION)
                .and_then(Node::as_str),
            Some("baked-")
        );
        assert_eq!(
            r.annotations()
                .unwrap()
                .get(SUFFIXES_ANNOTATION)
                .and_then(Node::as_str),
            Some("-pie")
        );
    }

    #[test]
    fn custom_prefixer_selects_kinds() {
        // krusty TestCustomNamePrefixer.
        let config = parse_single(
            "apiVersion: builtin\nkind: PrefixSuffixTransformer\nmetadata:\n  name: customPrefixer\nprefix: zzz-\nfieldSpecs:\n- kind: Deployment\n  path: metadata/name\n- kind: Service\n  path: metadata/name\n",
        )
        .unwrap();
        let t = PrefixSuffixTransformer::from_config(&config).unwrap();
        let mut m = resmap(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: myDeployment\n---\napiVersion: v1\nkind: Role\nmetadata:\n  name: myRole\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: myService\n",
        );
        run(&t, &mut m).unwrap();
        assert_eq!(names(&m), ["zzz-myDeployment", "myRole", "zzz-myService"]);
        // An empty suffix changes nothing and records nothing.
        assert!(m.resources[0]
            .annotations()
            .unwrap()
            .get(SUFFIXES_ANNOTATION)
            .is_none());
        assert_eq!(m.resources[0].previous_ids.len(), 1);
    }

    #[test]
    fn skips_kinds_kustomize_never_renames() {
        let config = TransformerConfig::default_config();
        let mut m = resmap(
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: crd\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n---\napiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: api\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
        );
        run(&PrefixTransformer::new("p-", &config.name_prefix), &mut m).unwrap();
        run(&SuffixTransformer::new("-s", &config.name_suffix), &mut m).unwrap();
        assert_eq!(names(&m), ["crd", "ns", "api", "p-cm-s"]);
        let cm = &m.resources[3];
        assert_eq!(cm.original_id().name, "cm");
        assert_eq!(cm.previous_ids.len(), 2);
    }

    #[test]
    fn repeated_prefixes_are_recorded_in_order() {
        let config = TransformerConfig::default_config();
        let mut m = resmap("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n");
        run(&PrefixTransformer::new("a-", &config.name_prefix), &mut m).unwrap();
        run(&PrefixTransformer::new("b-", &config.name_prefix), &mut m).unwrap();
        assert_eq!(names(&m), ["b-a-cm"]);
        let r = &m.resources[0];
        assert_eq!(
            r.annotations()
                .unwrap()
                .get(PREFIXES_ANNOTATION)
                .and_then(Node::as_str),
            Some("a-,b-")
        );
    }

    #[test]
    fn specs_can_reach_other_fields() {
        // kustomize's TestComposition_Basics: a prefix on data/MY_ENV too.
        let config =
            parse_single("prefix: bob-\nfieldSpecs:\n- path: metadata/name\n- path: data/MY_ENV\n")
                .unwrap();
        let mut m = resmap(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my-config\ndata:\n  MY_ENV: foo\n",
        );
        run(&PrefixTransformer::from_config(&config).unwrap(), &mut m).unwrap();
        assert_eq!(
            m.resources[0].node.str_at(&["data", "MY_ENV"]),
            Some("bob-foo")
        );
        assert_eq!(names(&m), ["bob-my-config"]);
    }

    #[test]
    fn field_specs_are_required() {
        let config = parse_single("prefix: p-\n").unwrap();
        let err = PrefixTransformer::from_config(&config)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "fieldSpecs is not expected to be nil");
        let config = parse_single("suffix: -s\nfieldSpecs: []\n").unwrap();
        assert!(SuffixTransformer::from_config(&config).is_ok());
    }
}
