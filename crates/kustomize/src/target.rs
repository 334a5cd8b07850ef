//! One kustomization directory being built: reads its kustomization file,
//! accumulates resources from files, bases and components, runs generators
//! and transformers in kustomize's order, and hands the result up.

use std::path::Path;

use crate::error::{Error, Result, ResultExt};
use crate::fieldspec::TransformerConfig;
use crate::kustomization::{
    Kustomization, COMPONENT_API_VERSION, COMPONENT_KIND, KUSTOMIZATION_KIND,
};
use crate::loader::{parse_yaml, Loader};
use crate::patch::Schema;
use crate::plugins::generators::go_quote;
use crate::plugins::{self, PluginContext};
use crate::resource::{Gvk, Origin, ResId, ResMap, Resource};
use crate::vars::VarSet;
use crate::yaml::Node;
use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

const KUSTOMIZATION_API_VERSION: &str = "kustomize.config.k8s.io/v1beta1";

/// What a kustomization (and the ones below it) produced so far. It starts
/// empty, config included, as kustomize's does: each kustomization merges
/// the built-in field specs in with its own `configurations:`.
#[derive(Default)]
pub(crate) struct Accumulator {
    pub resources: ResMap,
    pub config: TransformerConfig,
    pub vars: VarSet,
}

impl Accumulator {
    fn append_all(&mut self, resources: impl IntoIterator<Item = Resource>) -> Result<()> {
        self.resources
            .append_all(resources)
            .map_err(Error::DuplicateId)
    }

    /// Takes in everything a sub-kustomization accumulated.
    fn merge(&mut self, other: Accumulator) -> Result<()> {
        self.append_all(other.resources)?;
        self.config.merge(other.config)?;
        self.vars.merge_set(&other.vars)
    }
}

/// A kustomization directory and its parsed kustomization file.
pub(crate) struct Target<'fs> {
    pub loader: Loader<'fs>,
    pub kustomization: Kustomization,
    pub file_name: String,
    /// Set when origin annotations are requested (`buildMetadata`).
    pub origin: Option<Origin>,
    /// The build's strategic-merge schema. Like kustomize's process-wide
    /// schema, the first kustomization that names an `openapi:` sets it.
    pub schema: SchemaSlot,
    /// Warnings of the whole build, shared by all its kustomizations.
    pub warnings: Rc<RefCell<Vec<String>>>,
}

/// The schema of a build, shared by all its kustomizations.
pub(crate) type SchemaSlot = Rc<RefCell<Option<Rc<Schema>>>>;

impl<'fs> Target<'fs> {
    /// Reads and checks the kustomization file under the loader's root.
    pub fn load(loader: Loader<'fs>) -> Result<Self> {
        let (file_name, node) = loader.load_kustomization_file()?;
        let path = loader.root().join(&file_name);
        let kustomization = Kustomization::from_node(&node)
            .map_err(|e| Error::msg(format!("invalid Kustomization: {e}")))
            .with_context(|| format!("{}", path.display()))?;
        check_kind_and_version(&kustomization, loader.root())?;
        if node_is_empty_kustomization(&node) {
            return Err(Error::msg(format!(
                "kustomization.yaml is empty: {}",
                path.display()
            )));
        }
        Ok(Target {
            loader,
            kustomization,
            file_name,
            origin: None,
            schema: SchemaSlot::default(),
            warnings: Rc::default(),
        })
    }

    pub fn is_component(&self) -> bool {
        self.kustomization.is_component()
    }

