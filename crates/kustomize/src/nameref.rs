//! Name reference fix-up: after prefixes, suffixes, namespaces and hashes
//! renamed resources, fields that refer to them by their old names (a
//! Deployment's `configMapRef`, a RoleBinding's `subjects`, ...) are
//! rewritten to the new names.
//!
//! This is kustomize's `nameReferenceTransformer` with its `nameref.Filter`
//! (v5.5.0). For every resource that may refer to others (its original kind
//! is selected by a referrer field spec of the `nameReference` table), each
//! value found at the spec's path is looked up among the resources it could
//! refer to:
//!
//! * candidates must have had the referenced name among their *previous*
//!   names (a resource never renamed is never a referral target), a previous
//!   kind selected by the table entry, and for `roleRef/name` the kind and
//!   group the `roleRef` names;
//! * namespaced candidates must live in the referrer's current namespace
//!   (ServiceAccounts excepted; RoleBindings also reach the namespaces of
//!   their ServiceAccount subjects); a cluster-scoped referrer reaches all;
//! * among several, those renamed with the same prefixes or suffixes as the
//!   referrer win, then those with the same prefixes and suffixes; if several
//!   remain they must all carry the same new name (and namespace, for
//!   `{name, namespace}` maps), or it is an error.

use std::collections::HashMap;

use crate::error::{Error, Result};
use crate::fieldspec::apply_field_spec;
use crate::fieldspec::{FieldSpec, TransformerConfig};
use crate::plugins::prefix_suffix::{PREFIXES_ANNOTATION, SUFFIXES_ANNOTATION};
use crate::resource::{Gvk, ResId, ResMap, Resource};
use crate::yaml::emit::to_yaml_string;
use crate::yaml::{Map, Node};

/// Rewrites every name reference whose target was renamed.
pub fn fix_name_references(resources: &mut ResMap, config: &TransformerConfig) -> Result<()> {
    // Names and namespaces do not change while references are rewritten, so
    // the lookups are indexed once: each reference then costs the number of
    // resources that once had its name, not the number of resources.
    let index = Index::new(resources);
    for referrer_index in 0..resources.len() {
        let filters = filters_for(&resources.resources[referrer_index], config);
        if filters.is_empty() {
            continue;
        }
        let referrer = &resources.resources[referrer_index];
        let binding_namespaces = role_binding_service_account_namespaces(referrer)?;
        // The referrer is edited on a copy: it may be a candidate itself,
        // and its identity (what candidates are matched against) does not
        // change while its reference fields are rewritten.
        let mut node = referrer.node.clone();
        for filter in &filters {
            let search = Search {
                referrer,
                referrer_index,
                resources,
                index: &index,
                binding_namespaces: &binding_namespaces,
                field: filter.field,
                target: &filter.target,
            };
            search.run(&mut node)?;
        }
        resources.resources[referrer_index].node = node;
    }
    Ok(())
}

/// Identities and lookup tables of the resources, computed once.
struct Index {
    ids: Vec<ResId>,
    original_ids: Vec<ResId>,
    /// Resources by every name they had before their current one, in
    /// resource order (a resource never renamed is never a referral).
    by_previous_name: HashMap<String, Vec<usize>>,
    /// Namespaced resources by the (effective) namespace they started in.
    by_original_namespace: HashMap<String, Vec<usize>>,
}

impl Index {
    fn new(resources: &ResMap) -> Self {
        let mut by_previous_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in resources.iter().enumerate() {
            let mut names: Vec<&str> = r.previous_ids.iter().map(|id| id.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            for name in names {
                by_previous_name.entry(name.to_owned()).or_default().push(i);
            }
        }
        let original_ids: Vec<ResId> = resources.iter().map(Resource::original_id).collect();
        let mut by_original_namespace: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, id) in original_ids.iter().enumerate() {
            if !id.gvk.is_cluster_scoped() {
                by_original_namespace
                    .entry(id.effective_namespace().to_owned())
                    .or_default()
                    .push(i);
            }
        }
        Index {
            ids: resources.iter().map(Resource::id).collect(),
            original_ids,
            by_previous_name,
            by_original_namespace,
        }
    }
}

