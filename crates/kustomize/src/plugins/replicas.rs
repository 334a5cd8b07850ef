//! `replicas:` and the `ReplicaCountTransformer` plugin (kustomize's
//! `api/internal/builtins/ReplicaCountTransformer.go`).
//!
//! A resource matches when any of its names, current or earlier (before
//! prefixes and suffixes), is the entry's name and a `replicas` spec selects
//! its kind. An entry that matches nothing is an error.

use crate::error::{Error, Result};
use crate::fieldspec::{
    apply_field_spec, field_specs_in, gvk_string, set_scalar, CreateKind, FieldSpec,
    TransformerConfig,
};
use crate::kustomization::Replica;
use crate::plugins::{PluginContext, Transformer};
use crate::resource::ResMap;
use crate::yaml::{Node, Scalar, ScalarKind};

/// Sets the replica count of the resources with one name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplicaCountTransformer {
    pub name: String,
    pub count: i64,
    pub field_specs: Vec<FieldSpec>,
}

impl ReplicaCountTransformer {
    /// The transformer for one `replicas:` entry with the `replicas` specs.
    pub fn new(replica: &Replica, config: &TransformerConfig) -> Self {
        ReplicaCountTransformer {
            name: replica.name.clone(),
            count: replica.count,
            field_specs: config.replicas.clone(),
        }
    }

    /// Reads `replica` (`name`, `count`) and `fieldSpecs`.
    pub fn from_config(config: &Node) -> Result<Self> {
        let replica = config.get("replica").cloned().unwrap_or_default();
        Ok(ReplicaCountTransformer {
            name: crate::fieldspec::config_string(&replica, &["name"])
                .map_err(|e| e.context("replica"))?,
            count: count_of(replica.get("count"))?,
            field_specs: field_specs_in(config, "fieldSpecs")?.unwrap_or_default(),
        })
    }
}

fn count_of(node: Option<&Node>) -> Result<i64> {
    match node {
        None => Ok(0),
        Some(Node::Scalar(s)) if s.is_null() => Ok(0),
        Some(Node::Scalar(s)) if s.kind == ScalarKind::Int => {
            crate::yaml::parse::go_parse_int(&s.value.replace('_', ""))
                .and_then(|n| i64::try_from(n).ok())
                .ok_or_else(|| {
                    Error::msg(format!(
                        "replica.count: {} does not fit a 64-bit integer",
                        s.value
                    ))
                })
        }
        Some(other) => Err(Error::msg(format!(
            "replica.count must be an integer (found {})",
            other.kind_name()
        ))),
    }
}

impl Transformer for ReplicaCountTransformer {
    fn transform(&self, resources: &mut ResMap, _ctx: &PluginContext<'_, '_>) -> Result<()> {
        let mut found = false;
        for fs in &self.field_specs {
            let selector = fs.gvk();
            let matching: Vec<usize> = resources
                .iter()
                .enumerate()
                .filter(|(_, r)| {
                    r.all_ids()
                        .any(|id| id.name == self.name && selector.selects(&id.gvk))
                })
                .map(|(i, _)| i)
                .collect();
            found |= !matching.is_empty();
            for i in matching {
                let count = Scalar {
                    value: self.count.to_string(),
                    kind: ScalarKind::Int,
                };
                apply_field_spec(
                    &mut resources.resources[i].node,
                    fs,
                    Some(CreateKind::Scalar),
                    &mut |n| set_scalar(n, count.clone()),
                )?;
            }
        }
        if !found {
            let gvks: Vec<String> = self
                .field_specs
                .iter()
                .map(|fs| gvk_string(&fs.gvk()))
                .collect();
            return Err(Error::msg(format!(
                "resource with name {} does not match a config with the following GVK [{}]",
                self.name,
                gvks.join(" ")
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse::{parse_documents, parse_single};

    fn run(t: &dyn Transformer, m: &mut ResMap) -> Result<()> {
        crate::fieldspec::test_support::run_transformer(t, m, &TransformerConfig::default())
    }

    fn resmap(text: &str) -> ResMap {
        parse_documents(text).unwrap().into_iter().collect()
    }

    fn replica(name: &str, count: i64) -> Replica {
        Replica {
            name: name.to_owned(),
            count,
        }
    }

    #[test]
    fn sets_count_by_current_or_earlier_name() {
        let config = TransformerConfig::default_config();
        let mut m = resmap("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: d\n");
        // A prefix renamed the deployment; the old name still matches.
        m.resources[0].remember_current_id();
        m.resources[0].set_name("p-d");
        run(
            &ReplicaCountTransformer::new(&replica("d", 5), &config),
            &mut m,
        )
        .unwrap();
        let n = m.resources[0]
            .node
            .get_path(&["spec", "replicas"])
            .unwrap()
            .as_scalar()
            .unwrap();
        assert_eq!((n.value.as_str(), n.kind), ("5", ScalarKind::Int));
        assert!(m.resources[1].node.get("spec").is_none());
        run(
            &ReplicaCountTransformer::new(&replica("p-d", 7), &config),
            &mut m,
        )
        .unwrap();
        assert_eq!(m.resources[0].node.str_at(&["spec", "replicas"]), Some("7"));
    }

    #[test]
    fn no_match_is_an_error_listing_the_kinds() {
        let config = TransformerConfig::default_config();
        let mut m = resmap("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n");
        let err = run(
            &ReplicaCountTransformer::new(&replica("zz", 5), &config),
            &mut m,
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "resource with name zz does not match a config with the following GVK [Deployment.[noVer].[noGrp] StatefulSet.[noVer].[noGrp] ReplicaSet.[noVer].[noGrp] ReplicationController.[noVer].[noGrp]]"
        );
    }

    #[test]
    fn plugin_config_with_custom_kind() {
        let config = parse_single(
            "apiVersion: builtin\nkind: ReplicaCountTransformer\nmetadata:\n  name: r\nreplica:\n  name: app\n  count: 3\nfieldSpecs:\n- path: spec/size\n  kind: Custom\n  create: true\n",
        )
        .unwrap();
        let t = ReplicaCountTransformer::from_config(&config).unwrap();
        assert_eq!(t.count, 3);
        let mut m = resmap("apiVersion: x/v1\nkind: Custom\nmetadata:\n  name: app\n");
        run(&t, &mut m).unwrap();
        assert_eq!(m.resources[0].node.str_at(&["spec", "size"]), Some("3"));
        let bad = parse_single("replica:\n  name: a\n  count: three\n").unwrap();
        assert!(ReplicaCountTransformer::from_config(&bad).is_err());
    }
}
