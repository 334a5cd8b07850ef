//! `namespace:` and the `NamespaceTransformer` plugin (kustomize's
//! `api/filters/namespace`).
//!
//! `metadata.namespace` is set on every namespaced kind (cluster-scoped
//! kinds are left alone whatever the field specs say); the other field specs
//! (a `Namespace`'s own name, APIService and CRD webhook services, anything
//! from `configurations:`) are applied as given. (Cluster)RoleBinding
//! subjects are special-cased: by default only subjects named `default` get
//! the namespace.

use crate::error::{Error, Result};
use crate::fieldspec::{
    apply_field_spec, apply_to_field, config_bool, config_string, field_specs_in, group_version,
    set_scalar, CreateKind, FieldSpec, TransformerConfig,
};
use crate::plugins::{PluginContext, Transformer};
use crate::resource::ResId;
use crate::resource::{Gvk, ResMap};
use crate::yaml::{Node, Scalar};

/// Which (Cluster)RoleBinding subjects get the namespace
/// (`setRoleBindingSubjects`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RoleBindingSubjects {
    /// Only subjects named `default` (kustomize's default).
    #[default]
    DefaultOnly,
    /// Every subject of kind `ServiceAccount`.
    AllServiceAccounts,
    /// No subject.
    None,
}

impl RoleBindingSubjects {
    fn parse(text: &str) -> Result<Self> {
        match text {
            "" | "defaultOnly" => Ok(RoleBindingSubjects::DefaultOnly),
            "allServiceAccounts" => Ok(RoleBindingSubjects::AllServiceAccounts),
            "none" => Ok(RoleBindingSubjects::None),
            other => Err(Error::msg(format!(
                "invalid value \"{other}\" for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
            ))),
        }
    }
}

/// Sets the namespace of resources and of the fields that name one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NamespaceTransformer {
    pub namespace: String,
    pub field_specs: Vec<FieldSpec>,
    /// Only fill namespaces that are empty.
    pub unset_only: bool,
    pub role_binding_subjects: RoleBindingSubjects,
}

impl NamespaceTransformer {
    /// The transformer for a kustomization's `namespace:` field.
    pub fn new(namespace: &str, config: &TransformerConfig) -> Self {
        NamespaceTransformer {
            namespace: namespace.to_owned(),
            field_specs: config.namespace.clone(),
            ..NamespaceTransformer::default()
        }
    }

    /// Reads a plugin configuration: the namespace is `metadata.namespace`,
    /// plus `fieldSpecs`, `unsetOnly` and `setRoleBindingSubjects`.
    pub fn from_config(config: &Node) -> Result<Self> {
        Ok(NamespaceTransformer {
            namespace: config_string(config, &["metadata", "namespace"])?,
            field_specs: field_specs_in(config, "fieldSpecs")?.unwrap_or_default(),
            unset_only: config_bool(config, "unsetOnly")?,
            role_binding_subjects: RoleBindingSubjects::parse(&config_string(
                config,
                &["setRoleBindingSubjects"],
            )?)?,
        })
    }

    /// The namespace value written into a field, unless `unsetOnly` keeps
    /// an existing one.
    fn set(&self, node: &mut Node) -> Result<()> {
        if self.unset_only && matches!(node, Node::Scalar(s) if !s.is_null() && !s.value.is_empty())
        {
            return Ok(());
        }
        set_scalar(node, Scalar::string(&self.namespace))
    }