/// One referrer field spec that applies to a resource, with the kind of
/// resource it refers to.
struct Filter<'c> {
    field: &'c FieldSpec,
    target: Gvk,
}

/// The filters for a possible referrer, in table order: every referrer spec
/// that selects the resource's original kind.
fn filters_for<'c>(resource: &Resource, config: &'c TransformerConfig) -> Vec<Filter<'c>> {
    let original = resource.original_id().gvk;
    config
        .name_reference
        .iter()
        .flat_map(|back_reference| {
            back_reference
                .referrers
                .iter()
                .filter(|spec| spec.gvk().selects(&original))
                .map(move |spec| Filter {
                    field: spec,
                    target: back_reference.gvk(),
                })
        })
        .collect()
}

/// The namespaces of a RoleBinding's ServiceAccount subjects: a binding may
/// refer to service accounts in other namespaces.
fn role_binding_service_account_namespaces(referrer: &Resource) -> Result<Vec<String>> {
    if referrer.kind() != "RoleBinding" {
        return Ok(Vec::new());
    }
    let Some(subjects) = referrer.node.get("subjects").and_then(Node::as_seq) else {
        return Ok(Vec::new());
    };
    let mut namespaces = Vec::new();
    for subject in subjects.iter().filter_map(Node::as_map) {
        let (Some(namespace), Some(kind)) = (subject.get("namespace"), subject.get("kind")) else {
            continue;
        };
        if kind.as_str() != Some("ServiceAccount") {
            continue;
        }
        match namespace {
            Node::Scalar(s) if s.kind == crate::yaml::ScalarKind::Str => {
                namespaces.push(s.value.clone())
            }
            _ => {
                return Err(Error::msg(format!(
                    "Invalid Input: namespace is blank for resource \"{}\"\n",
                    referrer.id()
                )))
            }
        }
    }
    Ok(namespaces)
}

/// Fixing one referrer field of one referrer.
struct Search<'a> {
    referrer: &'a Resource,
    referrer_index: usize,
    resources: &'a ResMap,
    index: &'a Index,
    /// Namespaces of the referrer's ServiceAccount subjects (RoleBindings).
    binding_namespaces: &'a [String],
    field: &'a FieldSpec,
    target: &'a Gvk,
}

