//! Turns fuzzer bytes into a small kustomization tree in memory.
//!
//! The input is split at NUL bytes. The first piece drives [`arbitrary`],
//! which picks a kustomization (resources, namePrefix, namespace,
//! commonLabels, inline patches, ConfigMap/Secret generator literals,
//! components, replicas, images), a component, a base and templated resource
//! files (Deployments, Services, ConfigMaps, ...) whose names, labels and
//! values come from the fuzzer. The other pieces (at most [`MAX_RAW_FILES`])
//! are raw files: a piece whose first line looks like a file name
//! (`overlay/kustomization.yaml`) is stored under `/raw/` with the rest as
//! its text, so whole trees (the seeds are kustomize test trees) can be
//! written as input; any other piece is stored as `/app/raw<i>.yaml` and can
//! be listed as a resource, used as a patch, or appended to a templated
//! resource or a generated kustomization (for the fields not generated).
//!
//! The tree is built from the directory of the first raw kustomization file
//! if there is one, else from `/app`, where the generated kustomization is.

use std::path::{Path, PathBuf};

use arbitrary::{Arbitrary, Unstructured};
use berth_kustomize::fs::MemFs;
use berth_kustomize::kustomization::KUSTOMIZATION_FILE_NAMES;
use berth_kustomize::loader::LoadRestrictor;
use berth_kustomize::{BuildOptions, Reorder};
use serde_json::{json, Map, Value};

/// Raw files taken from the input; more pieces are ignored.
pub const MAX_RAW_FILES: usize = 8;
/// Lists the fuzzer derives are cut to this length: a build of a few
/// resources reaches every code path a big one does, and stays fast.
const MAX_ITEMS: usize = 4;
/// Where the generated kustomization lives.
const APP: &str = "/app";
/// Where raw files named by their first line live.
const RAW: &str = "/raw";

/// A generated tree: its files (kept for printing) and what to build.
pub struct Tree {
    pub files: Vec<(PathBuf, Vec<u8>)>,
    pub root: PathBuf,
    pub options: BuildOptions,
}

impl Tree {
    pub fn from_input(data: &[u8]) -> Tree {
        let mut pieces = data.split(|&b| b == 0);
        let spec_bytes = pieces.next().unwrap_or_default();
        let raw: Vec<&[u8]> = pieces.take(MAX_RAW_FILES).collect();
        // Short input leaves the rest of the spec at its defaults.
        let spec = TreeSpec::arbitrary_take_rest(Unstructured::new(spec_bytes)).unwrap_or_default();
        let mut writer = TreeWriter::default();
        let mut root = None;
        for (i, piece) in raw.iter().enumerate() {
            match split_named_file(piece) {
                Some((name, text)) => {
                    let path = Path::new(RAW).join(name);
                    if root.is_none() && is_kustomization_file(&path) {
                        root = path.parent().map(Path::to_path_buf);
                    }
                    writer.add(path, text.to_vec());
                }
                None => writer.add(Path::new(APP).join(raw_name(i)), piece.to_vec()),
            }
        }
        let raw_texts: Vec<String> = raw
            .iter()
            .map(|p| String::from_utf8_lossy(p).into_owned())
            .collect();
        writer.write_spec(&spec, &raw_texts);
        Tree {
            files: writer.files,
            root: root.unwrap_or_else(|| PathBuf::from(APP)),
            options: spec.options.build_options(),
        }
    }

    pub fn fs(&self) -> MemFs {
        let mut fs = MemFs::new();
        for (path, text) in &self.files {
            fs.add(path, text.clone());
        }
        fs
    }
}

fn raw_name(i: usize) -> String {
    format!("raw{i}.yaml")
}

fn is_kustomization_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| KUSTOMIZATION_FILE_NAMES.contains(&n))
}

/// `name\ntext` where `name` looks like a relative file name (plain
/// characters, with a dot or a slash or `Kustomization`, no `..`); anything
/// else is text.
fn split_named_file(piece: &[u8]) -> Option<(&str, &[u8])> {
    let newline = piece.iter().position(|&b| b == b'\n')?;
    let name = std::str::from_utf8(&piece[..newline]).ok()?;
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'));
    let looks_like_file = name.contains(['.', '/']) || name.ends_with("Kustomization");
    let ok = (1..=100).contains(&name.len())
        && plain
        && looks_like_file
        && !name.starts_with('/')
        && !name.split('/').any(|part| part == ".." || part.is_empty());
    ok.then(|| (name, &piece[newline + 1..]))
}

