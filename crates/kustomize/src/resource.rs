//! Resources, their identities, and the ordered collection a build works on.

use std::fmt;

use crate::yaml::{Map, Node};

/// Group, version and kind of a resource (`apps/v1` + `Deployment`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Gvk {
    pub fn new(group: &str, version: &str, kind: &str) -> Self {
        Gvk {
            group: group.to_owned(),
            version: version.to_owned(),
            kind: kind.to_owned(),
        }
    }

    /// Splits an `apiVersion` (`apps/v1`, or `v1` for the core group).
    pub fn from_api_version(api_version: &str, kind: &str) -> Self {
        let (group, version) = match api_version.rsplit_once('/') {
            Some((g, v)) => (g, v),
            None => ("", api_version),
        };
        Gvk::new(group, version, kind)
    }

    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else if self.version.is_empty() {
            self.group.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// Whether `self`, used as a selector, matches `other`: empty fields are
    /// wildcards (kustomize's `Gvk.IsSelected`).
    pub fn selects(&self, other: &Gvk) -> bool {
        (self.group.is_empty() || self.group == other.group)
            && (self.version.is_empty() || self.version == other.version)
            && (self.kind.is_empty() || self.kind == other.kind)
    }

    /// Whether objects of this kind live outside namespaces.
    pub fn is_cluster_scoped(&self) -> bool {
        is_cluster_scoped_kind(&self.group, &self.kind)
    }
}

/// Kustomize's list of built-in cluster-scoped kinds.
fn is_cluster_scoped_kind(group: &str, kind: &str) -> bool {
    matches!(
        (group, kind),
        ("", "ComponentStatus")
            | ("", "Namespace")
            | ("", "Node")
            | ("", "PersistentVolume")
            | (
                "admissionregistration.k8s.io",
                "MutatingWebhookConfiguration"
            )
            | (
                "admissionregistration.k8s.io",
                "ValidatingWebhookConfiguration"
            )
            | ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy")
            | (
                "admissionregistration.k8s.io",
                "ValidatingAdmissionPolicyBinding"
            )
            | ("apiextensions.k8s.io", "CustomResourceDefinition")
            | ("apiregistration.k8s.io", "APIService")
            | ("authentication.k8s.io", "TokenReview")
            | ("authorization.k8s.io", "SelfSubjectAccessReview")
            | ("authorization.k8s.io", "SelfSubjectRulesReview")
            | ("authorization.k8s.io", "SubjectAccessReview")
            | ("certificates.k8s.io", "CertificateSigningRequest")
            | ("flowcontrol.apiserver.k8s.io", "FlowSchema")
            | ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration")
            | ("networking.k8s.io", "IngressClass")
            | ("node.k8s.io", "RuntimeClass")
            | ("policy", "PodSecurityPolicy")
            | ("rbac.authorization.k8s.io", "ClusterRole")
            | ("rbac.authorization.k8s.io", "ClusterRoleBinding")
            | ("scheduling.k8s.io", "PriorityClass")
            | ("storage.k8s.io", "CSIDriver")
            | ("storage.k8s.io", "CSINode")
            | ("storage.k8s.io", "StorageClass")
            | ("storage.k8s.io", "VolumeAttachment")
    )
}

impl fmt::Display for Gvk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Kustomize prints `[noGrp]` for the core group: "~G_v1_ConfigMap".
        let g = if self.group.is_empty() {
            "~G"
        } else {
            &self.group
        };
        let v = if self.version.is_empty() {
            "~V"
        } else {
            &self.version
        };
        let k = if self.kind.is_empty() {
            "~K"
        } else {
            &self.kind
        };
        write!(f, "{g}_{v}_{k}")
    }
}

/// A resource's identity: kind plus name plus namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResId {
    pub gvk: Gvk,
    pub name: String,
    pub namespace: String,
}

impl ResId {
    pub fn new(gvk: Gvk, name: &str, namespace: &str) -> Self {
        ResId {
            gvk,
            name: name.to_owned(),
            namespace: namespace.to_owned(),
        }
    }

    /// The namespace used for comparisons: empty means `default` for
    /// namespaced kinds; cluster-scoped kinds have none.
    pub fn effective_namespace(&self) -> &str {
        if self.gvk.is_cluster_scoped() {
            ""
        } else if self.namespace.is_empty() {
            "default"
        } else {
            &self.namespace
        }
    }