impl Search<'_> {
    fn run(&self, node: &mut Node) -> Result<()> {
        // The spec selected the referrer by its original kind; the walk
        // itself must not filter again by the current kind.
        let walk_spec = FieldSpec {
            path: self.field.path.clone(),
            ..FieldSpec::default()
        };
        apply_field_spec(node, &walk_spec, None, &mut |found| self.set(found)).map_err(|e| {
            e.context(format!(
                "updating name reference in '{}' field of '{}'",
                self.field.path,
                self.referrer.id()
            ))
        })
    }

    /// Called on every node the path reaches.
    fn set(&self, node: &mut Node) -> Result<()> {
        match node {
            Node::Scalar(s) if s.is_null() => Ok(()),
            Node::Scalar(_) => self.set_scalar(node),
            Node::Map(map) => self.set_mapping(map),
            Node::Seq(items) => {
                for item in items.iter_mut() {
                    match item {
                        Node::Scalar(s) if s.is_null() => {}
                        Node::Scalar(_) => self.set_scalar(item)?,
                        Node::Map(map) => self.set_mapping(map)?,
                        Node::Seq(_) => {
                            return Err(Error::msg(
                                "name reference: a list element is itself a list; expected a name or a map with a 'name' field",
                            ))
                        }
                    }
                }
                Ok(())
            }
        }
    }

    /// A plain name field: replaced by the referral's current name.
    fn set_scalar(&self, node: &mut Node) -> Result<()> {
        let old_name = node
            .as_scalar()
            .map(|s| s.value.clone())
            .unwrap_or_default();
        let named = self.candidates_named(&old_name);
        let Some(referral) = self.select_referral(&old_name, named, false)? else {
            return Ok(());
        };
        let new_name = self.resources.resources[referral].name();
        if new_name != old_name {
            *node = Node::string(new_name);
        }
        Ok(())
    }

    /// A `{name, namespace}` map (RBAC subjects, webhook services): the
    /// namespace narrows the candidates, and both fields are updated.
    fn set_mapping(&self, map: &mut Map) -> Result<()> {
        let Some(name_node) = map.get("name") else {
            return Err(Error::msg("path config error; no 'name' field in node"));
        };
        let old_name = name_node
            .as_scalar()
            .map(|s| s.value.clone())
            .unwrap_or_default();
        let candidates = match map.get("namespace") {
            None => self.candidates_named(&old_name),
            Some(ns) => self.in_namespace(
                &old_name,
                &ns.as_scalar().map(|s| s.value.clone()).unwrap_or_default(),
            ),
        };
        let Some(referral) = self.select_referral(&old_name, candidates, true)? else {
            return Ok(());
        };
        let referral = &self.resources.resources[referral];
        if referral.name() == old_name && referral.namespace().is_empty() {
            return Ok(());
        }
        map.insert("name", Node::string(referral.name()));
        // An empty namespace is a wildcard here, not "default": keep the
        // field as it is.
        if !referral.namespace().is_empty() {
            map.insert("namespace", Node::string(referral.namespace()));
        }
        Ok(())
    }

    /// Kustomize's `SubsetThatCouldBeReferencedByResource`, for one
    /// resource: whether the referrer could refer to it at all.
    fn could_refer_to(&self, target: usize) -> bool {
        let referrer_id = &self.index.ids[self.referrer_index];
        if referrer_id.gvk.is_cluster_scoped() {
            return true;
        }
        let id = &self.index.ids[target];
        id.gvk.is_cluster_scoped()
            || id.effective_namespace() == referrer_id.effective_namespace()
            || self.binding_namespaces.contains(&id.namespace)
    }

    /// The resources the referrer could refer to that once had `name`.
    fn candidates_named(&self, name: &str) -> Vec<usize> {
        self.index
            .by_previous_name
            .get(name)
            .map(|all| {
                all.iter()
                    .copied()
                    .filter(|&i| self.could_refer_to(i))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Candidates in `namespace`: those whose original namespace it is or,
    /// when no candidate at all had it originally, whose current namespace
    /// it is (cluster-scoped ones never match). Only those once named
    /// `name` are returned; the others could not be selected anyway.
    fn in_namespace(&self, name: &str, namespace: &str) -> Vec<usize> {
        let in_ns = |ids: &[ResId], i: usize| {
            let id = &ids[i];
            !id.gvk.is_cluster_scoped() && id.effective_namespace() == namespace
        };
        let any_originally_there = self
            .index
            .by_original_namespace
            .get(namespace)
            .is_some_and(|bucket| bucket.iter().any(|&i| self.could_refer_to(i)));
        let ids = if any_originally_there {
            &self.index.original_ids
        } else {
            &self.index.ids
        };
        self.candidates_named(name)
            .into_iter()
            .filter(|&i| in_ns(ids, i))
            .collect()
    }

    /// Kustomize's `selectReferral`: narrows the candidates step by step;
    /// `None` when nothing matches.
    fn select_referral(
        &self,
        old_name: &str,
        candidates: Vec<usize>,
        compare_namespaces: bool,
    ) -> Result<Option<usize>> {
        let resources = &self.resources.resources;
        let role_ref = self.role_ref_gvk();
        debug_assert!(candidates.iter().all(|&i| resources[i]
            .previous_ids
            .iter()
            .any(|id| id.name == old_name)));
        let mut remaining: Vec<usize> = candidates
            .into_iter()
            .filter(|&i| {
                resources[i]
                    .previous_ids
                    .iter()
                    .any(|id| self.target.selects(&id.gvk))
            })
            .filter(|&i| match &role_ref {
                Some(gvk) => resources[i]
                    .previous_ids
                    .iter()
                    .any(|id| gvk.selects(&id.gvk)),
                None => true,
            })
            .filter(|&i| self.reachable_by_namespace(i))
            .collect();
        if remaining.len() == 1 {
            return Ok(remaining.pop());
        }
        // Prefer targets renamed like the referrer: first those sharing its
        // prefixes or its suffixes, then those sharing both.
        for both in [false, true] {
            remaining.retain(|&i| renamed_alike(self.referrer, &resources[i], both));
            if remaining.len() == 1 {
                return Ok(remaining.pop());
            }
        }
        match remaining.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(*one)),
            [first, rest @ ..] => {
                let first_res = &resources[*first];
                let identical = rest.iter().all(|&i| {
                    resources[i].name() == first_res.name()
                        && (!compare_namespaces
                            || resources[i].namespace() == first_res.namespace())
                });
                if identical {
                    Ok(Some(*first))
                } else {
                    Err(self.too_many(&remaining))
                }
            }
        }
    }

    /// For a `roleRef/name` field, the kind and group the `roleRef` names
    /// (no version: any). `None` when not a roleRef or it is incomplete.
    fn role_ref_gvk(&self) -> Option<Gvk> {
        if !self.field.path.ends_with("roleRef/name") {
            return None;
        }
        let role_ref = self.referrer.node.get("roleRef")?;
        let group = role_ref.get("apiGroup")?.as_scalar()?.value.clone();
        let kind = role_ref.get("kind")?.as_scalar()?.value.clone();
        Some(Gvk::new(&group, "", &kind))
    }

    /// Namespaced candidates must share the referrer's current namespace,
    /// except ServiceAccounts; a cluster-scoped referrer reaches anything.
    fn reachable_by_namespace(&self, candidate: usize) -> bool {
        let referrer_id = &self.index.ids[self.referrer_index];
        if referrer_id.gvk.is_cluster_scoped() {
            return true;
        }
        let id = &self.index.ids[candidate];
        id.gvk.is_cluster_scoped()
            || id.gvk.kind == "ServiceAccount"
            || id.effective_namespace() == referrer_id.effective_namespace()
    }

    fn too_many(&self, candidates: &[usize]) -> Error {
        let resources = &self.resources.resources;
        let ids: Vec<String> = candidates
            .iter()
            .map(|&i| resources[i].id().to_string())
            .collect();
        let mut message = format!(
            "found multiple possible referrals: {}\n\n**** Too many possible referral targets to referrer:\n{}\n",
            ids.join(", "),
            to_yaml_string(&self.referrer.node)
        );
        for (n, &i) in candidates.iter().enumerate() {
            message.push_str(&format!(
                "--- possible referral {n}:\n{}\n",
                to_yaml_string(&resources[i].node)
            ));
        }
        Error::msg(message)
    }
}

