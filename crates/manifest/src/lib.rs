//! Cloud resource manifests: the typed kinds a `_kustomize` overlay builds
//! into and their validation.
//!
//! What is here: [`parse_manifest`] reads one built manifest (YAML text, as
//! `berth kustomize build` writes it) into a [`Manifest`]:
//! `KubernetesDeployment` (also read under its older name
//! `MicroserviceKubernetes`) or `AwsEcsService`, under the apiVersion groups
//! `kubernetes.project-planton.org/v1`, `kubernetes.openmcf.org/v1`,
//! `aws.project-planton.org/v1` and Berth's own `berth.dev/v1`. Every struct
//! refuses unknown fields. Errors ([`ManifestError`]) name the overlay the
//! text came from, the field path (`spec.container.app.ports[0].name`) and
//! what was expected; the semantic rules (port names, protocols, `version`,
//! ingress domain, CPU and memory quantities, replica bounds, env names) all
//! run, so that every problem is reported at once. A type error (wrong type,
//! unknown or missing field) stops deserialization at its first occurrence,
//! so it is reported alone.
//!
//! String values may be `$variables-group/...` or `$secrets-group/...`
//! references ([`is_reference`]); format rules skip them, to be applied once
//! the values resolve. [`check_overlay_env`] holds the rule that every
//! overlay but `local` names its environment in `metadata.env`.
//!
//! Not yet here (issue #3): source spans (line and column) in errors, the
//! JSON/OpenAPI schema with list merge keys, deployment strategy, pod
//! disruption budget, probes, volume mounts and config maps on the Kubernetes
//! kind, and rendering into target objects.

pub mod kinds;
mod validate;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use kinds::*;
pub use validate::{cpu_millis, is_env_name, is_port_name, is_reference, is_version, memory_bytes};

/// One problem in a manifest: where it came from, which field, what was
/// expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{overlay}: {path}: {message}")]
pub struct ManifestError {
    /// The overlay (or file) the manifest was built from.
    pub overlay: String,
    /// The field path, such as `spec.container.app.ports[0].name`; empty for
    /// the document itself.
    pub path: String,
    /// What was expected (and, where useful, what was found), starting
    /// "expected" for Berth's own rules.
    pub message: String,
}

/// A parsed, validated manifest.
#[derive(Debug, Clone, PartialEq)]
pub enum Manifest {
    KubernetesDeployment(Resource<KubernetesDeploymentSpec>),
    AwsEcsService(Resource<AwsEcsServiceSpec>),
}

impl Manifest {
    /// The canonical kind name (`MicroserviceKubernetes` reads as
    /// `KubernetesDeployment`).
    pub fn kind(&self) -> &'static str {
        match self {
            Manifest::KubernetesDeployment(_) => "KubernetesDeployment",
            Manifest::AwsEcsService(_) => "AwsEcsService",
        }
    }

    pub fn metadata(&self) -> &Metadata {
        match self {
            Manifest::KubernetesDeployment(r) => &r.metadata,
            Manifest::AwsEcsService(r) => &r.metadata,
        }
    }
}

/// The overlay that only generates `.env` files and is never deployed.
pub const LOCAL_OVERLAY: &str = "local";

/// The rule that a deployed overlay's built manifest names its target
/// environment: `metadata.env` is required (and non-empty) except in the
/// `local` overlay. `overlay` is the overlay directory's name.
pub fn check_overlay_env(manifest: &Manifest, overlay: &str) -> Result<(), ManifestError> {
    let env = manifest.metadata().env.as_deref().unwrap_or("");
    if overlay == LOCAL_OVERLAY || !env.trim().is_empty() {
        return Ok(());
    }
    Err(ManifestError {
        overlay: overlay.to_string(),
        path: "metadata.env".to_string(),
        message: "expected the target environment's name (every overlay but local needs one)"
            .to_string(),
    })
}

/// The apiVersions each kind is read under.
const KUBERNETES_API_VERSIONS: [&str; 3] = [
    "kubernetes.project-planton.org/v1",
    "kubernetes.openmcf.org/v1",
    "berth.dev/v1",
];
const AWS_API_VERSIONS: [&str; 2] = ["aws.project-planton.org/v1", "berth.dev/v1"];