    fn context<'a>(
        &'a self,
        config: &'a TransformerConfig,
        schema: &'a Schema,
    ) -> PluginContext<'a, 'fs> {
        PluginContext {
            loader: &self.loader,
            config,
            schema,
            origin: self.origin.as_ref(),
            warnings: Some(&self.warnings),
        }
    }

    /// The custom schema an `openapi:` set, if any (else the built-in one
    /// applies; it is not copied).
    fn custom_schema(&self) -> Option<Rc<Schema>> {
        self.schema.borrow().clone()
    }

    /// Applies this kustomization's `openapi:` to the build's schema unless
    /// an earlier kustomization already set it (kustomize's `SetSchema`).
    pub fn set_schema(&self, top_level: bool) -> Result<()> {
        let open_api = &self.kustomization.open_api;
        if open_api.is_empty() || (!top_level && self.schema.borrow().is_some()) {
            return Ok(());
        }
        if let Some(path) = open_api.get("path") {
            if open_api.contains_key("version") {
                return Err(Error::msg(
                    "builtin version and custom schema provided, cannot use both",
                ));
            }
            let docs = self.loader.load_yaml(path)?;
            let document = docs.into_iter().next().unwrap_or_default();
            let schema = if top_level {
                Schema::custom_only(&document)
            } else {
                Schema::with_custom(&document)
            }
            .map_err(|e| Error::msg(format!("{}: {e}", self.loader.resolve(path).display())))?;
            *self.schema.borrow_mut() = Some(Rc::new(schema));
        } else if let Some(version) = open_api.get("version") {
            if version != "v1.21.2" && !version.is_empty() {
                return Err(Error::msg("the specified OpenAPI version is not built in"));
            }
        }
        Ok(())
    }

    /// Builds this kustomization into a fresh accumulator.
    pub fn accumulate(&mut self) -> Result<Accumulator> {
        self.accumulate_into(Accumulator::default())
    }

    /// Kustomize's accumulateTarget: `ra` is empty for a kustomization, or
    /// the parent's accumulator for a component.
    fn accumulate_into(&mut self, ra: Accumulator) -> Result<Accumulator> {
        let resources = self.kustomization.resources.clone();
        let mut ra = self
            .accumulate_resources(ra, &resources)
            .context("accumulating resources")?;

        let config = TransformerConfig::make(&self.loader, &self.kustomization.configurations)?;
        ra.config.merge(config).context("merging config")?;
        if !self.kustomization.crds.is_empty() {
            let crd_config =
                crate::fieldspec::config_from_crds(&self.loader, &self.kustomization.crds)
                    .with_context(|| format!("loading CRDs {:?}", self.kustomization.crds))?;
            ra.config.merge(crd_config).context("merging CRDs")?;
        }

        self.run_generators(&mut ra)?;

        let components = self.kustomization.components.clone();
        let mut ra = self
            .accumulate_components(ra, &components)
            .context("accumulating components")?;

        self.run_transformers(&mut ra)?;
        let vars = self.kustomization.vars.clone();
        crate::vars::merge_vars(&mut ra.resources, &mut ra.vars, &vars)?;
        Ok(ra)
    }

    fn accumulate_resources(
        &mut self,
        mut ra: Accumulator,
        paths: &[String],
    ) -> Result<Accumulator> {
        let ids_of = |ra: &Accumulator| -> HashSet<ResId> {
            ra.resources.iter().map(|r| r.id().key()).collect()
        };
        let mut seen = ids_of(&ra);
        for path in paths {
            // A directory is a base (or overlay); anything else is read as a
            // file, so a broken or missing file is reported as just that.
            if !self.loader.fs().is_dir(&self.loader.resolve(path)) {
                self.accumulate_file(&mut ra, &mut seen, path)?;
                continue;
            }
            let sub_loader = self.loader.sub_loader(path)?;
            let saved_origin = self.origin.clone();
            if let Some(origin) = &mut self.origin {
                origin.path = join_origin_path(&origin.path, path);
            }
            let result = self.accumulate_directory(ra, sub_loader, false);
            self.origin = saved_origin;
            ra = result?;
            seen = ids_of(&ra);
        }
        Ok(ra)
    }

    fn accumulate_components(
        &mut self,
        mut ra: Accumulator,
        paths: &[String],
    ) -> Result<Accumulator> {
        for path in paths {
            let sub_loader = self
                .loader
                .sub_loader(path)
                .map_err(|e| Error::msg(format!("loader.New {}", go_quote(&e.to_string()))))?;
            let saved_origin = self.origin.clone();
            if let Some(origin) = &mut self.origin {
                origin.path = join_origin_path(&origin.path, path);
            }
            let result = self.accumulate_directory(ra, sub_loader, true);
            self.origin = saved_origin;
            ra = result.map_err(|e| {
                Error::msg(format!("accumulateDirectory: {}", go_quote(&e.to_string())))
            })?;
        }
        Ok(ra)
    }

    fn accumulate_directory(
        &mut self,
        ra: Accumulator,
        loader: Loader<'fs>,
        is_component: bool,
    ) -> Result<Accumulator> {
        let root = loader.root().to_path_buf();
        let mut sub = Target::load(loader)
            .with_context(|| format!("couldn't make target for path '{}'", root.display()))?;
        sub.kustomization.build_metadata = self.kustomization.build_metadata.clone();
        sub.origin = self.origin.clone();
        sub.schema = self.schema.clone();
        sub.warnings = self.warnings.clone();
        sub.set_schema(false)?;
        if is_component && !sub.is_component() {
            return Err(Error::msg(format!(
                "expected kind '{COMPONENT_KIND}' for path '{}' but got '{}'",
                root.display(),
                sub.kustomization
                    .kind
                    .as_deref()
                    .unwrap_or(KUSTOMIZATION_KIND)
            )));
        }
        if !is_component && sub.is_component() {
            return Err(Error::msg(format!(
                "expected kind != '{COMPONENT_KIND}' for path '{}'",
                root.display()
            )));
        }
        if is_component {
            // A component works on its parent's resources directly.
            sub.accumulate_into(ra)
                .with_context(|| format!("recursed accumulation of path '{}'", root.display()))
        } else {
            let sub_ra = sub
                .accumulate()
                .with_context(|| format!("recursed accumulation of path '{}'", root.display()))?;
            let mut ra = ra;
            ra.merge(sub_ra)
                .with_context(|| format!("recursed merging from path '{}'", root.display()))?;
            Ok(ra)
        }
    }

    /// Reads one file into the accumulator. `seen` holds the ids already
    /// there, kept across the files of one `resources:` list so that each
    /// file costs its own size, not the size of everything read before.
    fn accumulate_file(
        &self,
        ra: &mut Accumulator,
        seen: &mut HashSet<ResId>,
        path: &str,
    ) -> Result<()> {
        let resources = self
            .load_resources(path)
            .with_context(|| format!("accumulating resources from '{path}'"))?;
        let resources = resources.into_iter().map(|mut r| {
            if let Some(origin) = &self.origin {
                r.origin = Some(Origin {
                    path: join_origin_path(&origin.path, path),
                    ..origin.clone()
                });
            }
            r
        });
        for r in resources {
            let id = r.id();
            if !seen.insert(id.key()) {
                return Err(Error::DuplicateId(id))
                    .with_context(|| format!("merging resources from '{path}'"));
            }
            ra.resources.resources.push(r);
        }
        Ok(())
    }

    /// Reads the resources of one file (kustomize's resource factory).
    pub fn load_resources(&self, path: &str) -> Result<Vec<Resource>> {
        let docs = self.loader.load_yaml(path)?;
        resources_from_documents(docs, &self.loader.resolve(path))
    }

    fn run_generators(&self, ra: &mut Accumulator) -> Result<()> {
        let custom = self.custom_schema();
        let schema = custom.as_deref().unwrap_or(Schema::builtin());
        let ctx = self.context(&ra.config, schema);
        let mut generated = Vec::new();
        for (kind, generator) in plugins::builtin_generators(&self.kustomization)? {
            let origin = self.builtin_plugin_origin(kind);
            generated.push((generator.generate(&ctx)?, origin));
        }
        for (config, origin) in self.plugin_configs(&self.kustomization.generators)? {
            let generator = plugins::load_generator(&config, &ctx)?;
            generated.push((generator.generate(&ctx)?, origin));
        }
        for (mut resources, origin) in generated {
            if origin.is_some() {
                for r in &mut resources {
                    r.origin = origin.clone();
                }
            }
            plugins::absorb_generated(&mut ra.resources, resources)
                .context("merging from generator")?;
        }
        Ok(())
    }

    fn run_transformers(&self, ra: &mut Accumulator) -> Result<()> {
        let config = ra.config.clone();
        let custom = self.custom_schema();
        let schema = custom.as_deref().unwrap_or(Schema::builtin());
        let ctx = self.context(&config, schema);
        let mut transformers = Vec::new();
        for (kind, transformer) in plugins::builtin_transformers(&self.kustomization, &ctx)? {
            transformers.push((transformer, self.builtin_plugin_origin(kind)));
        }
        for (plugin_config, origin) in self.plugin_configs(&self.kustomization.transformers)? {
            transformers.push((plugins::load_transformer(&plugin_config, &ctx)?, origin));
        }
        for (transformer, origin) in transformers {
            transformer.transform(&mut ra.resources, &ctx)?;
            if let Some(origin) = origin {
                record_transformation(&mut ra.resources, &origin);
            }
        }
        Ok(())
    }

    /// Where a built-in plugin configured by this kustomization's own fields
    /// comes from (only tracked when `buildMetadata` asks).
    fn builtin_plugin_origin(&self, kind: &str) -> Option<Origin> {
        let origin = self.origin.as_ref()?;
        Some(Origin {
            path: String::new(),
            configured_in: join_origin_path(&origin.path, &self.file_name),
            configured_by: Some(ResId::new(Gvk::new("", "builtin", kind), "", "")),
            ..origin.clone()
        })
    }

    /// Plugin configurations listed under `generators:`/`transformers:`:
    /// each entry is inline YAML or a path to a file or kustomization. Each
    /// comes with its origin when `buildMetadata` asks for it.
    fn plugin_configs(&self, entries: &[String]) -> Result<Vec<(Node, Option<Origin>)>> {
        let mut configs = Vec::new();
        let origin_of = |configured_in: String, config: &Node| {
            self.origin.as_ref().map(|origin| Origin {
                path: String::new(),
                configured_in,
                configured_by: Some(ResId::new(
                    Gvk::from_api_version(
                        config.str_at(&["apiVersion"]).unwrap_or(""),
                        config.str_at(&["kind"]).unwrap_or(""),
                    ),
                    config.str_at(&["metadata", "name"]).unwrap_or(""),
                    config.str_at(&["metadata", "namespace"]).unwrap_or(""),
                )),
                ..origin.clone()
            })
        };
        let base_path = self
            .origin
            .as_ref()
            .map(|o| o.path.clone())
            .unwrap_or_default();
        for entry in entries {
            if let Some(inline) = inline_yaml_documents(entry) {
                for config in inline {
                    let origin = origin_of(join_origin_path(&base_path, &self.file_name), &config);
                    configs.push((config, origin));
                }
                continue;
            }
            let path = self.loader.resolve(entry);
            if self.loader.fs().is_dir(&path) {
                let sub_loader = self.loader.sub_loader(entry)?;
                let mut sub = Target::load(sub_loader)?;
                sub.origin = Some(Origin {
                    path: join_origin_path(&base_path, entry),
                    ..Origin::default()
                });
                let sub_ra = sub.accumulate()?;
                for r in sub_ra.resources {
                    let file = r
                        .origin
                        .as_ref()
                        .map(|o| o.path.clone())
                        .unwrap_or_default();
                    let origin = origin_of(file, &r.node);
                    configs.push((r.node, origin));
                }
            } else {
                for config in self.loader.load_yaml(entry)? {
                    let origin = origin_of(join_origin_path(&base_path, entry), &config);
                    configs.push((config, origin));
                }
            }
        }
        Ok(configs)
    }
}