    /// The id with its effective namespace: two ids are the same resource
    /// exactly when their keys are equal, so keys can index hash maps.
    pub fn key(&self) -> ResId {
        let namespace = self.effective_namespace().to_owned();
        ResId {
            namespace,
            ..self.clone()
        }
    }

    /// Kustomize's `ResId.Equals`: same kind, name and effective namespace.
    pub fn same_as(&self, other: &ResId) -> bool {
        self.gvk == other.gvk
            && self.name == other.name
            && self.effective_namespace() == other.effective_namespace()
    }
}

impl fmt::Display for ResId {
    /// The form kustomize uses in messages: `Deployment.v1.apps/name.ns`,
    /// with `[noGrp]` / `[noNs]` for empty parts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let group = if self.gvk.group.is_empty() {
            "[noGrp]"
        } else {
            &self.gvk.group
        };
        let ns = if self.namespace.is_empty() {
            "[noNs]"
        } else {
            &self.namespace
        };
        write!(
            f,
            "{}.{}.{}/{}.{}",
            self.gvk.kind, self.gvk.version, group, self.name, ns
        )
    }
}

/// How a generated resource combines with one of the same name from a base.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Behavior {
    #[default]
    Unspecified,
    Create,
    Replace,
    Merge,
}

impl Behavior {
    pub fn parse(text: &str) -> Option<Behavior> {
        match text {
            "" => Some(Behavior::Unspecified),
            "create" => Some(Behavior::Create),
            "replace" => Some(Behavior::Replace),
            "merge" => Some(Behavior::Merge),
            _ => None,
        }
    }
}

/// Where a resource came from, for `buildMetadata: [originAnnotations]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    /// Path of the file relative to the build root (or the generator's
    /// kustomization, for generated resources).
    pub path: String,
    pub repo: String,
    pub git_ref: String,
    /// For generated resources: the generator that made it.
    pub configured_in: String,
    pub configured_by: Option<ResId>,
}

/// One Kubernetes-style object being built, plus what the build remembers
/// about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    pub node: Node,
    /// Identities it had before prefixes, suffixes, namespaces and hashes
    /// changed it, oldest first; name references are resolved through them.
    pub previous_ids: Vec<ResId>,
    pub behavior: Behavior,
    /// Generated ConfigMaps and Secrets get a content hash appended to their
    /// name at the end of the build unless disabled.
    pub needs_hash_suffix: bool,
    pub origin: Option<Origin>,
    /// Transformers that ran over it (`buildMetadata: [transformerAnnotations]`).
    pub transformations: Vec<Origin>,
    /// Names of vars whose values come from this resource.
    pub ref_var_names: Vec<String>,
}

impl Resource {
    pub fn new(node: Node) -> Self {
        Resource {
            node,
            previous_ids: Vec::new(),
            behavior: Behavior::Unspecified,
            needs_hash_suffix: false,
            origin: None,
            transformations: Vec::new(),
            ref_var_names: Vec::new(),
        }
    }

    pub fn api_version(&self) -> &str {
        self.node.str_at(&["apiVersion"]).unwrap_or("")
    }

    pub fn kind(&self) -> &str {
        self.node.str_at(&["kind"]).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.node.str_at(&["metadata", "name"]).unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        self.node.str_at(&["metadata", "namespace"]).unwrap_or("")
    }

    pub fn gvk(&self) -> Gvk {
        Gvk::from_api_version(self.api_version(), self.kind())
    }

    /// The identity it has now.
    pub fn id(&self) -> ResId {
        ResId::new(self.gvk(), self.name(), self.namespace())
    }

    /// The identity it had when first read (before any renaming).
    pub fn original_id(&self) -> ResId {
        self.previous_ids
            .first()
            .cloned()
            .unwrap_or_else(|| self.id())
    }