/// Whether two resources were renamed by the same trailing run of prefixes
/// and (`both`) or (`!both`) suffixes (kustomize's `PrefixesSuffixesEquals`).
fn renamed_alike(a: &Resource, b: &Resource, both: bool) -> bool {
    let prefixes = same_ending(
        &affixes(a, PREFIXES_ANNOTATION),
        &affixes(b, PREFIXES_ANNOTATION),
    );
    let suffixes = same_ending(
        &affixes(a, SUFFIXES_ANNOTATION),
        &affixes(b, SUFFIXES_ANNOTATION),
    );
    if both {
        prefixes && suffixes
    } else {
        prefixes || suffixes
    }
}

/// The prefixes or suffixes the prefix/suffix transformers recorded, oldest
/// first (a comma-separated build annotation, as in kustomize).
fn affixes(resource: &Resource, annotation: &str) -> Vec<String> {
    match resource
        .annotations()
        .and_then(|a| a.get(annotation))
        .and_then(Node::as_str)
    {
        Some(list) => list.split(',').map(str::to_owned).collect(),
        None => Vec::new(),
    }
}

/// Kustomize's `SameEndingSubSlice`: the shorter list is the end of the
/// longer one; an empty list only matches an empty list.
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long.ends_with(short)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fieldspec::NameBackReferences;
    use crate::plugins::hash::add_hash_suffixes;
    use crate::yaml::parse::{parse_documents, parse_single};

    fn resources(yaml: &str) -> ResMap {
        parse_documents(yaml).unwrap().into_iter().collect()
    }

    /// What `namePrefix`/`nameSuffix` leave behind.
    fn add_prefix_suffix(r: &mut Resource, prefix: &str, suffix: &str) {
        r.remember_current_id();
        let name = format!("{prefix}{}{suffix}", r.name());
        r.set_name(&name);
        for (affix, annotation) in [(prefix, PREFIXES_ANNOTATION), (suffix, SUFFIXES_ANNOTATION)] {
            if affix.is_empty() {
                continue;
            }
            let list = match r
                .annotations()
                .and_then(|a| a.get(annotation))
                .and_then(Node::as_str)
            {
                Some(existing) => format!("{existing},{affix}"),
                None => affix.to_owned(),
            };
            r.set_annotation(annotation, &list);
        }
    }

    /// What `namespace:` leaves behind (every resource gets a previous id).
    fn set_namespace(r: &mut Resource, namespace: &str) {
        r.remember_current_id();
        if !r.gvk().is_cluster_scoped() {
            r.set_namespace(namespace);
        }
    }

    fn by_name<'a>(map: &'a ResMap, kind: &str, name: &str) -> &'a Resource {
        map.iter()
            .find(|r| r.kind() == kind && r.name() == name)
            .unwrap_or_else(|| panic!("no {kind} {name}"))
    }

    fn defaults() -> TransformerConfig {
        TransformerConfig::default_config()
    }

    /// The resource a generator makes: marked for a hash suffix.
    fn generated(yaml: &str) -> Resource {
        let mut r = Resource::new(parse_single(yaml).unwrap());
        r.needs_hash_suffix = true;
        r
    }

    const WORKLOADS: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      serviceAccountName: sa
      volumes:
      - name: v1
        configMap:
          name: cm
      - name: v2
        secret:
          secretName: sec
      - name: v3
        projected:
          sources:
          - configMap:
              name: cm
          - secret:
              name: sec
      - name: v4
        configMap:
          name: unknown
      containers:
      - name: c
        envFrom:
        - configMapRef:
            name: cm
        - secretRef:
            name: sec
        env:
        - name: X
          valueFrom:
            configMapKeyRef:
              name: cm
              key: a
        - name: Y
          valueFrom:
            secretKeyRef:
              name: sec
              key: k
