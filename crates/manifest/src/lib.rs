//! Cloud resource manifests: the typed kinds a `_kustomize` overlay builds
//! into (`KubernetesDeployment`, `AwsEcsService`, ...), their validation with
//! source spans, their JSON schema and list merge keys, and their rendering
//! into target objects.
//!
//! Empty until the manifests issue (#3) lands; the workspace keeps its place
//! so that the dependency graph stays as designed.