    /// Applies the transformation to one object.
    fn apply(&self, node: &mut Node) -> Result<()> {
        let api_version = node.str_at(&["apiVersion"]).unwrap_or("").to_owned();
        let kind = node.str_at(&["kind"]).unwrap_or("").to_owned();
        let (group, version) = group_version(&api_version);
        let gvk = Gvk::new(group, version, &kind);

        // metadata.namespace is never left to the specs: they would reach
        // cluster-scoped kinds too. A spec for metadata.name is meant for the
        // core Namespace kind only.
        let mut specs: Vec<&FieldSpec> = self
            .field_specs
            .iter()
            .filter(|fs| fs.path != "metadata/namespace")
            .filter(|fs| api_version == "v1" || fs.path != "metadata/name")
            .collect();
        if !gvk.is_cluster_scoped() {
            apply_to_field(
                node,
                "metadata/namespace",
                Some(CreateKind::Scalar),
                &mut |n| self.set(n),
            )?;
        }
        if is_role_binding(&kind) {
            specs.retain(|fs| !(is_role_binding(&fs.kind) && fs.path == "subjects"));
            self.set_subjects(node)
                .map_err(|e| e.context("setting namespace on (cluster)role binding subjects"))?;
        }

        // Remember whether a spec reached a map or list, which kustomize
        // reports differently from other failures.
        let mut reached_collection = false;
        let result = specs.iter().try_for_each(|fs| {
            apply_field_spec(node, fs, Some(CreateKind::Scalar), &mut |n| {
                reached_collection = !matches!(n, Node::Scalar(_));
                self.set(n)
            })
        });
        result.map_err(|e| {
            if reached_collection {
                e.context("namespace field specs must target scalar nodes")
            } else {
                e.context("namespace transformation failed")
            }
        })
    }

    fn set_subjects(&self, node: &mut Node) -> Result<()> {
        let wanted: fn(&Node) -> bool = match self.role_binding_subjects {
            RoleBindingSubjects::None => return Ok(()),
            RoleBindingSubjects::DefaultOnly => |s| s.str_at(&["name"]) == Some("default"),
            RoleBindingSubjects::AllServiceAccounts => {
                |s| s.str_at(&["kind"]) == Some("ServiceAccount")
            }
        };
        let Some(Node::Seq(subjects)) = node.get_mut("subjects") else {
            return Ok(());
        };
        for subject in subjects.iter_mut().filter(|s| wanted(s)) {
            if let Node::Map(map) = subject {
                let field = map.entry_or_insert_with("namespace", || Node::string(""));
                self.set(field)?;
            }
        }
        Ok(())
    }
}

fn is_role_binding(kind: &str) -> bool {
    kind == "RoleBinding" || kind == "ClusterRoleBinding"
}

impl Transformer for NamespaceTransformer {
    fn transform(&self, resources: &mut ResMap, _ctx: &PluginContext<'_, '_>) -> Result<()> {
        if self.namespace.is_empty() {
            return Ok(());
        }
        // Each rename is checked against every current id; counting ids in
        // a map keeps that linear in the number of resources.
        let mut counts: std::collections::HashMap<ResId, usize> = std::collections::HashMap::new();
        for r in resources.iter() {
            *counts.entry(r.id().key()).or_default() += 1;
        }
        for i in 0..resources.resources.len() {
            let resource = &mut resources.resources[i];
            if is_nil_or_empty(&resource.node) {
                continue;
            }
            let before = resource.id().key();
            resource.remember_current_id();
            self.apply(&mut resource.node)?;
            let after = resource.id().key();
            if before != after {
                if let Some(n) = counts.get_mut(&before) {
                    *n -= 1;
                }
                *counts.entry(after.clone()).or_default() += 1;
            }
            if counts.get(&after).copied() != Some(1) {
                let same: Vec<String> = resources
                    .iter()
                    .map(|r| r.id())
                    .filter(|other| other.same_as(&after))
                    .map(|other| other.to_string())
                    .collect();
                return Err(Error::msg(format!(
                    "namespace transformation produces ID conflict: [{}]",
                    same.join(" ")
                )));
            }
        }
        Ok(())
    }
}

