//! `IAMPolicyGenerator`: the Kubernetes side of a cloud workload identity.
//!
//! Kustomize supports one cloud, GKE, for which it makes a `ServiceAccount`
//! annotated with the Google service account it may act as. Kustomize
//! (`api/filters/iampolicygenerator`) builds that object by formatting the
//! configured names into a YAML text and parsing it, so the names are read
//! as YAML: `123` becomes a number, `a #b` loses its comment, and a name
//! that breaks the YAML fails the build. The same is done here so that
//! output and failures match `kubectl kustomize`.

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::kustomization::node_to_config_json;
use crate::plugins::{Generator, PluginContext};
use crate::resource::Resource;
use crate::yaml::{parse::parse_single, Node};

/// The only cloud provider kustomize generates IAM resources for.
const GKE: &str = "gke";

/// Annotation GKE workload identity reads the Google service account from.
const GKE_SERVICE_ACCOUNT_ANNOTATION: &str = "iam.gke.io/gcp-service-account";

/// Configuration as kustomize's `types.IAMPolicyGeneratorArgs` reads it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
struct Args {
    cloud: String,
    kubernetes_service: KubernetesService,
    service_account: CloudServiceAccount,
}

/// The Kubernetes service account to make.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
struct KubernetesService {
    namespace: String,
    name: String,
}

/// The cloud (Google) service account the Kubernetes one acts as.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
struct CloudServiceAccount {
    name: String,
    project_id: String,
}

/// Generates the resources binding a Kubernetes service account to a cloud
/// IAM identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IamPolicyGenerator {
    args: Args,
}

impl IamPolicyGenerator {
    /// From a plugin configuration (`kind: IAMPolicyGenerator`). Fields
    /// have to have the types kustomize declares (all strings).
    pub fn from_config(config: &Node) -> Result<Self> {
        let args = serde_json::from_value(node_to_config_json(config)).map_err(|e| {
            let name = config.str_at(&["metadata", "name"]).unwrap_or("");
            Error::msg(format!(
                "invalid configuration of IAMPolicyGenerator '{name}': {e}"
            ))
        })?;
        Ok(IamPolicyGenerator { args })
    }

    /// The generated resources, without a build around them.
    fn resources(&self) -> Result<Vec<Resource>> {
        match self.args.cloud.as_str() {
            GKE => Ok(vec![Resource::new(self.gke_service_account()?)]),
            other => Err(Error::msg(format!(
                "cloud provider {other} not supported yet"
            ))),
        }
    }

    /// The GKE `ServiceAccount`, built from text as kustomize does.
    fn gke_service_account(&self) -> Result<Node> {
        let text = self.gke_service_account_yaml();
        let node = parse_single(&text).map_err(|e| {
            Error::msg(format!(
                "IAMPolicyGenerator: the generated ServiceAccount is not valid YAML: {e}"
            ))
        })?;
        if !has_name(&node) {
            return Err(self.missing_name_error(&node));
        }
        Ok(node)
    }

    /// Kustomize's template: the namespace line is appended only when a
    /// namespace is given (after a blank line, which YAML ignores).
    fn gke_service_account_yaml(&self) -> String {
        let Args {
            kubernetes_service: k8s,
            service_account: gsa,
            ..
        } = &self.args;
        let mut text = format!(
            "\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n    {GKE_SERVICE_ACCOUNT_ANNOTATION}: {}@{}.iam.gserviceaccount.com\n  name: {}\n",
            gsa.name, gsa.project_id, k8s.name
        );
        if !k8s.namespace.is_empty() {
            text.push_str(&format!("\n  namespace: {}", k8s.namespace));
        }
        text
    }

