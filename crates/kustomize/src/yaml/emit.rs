//! Placeholder: the go-yaml v2 compatible writer is being written.
use super::Node;

/// Prints one document the way kustomize prints a resource.
pub fn to_yaml_string(_node: &Node) -> String {
    unimplemented!("emitter not written yet")
}
