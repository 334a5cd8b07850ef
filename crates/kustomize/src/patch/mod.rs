//! The patch engine: strategic merge patches exactly as kustomize v5.5 applies
//! them (kyaml's `merge2` walker driven by the Kubernetes OpenAPI schema) and
//! RFC 6902 JSON patches (kustomize's `patchjson6902` filter).
//!
//! * [`strategic_merge`] merges a patch into a resource;
//!   [`apply_smp_to_resource`] adds what kustomize's `Resource.ApplySmPatch`
//!   does around it (keeping the name, kind and namespace).
//! * [`Schema`] knows the list merge keys and strategies: the built-in
//!   Kubernetes types, extended or replaced by a kustomization's `openapi:`.
//! * [`apply_json6902`] applies a list of JSON patch operations.

mod json6902;
mod schema;
mod smp;

pub use json6902::{apply_json6902, parse_json6902_ops};
pub use schema::{ListStrategy, Schema, SchemaNode};
pub use smp::{apply_smp_to_resource, strategic_merge, SmpOptions};

/// Why a patch could not be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchError {
    /// The patch and the resource disagree on what a node is (kyaml's
    /// "wrong node kind").
    #[error("wrong node kind: expected {expected} but got {got}: node contents:\n{contents}")]
    WrongNodeKind {
        expected: &'static str,
        got: &'static str,
        contents: String,
    },
    /// `$patch` holds something other than `replace`, `delete` or `merge`.
    #[error("unknown patch strategy '{0}'")]
    UnknownPatchStrategy(String),
    /// `$patch` sits on a node that is not a map or list.
    #[error("no implemented strategic merge patch strategy for '{tag}' ('{value}')")]
    NoStrategyForNode { tag: String, value: String },
    /// A merge key could not be inferred for a list.
    #[error("no merge key found for field {0}")]
    NoMergeKey(String),
    /// The merged tree could not be read back (it was cyclic or too deep).
    #[error("strategic merge produced a tree nested deeper than {0} levels")]
    TooDeep(usize),
    /// The OpenAPI document given for `openapi:` is not usable.
    #[error("invalid OpenAPI schema: {0}")]
    InvalidSchema(String),
    /// The JSON 6902 patch text is not a list of operations.
    #[error("{0}")]
    InvalidJsonPatch(String),
    /// A JSON 6902 operation failed (message as evanphx/json-patch words it).
    #[error("{0}")]
    JsonPatchFailed(String),
}