/// Words the generated files draw from, so names, labels and images written
/// in different places (a resource, a patch target, a replica count) match
/// often enough to exercise the transformers and not just their misses.
const WORDS: &[&str] = &[
    "app",
    "web",
    "db",
    "nginx",
    "busybox",
    "my-config",
    "a",
    "b",
    "prod",
    "default",
    "kube-system",
    "",
    "1",
    "true",
    "null",
    "~",
    "$(WEB_SVC)",
    "example.com/x",
    "nginx:1.7",
    "sha256:24a0c4b4a4c0eb97a1aabb8e29f18e917d05abfe1b7a7c07857230879ce7d3d3",
    "app.kubernetes.io/name",
    "a=b",
    "app in (web,db)",
];

#[derive(Arbitrary, Debug, Clone)]
enum Word {
    Known(u8),
    Free(String),
}

impl Word {
    fn text(&self) -> String {
        match self {
            Word::Known(i) => WORDS[*i as usize % WORDS.len()].to_string(),
            Word::Free(s) => s.clone(),
        }
    }
}

fn pairs(items: &[(Word, Word)]) -> Value {
    Value::Object(
        items
            .iter()
            .take(MAX_ITEMS)
            .map(|(k, v)| (k.text(), Value::String(v.text())))
            .collect(),
    )
}

#[derive(Arbitrary, Debug, Clone)]
enum Kind {
    Deployment,
    Service,
    ConfigMap,
    Secret,
    Pod,
    StatefulSet,
    Namespace,
    CronJob,
    Role,
    RoleBinding,
    Ingress,
    Custom(Word),
}

impl Kind {
    fn api_version(&self) -> &'static str {
        match self {
            Kind::Deployment | Kind::StatefulSet => "apps/v1",
            Kind::CronJob => "batch/v1",
            Kind::Role | Kind::RoleBinding => "rbac.authorization.k8s.io/v1",
            Kind::Ingress => "networking.k8s.io/v1",
            Kind::Custom(_) => "example.com/v1",
            _ => "v1",
        }
    }

    fn name(&self) -> String {
        match self {
            Kind::Custom(word) => word.text(),
            other => format!("{other:?}"),
        }
    }
}

/// One templated resource document.
#[derive(Arbitrary, Debug, Clone)]
struct ResourceDoc {
    kind: Kind,
    name: Word,
    namespace: Option<Word>,
    labels: Vec<(Word, Word)>,
    image: Option<Word>,
    replicas: Option<i32>,
    /// A ConfigMap (or Role, Service) the resource refers to by name, so
    /// name references follow prefixes and hashes.
    refers_to: Option<Word>,
    data: Vec<(Word, Word)>,
    /// Text of a raw piece appended to the document.
    raw_tail: Option<u8>,
}

impl ResourceDoc {
    fn to_value(&self) -> Value {
        let mut metadata = Map::new();
        metadata.insert("name".into(), Value::String(self.name.text()));
        if let Some(ns) = &self.namespace {
            metadata.insert("namespace".into(), Value::String(ns.text()));
        }
        if !self.labels.is_empty() {
            metadata.insert("labels".into(), pairs(&self.labels));
        }
        let mut doc = Map::new();
        doc.insert("apiVersion".into(), json!(self.kind.api_version()));
        doc.insert("kind".into(), json!(self.kind.name()));
        doc.insert("metadata".into(), Value::Object(metadata));
        let reference = self.refers_to.as_ref().map(Word::text);
        match &self.kind {
            Kind::Deployment | Kind::StatefulSet => {
                let mut spec = Map::new();
                if let Some(n) = self.replicas {
                    spec.insert("replicas".into(), json!(n));
                }
                spec.insert(
                    "selector".into(),
                    json!({ "matchLabels": pairs(&self.labels) }),
                );
                spec.insert("template".into(), self.pod_template(reference.as_deref()));
                doc.insert("spec".into(), Value::Object(spec));
            }
            Kind::Pod => {
                doc.insert("spec".into(), self.pod_spec(reference.as_deref()));
            }
            Kind::CronJob => {
                doc.insert(
                    "spec".into(),
                    json!({
                        "schedule": "*/1 * * * *",
                        "jobTemplate": { "spec": {
                            "template": self.pod_template(reference.as_deref())
                        } }
                    }),
                );
            }
            Kind::Service => {
                doc.insert(
                    "spec".into(),
                    json!({ "selector": pairs(&self.labels), "ports": [{ "port": 80 }] }),
                );
            }
            Kind::ConfigMap => {
                doc.insert("data".into(), pairs(&self.data));
            }
            Kind::Secret => {
                doc.insert("type".into(), json!("Opaque"));
                doc.insert("data".into(), pairs(&self.data));
            }
            Kind::Role => {
                doc.insert(
                    "rules".into(),
                    json!([{ "apiGroups": [""], "resources": ["configmaps"],
                             "resourceNames": [reference], "verbs": ["get"] }]),
                );
            }
            Kind::RoleBinding => {
                doc.insert(
                    "roleRef".into(),
                    json!({ "apiGroup": "rbac.authorization.k8s.io", "kind": "Role",
                            "name": reference }),
                );
                doc.insert(
                    "subjects".into(),
                    json!([{ "kind": "ServiceAccount", "name": self.name.text(),
                             "namespace": self.namespace.as_ref().map(Word::text) }]),
                );
            }
            Kind::Ingress => {
                doc.insert(
                    "spec".into(),
                    json!({ "rules": [{ "http": { "paths": [{ "path": "/",
                        "pathType": "Prefix",
                        "backend": { "service": { "name": reference,
                                                  "port": { "number": 80 } } } }] } }] }),
                );
            }
            Kind::Namespace | Kind::Custom(_) => {
                if !self.data.is_empty() {
                    doc.insert("spec".into(), pairs(&self.data));
                }
            }
        }
        Value::Object(doc)
    }