/// Kustomize's `AddTransformerAnnotation`: every resource records that the
/// transformer ran over it; one without an origin takes the transformer's.
fn record_transformation(resources: &mut ResMap, origin: &Origin) {
    for r in resources.iter_mut() {
        if r.origin.is_none() {
            r.origin = Some(origin.clone());
        } else {
            r.transformations.push(origin.clone());
        }
    }
}

/// The documents of a list entry written inline (YAML mappings) rather than
/// as a path: `generators:`, `transformers:` and `patchesStrategicMerge:`
/// entries may be either.
pub(crate) fn inline_yaml_documents(entry: &str) -> Option<Vec<Node>> {
    if !entry.contains('\n') && !entry.contains(": ") {
        return None;
    }
    let docs = crate::yaml::parse_documents(entry).ok()?;
    docs.iter().all(|d| d.as_map().is_some()).then_some(docs)
}

/// Splits documents into resources, expanding `List` kinds.
pub(crate) fn resources_from_documents(docs: Vec<Node>, path: &Path) -> Result<Vec<Resource>> {
    // Like kustomize, a List's items join the end of the queue: they come
    // after the documents that follow the List in the file.
    let mut queue: std::collections::VecDeque<Node> = docs.into();
    let mut out = Vec::new();
    while let Some(doc) = queue.pop_front() {
        let Node::Map(map) = &doc else {
            return Err(Error::msg(format!(
                "{}: expected a YAML mapping (a Kubernetes-style object), found a {}",
                path.display(),
                doc.kind_name()
            )));
        };
        if map.is_empty() {
            continue;
        }
        let kind = doc.str_at(&["kind"]).unwrap_or("");
        if kind.ends_with("List") {
            match doc.get("items") {
                Some(Node::Seq(items)) => queue.extend(items.iter().cloned()),
                None => {}
                Some(items) if items.is_null() => {}
                Some(other) => {
                    return Err(Error::msg(format!(
                        "{}: the items of a {kind} must be a list, not a {}",
                        path.display(),
                        other.kind_name()
                    )))
                }
            }
            continue;
        }
        if kind.is_empty() {
            return Err(Error::msg(format!(
                "{}: missing kind in object {}",
                path.display(),
                short_object(&doc)
            )));
        }
        if doc.str_at(&["metadata", "name"]).is_none_or(str::is_empty) {
            return Err(Error::msg(format!(
                "{}: missing metadata.name in object {}",
                path.display(),
                describe_object(&doc)
            )));
        }
        out.push(Resource::new(doc));
    }
    Ok(out)
}

