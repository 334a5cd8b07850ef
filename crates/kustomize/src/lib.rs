//! Berth's kustomize engine: a pure library that builds a kustomization
//! directory into resources exactly as `kustomize build` (v5) does.
//!
//! All file access goes through [`fs::FileSystem`], so the engine runs the
//! same on disk, in memory (tests, fuzzing) or on any other tree.

pub mod yaml;
