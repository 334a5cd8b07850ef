//! Output order: kustomize's `legacy` order (by kind priority, then
//! group/version/kind, then namespace and name) or input order (`fifo`).

use std::collections::HashMap;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::resource::{Gvk, ResId, ResMap};

/// Kinds placed first, in this order, by the legacy sort.
pub const DEFAULT_ORDER_FIRST: [&str; 22] = [
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];

/// Kinds placed last, in this order, by the legacy sort.
pub const DEFAULT_ORDER_LAST: [&str; 2] = [
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// `sortOptions` of a kustomization.
#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct SortOptions {
    pub order: String,
    pub legacy_sort_options: Option<LegacySortOptions>,
}

#[derive(Debug, Default, Clone, Deserialize, PartialEq)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct LegacySortOptions {
    pub order_first: Vec<String>,
    pub order_last: Vec<String>,
}

impl SortOptions {
    pub fn legacy() -> Self {
        SortOptions {
            order: "legacy".to_owned(),
            legacy_sort_options: None,
        }
    }

    pub fn from_json(value: &serde_json::Value) -> Result<Self> {
        serde_json::from_value(value.clone())
            .map_err(|e| Error::msg(format!("invalid sortOptions: {e}")))
    }

    /// Sorts the resources as configured (kustomize's SortOrderTransformer).
    pub fn apply(&self, resources: &mut ResMap) -> Result<()> {
        match self.order.as_str() {
            "fifo" => {
                if self.legacy_sort_options.is_some() {
                    return Err(Error::msg(
                        "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'",
                    ));
                }
                Ok(())
            }
            "legacy" => {
                let (first, last): (Vec<&str>, Vec<&str>) = match &self.legacy_sort_options {
                    Some(o) => (
                        o.order_first.iter().map(String::as_str).collect(),
                        o.order_last.iter().map(String::as_str).collect(),
                    ),
                    None => (DEFAULT_ORDER_FIRST.to_vec(), DEFAULT_ORDER_LAST.to_vec()),
                };
                legacy_sort(resources, &first, &last);
                Ok(())
            }
            _ => Err(Error::msg(
                "the field 'sortOptions.order' must be one of [fifo, legacy]",
            )),
        }
    }
}

fn legacy_sort(resources: &mut ResMap, first: &[&str], last: &[&str]) {
    let mut rank: HashMap<&str, i64> = HashMap::new();
    for (i, kind) in first.iter().enumerate() {
        rank.insert(kind, i as i64 - first.len() as i64);
    }
    for (i, kind) in last.iter().enumerate() {
        rank.insert(kind, 1 + i as i64);
    }
    // Kind rank, then group/version/kind, then namespace and name: the
    // legacy comparator, as a key computed once per resource.
    let key = |r: &crate::resource::Resource| {
        let id = r.id();
        let rank = rank.get(id.gvk.kind.as_str()).copied().unwrap_or(0);
        (rank, gvk_sort_key(&id.gvk), id_sort_key(&id))
    };
    resources.resources.sort_by_cached_key(key);
}

fn or_placeholder<'a>(s: &'a str, placeholder: &'a str) -> &'a str {
    if s.is_empty() {
        placeholder
    } else {
        s
    }
}

fn gvk_sort_key(gvk: &Gvk) -> String {
    format!(
        "{}_{}_{}",
        or_placeholder(&gvk.group, "~G"),
        or_placeholder(&gvk.version, "~V"),
        or_placeholder(&gvk.kind, "~K")
    )
}

fn id_sort_key(id: &ResId) -> String {
    let gvk = format!(
        "{}.{}.{}",
        or_placeholder(&id.gvk.kind, "[noKind]"),
        or_placeholder(&id.gvk.version, "[noVer]"),
        or_placeholder(&id.gvk.group, "[noGrp]")
    );
    format!(
        "{gvk}|{}|{}",
        or_placeholder(&id.namespace, "~X"),
        or_placeholder(&id.name, "~N")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::Resource;
    use crate::yaml::parse::parse_single;

    fn res(text: &str) -> Resource {
        Resource::new(parse_single(text).unwrap())
    }

    #[test]
    fn legacy_order_puts_namespaces_first_and_webhooks_last() {
        let mut m = ResMap::new();
        for text in [
            "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingWebhookConfiguration\nmetadata: {name: w}",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: b}",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: z}",
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: ns}",
        ] {
            m.append(res(text)).unwrap();
        }
        SortOptions::legacy().apply(&mut m).unwrap();
        let order: Vec<_> = m
            .iter()
            .map(|r| format!("{}/{}", r.kind(), r.name()))
            .collect();
        assert_eq!(
            order,
            [
                "Namespace/ns",
                "Deployment/a",
                "Deployment/b",
                "Widget/z",
                "ValidatingWebhookConfiguration/w"
            ]
        );
    }

    #[test]
    fn rejects_unknown_orders() {
        let opts = SortOptions {
            order: "random".into(),
            legacy_sort_options: None,
        };
        assert!(opts.apply(&mut ResMap::new()).is_err());
    }
}
