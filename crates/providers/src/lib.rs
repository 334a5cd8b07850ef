//! Deployment targets behind the engine's provider trait: render (the
//! embedded default), Kubernetes, Flux GitOps over OCI, and AWS ECS.
//!
//! Empty until the pipeline and targets issues (#4, #5) land.
