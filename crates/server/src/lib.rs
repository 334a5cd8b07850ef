//! The HTTP API, webhooks and web page of pipelines, approvals and logs.
//!
//! Empty until the pipeline issue (#4) lands.