    /// Kustomize refuses resources without a name, printing the object's
    /// metadata the way Go prints its structs.
    fn missing_name_error(&self, node: &Node) -> Error {
        let namespace = node.str_at(&["metadata", "namespace"]).unwrap_or("");
        let annotations = node
            .get_path(&["metadata", "annotations"])
            .and_then(Node::as_map)
            .map(|map| {
                map.iter()
                    .map(|(k, v)| format!("{k}:{}", v.as_str().unwrap_or("")))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        Error::msg(format!(
            "missing metadata.name in object {{{{v1 ServiceAccount}} {{{{ {namespace}}} map[] map[{annotations}]}}}}"
        ))
    }
}

/// Whether `metadata.name` holds a value (`name:` with nothing, `~` or
/// `null` after it is no name).
fn has_name(node: &Node) -> bool {
    node.get_path(&["metadata", "name"])
        .and_then(Node::as_scalar)
        .is_some_and(|s| !s.is_null() && !s.value.is_empty())
}

impl Generator for IamPolicyGenerator {
    fn generate(&self, _ctx: &PluginContext<'_, '_>) -> Result<Vec<Resource>> {
        self.resources()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::ScalarKind;

    fn generator(yaml: &str) -> IamPolicyGenerator {
        let header =
            "apiVersion: builtin\nkind: IAMPolicyGenerator\nmetadata:\n  name: my-gke-generator\n";
        IamPolicyGenerator::from_config(&parse_single(&format!("{header}{yaml}")).unwrap()).unwrap()
    }

    fn generate(yaml: &str) -> Result<Vec<Node>> {
        Ok(generator(yaml)
            .resources()?
            .into_iter()
            .map(|r| r.node)
            .collect())
    }

    // From krusty's TestGkeGenerator.
    #[test]
    fn gke_service_account_without_namespace() {
        let nodes = generate(
            "cloud: gke\nkubernetesService:\n  name: k8s-sa-name\nserviceAccount:\n  name: gsa-name\n  projectId: project-id\n",
        )
        .unwrap();
        let expected = parse_single(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n    iam.gke.io/gcp-service-account: gsa-name@project-id.iam.gserviceaccount.com\n  name: k8s-sa-name\n",
        )
        .unwrap();
        assert_eq!(nodes, vec![expected]);
    }

    // From krusty's TestGkeGeneratorWithNamespace.
    #[test]
    fn gke_service_account_with_namespace() {
        let nodes = generate(
            "cloud: gke\nkubernetesService:\n  namespace: k8s-namespace\n  name: k8s-sa-name\nserviceAccount:\n  name: gsa-name\n  projectId: project-id\n",
        )
        .unwrap();
        let expected = parse_single(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  annotations:\n    iam.gke.io/gcp-service-account: gsa-name@project-id.iam.gserviceaccount.com\n  name: k8s-sa-name\n  namespace: k8s-namespace\n",
        )
        .unwrap();
        assert_eq!(nodes, vec![expected]);
    }

    #[test]
    fn names_are_read_as_yaml_like_kustomize_does() {
        let nodes = generate(
            "cloud: gke\nkubernetesService: {name: '123', namespace: 'true'}\nserviceAccount: {name: b, projectId: 'c #x'}\n",
        )
        .unwrap();
        let metadata = nodes[0].get("metadata").unwrap();
        assert_eq!(
            metadata.get("name").unwrap().as_scalar().unwrap().kind,
            ScalarKind::Int
        );
        assert_eq!(
            metadata.get("namespace").unwrap().as_scalar().unwrap().kind,
            ScalarKind::Bool
        );
        // The comment is dropped, and with it the domain.
        assert_eq!(
            nodes[0].str_at(&["metadata", "annotations", GKE_SERVICE_ACCOUNT_ANNOTATION]),
            Some("b@c")
        );
    }

    #[test]
    fn a_missing_project_id_still_generates() {
        let nodes =
            generate("cloud: gke\nkubernetesService: {name: a}\nserviceAccount: {name: b}\n")
                .unwrap();
        assert_eq!(
            nodes[0].str_at(&["metadata", "annotations", GKE_SERVICE_ACCOUNT_ANNOTATION]),
            Some("b@.iam.gserviceaccount.com")
        );
    }

    #[test]
    fn other_clouds_are_refused() {
        let err = generate(
            "cloud: aws\nkubernetesService: {name: a}\nserviceAccount: {name: b, projectId: c}\n",
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "cloud provider aws not supported yet");
        let err = generate("kubernetesService: {name: a}\n").unwrap_err();
        assert_eq!(err.to_string(), "cloud provider  not supported yet");
    }

    #[test]
    fn a_missing_kubernetes_name_is_refused() {
        let err = generate("cloud: gke\nkubernetesService: {namespace: ns}\nserviceAccount: {name: b, projectId: c}\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "missing metadata.name in object {{v1 ServiceAccount} {{ ns} map[] map[iam.gke.io/gcp-service-account:b@c.iam.gserviceaccount.com]}}"
        );
    }

    #[test]
    fn names_that_break_the_yaml_are_refused() {
        // `@` cannot start a YAML token.
        assert!(generate(
            "cloud: gke\nkubernetesService: {name: a}\nserviceAccount: {projectId: c}\n"
        )
        .is_err());
        assert!(generate("cloud: gke\nkubernetesService: {name: a}\nserviceAccount: {name: 'x: y', projectId: c}\n").is_err());
    }

    #[test]
    fn fields_must_be_strings() {
        let config = parse_single(
            "kind: IAMPolicyGenerator\nmetadata: {name: g}\ncloud: gke\nkubernetesService: {name: a}\nserviceAccount: {name: b, projectId: 5}\n",
        )
        .unwrap();
        let err = IamPolicyGenerator::from_config(&config)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("invalid configuration of IAMPolicyGenerator 'g': "),
            "{err}"
        );
    }
}