    /// Every identity it has had, current last.
    pub fn all_ids(&self) -> impl Iterator<Item = ResId> + '_ {
        self.previous_ids
            .iter()
            .cloned()
            .chain(std::iter::once(self.id()))
    }

    /// Records the current identity before a transformer changes it.
    pub fn remember_current_id(&mut self) {
        let id = self.id();
        self.previous_ids.push(id);
    }

    pub fn set_name(&mut self, name: &str) {
        self.node
            .set_path(&["metadata", "name"], Node::string(name));
    }

    pub fn set_namespace(&mut self, namespace: &str) {
        self.node
            .set_path(&["metadata", "namespace"], Node::string(namespace));
    }

    pub fn metadata_map(&self, field: &str) -> Option<&Map> {
        self.node.get_path(&["metadata", field])?.as_map()
    }

    pub fn labels(&self) -> Option<&Map> {
        self.metadata_map("labels")
    }

    pub fn annotations(&self) -> Option<&Map> {
        self.metadata_map("annotations")
    }

    /// Sets one annotation, creating `metadata.annotations` when needed.
    pub fn set_annotation(&mut self, key: &str, value: &str) {
        self.node
            .set_path(&["metadata", "annotations", key], Node::string(value));
    }

    /// Removes one annotation, dropping the annotations map when it empties.
    pub fn remove_annotation(&mut self, key: &str) {
        let Some(meta) = self.node.get_mut("metadata").and_then(Node::as_map_mut) else {
            return;
        };
        let emptied = match meta.get_mut("annotations").and_then(Node::as_map_mut) {
            Some(annotations) => {
                annotations.remove(key);
                annotations.is_empty()
            }
            None => false,
        };
        if emptied {
            meta.remove("annotations");
        }
    }
}

/// The ordered resources of a build. Order is input order until sorted.
#[derive(Clone, Debug, Default)]
pub struct ResMap {
    pub resources: Vec<Resource>,
}

impl ResMap {
    pub fn new() -> Self {
        ResMap::default()
    }

    pub fn len(&self) -> usize {
        self.resources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Resource> {
        self.resources.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, Resource> {
        self.resources.iter_mut()
    }

    /// Index of the resource whose current id is `id`.
    pub fn position_of(&self, id: &ResId) -> Option<usize> {
        self.resources.iter().position(|r| r.id().same_as(id))
    }

    /// Resources whose current or any earlier id matches `id` (kustomize's
    /// `GetMatchingResourcesByAnyId`).
    pub fn matching_any_id(&self, id: &ResId) -> Vec<usize> {
        self.resources
            .iter()
            .enumerate()
            .filter(|(_, r)| r.all_ids().any(|rid| rid.same_as(id)))
            .map(|(i, _)| i)
            .collect()
    }

    /// Appends resources, refusing any whose id is already present. Checks
    /// through a hash set built for the call: O(existing + new).
    pub fn append_all(
        &mut self,
        resources: impl IntoIterator<Item = Resource>,
    ) -> Result<(), ResId> {
        let mut seen: std::collections::HashSet<ResId> =
            self.resources.iter().map(|r| r.id().key()).collect();
        for resource in resources {
            let id = resource.id();
            if !seen.insert(id.key()) {
                return Err(id);
            }
            self.resources.push(resource);
        }
        Ok(())
    }

    /// Appends a resource, refusing a second resource with the same id.
    pub fn append(&mut self, resource: Resource) -> Result<(), ResId> {
        let id = resource.id();
        if self.position_of(&id).is_some() {
            return Err(id);
        }
        self.resources.push(resource);
        Ok(())
    }
}

impl FromIterator<Node> for ResMap {
    /// Resources from parsed documents, taken as they are (no checks).
    fn from_iter<I: IntoIterator<Item = Node>>(nodes: I) -> Self {
        ResMap {
            resources: nodes.into_iter().map(Resource::new).collect(),
        }
    }
}

impl IntoIterator for ResMap {
    type Item = Resource;
    type IntoIter = std::vec::IntoIter<Resource>;
    fn into_iter(self) -> Self::IntoIter {
        self.resources.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_api_version() {
        assert_eq!(Gvk::from_api_version("apps/v1", "Deployment").group, "apps");
        assert_eq!(Gvk::from_api_version("v1", "Pod").group, "");
        assert_eq!(Gvk::from_api_version("v1", "Pod").api_version(), "v1");
    }

    #[test]
    fn empty_namespace_equals_default_for_namespaced_kinds() {
        let a = ResId::new(Gvk::new("", "v1", "ConfigMap"), "x", "");
        let b = ResId::new(Gvk::new("", "v1", "ConfigMap"), "x", "default");
        assert!(a.same_as(&b));
        let c = ResId::new(Gvk::new("", "v1", "ConfigMap"), "x", "other");
        assert!(!a.same_as(&c));
    }
}
