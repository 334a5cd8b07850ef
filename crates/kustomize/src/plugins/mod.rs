//! Built-in generators and transformers.
//!
//! As in kustomize, every kustomization field that changes resources is
//! turned into the configuration of a built-in plugin (`PrefixSuffixTransformer`,
//! `ConfigMapGenerator`, ...). The same plugins can be configured by files
//! listed under `transformers:` and `generators:`, so both paths share one
//! implementation: [`load_transformer`] and [`load_generator`] dispatch on
//! the configuration's `kind`.

pub mod annotations;
pub mod generators;
pub mod hash;
pub mod images;
pub mod labels;
pub mod namespace;
pub mod prefix_suffix;
pub mod replicas;
pub mod replacements;

use crate::error::{Error, Result};
use crate::fieldspec::TransformerConfig;
use crate::loader::Loader;
use crate::resource::{Origin, ResMap, Resource};
use crate::yaml::Node;

/// What a plugin may use while it runs.
pub struct PluginContext<'a, 'fs> {
    /// The loader of the kustomization that configured the plugin: files a
    /// plugin names are relative to it and under its restrictor.
    pub loader: &'a Loader<'fs>,
    /// Field specs (built-in defaults merged with `configurations:`/`crds:`).
    pub config: &'a TransformerConfig,
    /// Set when `buildMetadata` asks for origin annotations.
    pub origin: Option<&'a Origin>,
}

/// Changes the resources of a build.
pub trait Transformer {
    fn transform(&self, resources: &mut ResMap, ctx: &PluginContext<'_, '_>) -> Result<()>;
}

/// Makes new resources.
pub trait Generator {
    fn generate(&self, ctx: &PluginContext<'_, '_>) -> Result<Vec<Resource>>;
}

/// Builds a transformer from a plugin configuration (a `transformers:` entry).
pub fn load_transformer(
    config: &Node,
    ctx: &PluginContext<'_, '_>,
) -> Result<Box<dyn Transformer>> {
    let kind = config.str_at(&["kind"]).unwrap_or("");
    let _ = ctx;
    Err(unknown_plugin(config, kind))
}

/// Builds a generator from a plugin configuration (a `generators:` entry).
pub fn load_generator(config: &Node, ctx: &PluginContext<'_, '_>) -> Result<Box<dyn Generator>> {
    let kind = config.str_at(&["kind"]).unwrap_or("");
    let _ = ctx;
    Err(unknown_plugin(config, kind))
}

fn unknown_plugin(config: &Node, kind: &str) -> Error {
    let api_version = config.str_at(&["apiVersion"]).unwrap_or("");
    let name = config.str_at(&["metadata", "name"]).unwrap_or("");
    Error::msg(format!(
        "unable to load builtin {kind}.{api_version}.[noGrp]/{name}: Berth runs only kustomize's built-in plugins (no exec or Go plugins)"
    ))
}
