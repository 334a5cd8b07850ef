//! `ConfigMapGenerator` and `SecretGenerator`: ConfigMaps and Secrets made
//! from literals, files and env files, and the rules by which generated
//! resources join the resources already in a build (create, merge, replace).
//!
//! Behaviour and messages follow kustomize v5.5.0 as embedded in kubectl
//! (`api/kv`, `api/internal/generators`, `resWrangler.appendReplaceOrMerge`),
//! checked against `kubectl kustomize`. Kustomize's key validator is a no-op,
//! so any key (spaces, slashes, non-ASCII) is accepted, as it is here.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::Deserialize;

use crate::error::{Error, Result};
use crate::kustomization::{node_to_config_json, GeneratorArgs, GeneratorOptions};
use crate::loader::Loader;
use crate::plugins::{Generator, PluginContext};
use crate::resource::{Behavior, ResId, ResMap, Resource};
use crate::yaml::{Map, Node};

/// Options after `generatorOptions` were merged into a generator's own.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Options {
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
    disable_name_suffix_hash: bool,
    immutable: bool,
}

impl Options {
    /// Kustomize's `MergeGlobalOptionsIntoLocal`: local labels and
    /// annotations win over global ones; a global `true` wins over a local
    /// `false` (booleans cannot say "unset").
    fn merged(local: Option<&GeneratorOptions>, global: Option<&GeneratorOptions>) -> Options {
        let mut options = Options::default();
        for source in [global, local].into_iter().flatten() {
            options.labels.extend(source.labels.clone());
            options.annotations.extend(source.annotations.clone());
            options.disable_name_suffix_hash |= source.disable_name_suffix_hash.unwrap_or(false);
            options.immutable |= source.immutable.unwrap_or(false);
        }
        options
    }
}

/// What both generators are configured with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Spec {
    name: String,
    namespace: String,
    behavior: Behavior,
    literals: Vec<String>,
    files: Vec<String>,
    envs: Vec<String>,
    options: Options,
}

impl Spec {
    fn from_args(args: &GeneratorArgs, global: Option<&GeneratorOptions>) -> Spec {
        let mut envs = args.envs.clone();
        // The deprecated single `env` file comes after `envs`.
        if !args.env.is_empty() {
            envs.push(args.env.clone());
        }
        Spec {
            name: args.name.clone(),
            namespace: args.namespace.clone(),
            behavior: parse_behavior(&args.behavior),
            literals: args.literals.clone(),
            files: args.files.clone(),
            envs,
            options: Options::merged(args.options.as_ref(), global),
        }
    }

    fn from_config(config: &PluginConfig) -> Spec {
        let mut envs = config.envs.clone();
        if !config.env.is_empty() {
            envs.push(config.env.clone());
        }
        let pick = |own: &str, meta: &str| if own.is_empty() { meta } else { own }.to_owned();
        Spec {
            name: pick(&config.name, &config.metadata.name),
            namespace: pick(&config.namespace, &config.metadata.namespace),
            behavior: parse_behavior(&config.behavior),
            literals: config.literals.clone(),
            files: config.files.clone(),
            envs,
            options: Options::merged(
                config
                    .options
                    .as_ref()
                    .map(PluginOptions::as_generator_options)
                    .as_ref(),
                None,
            ),
        }
    }

    /// The resource skeleton (`apiVersion`, `kind`, `metadata.name` and
    /// `namespace`), refusing a nameless generator in kustomize's words.
    fn base_node(&self, kind: &str) -> Result<Map> {
        if self.name.is_empty() {
            return Err(Error::msg("a configmap must have a name"));
        }
        let mut metadata = Map::new();
        metadata.insert("name", Node::string(&self.name));
        if !self.namespace.is_empty() {
            metadata.insert("namespace", Node::string(&self.namespace));
        }
        let mut node = Map::new();
        node.insert("apiVersion", Node::string("v1"));
        node.insert("kind", Node::string(kind));
        node.insert("metadata", Node::Map(metadata));
        Ok(node)
    }

    /// Reads every key/value pair (env files, then literals, then files)
    /// and refuses repeated keys.
    fn data(&self, loader: &Loader<'_>) -> Result<BTreeMap<String, Vec<u8>>> {
        let pairs = load_pairs(loader, &self.envs, &self.literals, &self.files)
            .map_err(|e| e.context("loading KV pairs"))?;
        let mut data = BTreeMap::new();
        for (key, value) in pairs {
            if data.contains_key(&key) {
                return Err(Error::msg(format!(
                    "configmap {} illegally repeats the key `{}`",
                    self.name, key
                )));
            }
            data.insert(key, value);
        }
        Ok(data)
    }

    /// Labels, annotations and `immutable` from the options, then the
    /// internal marks the build uses later.
    fn finish(&self, mut node: Map) -> Resource {
        if let Some(Node::Map(metadata)) = node.get_mut("metadata") {
            for (field, values) in [
                ("labels", &self.options.labels),
                ("annotations", &self.options.annotations),
            ] {
                if !values.is_empty() {
                    let map: Map = values
                        .iter()
                        .map(|(k, v)| (k.clone(), Node::string(v)))
                        .collect();
                    metadata.insert(field, Node::Map(map));
                }
            }
        }
        if self.options.immutable {
            node.insert("immutable", bool_node(true));
        }
        let mut resource = Resource::new(Node::Map(node));
        resource.behavior = self.behavior;
        resource.needs_hash_suffix = !self.options.disable_name_suffix_hash;
        resource
    }
}