fn is_nil_or_empty(node: &Node) -> bool {
    match node {
        Node::Scalar(s) => s.is_null(),
        Node::Map(map) => map.is_empty(),
        Node::Seq(items) => items.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse::{parse_documents, parse_single};

    fn resmap(text: &str) -> ResMap {
        parse_documents(text).unwrap().into_iter().collect()
    }

    fn run(t: &dyn Transformer, m: &mut ResMap, config: &TransformerConfig) -> Result<()> {
        crate::fieldspec::test_support::run_transformer(t, m, config)
    }

    fn namespaces(m: &ResMap) -> Vec<String> {
        m.iter().map(|r| r.namespace().to_owned()).collect()
    }

    const MIXED: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: old\n---\napiVersion: foo/v1\nkind: Namespace\nmetadata:\n  name: old2\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: keep\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: crb\nsubjects:\n- kind: ServiceAccount\n  name: sa\n- kind: ServiceAccount\n  name: default\n  namespace: there\n- kind: User\n  name: default\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n";

    #[test]
    fn sets_namespaced_kinds_and_the_namespace_name() {
        let config = TransformerConfig::default_config();
        let mut m = resmap(MIXED);
        run(
            &NamespaceTransformer::new("newns", &config),
            &mut m,
            &config,
        )
        .unwrap();
        // The core Namespace is renamed; a Namespace of another group is a
        // namespaced custom kind.
        assert_eq!(m.resources[0].name(), "newns");
        assert_eq!(m.resources[0].namespace(), "");
        assert_eq!(m.resources[1].name(), "old2");
        assert_eq!(namespaces(&m), ["", "newns", "newns", "", ""]);
        let subjects = m.resources[3]
            .node
            .get("subjects")
            .unwrap()
            .as_seq()
            .unwrap();
        let ns: Vec<_> = subjects.iter().map(|s| s.str_at(&["namespace"])).collect();
        assert_eq!(ns, [None, Some("newns"), Some("newns")]);
        // The previous identity is remembered for name references.
        assert_eq!(m.resources[2].previous_ids[0].namespace, "keep");
    }

    #[test]
    fn plugin_config_with_unset_only_and_all_service_accounts() {
        let config = parse_single(
            "apiVersion: builtin\nkind: NamespaceTransformer\nmetadata:\n  name: x\n  namespace: newns\nunsetOnly: true\nsetRoleBindingSubjects: allServiceAccounts\nfieldSpecs:\n- path: metadata/name\n  kind: Namespace\n  create: true\n- path: spec/ns\n  create: true\n  kind: Foo\n",
        )
        .unwrap();
        let t = NamespaceTransformer::from_config(&config).unwrap();
        let mut m = resmap(&format!(
            "{MIXED}---\napiVersion: x/v1\nkind: Foo\nmetadata:\n  name: f\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: \"\"\n"
        ));
        run(&t, &mut m, &TransformerConfig::default()).unwrap();
        assert_eq!(m.resources[0].name(), "old");
        assert_eq!(
            namespaces(&m),
            ["", "newns", "keep", "", "", "newns", "newns"]
        );
        assert_eq!(m.resources[5].node.str_at(&["spec", "ns"]), Some("newns"));
        let subjects = m.resources[3]
            .node
            .get("subjects")
            .unwrap()
            .as_seq()
            .unwrap();
        let ns: Vec<_> = subjects.iter().map(|s| s.str_at(&["namespace"])).collect();
        assert_eq!(ns, [Some("newns"), Some("there"), None]);
    }

    #[test]
    fn refuses_unknown_subject_modes() {
        let config =
            parse_single("metadata:\n  namespace: n\nsetRoleBindingSubjects: bogus\n").unwrap();
        let err = NamespaceTransformer::from_config(&config)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "invalid value \"bogus\" for setRoleBindingSubjects: must be one of \"defaultOnly\", \"none\" or \"allServiceAccounts\""
        );
    }

    #[test]
    fn reports_specs_that_reach_maps() {
        let config = TransformerConfig {
            namespace: vec![FieldSpec {
                kind: "Foo".into(),
                path: "spec/ns".into(),
                ..FieldSpec::default()
            }],
            ..TransformerConfig::default()
        };
        let mut m =
            resmap("apiVersion: x/v1\nkind: Foo\nmetadata:\n  name: f\nspec:\n  ns: {a: b}\n");
        let err = run(
            &NamespaceTransformer::new("newns", &config),
            &mut m,
            &config,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "namespace field specs must target scalar nodes: considering field 'spec/ns' of object Foo.v1.x/f.newns: wrong node kind: expected ScalarNode but got MappingNode: node contents:\n{a: b}\n"
        );
    }

    #[test]
    fn refuses_id_conflicts() {
        let config = TransformerConfig::default_config();
        let mut m = resmap("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: y\n");
        let err = run(&NamespaceTransformer::new("z", &config), &mut m, &config)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("namespace transformation produces ID conflict"),
            "{err}"
        );
    }

    #[test]
    fn blank_namespace_does_nothing() {
        let config = TransformerConfig::default_config();
        let mut m = resmap("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
        run(&NamespaceTransformer::new("", &config), &mut m, &config).unwrap();
        assert!(m.resources[0].previous_ids.is_empty());
        assert_eq!(m.resources[0].namespace(), "");
    }
}