fn short_object(doc: &Node) -> String {
    let name = doc.str_at(&["metadata", "name"]).unwrap_or("");
    format!("with name '{name}'")
}

/// An object without a name, for errors: its apiVersion and kind.
fn describe_object(doc: &Node) -> String {
    let kind = doc.str_at(&["kind"]).unwrap_or("");
    let api_version = doc.str_at(&["apiVersion"]).unwrap_or("");
    format!("{{apiVersion: {api_version}, kind: {kind}}}")
}

fn check_kind_and_version(k: &Kustomization, root: &Path) -> Result<()> {
    let kind = k.kind.as_deref().unwrap_or("");
    let mut errors = Vec::new();
    if !kind.is_empty() && kind != KUSTOMIZATION_KIND && kind != COMPONENT_KIND {
        errors.push(format!(
            "kind should be {KUSTOMIZATION_KIND} or {COMPONENT_KIND}"
        ));
    }
    let required = if kind == COMPONENT_KIND {
        COMPONENT_API_VERSION
    } else {
        KUSTOMIZATION_API_VERSION
    };
    if let Some(api_version) = k.api_version.as_deref() {
        if !api_version.is_empty() && api_version != required {
            errors.push(format!("apiVersion for {kind} should be {required}"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::msg(format!(
            "Failed to read kustomization file under {}:\n{}",
            root.display(),
            errors.join("\n")
        )))
    }
}

/// A kustomization file with nothing but `apiVersion`/`kind` (or nothing).
fn node_is_empty_kustomization(node: &Node) -> bool {
    match node {
        Node::Map(map) => map.keys().all(|k| k == "apiVersion" || k == "kind"),
        _ => true,
    }
}

fn join_origin_path(base: &str, path: &str) -> String {
    let joined = if base.is_empty() {
        path.to_owned()
    } else {
        format!("{base}/{path}")
    };
    crate::fs::normalize(Path::new(&joined))
        .to_string_lossy()
        .into_owned()
}

/// Parses the text of a file that should hold resources.
pub(crate) fn parse_resources(path: &Path, text: &str) -> Result<Vec<Resource>> {
    resources_from_documents(parse_yaml(path, text)?, path)
}