/// Kustomize's `NewGenerationBehavior`: unknown words mean "unspecified".
fn parse_behavior(text: &str) -> Behavior {
    Behavior::parse(text).unwrap_or(Behavior::Unspecified)
}

fn bool_node(value: bool) -> Node {
    Node::Scalar(crate::yaml::Scalar {
        value: value.to_string(),
        kind: crate::yaml::ScalarKind::Bool,
    })
}

/// A generator's configuration as kustomize reads it from a plugin config
/// (`generators:` entry): unknown fields are ignored, and `name` and
/// `namespace` default to the config's own metadata.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct PluginConfig {
    metadata: PluginMetadata,
    name: String,
    namespace: String,
    behavior: String,
    literals: Vec<String>,
    files: Vec<String>,
    envs: Vec<String>,
    env: String,
    options: Option<PluginOptions>,
    #[serde(rename = "type")]
    secret_type: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PluginMetadata {
    name: String,
    namespace: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct PluginOptions {
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
    disable_name_suffix_hash: bool,
    immutable: bool,
}

impl PluginOptions {
    fn as_generator_options(&self) -> GeneratorOptions {
        GeneratorOptions {
            labels: self.labels.clone(),
            annotations: self.annotations.clone(),
            disable_name_suffix_hash: Some(self.disable_name_suffix_hash),
            immutable: Some(self.immutable),
        }
    }
}

fn parse_plugin_config(config: &Node, kind: &str) -> Result<PluginConfig> {
    serde_json::from_value(node_to_config_json(config)).map_err(|e| {
        let name = config.str_at(&["metadata", "name"]).unwrap_or("");
        Error::msg(format!("invalid configuration of {kind} '{name}': {e}"))
    })
}

/// Makes one ConfigMap. Values that are not UTF-8 go to `binaryData`
/// (base64), the others to `data`; neither field is written when empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigMapGenerator {
    spec: Spec,
}

impl ConfigMapGenerator {
    /// From a plugin configuration (`kind: ConfigMapGenerator`).
    pub fn from_config(config: &Node) -> Result<Self> {
        let config = parse_plugin_config(config, "ConfigMapGenerator")?;
        Ok(ConfigMapGenerator {
            spec: Spec::from_config(&config),
        })
    }

    /// From a `configMapGenerator:` entry and the kustomization's
    /// `generatorOptions`.
    pub fn from_args(args: &GeneratorArgs, global: Option<&GeneratorOptions>) -> Self {
        ConfigMapGenerator {
            spec: Spec::from_args(args, global),
        }
    }

    fn make(&self, loader: &Loader<'_>) -> Result<Resource> {
        let mut node = self.spec.base_node("ConfigMap")?;
        let mut text = Map::new();
        let mut binary = Map::new();
        for (key, value) in self.spec.data(loader)? {
            match String::from_utf8(value) {
                Ok(s) => text.insert(key, Node::string(s)),
                Err(e) => binary.insert(key, Node::string(base64_encode(e.as_bytes()))),
            };
        }
        if !text.is_empty() {
            node.insert("data", Node::Map(text));
        }
        if !binary.is_empty() {
            node.insert("binaryData", Node::Map(binary));
        }
        Ok(self.spec.finish(node))
    }
}

impl Generator for ConfigMapGenerator {
    fn generate(&self, ctx: &PluginContext<'_, '_>) -> Result<Vec<Resource>> {
        Ok(vec![self.make(ctx.loader)?])
    }
}

/// Makes one Secret: every value base64-encoded under `data` (always
/// present, even empty), `type` defaulting to `Opaque`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretGenerator {
    spec: Spec,
    secret_type: String,
}

impl SecretGenerator {
    /// From a plugin configuration (`kind: SecretGenerator`).
    pub fn from_config(config: &Node) -> Result<Self> {
        let config = parse_plugin_config(config, "SecretGenerator")?;
        Ok(SecretGenerator {
            spec: Spec::from_config(&config),
            secret_type: config.secret_type,
        })
    }

    /// From a `secretGenerator:` entry and the kustomization's
    /// `generatorOptions`.
    pub fn from_args(args: &GeneratorArgs, global: Option<&GeneratorOptions>) -> Self {
        SecretGenerator {
            spec: Spec::from_args(args, global),
            secret_type: args.kind.clone(),
        }
    }

    fn make(&self, loader: &Loader<'_>) -> Result<Resource> {
        let mut node = self.spec.base_node("Secret")?;
        let secret_type = if self.secret_type.is_empty() {
            "Opaque"
        } else {
            &self.secret_type
        };
        node.insert("type", Node::string(secret_type));
        let data: Map = self
            .spec
            .data(loader)?
            .into_iter()
            .map(|(key, value)| (key, Node::string(base64_encode(&value))))
            .collect();
        node.insert("data", Node::Map(data));
        Ok(self.spec.finish(node))
    }
}

