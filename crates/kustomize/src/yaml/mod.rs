//! YAML: the node model, a reader that resolves scalars as go-yaml v3 does
//! (kustomize's reader), and a writer that prints as go-yaml v2 does
//! (kustomize's printer, by way of JSON).

pub mod emit;
pub mod json;
mod node;
pub mod parse;

pub use node::{Map, Node, Scalar, ScalarKind};
pub use parse::{parse_documents, ParseError};