---
apiVersion: v1
kind: Service
metadata:
  name: svc
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing
spec:
  tls:
  - secretName: sec
  defaultBackend:
    service:
      name: svc
  rules:
  - http:
      paths:
      - backend:
          service:
            name: svc
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: sa
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: r
rules:
- apiGroups: [""]
  resources: [configmaps]
  resourceNames: [cm, other]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: rb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: r
subjects:
- kind: ServiceAccount
  name: sa
- kind: ServiceAccount
  name: sa
  namespace: elsewhere
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: crb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: r
subjects:
- kind: ServiceAccount
  name: sa
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: hpa
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: vwc
webhooks:
- name: w
  clientConfig:
    service:
      name: svc
      namespace: default
"#;

    /// `kubectl kustomize` of WORKLOADS with `namePrefix: p-` and generated
    /// `cm` (a=b) and `sec` (k=v).
    const WORKLOADS_EXPECTED: &str = r#"apiVersion: v1
kind: ServiceAccount
metadata:
  name: p-sa
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: p-r
rules:
- apiGroups:
  - ""
  resourceNames:
  - p-cm-4h2mbtbbt6
  - other
  resources:
  - configmaps
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: p-rb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: p-r
subjects:
- kind: ServiceAccount
  name: p-sa
- kind: ServiceAccount
  name: sa
  namespace: elsewhere
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: p-crb
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: r
subjects:
- kind: ServiceAccount
  name: p-sa
---
apiVersion: v1
data:
  a: b
kind: ConfigMap
metadata:
  name: p-cm-4h2mbtbbt6
---
apiVersion: v1
data:
  k: dg==
kind: Secret
metadata:
  name: p-sec-ftgtgc4t9f
type: Opaque
---
apiVersion: v1
kind: Service
metadata:
  name: p-svc
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: p-web
spec:
  template:
    spec:
      containers:
      - env:
        - name: X
          valueFrom:
            configMapKeyRef:
              key: a
              name: p-cm-4h2mbtbbt6
        - name: "Y"
          valueFrom:
            secretKeyRef:
              key: k
              name: p-sec-ftgtgc4t9f
        envFrom:
        - configMapRef:
            name: p-cm-4h2mbtbbt6
        - secretRef:
            name: p-sec-ftgtgc4t9f
        name: c
      serviceAccountName: p-sa
      volumes:
      - configMap:
          name: p-cm-4h2mbtbbt6
        name: v1
      - name: v2
        secret:
          secretName: p-sec-ftgtgc4t9f
      - name: v3
        projected:
          sources:
          - configMap:
              name: p-cm-4h2mbtbbt6
          - secret:
              name: p-sec-ftgtgc4t9f
      - configMap:
          name: unknown
        name: v4
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: p-hpa
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: p-web
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: p-ing
spec:
  defaultBackend:
    service:
      name: p-svc
  rules:
  - http:
      paths:
      - backend:
          service:
            name: p-svc
  tls:
  - secretName: p-sec-ftgtgc4t9f
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: p-vwc
webhooks:
- clientConfig:
    service:
      name: p-svc
      namespace: default
  name: w