impl Generator for SecretGenerator {
    fn generate(&self, ctx: &PluginContext<'_, '_>) -> Result<Vec<Resource>> {
        Ok(vec![self.make(ctx.loader)?])
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    // Kustomize (kyaml) breaks base64 into lines of 70 characters, each
    // ending in a newline, once the text reaches 70 characters; the value
    // (and so the name hash) contains those newlines.
    const LINE_LEN: usize = 70;
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    if encoded.len() < LINE_LEN {
        return encoded;
    }
    let mut out = String::with_capacity(encoded.len() + encoded.len() / LINE_LEN + 1);
    for chunk in encoded.as_bytes().chunks(LINE_LEN) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------------------
// Key/value sources (kustomize's api/kv).

/// All pairs in kustomize's order: env files, literals, files. Errors name
/// the source list the way kustomize prints a Go slice (`[a b]`).
fn load_pairs(
    loader: &Loader<'_>,
    envs: &[String],
    literals: &[String],
    files: &[String],
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut pairs = Vec::new();
    for path in envs {
        let content = loader
            .load(path)
            .and_then(|bytes| env_file_pairs(&bytes))
            .map_err(|e| e.context(format!("env source files: {}", go_slice(envs))))?;
        pairs.extend(content.into_iter().map(|(k, v)| (k, v.into_bytes())));
    }
    for source in literals {
        let (key, value) = parse_literal_source(source)
            .map_err(|e| e.context(format!("literal sources {}", go_slice(literals))))?;
        pairs.push((key, value.into_bytes()));
    }
    for source in files {
        let (key, path) = parse_file_source(source)
            .and_then(|(key, path)| Ok((key, loader.load(&path)?)))
            .map_err(|e| e.context(format!("file sources: {}", go_slice(files))))?;
        pairs.push((key, path));
    }
    Ok(pairs)
}

/// `key=value`, the value's surrounding quotes (matching single or double)
/// removed.
fn parse_literal_source(source: &str) -> Result<(String, String)> {
    match source.split_once('=') {
        Some((key, value)) if !key.is_empty() => {
            Ok((key.to_owned(), remove_quotes(value).to_owned()))
        }
        _ => Err(Error::msg(format!(
            "invalid literal source {source}, expected key=value"
        ))),
    }
}

fn remove_quotes(value: &str) -> &str {
    let bytes = value.as_bytes();
    if bytes.len() >= 2 && bytes[0] == bytes[bytes.len() - 1] && matches!(bytes[0], b'"' | b'\'') {
        &value[1..value.len() - 1]
    } else {
        value
    }
}

/// `path` (the key is the file's base name) or `key=path`.
fn parse_file_source(source: &str) -> Result<(String, String)> {
    let separators = source.matches('=').count();
    if separators == 0 {
        return Ok((go_path_base(source), source.to_owned()));
    }
    if separators > 1 {
        return Err(Error::msg(format!(
            "source {} key name or file path contains '='",
            go_quote(source)
        )));
    }
    let (key, path) = source.split_once('=').expect("one separator");
    if key.is_empty() {
        return Err(Error::msg(format!(
            "missing key name for file path {} in source {}",
            go_quote(path),
            go_quote(source)
        )));
    }
    if path.is_empty() {
        return Err(Error::msg(format!(
            "missing file path for key name {} in source {}",
            go_quote(key),
            go_quote(source)
        )));
    }
    Ok((key.to_owned(), path.to_owned()))
}

/// Go's `path.Base`: the last element after trailing slashes are dropped.
fn go_path_base(path: &str) -> String {
    if path.is_empty() {
        return ".".to_owned();
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".to_owned();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_owned()
}

/// Go's `bufio.Scanner` gives up on lines longer than this, and kustomize
/// does not check the scanner's error: the rest of the file is ignored.
const MAX_ENV_LINE: usize = 64 * 1024 - 1;

/// Parses an env file: `KEY=value` lines (the value taken verbatim, quotes
/// and trailing spaces included), `KEY` alone for an empty value, leading
/// whitespace dropped, blank lines and `#` comments skipped, a byte order
/// mark removed from the first line only.
fn env_file_pairs(content: &[u8]) -> Result<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    for (number, raw) in scan_lines(content).enumerate() {
        let Ok(line) = std::str::from_utf8(raw) else {
            return Err(Error::msg(format!(
                "line {} has invalid utf8 bytes : {}",
                go_byte_slice(raw),
                String::from_utf8_lossy(raw)
            )));
        };
        let line = if number == 0 {
            line.strip_prefix('\u{feff}').unwrap_or(line)
        } else {
            line
        };
        let line = line.trim_start_matches(go_is_space);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').unwrap_or((line, ""));
        if key.is_empty() {
            continue;
        }
        pairs.push((key.to_owned(), value.to_owned()));
    }
    Ok(pairs)
}

/// Lines as `bufio.ScanLines` yields them: split at `\n`, one trailing `\r`
/// dropped, a last line without newline kept, stopping at an over-long line.
fn scan_lines(content: &[u8]) -> impl Iterator<Item = &[u8]> {
    let content = match content.strip_suffix(b"\n") {
        Some(rest) => rest,
        None => content,
    };
    let lines: Box<dyn Iterator<Item = &[u8]>> = if content.is_empty() {
        Box::new(std::iter::empty())
    } else {
        Box::new(content.split(|&b| b == b'\n'))
    };
    lines
        .take_while(|line| line.len() <= MAX_ENV_LINE)
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
}

/// Go's `unicode.IsSpace`.
fn go_is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

/// A byte slice as Go's `%d` prints it: `[104 105]`.
fn go_byte_slice(bytes: &[u8]) -> String {
    let parts: Vec<String> = bytes.iter().map(u8::to_string).collect();
    format!("[{}]", parts.join(" "))
}

/// A string slice as Go's `%v` prints it: `[a b]`.
fn go_slice(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// Go's `%q` (`strconv.Quote`) for the strings that appear in messages.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control()
                || matches!(
                    c,
                    '\u{a0}' | '\u{ad}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
                ) =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A resource id as Go's `%#v` prints kustomize's `resid.ResId`.
fn go_syntax_id(id: &ResId) -> String {
    format!(
        "resid.ResId{{Gvk:resid.Gvk{{Group:{}, Version:{}, Kind:{}, isClusterScoped:{}}}, Name:{}, Namespace:{}}}",
        go_quote(&id.gvk.group),
        go_quote(&id.gvk.version),
        go_quote(&id.gvk.kind),
        id.gvk.is_cluster_scoped(),
        go_quote(&id.name),
        go_quote(&id.namespace)
    )
}

// ---------------------------------------------------------------------------
// Adding generated resources to a build.

/// Adds generated resources one by one (kustomize's `AbsorbAll`): a resource
/// whose id (current or earlier) matches none is appended, unless it asks to
/// merge or replace; one that matches exactly one existing resource must ask
/// to merge or replace it, and takes its place.
pub fn absorb_all(resources: &mut ResMap, generated: Vec<Resource>) -> Result<()> {
    for resource in generated {
        absorb_one(resources, resource)?;
    }
    Ok(())
}

fn absorb_one(resources: &mut ResMap, mut incoming: Resource) -> Result<()> {
    let id = incoming.id();
    let matches = resources.matching_any_id(&id);
    match matches.as_slice() {
        [] => match incoming.behavior {
            Behavior::Merge | Behavior::Replace => Err(Error::msg(format!(
                "id {} does not exist; cannot merge or replace",
                go_syntax_id(&id)
            ))),
            Behavior::Create | Behavior::Unspecified => {
                resources.append(incoming).map_err(Error::DuplicateId)
            }
        },
        [index] => {
            let existing = &resources.resources[*index];
            match incoming.behavior {
                Behavior::Replace => {
                    copy_merge_metadata(&mut incoming, existing);
                    if incoming.origin.is_none() {
                        incoming.origin = existing.origin.clone();
                    }
                }
                Behavior::Merge => {
                    copy_merge_metadata(&mut incoming, existing);
                    merge_string_map_field(&mut incoming.node, &existing.node, "data");
                    merge_string_map_field(&mut incoming.node, &existing.node, "binaryData");
                    if existing.origin.is_some() {
                        incoming.origin = existing.origin.clone();
                    }
                }
                Behavior::Create | Behavior::Unspecified => {
                    return Err(Error::msg(format!(
                        "id {} exists; behavior must be merge or replace",
                        go_syntax_id(&id)
                    )))
                }
            }
            resources.resources[*index] = incoming;
            Ok(())
        }
        many => {
            let ids: Vec<String> = many
                .iter()
                .map(|&i| resources.resources[i].id().to_string())
                .collect();
            Err(Error::msg(format!(
                "found multiple objects [{}] that could accept merge of {}",
                ids.join(" "),
                id
            )))
        }
    }
}

/// Kustomize's `CopyMergeMetaDataFieldsFrom`: labels and annotations are
/// merged (the incoming resource's win), name and namespace are the existing
/// resource's, and so is what the build remembers about it (earlier ids,
/// behavior, var references). A hash suffix is added only if both wanted one
/// (observed with kubectl: either side disabling it disables it).
fn copy_merge_metadata(incoming: &mut Resource, existing: &Resource) {
    for field in ["labels", "annotations"] {
        let old = string_map(existing.metadata_map(field));
        let mut merged = old.clone();
        merged.extend(string_map(incoming.metadata_map(field)));
        if field == "annotations" {
            // Bookkeeping annotations describe the existing resource only.
            for key in BUILD_ANNOTATIONS {
                match old.get(*key) {
                    Some(value) => merged.insert((*key).to_owned(), value.clone()),
                    None => merged.remove(*key),
                };
            }
        }
        set_metadata_string_map(&mut incoming.node, field, &merged);
    }
    incoming.set_name(existing.name());
    let namespace = existing.namespace();
    if namespace.is_empty() {
        if let Some(Node::Map(metadata)) = incoming.node.get_mut("metadata") {
            metadata.remove("namespace");
        }
    } else {
        incoming.set_namespace(namespace);
    }
    incoming.previous_ids = existing.previous_ids.clone();
    incoming.behavior = existing.behavior;
    incoming.needs_hash_suffix &= existing.needs_hash_suffix;
    incoming.ref_var_names = existing.ref_var_names.clone();
}

/// Kustomize's `BuildAnnotations`: internal marks that a merge or replace
/// takes from the existing resource, never from the incoming one.
const BUILD_ANNOTATIONS: &[&str] = &[
    "internal.config.kubernetes.io/previousKinds",
    "internal.config.kubernetes.io/previousNames",
    "internal.config.kubernetes.io/prefixes",
    "internal.config.kubernetes.io/suffixes",
    "internal.config.kubernetes.io/previousNamespaces",
    "internal.config.kubernetes.io/allowNameChange",
    "internal.config.kubernetes.io/allowKindChange",
    "internal.config.kubernetes.io/refBy",
    "internal.config.kubernetes.io/generatorBehavior",
    "internal.config.kubernetes.io/needsHashSuffix",
    "internal.config.kubernetes.io/path",
    "internal.config.kubernetes.io/index",
    "internal.config.kubernetes.io/seqindent",
    "config.kubernetes.io/path",
    "config.kubernetes.io/index",
];

/// A map of strings as kustomize reads it (`GetLabels`, `GetDataMap`):
/// every value by its scalar text, non-scalars as empty strings.
fn string_map(map: Option<&Map>) -> BTreeMap<String, String> {
    map.map(|m| {
        m.iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_scalar().map(|s| s.value.clone()).unwrap_or_default(),
                )
            })
            .collect()
    })
    .unwrap_or_default()
}

