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
pub mod iam_policy;
pub mod images;
pub mod labels;
pub mod namespace;
pub mod patches;
pub mod prefix_suffix;
pub mod replacements;
pub mod replicas;

use crate::error::{Error, Result};
use crate::fieldspec::TransformerConfig;
use crate::kustomization::Kustomization;
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
    /// Merge keys for strategic merge patches.
    pub schema: &'a crate::patch::Schema,
    /// Set when `buildMetadata` asks for origin annotations.
    pub origin: Option<&'a Origin>,
    /// Where plugins report what is legal but probably a mistake.
    pub warnings: Option<&'a std::cell::RefCell<Vec<String>>>,
}

impl PluginContext<'_, '_> {
    /// Records a warning for the user (printed by the CLI on stderr).
    pub fn warn(&self, message: String) {
        if let Some(warnings) = self.warnings {
            warnings.borrow_mut().push(message);
        }
    }
}

/// Changes the resources of a build.
pub trait Transformer {
    fn transform(&self, resources: &mut ResMap, ctx: &PluginContext<'_, '_>) -> Result<()>;
}

/// Makes new resources.
pub trait Generator {
    fn generate(&self, ctx: &PluginContext<'_, '_>) -> Result<Vec<Resource>>;
}

/// A built-in transformer and its plugin kind (named in annotations).
pub type NamedTransformer = (&'static str, Box<dyn Transformer>);

/// A built-in generator and its plugin kind (named in origin annotations).
pub type NamedGenerator = (&'static str, Box<dyn Generator>);

/// Builds a transformer from a plugin configuration (a `transformers:` entry).
pub fn load_transformer(
    config: &Node,
    ctx: &PluginContext<'_, '_>,
) -> Result<Box<dyn Transformer>> {
    let kind = config.str_at(&["kind"]).unwrap_or("");
    if !is_builtin(config) {
        return Err(unknown_plugin(config, kind));
    }
    Ok(match kind {
        "PatchStrategicMergeTransformer" => Box::new(
            patches::PatchStrategicMergeTransformer::from_config(config, ctx.loader)?,
        ),
        "PatchTransformer" => Box::new(patches::PatchTransformer::from_config(config, ctx.loader)?),
        "PatchJson6902Transformer" => Box::new(patches::PatchJson6902Transformer::from_config(
            config, ctx.loader,
        )?),
        "NamespaceTransformer" => Box::new(namespace::NamespaceTransformer::from_config(config)?),
        "PrefixSuffixTransformer" => {
            Box::new(prefix_suffix::PrefixSuffixTransformer::from_config(config)?)
        }
        "PrefixTransformer" => Box::new(prefix_suffix::PrefixTransformer::from_config(config)?),
        "SuffixTransformer" => Box::new(prefix_suffix::SuffixTransformer::from_config(config)?),
        "LabelTransformer" => Box::new(labels::LabelTransformer::from_config(config)?),
        "AnnotationsTransformer" => {
            Box::new(annotations::AnnotationsTransformer::from_config(config)?)
        }
        "ImageTagTransformer" => Box::new(images::ImageTagTransformer::from_config(config)?),
        "ReplicaCountTransformer" => {
            Box::new(replicas::ReplicaCountTransformer::from_config(config)?)
        }
        "ReplacementTransformer" => Box::new(replacements::ReplacementTransformer::from_config(
            config, ctx.loader,
        )?),
        "HashTransformer" => Box::new(hash::HashTransformer),
        _ => return Err(unknown_plugin(config, kind)),
    })
}

/// Builds a generator from a plugin configuration (a `generators:` entry).
pub fn load_generator(config: &Node, ctx: &PluginContext<'_, '_>) -> Result<Box<dyn Generator>> {
    let _ = ctx;
    let kind = config.str_at(&["kind"]).unwrap_or("");
    if !is_builtin(config) {
        return Err(unknown_plugin(config, kind));
    }
    Ok(match kind {
        "ConfigMapGenerator" => Box::new(generators::ConfigMapGenerator::from_config(config)?),
        "SecretGenerator" => Box::new(generators::SecretGenerator::from_config(config)?),
        "IAMPolicyGenerator" => Box::new(iam_policy::IamPolicyGenerator::from_config(config)?),
        _ => return Err(unknown_plugin(config, kind)),
    })
}

/// Built-in plugin configs use `apiVersion: builtin` (kustomize also finds
/// them under other API versions, since the kind alone names them).
fn is_builtin(config: &Node) -> bool {
    config.str_at(&["kind"]).is_some()
}

fn unknown_plugin(config: &Node, kind: &str) -> Error {
    let api_version = config.str_at(&["apiVersion"]).unwrap_or("");
    let name = config.str_at(&["metadata", "name"]).unwrap_or("");
    Error::msg(format!(
        "unable to load builtin {kind}.{api_version}.[noGrp]/{name}: Berth runs only kustomize's built-in plugins (no exec or Go plugins)"
    ))
}

/// The generators a kustomization's own fields ask for, in kustomize's order
/// (config maps, then secrets).
pub fn builtin_generators(k: &Kustomization) -> Result<Vec<NamedGenerator>> {
    let options = k.generator_options.as_ref();
    let mut generators: Vec<NamedGenerator> = Vec::new();
    for args in &k.config_map_generator {
        generators.push((
            "ConfigMapGenerator",
            Box::new(generators::ConfigMapGenerator::from_args(args, options)),
        ));
    }
    for args in &k.secret_generator {
        generators.push((
            "SecretGenerator",
            Box::new(generators::SecretGenerator::from_args(args, options)),
        ));
    }
    if !k.helm_charts.is_empty()
        || !k.helm_chart_inflation_generator.is_empty()
        || k.helm_globals.is_some()
    {
        return Err(Error::msg(
            "helmCharts: Berth does not inflate Helm charts; render the chart and list its output under resources",
        ));
    }
    Ok(generators)
}

/// The transformers a kustomization's own fields ask for, in the order
/// kustomize runs them.
pub fn builtin_transformers(
    k: &Kustomization,
    ctx: &PluginContext<'_, '_>,
) -> Result<Vec<NamedTransformer>> {
    let mut transformers: Vec<NamedTransformer> = Vec::new();
    if !k.patches_strategic_merge.is_empty() {
        transformers.push((
            "PatchStrategicMergeTransformer",
            Box::new(patches::PatchStrategicMergeTransformer::from_paths(
                &k.patches_strategic_merge,
                ctx.loader,
            )?),
        ));
    }
    for entry in &k.patches {
        transformers.push((
            "PatchTransformer",
            Box::new(patches::PatchTransformer::from_entry(entry, ctx.loader)?),
        ));
    }
    if !k.namespace.is_empty() {
        transformers.push((
            "NamespaceTransformer",
            Box::new(namespace::NamespaceTransformer::new(
                &k.namespace,
                ctx.config,
            )),
        ));
    }
    if !k.name_prefix.is_empty() {
        transformers.push((
            "PrefixTransformer",
            Box::new(prefix_suffix::PrefixTransformer::new(
                &k.name_prefix,
                &ctx.config.name_prefix,
            )),
        ));
    }
    if !k.name_suffix.is_empty() {
        let specs = if ctx.config.name_suffix.is_empty() {
            &ctx.config.name_prefix
        } else {
            &ctx.config.name_suffix
        };
        transformers.push((
            "SuffixTransformer",
            Box::new(prefix_suffix::SuffixTransformer::new(&k.name_suffix, specs)),
        ));
    }
    for label in &k.labels {
        transformers.push((
            "LabelTransformer",
            Box::new(labels::LabelTransformer::for_label(label, ctx.config)?),
        ));
    }
    if !k.common_labels.is_empty() {
        transformers.push((
            "LabelTransformer",
            Box::new(labels::LabelTransformer::common(
                &k.common_labels,
                ctx.config,
            )),
        ));
    }
    if !k.common_annotations.is_empty() {
        transformers.push((
            "AnnotationsTransformer",
            Box::new(annotations::AnnotationsTransformer::common(
                &k.common_annotations,
                ctx.config,
            )),
        ));
    }
    for entry in &k.patches_json6902 {
        transformers.push((
            "PatchJson6902Transformer",
            Box::new(patches::PatchJson6902Transformer::from_entry(
                entry, ctx.loader,
            )?),
        ));
    }
    for replica in &k.replicas {
        transformers.push((
            "ReplicaCountTransformer",
            Box::new(replicas::ReplicaCountTransformer::new(replica, ctx.config)),
        ));
    }
    for image in &k.images {
        transformers.push((
            "ImageTagTransformer",
            Box::new(images::ImageTagTransformer::new(image, ctx.config)?),
        ));
    }
    if !k.replacements.is_empty() {
        transformers.push((
            "ReplacementTransformer",
            Box::new(replacements::ReplacementTransformer::from_kustomization(
                &k.replacements,
                ctx.loader,
            )?),
        ));
    }
    Ok(transformers)
}

/// Adds generated resources to the build, honouring each one's behavior
/// (create, merge, replace) against resources already there.
pub fn absorb_generated(resources: &mut ResMap, generated: Vec<Resource>) -> Result<()> {
    generators::absorb_all(resources, generated)
}