    fn pod_template(&self, reference: Option<&str>) -> Value {
        json!({
            "metadata": { "labels": pairs(&self.labels) },
            "spec": self.pod_spec(reference),
        })
    }

    fn pod_spec(&self, reference: Option<&str>) -> Value {
        let mut container = Map::new();
        container.insert("name".into(), json!("main"));
        container.insert(
            "image".into(),
            json!(self.image.as_ref().map_or("nginx".into(), Word::text)),
        );
        let mut spec = Map::new();
        if let Some(name) = reference {
            container.insert(
                "envFrom".into(),
                json!([{ "configMapRef": { "name": name } }]),
            );
            spec.insert(
                "volumes".into(),
                json!([{ "name": "config", "configMap": { "name": name } }]),
            );
        }
        spec.insert("containers".into(), json!([Value::Object(container)]));
        Value::Object(spec)
    }

    fn text(&self, raw: &[String]) -> String {
        let mut text = block_yaml(&self.to_value());
        if let Some(tail) = self.raw_tail.and_then(|i| raw.get(i as usize)) {
            text.push_str(tail);
        }
        text
    }
}

fn file_text(docs: &[ResourceDoc], raw: &[String]) -> String {
    docs.iter()
        .take(MAX_ITEMS)
        .map(|d| d.text(raw))
        .collect::<Vec<_>>()
        .join("---\n")
}

/// Where a kustomization entry points. Paths are written relative to the
/// kustomization that lists them.
#[derive(Arbitrary, Debug, Clone)]
enum Ref {
    /// A templated file of the same directory.
    File(u8),
    /// A raw piece (they live in `/app`).
    Raw(u8),
    Base,
    Component,
    Free(String),
}