"#;

    #[test]
    fn generated_and_prefixed_names_reach_every_kind_of_reference() {
        let mut map = resources(WORKLOADS);
        map.resources.push(generated(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n",
        ));
        map.resources.push(generated(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: sec}\ntype: Opaque\ndata: {k: dg==}\n",
        ));
        for r in map.iter_mut() {
            add_prefix_suffix(r, "p-", "");
        }
        add_hash_suffixes(&mut map).unwrap();
        fix_name_references(&mut map, &defaults()).unwrap();
        // The build strips its bookkeeping annotations before printing.
        for r in map.iter_mut() {
            r.remove_annotation(PREFIXES_ANNOTATION);
        }

        for expected in WORKLOADS_EXPECTED.split("---\n") {
            let node = parse_single(expected).unwrap();
            let kind = node.str_at(&["kind"]).unwrap();
            let name = node.str_at(&["metadata", "name"]).unwrap();
            assert_eq!(
                to_yaml_string(&by_name(&map, kind, name).node),
                expected,
                "{kind} {name}"
            );
        }
    }

    #[test]
    fn resources_never_renamed_are_not_referral_targets() {
        let mut map = resources(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  volumes:\n  - configMap: {name: cm}\n",
        );
        let before = map.resources[1].node.clone();
        fix_name_references(&mut map, &defaults()).unwrap();
        assert_eq!(map.resources[1].node, before);
    }

    #[test]
    fn namespaced_referrals_stay_in_the_referrer_namespace() {
        let mut map = resources(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: b}\nspec:\n  volumes:\n  - configMap: {name: cm}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: a}\nspec:\n  volumes:\n  - configMap: {name: cm}\n",
        );
        add_prefix_suffix(&mut map.resources[0], "x-", "");
        fix_name_references(&mut map, &defaults()).unwrap();
        let volume_of = |r: &Resource| {
            r.node
                .get_path(&["spec", "volumes"])
                .unwrap()
                .as_seq()
                .unwrap()[0]
                .str_at(&["configMap", "name"])
                .unwrap()
                .to_owned()
        };
        assert_eq!(volume_of(&map.resources[1]), "cm");
        assert_eq!(volume_of(&map.resources[2]), "x-cm");
    }

    #[test]
    fn role_ref_follows_the_kind_it_names() {
        let mut map = resources(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: r}\n",
        );
        add_prefix_suffix(&mut map.resources[0], "role-", "");
        add_prefix_suffix(&mut map.resources[1], "cluster-", "");
        fix_name_references(&mut map, &defaults()).unwrap();
        assert_eq!(
            map.resources[2].node.str_at(&["roleRef", "name"]),
            Some("cluster-r")
        );
    }

    #[test]
    fn subjects_in_other_namespaces_get_name_and_namespace() {
        // A ServiceAccount moved to namespace `sys` and prefixed, bound from
        // a RoleBinding in `app` that names the account's original namespace.
        let mut map = resources(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa, namespace: sys}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb, namespace: app}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\nsubjects:\n- {kind: ServiceAccount, name: sa, namespace: sys}\n- {kind: ServiceAccount, name: sa}\n",
        );
        add_prefix_suffix(&mut map.resources[0], "p-", "");
        fix_name_references(&mut map, &defaults()).unwrap();
        let subjects = map.resources[1]
            .node
            .get("subjects")
            .unwrap()
            .as_seq()
            .unwrap();
        assert_eq!(
            subjects[0],
            parse_single("{kind: ServiceAccount, name: p-sa, namespace: sys}").unwrap()
        );
        // Without a namespace the subject still finds the account (service
        // accounts are reachable across namespaces) and gains its namespace.
        assert_eq!(
            subjects[1],
            parse_single("{kind: ServiceAccount, name: p-sa, namespace: sys}").unwrap()
        );
    }

    #[test]
    fn overlapping_service_accounts_are_ambiguous() {
        // TestNamedspacedServiceAccountsWithOverlap: two bases put `sa` into
        // namespaces a and b; their ClusterRoleBindings cannot tell them apart.
        let mut map = resources(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb-a}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr-a}\nsubjects:\n- {kind: ServiceAccount, name: sa}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: crb-b}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cr-b}\nsubjects:\n- {kind: ServiceAccount, name: sa}\n",
        );
        for (i, ns) in ["a", "a", "b", "b"].into_iter().enumerate() {
            set_namespace(&mut map.resources[i], ns);
        }
        let err = fix_name_references(&mut map, &defaults())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("updating name reference in 'subjects' field of 'ClusterRoleBinding.v1.rbac.authorization.k8s.io/crb-a.[noNs]': considering field 'subjects' of object ClusterRoleBinding.v1.rbac.authorization.k8s.io/crb-a.[noNs]: found multiple possible referrals: ServiceAccount.v1.[noGrp]/sa.a, ServiceAccount.v1.[noGrp]/sa.b\n\n**** Too many possible referral targets to referrer:\n"),
            "{err}"
        );
        assert!(err.contains("--- possible referral 1:\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa\n  namespace: b\n"), "{err}");
    }

    /// TestMultibasesWithConflict: a base (pfx-/-sfx) included by overlays
    /// a (a-/-suffixA, with its own ServiceAccount) and b (b-/-suffixB).
    fn multibases(with_conflict: bool) -> ResMap {
        let base = "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: serviceaccount}\n---\napiVersion: rbac.authorization.k8s.io/v1beta1\nkind: RoleBinding\nmetadata: {name: rolebinding}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: role}\nsubjects:\n- {kind: ServiceAccount, name: serviceaccount}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: role}\n";
        let mut all = ResMap::new();
        for (prefix, suffix) in [("a-", "-suffixA"), ("b-", "-suffixB")] {
            let mut overlay = if with_conflict && prefix == "a-" {
                resources(
                    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: serviceaccount}\n",
                )
            } else {
                ResMap::new()
            };
            let mut base = resources(base);
            for r in base.iter_mut() {
                add_prefix_suffix(r, "pfx-", "-sfx");
            }
            overlay.resources.extend(base.resources);
            for r in overlay.iter_mut() {
                add_prefix_suffix(r, prefix, suffix);
            }
            all.resources.extend(overlay.resources);
        }
        all
    }

    #[test]
    fn prefixes_and_suffixes_disambiguate_referrals() {
        let mut map = multibases(false);
        fix_name_references(&mut map, &defaults()).unwrap();
        let binding = by_name(&map, "RoleBinding", "b-pfx-rolebinding-sfx-suffixB");
        assert_eq!(
            binding.node.str_at(&["roleRef", "name"]),
            Some("b-pfx-role-sfx-suffixB")
        );
        let subject = &binding.node.get("subjects").unwrap().as_seq().unwrap()[0];
        assert_eq!(
            subject.str_at(&["name"]),
            Some("b-pfx-serviceaccount-sfx-suffixB")
        );
    }

    #[test]
    fn multibases_with_conflict_fail() {
        let mut map = multibases(true);
        let err = fix_name_references(&mut map, &defaults())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("found multiple possible referrals: ServiceAccount.v1.[noGrp]/a-serviceaccount-suffixA.[noNs], ServiceAccount.v1.[noGrp]/a-pfx-serviceaccount-sfx-suffixA.[noNs]"),
            "{err}"
        );
    }

    /// Two bases put `cm` into namespaces a and b, both with `namePrefix: p-`;
    /// the top kustomization adds a ClusterRole naming `cm`.
    fn two_namespaced_config_maps(top_prefix: &str) -> ResMap {
        let mut map = resources(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: cr}\nrules:\n- resourceNames: [cm]\n",
        );
        for (i, ns) in ["a", "b"].into_iter().enumerate() {
            set_namespace(&mut map.resources[i], ns);
            add_prefix_suffix(&mut map.resources[i], "p-", "");
        }
        if !top_prefix.is_empty() {
            for r in map.iter_mut() {
                add_prefix_suffix(r, top_prefix, "");
            }
        }
        map
    }

    fn resource_names(map: &ResMap) -> Node {
        map.resources[2]
            .node
            .get("rules")
            .unwrap()
            .as_seq()
            .unwrap()[0]
            .get("resourceNames")
            .unwrap()
            .clone()
    }

    #[test]
    fn identical_new_names_are_not_ambiguous() {
        // kubectl: with `namePrefix: p-` on top the ClusterRole (prefixes
        // [p-]) matches both ConfigMaps ([p-, p-]); both are now `p-p-cm`.
        let mut map = two_namespaced_config_maps("p-");
        fix_name_references(&mut map, &defaults()).unwrap();
        assert_eq!(resource_names(&map), parse_single("[p-p-cm]").unwrap());
        // Without it the ClusterRole was renamed differently from both
        // candidates, so neither is chosen and `cm` stays.
        let mut map = two_namespaced_config_maps("");
        fix_name_references(&mut map, &defaults()).unwrap();
        assert_eq!(resource_names(&map), parse_single("[cm]").unwrap());
    }

    #[test]
    fn referrers_are_chosen_by_original_kind_and_maps_need_a_name() {
        let mut config = TransformerConfig::default();
        config.name_reference.push(NameBackReferences {
            kind: "Secret".to_owned(),
            referrers: vec![FieldSpec {
                kind: "Foo".to_owned(),
                path: "spec/ref".to_owned(),
                ..FieldSpec::default()
            }],
            ..NameBackReferences::default()
        });
        let mut map = resources(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n---\napiVersion: x/v1\nkind: Foo\nmetadata: {name: f}\nspec:\n  ref: {namespace: default}\n",
        );
        add_prefix_suffix(&mut map.resources[0], "p-", "");
        let err = fix_name_references(&mut map, &config)
            .unwrap_err()
            .to_string();
        assert!(
            err.ends_with("path config error; no 'name' field in node"),
            "{err}"
        );
        assert!(
            err.starts_with("updating name reference in 'spec/ref' field of 'Foo.v1.x/f.[noNs]'"),
            "{err}"
        );
    }

    #[test]
    fn sharing_only_the_prefix_is_enough_to_win() {
        // TestPrefixSuffix: a Deployment suffixed `api` in a sub-base, the
        // ConfigMap generated beside it, both prefixed `a` or `b` by two
        // overlays. The Deployment shares only its prefix with its ConfigMap.
        let mut map = ResMap::new();
        for prefix in ["a", "b"] {
            let mut overlay = resources(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: '-'}\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        envFrom:\n        - configMapRef: {name: -example-configmap}\n",
            );
            add_prefix_suffix(&mut overlay.resources[0], "", "api");
            overlay.resources.push(generated(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: -example-configmap}\n",
            ));
            for r in overlay.iter_mut() {
                add_prefix_suffix(r, prefix, "");
            }
            map.resources.extend(overlay.resources);
        }
        add_hash_suffixes(&mut map).unwrap();
        fix_name_references(&mut map, &defaults()).unwrap();
        for (deployment, config_map) in [
            (0, "a-example-configmap-6ct58987ht"),
            (2, "b-example-configmap-6ct58987ht"),
        ] {
            let containers = map.resources[deployment].node.get_path(&[
                "spec",
                "template",
                "spec",
                "containers",
            ]);
            let reference = &containers.unwrap().as_seq().unwrap()[0]
                .get("envFrom")
                .unwrap()
                .as_seq()
                .unwrap()[0];
            assert_eq!(
                reference.str_at(&["configMapRef", "name"]),
                Some(config_map)
            );
        }
    }

    #[test]
    fn same_ending_compares_the_outermost_renames() {
        let v = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(same_ending(&v(&[]), &v(&[])));
        assert!(!same_ending(&v(&[]), &v(&["a-"])));
        assert!(same_ending(&v(&["a-"]), &v(&["pfx-", "a-"])));
        assert!(!same_ending(&v(&["pfx-", "b-"]), &v(&["pfx-", "a-"])));
    }
}