fn string_map_node(map: &BTreeMap<String, String>) -> Node {
    Node::Map(
        map.iter()
            .map(|(k, v)| (k.clone(), Node::string(v)))
            .collect(),
    )
}

/// Sets `metadata.<field>`, removing it when the map is empty.
fn set_metadata_string_map(node: &mut Node, field: &str, map: &BTreeMap<String, String>) {
    if map.is_empty() {
        if let Some(Node::Map(metadata)) = node.get_mut("metadata") {
            metadata.remove(field);
        }
    } else {
        node.set_path(&["metadata", field], string_map_node(map));
    }
}

/// Merges the existing resource's `data` (or `binaryData`) into the
/// incoming one's, the incoming values winning; an empty result removes
/// the field.
fn merge_string_map_field(incoming: &mut Node, existing: &Node, field: &str) {
    let mut merged = string_map(existing.get(field).and_then(Node::as_map));
    merged.extend(string_map(incoming.get(field).and_then(Node::as_map)));
    if let Node::Map(map) = incoming {
        if merged.is_empty() {
            map.remove(field);
        } else {
            map.insert(field, string_map_node(&merged));
        }
    }
}

#[cfg(test)]
mod base64_tests {
    use super::base64_encode;

    #[test]
    fn wraps_long_base64_like_kyaml() {
        assert_eq!(base64_encode(b"apple"), "YXBwbGU=");
        let long = base64_encode(&[b'x'; 60]);
        let lines: Vec<&str> = long.lines().collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), 70);
        assert!(long.ends_with('\n'));
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::fs::MemFs;
    use crate::loader::LoadRestrictor;
    use crate::plugins::hash::add_hash_suffixes;
    use crate::yaml::emit::to_yaml_string;
    use crate::yaml::parse::parse_single;

    fn fs_with(files: &[(&str, &[u8])]) -> MemFs {
        let mut fs = MemFs::new();
        fs.add("app/kustomization.yaml", "");
        for (path, content) in files {
            fs.add(format!("app/{path}"), content.to_vec());
        }
        fs
    }

    fn args(yaml: &str) -> GeneratorArgs {
        serde_json::from_value(node_to_config_json(&parse_single(yaml).unwrap())).unwrap()
    }

    fn options(yaml: &str) -> GeneratorOptions {
        serde_json::from_value(node_to_config_json(&parse_single(yaml).unwrap())).unwrap()
    }

    /// Appends hash suffixes and prints as kustomize does.
    fn render(resources: Vec<Resource>) -> String {
        let mut map = ResMap { resources };
        add_hash_suffixes(&mut map).unwrap();
        map.iter()
            .map(|r| to_yaml_string(&r.node))
            .collect::<Vec<_>>()
            .join("---\n")
    }

    fn config_map(fs: &MemFs, yaml: &str) -> Result<Resource> {
        let loader = Loader::new(fs, Path::new("/app"), LoadRestrictor::RootOnly).unwrap();
        ConfigMapGenerator::from_args(&args(yaml), None).make(&loader)
    }

    fn secret(fs: &MemFs, yaml: &str) -> Result<Resource> {
        let loader = Loader::new(fs, Path::new("/app"), LoadRestrictor::RootOnly).unwrap();
        SecretGenerator::from_args(&args(yaml), None).make(&loader)
    }

    fn err(result: Result<Resource>) -> String {
        result.unwrap_err().to_string()
    }

    // Expected outputs below were produced by `kubectl kustomize` (v5.5.0).

    #[test]
    fn config_map_from_every_source_matches_kubectl() {
        let fs = fs_with(&[
            (
                "a.env",
                b"A=1\n# comment\n\n  B = 2 \nC\nD=\"quoted\"\r\nE=x=y\n",
            ),
            ("b.env", b"\xef\xbb\xbfBOM=1\nX=2"),
            ("bin.dat", b"\xff\xfe\x00bin"),
            ("u.txt", "h\u{e9}llo <>&\n".as_bytes()),
        ]);
        let cm = config_map(
            &fs,
            r#"
name: cm
literals: ['q1="double"', "q2='single'", "q3=\"mismatch'", "q4=", "q5=a=b", "q6=\""]
envs: [a.env, b.env]
files: [bin.dat, uni=u.txt]
options: {immutable: true, labels: {l: v}, annotations: {a: b}}
"#,
        )
        .unwrap();
        assert_eq!(cm.behavior, Behavior::Unspecified);
        let expected = r#"apiVersion: v1
binaryData:
  bin.dat: //4AYmlu
data:
  A: "1"
  'B ': ' 2 '
  BOM: "1"
  C: ""
  D: '"quoted"'
  E: x=y
  X: "2"
  q1: double
  q2: single
  q3: '"mismatch'''
  q4: ""
  q5: a=b
  q6: '"'
  uni: |
    héllo <>&
immutable: true
kind: ConfigMap
metadata:
  annotations:
    a: b
  labels:
    l: v
  name: cm-59hdmm2tdm
"#;
        assert_eq!(render(vec![cm]), expected);
    }

    #[test]
    fn secrets_match_kubectl() {
        let fs = fs_with(&[("bin.dat", b"\xff\xfe\x00bin")]);
        let tls = secret(
            &fs,
            "name: s\ntype: kubernetes.io/tls\nliterals: [tls.crt=x, tls.key=y]\nfiles: [bin.dat]\n",
        )
        .unwrap();
        let empty = secret(&fs, "name: s2\noptions: {disableNameSuffixHash: true}\n").unwrap();
        assert!(!empty.needs_hash_suffix);
        let expected = "apiVersion: v1\ndata:\n  bin.dat: //4AYmlu\n  tls.crt: eA==\n  tls.key: eQ==\nkind: Secret\nmetadata:\n  name: s-64k82d7858\ntype: kubernetes.io/tls\n---\napiVersion: v1\ndata: {}\nkind: Secret\nmetadata:\n  name: s2\ntype: Opaque\n";
        assert_eq!(render(vec![tls, empty]), expected);
    }

    #[test]
    fn immutable_secret_with_options_matches_kubectl() {
        let fs = fs_with(&[("b.bin", b"\xff")]);
        let s = secret(
            &fs,
            "name: s\nfiles: [b.bin]\noptions: {immutable: true, labels: {z: '1', a: '2'}, annotations: {x: yy}}\n",
        )
        .unwrap();
        let cm = config_map(
            &fs,
            "name: cm\nfiles: [b.bin]\noptions: {immutable: false}\n",
        )
        .unwrap();
        let expected = "apiVersion: v1\nbinaryData:\n  b.bin: /w==\nkind: ConfigMap\nmetadata:\n  name: cm-4f75d58gkm\n---\napiVersion: v1\ndata:\n  b.bin: /w==\nimmutable: true\nkind: Secret\nmetadata:\n  annotations:\n    x: yy\n  labels:\n    a: \"2\"\n    z: \"1\"\n  name: s-t7bmm8mfbk\ntype: Opaque\n";
        assert_eq!(render(vec![cm, s]), expected);
    }

    #[test]
    fn empty_config_map_has_no_data_field() {
        let fs = fs_with(&[]);
        let cm = config_map(&fs, "name: cm\nnamespace: ns\n").unwrap();
        assert_eq!(
            render(vec![cm]),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-6ct58987ht\n  namespace: ns\n"
        );
    }

    #[test]
    fn env_file_details() {
        let pairs = env_file_pairs(b"=v\n\xef\xbb\xbfK=1\n\t X=\t\n").unwrap();
        // A BOM is only removed from the first line; an empty key is skipped.
        assert_eq!(
            pairs,
            [
                ("\u{feff}K".to_owned(), "1".to_owned()),
                ("X".to_owned(), "\t".to_owned())
            ]
        );
        let e = env_file_pairs(b"A=1\n\xff\xfe=2\n")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "line [255 254 61 50] has invalid utf8 bytes : \u{fffd}\u{fffd}=2"
        );
        // Go's line scanner stops silently at a line over 64 KiB.
        let mut content = b"Z=1\n".to_vec();
        content.extend(vec![b'A'; 70_000]);
        content.extend_from_slice(b"\nB=2\n");
        assert_eq!(
            env_file_pairs(&content).unwrap(),
            [("Z".to_owned(), "1".to_owned())]
        );
    }

    #[test]
    fn source_errors_read_like_kustomize() {
        let fs = fs_with(&[("f.txt", b"x"), ("bad.env", b"\xff\n")]);
        assert_eq!(
            err(config_map(&fs, "name: cm\nliterals: [abc]\n")),
            "loading KV pairs: literal sources [abc]: invalid literal source abc, expected key=value"
        );
        assert_eq!(
            err(config_map(&fs, "name: cm\nliterals: [a=1, '=abc']\n")),
            "loading KV pairs: literal sources [a=1 =abc]: invalid literal source =abc, expected key=value"
        );
        assert_eq!(
            err(config_map(&fs, "name: cm\nfiles: ['=f.txt']\n")),
            r#"loading KV pairs: file sources: [=f.txt]: missing key name for file path "f.txt" in source "=f.txt""#
        );
        assert_eq!(
            err(config_map(&fs, "name: cm\nfiles: ['k=']\n")),
            r#"loading KV pairs: file sources: [k=]: missing file path for key name "k" in source "k=""#
        );
        assert_eq!(
            err(config_map(&fs, "name: cm\nfiles: ['=a=b']\n")),
            r#"loading KV pairs: file sources: [=a=b]: source "=a=b" key name or file path contains '='"#
        );
        assert_eq!(
            err(config_map(&fs, "name: cm\nenvs: [bad.env]\n")),
            "loading KV pairs: env source files: [bad.env]: line [255] has invalid utf8 bytes : \u{fffd}"
        );
        assert!(err(config_map(&fs, "name: cm\nfiles: [nope.txt]\n"))
            .starts_with("loading KV pairs: file sources: [nope.txt]: "));
        assert_eq!(
            err(config_map(&fs, "literals: [a=b]\n")),
            "a configmap must have a name"
        );
        assert_eq!(
            err(secret(&fs, "literals: [a=b]\n")),
            "a configmap must have a name"
        );
    }

    #[test]
    fn repeated_keys_are_refused_across_sources() {
        let fs = fs_with(&[("f.txt", b"x"), ("d/f.txt", b"y")]);
        assert_eq!(
            err(config_map(&fs, "name: cm\nliterals: [a=1, a=2]\n")),
            "configmap cm illegally repeats the key `a`"
        );
        assert_eq!(
            err(secret(
                &fs,
                "name: s\nliterals: [f.txt=1]\nfiles: [f.txt]\n"
            )),
            "configmap s illegally repeats the key `f.txt`"
        );
        assert_eq!(
            err(config_map(&fs, "name: cm\nfiles: [./d/f.txt, f.txt]\n")),
            "configmap cm illegally repeats the key `f.txt`"
        );
    }

    #[test]
    fn keys_are_not_validated() {
        let fs = fs_with(&[]);
        let cm = config_map(&fs, "name: cm\nliterals: ['a b=1', 'a/b=2', '\u{fc}=3']\n").unwrap();
        let data = cm.node.get("data").and_then(Node::as_map).unwrap();
        assert_eq!(
            data.keys().cloned().collect::<Vec<_>>(),
            ["a b", "a/b", "\u{fc}"]
        );
    }

    #[test]
    fn literal_quotes_are_removed_only_in_matching_pairs() {
        assert_eq!(remove_quotes("\""), "\"");
        assert_eq!(remove_quotes("''"), "");
        assert_eq!(remove_quotes("\"a\"b\""), "a\"b");
        assert_eq!(remove_quotes("'a\""), "'a\"");
        assert_eq!(go_path_base("a/b/"), "b");
        assert_eq!(go_path_base("b"), "b");
    }

    #[test]
    fn deprecated_env_comes_after_envs() {
        let spec = Spec::from_args(&args("name: cm\nenv: b.env\nenvs: [a.env]\n"), None);
        assert_eq!(spec.envs, ["a.env", "b.env"]);
    }

    #[test]
    fn global_options_merge_into_local_ones() {
        let global =
            options("labels: {g: '1', l: global}\nannotations: {ga: '1'}\nimmutable: true\n");
        let local = ConfigMapGenerator::from_args(
            &args("name: cm\nliterals: [a=b]\noptions: {labels: {l: local}, disableNameSuffixHash: true}\n"),
            Some(&global),
        );
        assert_eq!(
            local.spec.options.labels.get("l").map(String::as_str),
            Some("local")
        );
        assert_eq!(
            local.spec.options.labels.get("g").map(String::as_str),
            Some("1")
        );
        assert!(local.spec.options.immutable && local.spec.options.disable_name_suffix_hash);
        let bare = ConfigMapGenerator::from_args(&args("name: cm2\n"), Some(&global));
        assert_eq!(
            bare.spec.options.labels.get("l").map(String::as_str),
            Some("global")
        );
        assert!(!bare.spec.options.disable_name_suffix_hash);
        // A global `false` never overrides a local `true`.
        let global_false = options("disableNameSuffixHash: false\n");
        let kept = ConfigMapGenerator::from_args(
            &args("name: c\noptions: {disableNameSuffixHash: true}\n"),
            Some(&global_false),
        );
        assert!(kept.spec.options.disable_name_suffix_hash);
    }

    #[test]
    fn plugin_config_takes_name_from_metadata() {
        let config = parse_single(
            "apiVersion: builtin\nkind: SecretGenerator\nmetadata: {name: mysecret, namespace: ns}\nbehavior: merge\ntype: kubernetes.io/tls\nliterals: [a=b]\noptions: {disableNameSuffixHash: true}\nunknownField: 1\n",
        )
        .unwrap();
        let generator = SecretGenerator::from_config(&config).unwrap();
        assert_eq!(generator.spec.name, "mysecret");
        assert_eq!(generator.spec.namespace, "ns");
        assert_eq!(generator.spec.behavior, Behavior::Merge);
        assert_eq!(generator.secret_type, "kubernetes.io/tls");
        assert!(generator.spec.options.disable_name_suffix_hash);
        let own_name =
            parse_single("kind: ConfigMapGenerator\nmetadata: {name: meta}\nname: own\n").unwrap();
        assert_eq!(
            ConfigMapGenerator::from_config(&own_name)
                .unwrap()
                .spec
                .name,
            "own"
        );
        assert_eq!(parse_behavior("bogus"), Behavior::Unspecified);
    }

    // --- absorb_all ---------------------------------------------------------

    fn generated(yaml: &str, behavior: Behavior, hash: bool) -> Resource {
        let mut r = Resource::new(parse_single(yaml).unwrap());
        r.behavior = behavior;
        r.needs_hash_suffix = hash;
        r
    }

    #[test]
    fn collisions_and_missing_targets_are_refused_in_kustomize_words() {
        let mut map = ResMap::new();
        let a = generated(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: test, namespace: default}\n",
            Behavior::Unspecified,
            true,
        );
        let b = generated(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: test}\n",
            Behavior::Create,
            true,
        );
        assert_eq!(
            absorb_all(&mut map, vec![a, b]).unwrap_err().to_string(),
            r#"id resid.ResId{Gvk:resid.Gvk{Group:"", Version:"v1", Kind:"ConfigMap", isClusterScoped:false}, Name:"test", Namespace:""} exists; behavior must be merge or replace"#
        );
        let mut empty = ResMap::new();
        let replace = generated(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: test}\n",
            Behavior::Replace,
            true,
        );
        assert_eq!(
            absorb_all(&mut empty, vec![replace])
                .unwrap_err()
                .to_string(),
            r#"id resid.ResId{Gvk:resid.Gvk{Group:"", Version:"v1", Kind:"Secret", isClusterScoped:false}, Name:"test", Namespace:""} does not exist; cannot merge or replace"#
        );
    }

    /// A base generator renamed by `namePrefix: p-`.
    fn base_with_prefix(hash: bool) -> ResMap {
        let mut base = generated(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, labels: {l1: base, l2: base}, annotations: {an: base}}\ndata: {a: '1', b: '2'}\n",
            Behavior::Unspecified,
            hash,
        );
        base.remember_current_id();
        base.set_name("p-cm");
        base.set_annotation("internal.config.kubernetes.io/prefixes", "p-");
        ResMap {
            resources: vec![base],
        }
    }

    #[test]
    fn merge_keeps_the_existing_name_and_merges_data_and_metadata() {
        let mut map = base_with_prefix(true);
        let merge = generated(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, labels: {l2: ov, l3: ov}}\ndata: {b: '3', c: '4'}\n",
            Behavior::Merge,
            true,
        );
        absorb_all(&mut map, vec![merge]).unwrap();
        let expected = parse_single(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: p-cm, labels: {l1: base, l2: ov, l3: ov}, annotations: {an: base, internal.config.kubernetes.io/prefixes: p-}}\ndata: {a: '1', b: '3', c: '4'}\n",
        )
        .unwrap();
        assert_eq!(map.resources[0].node, expected);
        assert!(map.resources[0].needs_hash_suffix);
        assert_eq!(map.resources[0].previous_ids[0].name, "cm");
        add_hash_suffixes(&mut map).unwrap();
        assert_eq!(map.resources[0].name(), "p-cm-fbcmkbc66h");
    }

    #[test]
    fn replace_takes_new_data_and_either_side_can_disable_the_hash() {
        let mut map = base_with_prefix(true);
        let replace = generated(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {b: '3', c: '4'}\n",
            Behavior::Replace,
            true,
        );
        absorb_all(&mut map, vec![replace]).unwrap();
        let data = parse_single("{b: '3', c: '4'}").unwrap();
        assert_eq!(map.resources[0].node.get("data"), Some(&data));
        add_hash_suffixes(&mut map).unwrap();
        assert_eq!(map.resources[0].name(), "p-cm-d2944cbhhg");

        for (base_hash, overlay_hash) in [(true, false), (false, true)] {
            let mut map = base_with_prefix(base_hash);
            let merge = generated(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n",
                Behavior::Merge,
                overlay_hash,
            );
            absorb_all(&mut map, vec![merge]).unwrap();
            assert!(!map.resources[0].needs_hash_suffix);
        }
    }

    #[test]
    fn merging_into_a_plain_config_map_stringifies_and_keeps_binary_data() {
        let plain = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, annotations: {x: '1'}}\ndata: {a: 1}\nbinaryData: {q: /w==}\n";
        let mut map = ResMap {
            resources: vec![Resource::new(parse_single(plain).unwrap())],
        };
        let merge = generated(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {b: '3'}\n",
            Behavior::Merge,
            true,
        );
        absorb_all(&mut map, vec![merge]).unwrap();
        let expected = parse_single(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, annotations: {x: '1'}}\ndata: {a: '1', b: '3'}\nbinaryData: {q: /w==}\n",
        )
        .unwrap();
        assert_eq!(map.resources[0].node, expected);
        assert!(!map.resources[0].needs_hash_suffix);
    }
}