impl Ref {
    fn path(&self, dir: Dir) -> String {
        let up = if dir == Dir::App { "" } else { "../" };
        match self {
            Ref::File(i) => format!("r{}.yaml", i % MAX_ITEMS as u8),
            Ref::Raw(i) => format!("{up}{}", raw_name(*i as usize % MAX_RAW_FILES)),
            Ref::Base => format!("{up}base"),
            Ref::Component => format!("{up}comp"),
            Ref::Free(s) => s.clone(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    App,
    Base,
    Component,
}

impl Dir {
    fn path(self) -> &'static str {
        match self {
            Dir::App => "/app",
            Dir::Base => "/app/base",
            Dir::Component => "/app/comp",
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
enum PatchBody {
    /// A strategic merge patch shaped like a resource.
    Strategic(ResourceDoc),
    Delete {
        kind: Kind,
        name: Word,
    },
    Json(Vec<JsonOp>),
    Raw(u8),
}

#[derive(Arbitrary, Debug, Clone)]
enum OpKind {
    Add,
    Remove,
    Replace,
    Move,
    Copy,
    Test,
    Free(String),
}

const JSON_PATHS: &[&str] = &[
    "/metadata/name",
    "/metadata/labels/app",
    "/metadata/namespace",
    "/metadata/annotations",
    "/spec/replicas",
    "/spec/template/spec/containers/0/image",
    "/spec/template/spec/containers/-",
    "/spec/template/spec/containers/1",
    "/data/a",
    "/spec",
    "/kind",
    "/",
    "",
];

#[derive(Arbitrary, Debug, Clone)]
enum JsonPath {
    Known(u8),
    Free(String),
}

impl JsonPath {
    fn text(&self) -> String {
        match self {
            JsonPath::Known(i) => JSON_PATHS[*i as usize % JSON_PATHS.len()].to_string(),
            JsonPath::Free(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
enum JsonValue {
    Str(Word),
    Int(i64),
    Bool(bool),
    Null,
    Object(Vec<(Word, Word)>),
    List(Vec<Word>),
}

impl JsonValue {
    fn to_value(&self) -> Value {
        match self {
            JsonValue::Str(w) => Value::String(w.text()),
            JsonValue::Int(n) => json!(n),
            JsonValue::Bool(b) => json!(b),
            JsonValue::Null => Value::Null,
            JsonValue::Object(items) => pairs(items),
            JsonValue::List(items) => items
                .iter()
                .take(MAX_ITEMS)
                .map(|w| json!(w.text()))
                .collect(),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
struct JsonOp {
    op: OpKind,
    path: JsonPath,
    value: Option<JsonValue>,
    from: Option<JsonPath>,
}

impl JsonOp {
    fn to_value(&self) -> Value {
        let op = match &self.op {
            OpKind::Free(s) => s.clone(),
            other => format!("{other:?}").to_lowercase(),
        };
        let mut out = Map::new();
        out.insert("op".into(), json!(op));
        out.insert("path".into(), json!(self.path.text()));
        if let Some(v) = &self.value {
            out.insert("value".into(), v.to_value());
        }
        if let Some(from) = &self.from {
            out.insert("from".into(), json!(from.text()));
        }
        Value::Object(out)
    }
}

#[derive(Arbitrary, Debug, Clone)]
struct Selector {
    kind: Option<Kind>,
    name: Option<Word>,
    namespace: Option<Word>,
    label_selector: Option<Word>,
}

impl Selector {
    fn to_value(&self) -> Value {
        let mut out = Map::new();
        if let Some(kind) = &self.kind {
            out.insert("kind".into(), json!(kind.name()));
        }
        for (key, word) in [
            ("name", &self.name),
            ("namespace", &self.namespace),
            ("labelSelector", &self.label_selector),
        ] {
            if let Some(w) = word {
                out.insert(key.into(), json!(w.text()));
            }
        }
        Value::Object(out)
    }
}

#[derive(Arbitrary, Debug, Clone)]
struct PatchSpec {
    body: PatchBody,
    target: Option<Selector>,
    /// Write the patch to a file and list its path instead of inlining it.
    in_file: bool,
}

impl PatchSpec {
    fn text(&self, raw: &[String]) -> String {
        match &self.body {
            PatchBody::Strategic(doc) => doc.text(raw),
            PatchBody::Delete { kind, name } => block_yaml(&json!({
                "$patch": "delete",
                "apiVersion": kind.api_version(),
                "kind": kind.name(),
                "metadata": { "name": name.text() },
            })),
            PatchBody::Json(ops) => {
                let ops: Vec<Value> = ops.iter().take(MAX_ITEMS).map(JsonOp::to_value).collect();
                block_yaml(&Value::Array(ops))
            }
            PatchBody::Raw(i) => raw.get(*i as usize).cloned().unwrap_or_default(),
        }
    }
}

#[derive(Arbitrary, Debug, Clone)]
enum Literal {
    Pair(Word, Word),
    Free(String),
}

#[derive(Arbitrary, Debug, Clone)]
enum Behavior {
    Create,
    Merge,
    Replace,
    Free(String),
}

#[derive(Arbitrary, Debug, Clone)]
struct GeneratorSpec {
    secret: bool,
    name: Word,
    namespace: Option<Word>,
    behavior: Option<Behavior>,
    literals: Vec<Literal>,
    disable_name_suffix_hash: Option<bool>,
    labels: Vec<(Word, Word)>,
}

impl GeneratorSpec {
    fn to_value(&self) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), json!(self.name.text()));
        if let Some(ns) = &self.namespace {
            out.insert("namespace".into(), json!(ns.text()));
        }
        if let Some(b) = &self.behavior {
            let text = match b {
                Behavior::Free(s) => s.clone(),
                other => format!("{other:?}").to_lowercase(),
            };
            out.insert("behavior".into(), json!(text));
        }
        let literals: Vec<Value> = self
            .literals
            .iter()
            .take(MAX_ITEMS)
            .map(|l| match l {
                Literal::Pair(k, v) => json!(format!("{}={}", k.text(), v.text())),
                Literal::Free(s) => json!(s),
            })
            .collect();
        out.insert("literals".into(), Value::Array(literals));
        let mut options = Map::new();
        if let Some(disable) = self.disable_name_suffix_hash {
            options.insert("disableNameSuffixHash".into(), json!(disable));
        }
        if !self.labels.is_empty() {
            options.insert("labels".into(), pairs(&self.labels));
        }
        if !options.is_empty() {
            out.insert("options".into(), Value::Object(options));
        }
        Value::Object(out)
    }
}

#[derive(Arbitrary, Debug, Clone)]
struct ImageSpec {
    name: Word,
    new_name: Option<Word>,
    new_tag: Option<Word>,
    digest: Option<Word>,
}

#[derive(Arbitrary, Debug, Clone)]
struct ReplicaSpec {
    name: Word,
    count: i32,
}

/// The fields of one generated kustomization.
#[derive(Arbitrary, Debug, Clone, Default)]
struct KustSpec {
    resources: Vec<Ref>,
    name_prefix: Option<Word>,
    name_suffix: Option<Word>,
    namespace: Option<Word>,
    common_labels: Vec<(Word, Word)>,
    common_annotations: Vec<(Word, Word)>,
    patches: Vec<PatchSpec>,
    generators: Vec<GeneratorSpec>,
    components: Vec<Ref>,
    replicas: Vec<ReplicaSpec>,
    images: Vec<ImageSpec>,
    files: Vec<Vec<ResourceDoc>>,
    /// A raw piece appended to the kustomization file: any other field
    /// (vars, replacements, labels, sortOptions, ...) the fuzzer writes.
    extra: Option<u8>,
}

#[derive(Arbitrary, Debug, Clone, Default)]
struct Options {
    no_load_restrictions: bool,
    reorder: u8,
}

impl Options {
    fn build_options(&self) -> BuildOptions {
        BuildOptions {
            load_restrictor: if self.no_load_restrictions {
                LoadRestrictor::None
            } else {
                LoadRestrictor::RootOnly
            },
            reorder: match self.reorder % 3 {
                0 => Reorder::Unspecified,
                1 => Reorder::Legacy,
                _ => Reorder::None,
            },
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Default)]
struct TreeSpec {
    app: KustSpec,
    component: Option<KustSpec>,
    base: Option<KustSpec>,
    options: Options,
}

#[derive(Default)]
struct TreeWriter {
    files: Vec<(PathBuf, Vec<u8>)>,
    patch_files: usize,
}

impl TreeWriter {
    fn add(&mut self, path: PathBuf, text: Vec<u8>) {
        self.files.push((path, text));
    }

    fn write_spec(&mut self, spec: &TreeSpec, raw: &[String]) {
        self.write_kustomization(&spec.app, Dir::App, raw);
        if let Some(base) = &spec.base {
            self.write_kustomization(base, Dir::Base, raw);
        }
        if let Some(component) = &spec.component {
            self.write_kustomization(component, Dir::Component, raw);
        }
    }

    fn write_kustomization(&mut self, spec: &KustSpec, dir: Dir, raw: &[String]) {
        let base = Path::new(dir.path());
        for (i, docs) in spec.files.iter().take(MAX_ITEMS).enumerate() {
            self.add(
                base.join(format!("r{i}.yaml")),
                file_text(docs, raw).into_bytes(),
            );
        }
        let mut k = Map::new();
        if dir == Dir::Component {
            k.insert(
                "apiVersion".into(),
                json!("kustomize.config.k8s.io/v1alpha1"),
            );
            k.insert("kind".into(), json!("Component"));
        }
        let paths = |refs: &[Ref]| -> Value {
            refs.iter()
                .take(MAX_ITEMS)
                .map(|r| json!(r.path(dir)))
                .collect()
        };
        insert_nonempty(&mut k, "resources", paths(&spec.resources));
        insert_nonempty(&mut k, "components", paths(&spec.components));
        for (key, word) in [
            ("namePrefix", &spec.name_prefix),
            ("nameSuffix", &spec.name_suffix),
            ("namespace", &spec.namespace),
        ] {
            if let Some(w) = word {
                k.insert(key.into(), json!(w.text()));
            }
        }
        insert_nonempty(&mut k, "commonLabels", pairs(&spec.common_labels));
        insert_nonempty(&mut k, "commonAnnotations", pairs(&spec.common_annotations));
        let patches: Value = spec
            .patches
            .iter()
            .take(MAX_ITEMS)
            .map(|p| self.patch_entry(p, base, raw))
            .collect();
        insert_nonempty(&mut k, "patches", patches);
        let (secrets, config_maps): (Vec<_>, Vec<_>) = spec
            .generators
            .iter()
            .take(MAX_ITEMS)
            .partition(|g| g.secret);
        let values = |gs: Vec<&GeneratorSpec>| -> Value {
            gs.into_iter().map(GeneratorSpec::to_value).collect()
        };
        insert_nonempty(&mut k, "configMapGenerator", values(config_maps));
        insert_nonempty(&mut k, "secretGenerator", values(secrets));
        let replicas: Value = spec
            .replicas
            .iter()
            .take(MAX_ITEMS)
            .map(|r| json!({ "name": r.name.text(), "count": r.count }))
            .collect();
        insert_nonempty(&mut k, "replicas", replicas);
        let images: Value = spec
            .images
            .iter()
            .take(MAX_ITEMS)
            .map(|i| {
                let mut out = Map::new();
                out.insert("name".into(), json!(i.name.text()));
                for (key, word) in [
                    ("newName", &i.new_name),
                    ("newTag", &i.new_tag),
                    ("digest", &i.digest),
                ] {
                    if let Some(w) = word {
                        out.insert(key.into(), json!(w.text()));
                    }
                }
                Value::Object(out)
            })
            .collect();
        insert_nonempty(&mut k, "images", images);
        let mut text = block_yaml(&Value::Object(k));
        if let Some(extra) = spec.extra.and_then(|i| raw.get(i as usize)) {
            text.push_str(extra);
        }
        self.add(base.join("kustomization.yaml"), text.into_bytes());
    }

    fn patch_entry(&mut self, patch: &PatchSpec, dir: &Path, raw: &[String]) -> Value {
        let text = patch.text(raw);
        let mut entry = Map::new();
        if patch.in_file {
            let name = format!("patch{}.yaml", self.patch_files);
            self.patch_files += 1;
            self.add(dir.join(&name), text.into_bytes());
            entry.insert("path".into(), json!(name));
        } else {
            entry.insert("patch".into(), json!(text));
        }
        if let Some(target) = &patch.target {
            entry.insert("target".into(), target.to_value());
        }
        Value::Object(entry)
    }
}

fn insert_nonempty(map: &mut Map<String, Value>, key: &str, value: Value) {
    let empty = match &value {
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    };
    if !empty {
        map.insert(key.into(), value);
    }
}

/// Block-style YAML, as people write kustomizations: strings in JSON
/// (double-quoted YAML) syntax so any text the fuzzer picks stays a valid
/// string, keys plain where that reads as the same string.
pub fn block_yaml(value: &Value) -> String {
    let mut out = String::new();
    write_block(value, 0, &mut out);
    out
}

fn write_block(value: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, item) in map {
                out.push_str(&pad);
                out.push_str(&yaml_key(key));
                out.push(':');
                write_nested(item, indent, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for item in items {
                if is_collection(item) {
                    // Render the item one level deeper, then turn the
                    // indentation of its first line into the "- " marker.
                    let mut text = String::new();
                    write_block(item, indent + 2, &mut text);
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&text[indent + 2..]);
                } else {
                    out.push_str(&pad);
                    out.push_str("- ");
                    out.push_str(&scalar(item));
                    out.push('\n');
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

fn write_nested(item: &Value, indent: usize, out: &mut String) {
    if is_collection(item) {
        out.push('\n');
        write_block(item, indent + 2, out);
    } else {
        out.push(' ');
        out.push_str(&scalar(item));
        out.push('\n');
    }
}

fn is_collection(value: &Value) -> bool {
    match value {
        Value::Object(map) => !map.is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => false,
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

fn yaml_key(key: &str) -> String {
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '/'))
        && !matches!(
            key.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        key.to_string()
    } else {
        Value::String(key.to_string()).to_string()
    }
}
