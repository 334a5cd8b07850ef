//! Berth's kustomize engine: a pure library that builds a kustomization
//! directory into resources exactly as `kustomize build` (v5) does.
//!
//! All file access goes through [`fs::FileSystem`], so the engine runs the
//! same on disk, in memory (tests, fuzzing) or on any other tree.

mod build;
pub mod error;
pub mod fieldspec;
pub mod fs;
pub mod kustomization;
pub mod loader;
pub mod nameref;
pub mod patch;
pub mod plugins;
pub mod resource;
pub mod select;
pub mod sort;
mod target;
pub mod vars;
pub mod yaml;

pub use error::{Error, Result};

pub use build::{build, build_to_string, build_with_warnings, render, BuildOptions, Reorder};
