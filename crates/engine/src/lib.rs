//! Pipelines: stages, deployment tasks in promotion order, approval gates,
//! stack jobs (plan, apply, outputs) and the provider trait.
//!
//! Empty until the pipeline issue (#4) lands.