/// Parses and validates one manifest. `source` names where the text came
/// from (the overlay) and is carried into every error.
pub fn parse_manifest(yaml_text: &str, source: &str) -> Result<Manifest, Vec<ManifestError>> {
    let err = |path: &str, expected: String| {
        vec![ManifestError {
            overlay: source.to_string(),
            path: path.to_string(),
            message: format!("expected {expected}"),
        }]
    };
    let node = berth_kustomize::yaml::parse::parse_single(yaml_text)
        .map_err(|e| err("", format!("valid YAML ({e})")))?;
    let value = berth_kustomize::yaml::json::to_json(&node);
    let Value::Object(map) = &value else {
        return Err(err(
            "",
            "a mapping with apiVersion, kind, metadata and spec".into(),
        ));
    };
    let mut errors = Vec::new();
    let api_version = match map.get("apiVersion") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            errors.extend(err("apiVersion", "a string".into()));
            None
        }
        None => {
            errors.extend(err("apiVersion", "a value (field is missing)".into()));
            None
        }
    };
    let kind = match map.get("kind") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => {
            errors.extend(err("kind", "a string".into()));
            None
        }
        None => {
            errors.extend(err("kind", "a value (field is missing)".into()));
            None
        }
    };
    let (Some(api_version), Some(kind)) = (api_version, kind) else {
        return Err(errors);
    };
    let (allowed, is_k8s): (&[&str], bool) = match kind {
        "KubernetesDeployment" | "MicroserviceKubernetes" => (&KUBERNETES_API_VERSIONS, true),
        "AwsEcsService" => (&AWS_API_VERSIONS, false),
        other => {
            return Err(err(
                "kind",
                format!(
                    "one of KubernetesDeployment, MicroserviceKubernetes, AwsEcsService, found {other:?}"
                ),
            ))
        }
    };
    if !allowed.contains(&api_version) {
        return Err(err(
            "apiVersion",
            format!(
                "one of {} for kind {kind}, found {api_version:?}",
                allowed.join(", ")
            ),
        ));
    }
    let mut checker = validate::Checker::new(source);
    let manifest = if is_k8s {
        let r: Resource<KubernetesDeploymentSpec> = typed(value, source)?;
        checker.metadata(&r.metadata);
        checker.kubernetes(&r.spec);
        Manifest::KubernetesDeployment(r)
    } else {
        let r: Resource<AwsEcsServiceSpec> = typed(value, source)?;
        checker.metadata(&r.metadata);
        checker.ecs(&r.spec);
        Manifest::AwsEcsService(r)
    };
    if checker.errors.is_empty() {
        Ok(manifest)
    } else {
        Err(checker.errors)
    }
}

/// Deserializes with the failing field's path. For a missing field the path
/// is that of the enclosing mapping, so the field (named only in serde's
/// message) is appended.
fn typed<T: DeserializeOwned>(value: Value, source: &str) -> Result<T, Vec<ManifestError>> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let mut path = e.path().to_string();
        if path == "." {
            path.clear();
        }
        let inner = e.into_inner().to_string();
        let field = ["unknown field `", "missing field `"]
            .iter()
            .find_map(|p| inner.strip_prefix(p))
            .and_then(|rest| rest.split('`').next());
        let message = if let Some(field) = field {
            // An unknown key is already the last path segment; a missing one
            // is not.
            if inner.starts_with("missing") {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(field);
            }
            if inner.starts_with("unknown") {
                let known = inner.split_once(", expected ").map(|(_, k)| k);
                match known {
                    Some(k) => format!("unknown field {field:?}, expected {k}"),
                    None => format!("unknown field {field:?}"),
                }
            } else {
                "expected a value (field is missing)".to_string()
            }
        } else {
            inner
        };
        vec![ManifestError {
            overlay: source.to_string(),
            path,
            message,
        }]
    })
}

#[cfg(test)]
mod tests;
