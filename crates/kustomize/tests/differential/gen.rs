//! Random kustomization trees. One seed gives one tree: a top overlay
//! (`app/`), one or two bases below it (sometimes through a middle layer,
//! sometimes with a nested base inside), and components, with resources,
//! generators and transformers drawn at random at every level. The pieces
//! refer to each other (workloads use the generated ConfigMaps, patches and
//! replacements select the resources that exist below them), so most trees
//! build; the ones that do not must fail in both implementations.

use std::collections::BTreeMap;

use super::rng::Rng;
use super::yaml::{boolean, int, map, s, seq, to_json, to_yaml, Y};

/// Which generator features are drawn. A feature that hits an open gap in
/// Berth is off by default, so the default run stays green while the gap is
/// open; `BERTH_DIFF_ALL=1` turns it on to check a fix. The open gap:
///
/// 7. A replacement writing text that reads as a number (`1.25`, the tag
///    part of an image) into a scalar kustomize holds untagged: a field an
///    earlier replacement created. kustomize prints `1.25` (a number; and
///    fails on nothing when a later value is a word), Berth keeps the type
///    the scalar had when it was created and prints `"1.25"` (or fails:
///    "cannot decode !!str `worker` as a !!float"). Related: a number a
///    replacement creates under a pod template's annotations stays a number
///    in Berth, while kustomize prints it as a string once a later
///    `commonAnnotations` runs over that map. Gaps 1 to 6 found by this test
///    are fixed and drawn by default.
#[derive(Clone, Copy, Debug)]
pub struct Features {
    pub known_gaps: bool,
}

/// A generated tree: file paths relative to the tree's root, and the
/// directory to build.
pub struct Tree {
    pub files: BTreeMap<String, String>,
    pub target: &'static str,
}

pub fn generate(seed: u64, features: Features) -> Tree {
    let mut generator = Generator {
        rng: Rng::new(seed),
        features,
        files: BTreeMap::new(),
        items: Vec::new(),
        generated: Vec::new(),
        vars: Vec::new(),
    };
    generator.universe();
    generator.layout();
    Tree {
        files: generator.files,
        target: "app",
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Deployment,
    StatefulSet,
    CronJob,
    Service,
    ConfigMap,
    Secret,
    ServiceAccount,
    Role,
    RoleBinding,
    Ingress,
    Widget,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Deployment => "Deployment",
            Kind::StatefulSet => "StatefulSet",
            Kind::CronJob => "CronJob",
            Kind::Service => "Service",
            Kind::ConfigMap => "ConfigMap",
            Kind::Secret => "Secret",
            Kind::ServiceAccount => "ServiceAccount",
            Kind::Role => "Role",
            Kind::RoleBinding => "RoleBinding",
            Kind::Ingress => "Ingress",
            Kind::Widget => "Widget",
        }
    }

    fn group(self) -> &'static str {
        match self {
            Kind::Deployment | Kind::StatefulSet => "apps",
            Kind::CronJob => "batch",
            Kind::Role | Kind::RoleBinding => "rbac.authorization.k8s.io",
            Kind::Ingress => "networking.k8s.io",
            Kind::Widget => "example.com",
            _ => "",
        }
    }

    fn version(self) -> &'static str {
        match self {
            Kind::Widget => "v1alpha1",
            _ => "v1",
        }
    }

    fn api_version(self) -> String {
        match self.group() {
            "" => self.version().to_owned(),
            group => format!("{group}/{}", self.version()),
        }
    }

    fn is_workload(self) -> bool {
        matches!(self, Kind::Deployment | Kind::StatefulSet | Kind::CronJob)
    }

    /// Path of the pod spec in a workload.
    fn pod_spec_path(self) -> &'static [&'static str] {
        match self {
            Kind::CronJob => &["spec", "jobTemplate", "spec", "template", "spec"],
            _ => &["spec", "template", "spec"],
        }
    }
}

/// One resource written in a file of the tree.
struct Item {
    kind: Kind,
    name: String,
    /// The container name, for workloads.
    container: String,
    doc: Y,
}

/// A ConfigMap or Secret made by a generator.
struct Generated {
    name: String,
    secret: bool,
}

/// A var and the resource its value comes from.
struct Var {
    name: String,
    item: usize,
    field_path: Option<&'static str>,
}

const APPS: &[&str] = &["web", "api", "db", "worker"];
const CONFIGS: &[&str] = &["app-config", "settings", "env-vars", "scripts"];
const SECRETS: &[&str] = &["creds", "tls", "token"];
const ACCOUNTS: &[&str] = &["runner", "deployer"];
const IMAGES: &[&str] = &[
    "nginx:1.25",
    "nginx",
    "redis:7-alpine",
    "busybox@sha256:0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
    "registry.example.com/team/api:v1.2.3",
    "localhost:5000/tool:latest",
    "postgres:16",
];
const IMAGE_NAMES: &[&str] = &[
    "nginx",
    "redis",
    "busybox",
    "registry.example.com/team/api",
    "localhost:5000/tool",
    "postgres",
    "absent",
];
const PREFIXES: &[&str] = &["p-", "dev-", "x"];
const SUFFIXES: &[&str] = &["-s", "-v2", "z"];
const NAMESPACES: &[&str] = &["team-a", "prod", "default"];
const LITERALS: &[&str] = &[
    "PORT=8080",
    "mode=debug",
    "greeting=hello world",
    "flag=true",
    "count=3",
    "empty=",
    "quoted=\"a b\"",
    "url=http://example.com:80/x?y=z",
    "KEY1=value1",
];

struct Generator {
    rng: Rng,
    features: Features,
    files: BTreeMap<String, String>,
    items: Vec<Item>,
    generated: Vec<Generated>,
    vars: Vec<Var>,
}

/// One kustomization directory of the tree and what it sees below it.
struct Level {
    dir: String,
    component: bool,
    top: bool,
    /// Items written at this level.
    items: Vec<usize>,
    /// Generated ConfigMaps/Secrets created at this level.
    generated: Vec<usize>,
    /// Vars declared at this level.
    vars: Vec<usize>,
    /// Relative paths of child kustomizations (resources) and components.
    children: Vec<String>,
    components: Vec<String>,
    /// Items and generated objects at or below this level.
    below_items: Vec<usize>,
    below_generated: Vec<usize>,
}

impl Level {
    fn new(dir: &str) -> Level {
        Level {
            dir: dir.to_owned(),
            component: false,
            top: false,
            items: Vec::new(),
            generated: Vec::new(),
            vars: Vec::new(),
            children: Vec::new(),
            components: Vec::new(),
            below_items: Vec::new(),
            below_generated: Vec::new(),
        }
    }
}

impl Generator {
    // ----- the objects of the tree -------------------------------------

    fn universe(&mut self) {
        let configs = self.rng.some(CONFIGS, 1, 3);
        let secrets = self.rng.some(SECRETS, 0, 2);
        let accounts = self.rng.some(ACCOUNTS, 0, 2);
        let mut declared_configs = Vec::new();
        let mut declared_secrets = Vec::new();
        for name in &configs {
            if self.rng.chance(70) {
                self.generated.push(Generated {
                    name: name.to_string(),
                    secret: false,
                });
            } else {
                declared_configs.push(name.to_string());
            }
        }
        for name in &secrets {
            if self.rng.chance(70) {
                self.generated.push(Generated {
                    name: name.to_string(),
                    secret: true,
                });
            } else {
                declared_secrets.push(name.to_string());
            }
        }
        for name in &declared_configs {
            let doc = self.config_map(name);
            self.add_item(Kind::ConfigMap, name, doc);
        }
        for name in &declared_secrets {
            let doc = self.secret(name);
            self.add_item(Kind::Secret, name, doc);
        }
        for account in &accounts {
            let doc = self.header(Kind::ServiceAccount, account);
            self.add_item(Kind::ServiceAccount, account, doc);
            if self.rng.chance(60) {
                self.rbac(account);
            }
        }
        let apps = self.rng.some(APPS, 1, 3);
        let var_names: Vec<String> = (0..self.rng.range(0, 2))
            .map(|i| ["SVC_NAME", "CFG_NAME", "APP_IMAGE"][i].to_owned())
            .collect();
        for app in &apps {
            let kind = match self.rng.below(6) {
                0 => Kind::StatefulSet,
                1 => Kind::CronJob,
                _ => Kind::Deployment,
            };
            let doc = self.workload(kind, app, &configs, &secrets, &accounts, &var_names);
            let container = if self.rng.chance(50) {
                app.to_string()
            } else {
                "main".into()
            };
            let doc = rename_container(doc, kind, &container);
            let index = self.add_item(kind, app, doc);
            self.items[index].container = container;
            if kind != Kind::CronJob && self.rng.chance(65) {
                let doc = self.service(app);
                self.add_item(Kind::Service, app, doc);
            }
        }
        let services: Vec<String> = self.names_of(Kind::Service);
        if !services.is_empty() && self.rng.chance(30) {
            let doc = self.ingress(&services, &secrets);
            self.add_item(Kind::Ingress, "frontend", doc);
        }
        if self.rng.chance(30) {
            let doc = self.widget(&configs);
            self.add_item(Kind::Widget, "gizmo", doc);
        }
        self.declare_vars(&var_names);
    }

    fn add_item(&mut self, kind: Kind, name: &str, doc: Y) -> usize {
        self.items.push(Item {
            kind,
            name: name.to_owned(),
            container: String::new(),
            doc,
        });
        self.items.len() - 1
    }

    fn names_of(&self, kind: Kind) -> Vec<String> {
        self.items
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| i.name.clone())
            .collect()
    }

    /// apiVersion, kind and metadata (with labels and sometimes annotations).
    fn header(&mut self, kind: Kind, name: &str) -> Y {
        let mut metadata = map(vec![("name", s(name))]);
        if self.rng.chance(92) {
            let mut labels = map(vec![("app", s(name))]);
            if self.rng.chance(15) {
                labels.push("version", int(1));
            }
            metadata.push("labels", labels);
        }
        if self.rng.chance(40) {
            let note = self
                .rng
                .pick(&["hello", "true", "42", "a: b", "multi\nline"]);
            metadata.push("annotations", map(vec![("note", s(note))]));
        }
        map(vec![
            ("apiVersion", s(kind.api_version())),
            ("kind", s(kind.name())),
            ("metadata", metadata),
        ])
    }

    fn config_map(&mut self, name: &str) -> Y {
        let mut doc = self.header(Kind::ConfigMap, name);
        doc.push(
            "data",
            map(vec![
                ("KEY1", s("value1")),
                ("mode", s(self.rng.pick(&["a", "b"]))),
            ]),
        );
        doc
    }

    fn secret(&mut self, name: &str) -> Y {
        let mut doc = self.header(Kind::Secret, name);
        doc.push("type", s("Opaque"));
        doc.push("data", map(vec![("password", s("c2VjcmV0"))]));
        doc
    }

    fn rbac(&mut self, account: &str) {
        let role = format!("{account}-role");
        let mut doc = self.header(Kind::Role, &role);
        doc.push(
            "rules",
            seq(vec![map(vec![
                ("apiGroups", seq(vec![s("")])),
                ("resources", seq(vec![s("configmaps"), s("secrets")])),
                ("resourceNames", seq(vec![s(self.rng.pick(CONFIGS))])),
                ("verbs", seq(vec![s("get")])),
            ])]),
        );
        self.add_item(Kind::Role, &role, doc);
        let binding = format!("{account}-binding");
        let mut doc = self.header(Kind::RoleBinding, &binding);
        doc.push(
            "roleRef",
            map(vec![
                ("apiGroup", s("rbac.authorization.k8s.io")),
                ("kind", s("Role")),
                ("name", s(role)),
            ]),
        );
        let mut subject = map(vec![("kind", s("ServiceAccount")), ("name", s(account))]);
        if self.rng.chance(40) {
            subject.push("namespace", s(self.rng.pick(NAMESPACES)));
        }
        doc.push("subjects", seq(vec![subject]));
        self.add_item(Kind::RoleBinding, &binding, doc);
    }

    fn workload(
        &mut self,
        kind: Kind,
        name: &str,
        configs: &[&str],
        secrets: &[&str],
        accounts: &[&str],
        var_names: &[String],
    ) -> Y {
        let image = self.rng.pick(IMAGES);
        let mut container = map(vec![("name", s(name)), ("image", s(image))]);
        let mut args = Vec::new();
        for var in var_names {
            if self.rng.chance(70) {
                args.push(s(format!("--{}=$({var})", var.to_lowercase())));
            }
        }
        if !args.is_empty() {
            container.push("args", seq(args));
        }
        let mut env_from = Vec::new();
        let mut env = Vec::new();
        let mut volumes = Vec::new();
        for config in configs {
            match self.rng.below(4) {
                0 => env_from.push(map(vec![("configMapRef", map(vec![("name", s(*config))]))])),
                1 => env.push(map(vec![
                    (
                        "name",
                        s(format!("FROM_{}", config.replace('-', "_").to_uppercase())),
                    ),
                    (
                        "valueFrom",
                        map(vec![(
                            "configMapKeyRef",
                            map(vec![("name", s(*config)), ("key", s("KEY1"))]),
                        )]),
                    ),
                ])),
                2 => volumes.push(map(vec![
                    ("name", s(format!("{config}-vol"))),
                    ("configMap", map(vec![("name", s(*config))])),
                ])),
                _ => {}
            }
        }
        for secret in secrets {
            match self.rng.below(4) {
                0 => env_from.push(map(vec![("secretRef", map(vec![("name", s(*secret))]))])),
                1 => env.push(map(vec![
                    ("name", s("PASSWORD")),
                    (
                        "valueFrom",
                        map(vec![(
                            "secretKeyRef",
                            map(vec![("name", s(*secret)), ("key", s("password"))]),
                        )]),
                    ),
                ])),
                2 => volumes.push(map(vec![
                    ("name", s(format!("{secret}-vol"))),
                    ("secret", map(vec![("secretName", s(*secret))])),
                ])),
                _ => {}
            }
        }
        if let Some(var) = var_names.first() {
            if self.rng.chance(50) {
                env.push(map(vec![
                    ("name", s("VAR_USE")),
                    ("value", s(format!("$({var})"))),
                ]));
            }
        }
        if self.rng.chance(30) {
            env.push(map(vec![("name", s("PLAIN")), ("value", s("1"))]));
        }
        if !env_from.is_empty() {
            container.push("envFrom", seq(env_from));
        }
        if !env.is_empty() {
            container.push("env", seq(env));
        }
        if self.rng.chance(40) {
            container.push(
                "ports",
                seq(vec![map(vec![
                    ("containerPort", int(8080)),
                    ("name", s("http")),
                ])]),
            );
        }
        let mut pod = Y::Map(Vec::new());
        if !accounts.is_empty() && self.rng.chance(60) {
            pod.push("serviceAccountName", s(self.rng.pick(accounts)));
        }
        pod.push("containers", seq(vec![container]));
        if !volumes.is_empty() {
            pod.push("volumes", seq(volumes));
        }
        if kind == Kind::CronJob {
            pod.push("restartPolicy", s("OnFailure"));
        }
        let template = map(vec![
            (
                "metadata",
                map(vec![("labels", map(vec![("app", s(name))]))]),
            ),
            ("spec", pod),
        ]);
        let mut doc = self.header(kind, name);
        let mut spec = Y::Map(Vec::new());
        match kind {
            Kind::CronJob => {
                spec.push("schedule", s("*/5 * * * *"));
                spec.push(
                    "jobTemplate",
                    map(vec![("spec", map(vec![("template", template)]))]),
                );
            }
            _ => {
                if self.rng.chance(70) {
                    spec.push("replicas", int(self.rng.range(1, 3) as i64));
                }
                if kind == Kind::StatefulSet {
                    spec.push("serviceName", s(name));
                }
                spec.push(
                    "selector",
                    map(vec![("matchLabels", map(vec![("app", s(name))]))]),
                );
                spec.push("template", template);
            }
        }
        doc.push("spec", spec);
        doc
    }

    fn service(&mut self, app: &str) -> Y {
        let mut doc = self.header(Kind::Service, app);
        let mut spec = map(vec![
            ("selector", map(vec![("app", s(app))])),
            (
                "ports",
                seq(vec![map(vec![
                    ("port", int(80)),
                    ("targetPort", int(8080)),
                    ("protocol", s("TCP")),
                ])]),
            ),
        ]);
        if self.rng.chance(30) {
            spec.push("type", s("ClusterIP"));
        }
        doc.push("spec", spec);
        doc
    }

    fn ingress(&mut self, services: &[String], secrets: &[&str]) -> Y {
        let mut doc = self.header(Kind::Ingress, "frontend");
        let service = self.rng.pick(services);
        let mut spec = map(vec![(
            "rules",
            seq(vec![map(vec![
                ("host", s("example.com")),
                (
                    "http",
                    map(vec![(
                        "paths",
                        seq(vec![map(vec![
                            ("path", s("/")),
                            ("pathType", s("Prefix")),
                            (
                                "backend",
                                map(vec![(
                                    "service",
                                    map(vec![
                                        ("name", s(service)),
                                        ("port", map(vec![("number", int(80))])),
                                    ]),
                                )]),
                            ),
                        ])]),
                    )]),
                ),
            ])]),
        )]);
        if let Some(secret) = secrets.first() {
            spec.push(
                "tls",
                seq(vec![map(vec![
                    ("hosts", seq(vec![s("example.com")])),
                    ("secretName", s(*secret)),
                ])]),
            );
        }
        doc.push("spec", spec);
        doc
    }

    /// A custom resource with a pod-template-like shape and a config name.
    fn widget(&mut self, configs: &[&str]) -> Y {
        let mut doc = self.header(Kind::Widget, "gizmo");
        doc.push(
            "spec",
            map(vec![
                ("size", int(self.rng.range(1, 9) as i64)),
                ("configName", s(self.rng.pick(configs))),
                (
                    "template",
                    map(vec![(
                        "spec",
                        map(vec![(
                            "containers",
                            seq(vec![map(vec![
                                ("name", s("gizmo")),
                                ("image", s(self.rng.pick(IMAGES))),
                            ])]),
                        )]),
                    )]),
                ),
            ]),
        );
        doc
    }

    fn declare_vars(&mut self, names: &[String]) {
        for name in names {
            let wanted = match name.as_str() {
                "SVC_NAME" => Kind::Service,
                "CFG_NAME" => Kind::ConfigMap,
                _ => Kind::Deployment,
            };
            let candidates: Vec<usize> = (0..self.items.len())
                .filter(|&i| self.items[i].kind == wanted)
                .collect();
            let Some(&item) = candidates.first() else {
                continue;
            };
            let field_path = match wanted {
                Kind::Deployment => Some("spec.template.spec.containers[0].image"),
                _ if self.rng.chance(50) => Some("metadata.name"),
                _ => None,
            };
            self.vars.push(Var {
                name: name.clone(),
                item,
                field_path,
            });
        }
    }

    // ----- the directories of the tree ---------------------------------

    fn layout(&mut self) {
        let mut levels: Vec<Level> = Vec::new();
        let base_count = if self.rng.chance(35) { 2 } else { 1 };
        let mut leaves = Vec::new();
        for b in 0..base_count {
            let dir = if b == 0 { "base" } else { "base2" };
            let base = levels.len();
            levels.push(Level::new(dir));
            leaves.push(base);
            if self.rng.chance(30) {
                let nested = levels.len();
                levels.push(Level::new(&format!("{dir}/nested")));
                levels[base].children.push("nested".into());
                leaves.push(nested);
                levels[nested].below_items = Vec::new();
                // Remember the parent link through `children`; resolved below.
            }
        }
        let mid = if self.rng.chance(40) {
            let mid = levels.len();
            let mut level = Level::new("mid");
            for b in 0..base_count {
                level
                    .children
                    .push(if b == 0 { "../base" } else { "../base2" }.into());
            }
            levels.push(level);
            Some(mid)
        } else {
            None
        };
        let top = levels.len();
        let mut top_level = Level::new("app");
        top_level.top = true;
        match mid {
            Some(_) => top_level.children.push("../mid".into()),
            None => {
                for b in 0..base_count {
                    top_level
                        .children
                        .push(if b == 0 { "../base" } else { "../base2" }.into());
                }
            }
        }
        levels.push(top_level);
        let component_count = self.rng.range(0, 2);
        let mut components = Vec::new();
        for c in 0..component_count {
            let index = levels.len();
            let mut level = Level::new(&format!("components/c{}", c + 1));
            level.component = true;
            levels.push(level);
            let owner = match mid {
                Some(mid) if self.rng.chance(25) => mid,
                _ => top,
            };
            levels[owner]
                .components
                .push(format!("../components/c{}", c + 1));
            components.push((index, owner));
        }

        // Place the items and generators: mostly in the leaves.
        for item in 0..self.items.len() {
            let level = if !components.is_empty() && self.rng.chance(6) {
                self.rng.pick(&components).0
            } else if self.rng.chance(12) {
                self.rng.pick(&[top, mid.unwrap_or(top)])
            } else {
                self.rng.pick(&leaves)
            };
            levels[level].items.push(item);
        }
        for generated in 0..self.generated.len() {
            let level = if !components.is_empty() && self.rng.chance(6) {
                self.rng.pick(&components).0
            } else if self.rng.chance(20) {
                self.rng.pick(&[top, mid.unwrap_or(top)])
            } else {
                self.rng.pick(&leaves)
            };
            levels[level].generated.push(generated);
        }
        // What each level sees below it (children first).
        let order: Vec<usize> = (0..levels.len()).collect();
        for &l in &order {
            let (items, generated) = self.collect_below(&levels, l);
            levels[l].below_items = items;
            levels[l].below_generated = generated;
        }
        for &(component, owner) in &components {
            let mut items = levels[owner].below_items.clone();
            items.extend(levels[component].items.iter().copied());
            let mut generated = levels[owner].below_generated.clone();
            generated.extend(levels[component].generated.iter().copied());
            levels[component].below_items = items;
            levels[component].below_generated = generated;
        }
        // A var is declared where its resource is in view (mostly).
        for var in 0..self.vars.len() {
            let item = self.vars[var].item;
            let seeing: Vec<usize> = (0..levels.len())
                .filter(|&l| !levels[l].component)
                .filter(|&l| levels[l].below_items.contains(&item) || self.rng.chance(5))
                .collect();
            if !seeing.is_empty() {
                let level = self.rng.pick(&seeing);
                levels[level].vars.push(var);
            }
        }

        for level in &levels {
            self.write_level(level);
        }
    }

    /// Items and generated objects at `l` and in every directory it includes.
    fn collect_below(&self, levels: &[Level], l: usize) -> (Vec<usize>, Vec<usize>) {
        let mut items = levels[l].items.clone();
        let mut generated = levels[l].generated.clone();
        for child in &levels[l].children {
            let path = resolve(&levels[l].dir, child);
            if let Some(c) = levels.iter().position(|lv| lv.dir == path) {
                let (i, g) = self.collect_below(levels, c);
                items.extend(i);
                generated.extend(g);
            }
        }
        (items, generated)
    }

    fn write_level(&mut self, level: &Level) {
        let mut k = Y::Map(Vec::new());
        if level.component {
            k.push("apiVersion", s("kustomize.config.k8s.io/v1alpha1"));
            k.push("kind", s("Component"));
        } else if self.rng.chance(50) {
            k.push("apiVersion", s("kustomize.config.k8s.io/v1beta1"));
            k.push("kind", s("Kustomization"));
        }
        let mut resources: Vec<Y> = self.write_items(level).into_iter().map(s).collect();
        resources.extend(level.children.iter().map(|c| s(c.clone())));
        if self.rng.chance(30) {
            resources.reverse();
        }
        if !resources.is_empty() {
            k.push("resources", seq(resources));
        }
        if !level.components.is_empty() {
            k.push(
                "components",
                seq(level.components.iter().map(|c| s(c.clone())).collect()),
            );
        }
        let weight = if level.top || level.component { 2 } else { 1 };
        self.name_fields(&mut k, weight);
        self.metadata_fields(&mut k, weight);
        self.image_fields(&mut k, level, weight);
        self.generator_fields(&mut k, level);
        self.patch_fields(&mut k, level, weight);
        self.replacement_fields(&mut k, level);
        self.var_fields(&mut k, level);
        if level.top && self.rng.chance(20) {
            k.push("sortOptions", self.sort_options());
        }
        // kustomize refuses an empty kustomization.
        if matches!(&k, Y::Map(m) if m.iter().all(|(key, _)| key == "apiVersion" || key == "kind"))
        {
            k.push("resources", seq(Vec::new()));
        }
        let file = match self.rng.below(12) {
            0 => "kustomization.yml",
            1 => "Kustomization",
            _ => "kustomization.yaml",
        };
        self.files
            .insert(format!("{}/{file}", level.dir), to_yaml(&k));
    }

    /// Writes the level's items to files; returns the file names to list.
    fn write_items(&mut self, level: &Level) -> Vec<String> {
        if level.items.is_empty() {
            return Vec::new();
        }
        if self.rng.chance(50) {
            let docs: Vec<String> = level
                .items
                .iter()
                .map(|&i| to_yaml(&self.items[i].doc))
                .collect();
            let sep = if self.rng.chance(50) {
                "---\n"
            } else {
                "\n---\n"
            };
            self.files
                .insert(format!("{}/resources.yaml", level.dir), docs.join(sep));
            return vec!["resources.yaml".into()];
        }
        let mut names = Vec::new();
        for &i in &level.items {
            let item = &self.items[i];
            let file = format!("{}-{}.yaml", item.kind.name().to_lowercase(), item.name);
            self.files
                .insert(format!("{}/{file}", level.dir), to_yaml(&item.doc));
            names.push(file);
        }
        names
    }

    fn name_fields(&mut self, k: &mut Y, weight: usize) {
        if self.rng.chance(15 * weight) {
            k.push("namePrefix", s(self.rng.pick(PREFIXES)));
        }
        if self.rng.chance(12 * weight) {
            k.push("nameSuffix", s(self.rng.pick(SUFFIXES)));
        }
        if self.rng.chance(15 * weight) {
            k.push("namespace", s(self.rng.pick(NAMESPACES)));
        }
    }

    fn metadata_fields(&mut self, k: &mut Y, weight: usize) {
        if self.rng.chance(12 * weight) {
            let (key, value) = self.rng.pick(&[
                ("env", "dev"),
                ("app.kubernetes.io/part-of", "shop"),
                ("tier", "backend"),
                ("version", "1"),
            ]);
            k.push("commonLabels", map(vec![(key, s(value))]));
        }
        if self.rng.chance(15 * weight) {
            let count = self.rng.range(1, 2);
            let mut entries = Vec::new();
            for _ in 0..count {
                let (key, value) = self.rng.pick(&[
                    ("team", "blue"),
                    ("owner", "ops"),
                    ("track", "stable"),
                    ("app", "override"),
                ]);
                let mut entry = map(vec![("pairs", map(vec![(key, s(value))]))]);
                if self.rng.chance(50) {
                    entry.push("includeSelectors", boolean(self.rng.chance(50)));
                }
                if self.rng.chance(50) {
                    entry.push("includeTemplates", boolean(self.rng.chance(50)));
                }
                entries.push(entry);
            }
            k.push("labels", seq(entries));
        }
        if self.rng.chance(15 * weight) {
            let (key, value) = self.rng.pick(&[
                ("note", "from overlay"),
                ("contact", "ops@example.com"),
                ("enabled", "true"),
                ("build", "7"),
            ]);
            k.push("commonAnnotations", map(vec![(key, s(value))]));
        }
    }

    fn image_fields(&mut self, k: &mut Y, level: &Level, weight: usize) {
        if self.rng.chance(15 * weight) {
            let mut images = Vec::new();
            for name in self.rng.some(IMAGE_NAMES, 1, 3) {
                let mut entry = map(vec![("name", s(name))]);
                match self.rng.below(5) {
                    0 => entry.push("newTag", s(self.rng.pick(&["1.27", "v2", "latest"]))),
                    1 => entry.push("newName", s(self.rng.pick(&["mirror.local/img", "other"]))),
                    2 => entry.push(
                        "digest",
                        s("sha256:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
                    ),
                    3 => {
                        entry.push("newName", s("mirror.local/img"));
                        entry.push("newTag", s("9"));
                    }
                    _ => {
                        entry.push("newTag", s("old"));
                        entry.push("digest", s("sha256:0000"));
                    }
                }
                images.push(entry);
            }
            k.push("images", seq(images));
        }
        let scalable: Vec<String> = level
            .below_items
            .iter()
            .map(|&i| &self.items[i])
            .filter(|i| matches!(i.kind, Kind::Deployment | Kind::StatefulSet))
            .map(|i| i.name.clone())
            .collect();
        if !scalable.is_empty() && self.rng.chance(8 * weight) {
            let entries = self
                .rng
                .some(&scalable, 1, 2)
                .into_iter()
                .map(|name| {
                    map(vec![
                        ("name", s(name)),
                        ("count", int(self.rng.range(0, 7) as i64)),
                    ])
                })
                .collect();
            k.push("replicas", seq(entries));
        }
    }

    // ----- generators --------------------------------------------------

    fn generator_fields(&mut self, k: &mut Y, level: &Level) {
        let mut config_maps = Vec::new();
        let mut secrets = Vec::new();
        for &g in &level.generated {
            let name = self.generated[g].name.clone();
            let secret = self.generated[g].secret;
            let entry = self.generator_entry(&level.dir, &name, secret, None);
            if secret {
                &mut secrets
            } else {
                &mut config_maps
            }
            .push(entry);
        }
        // Overlays merge into or replace what was generated below them.
        let own: Vec<usize> = level.generated.clone();
        let below: Vec<usize> = level
            .below_generated
            .iter()
            .copied()
            .filter(|g| !own.contains(g))
            .collect();
        if !below.is_empty() && self.rng.chance(35) {
            let g = self.rng.pick(&below);
            let name = self.generated[g].name.clone();
            let secret = self.generated[g].secret;
            let behavior = match self.rng.below(20) {
                0 => "create",
                1..=6 => "replace",
                _ => "merge",
            };
            let entry = self.generator_entry(&level.dir, &name, secret, Some(behavior));
            if secret {
                &mut secrets
            } else {
                &mut config_maps
            }
            .push(entry);
        }
        let any = !config_maps.is_empty() || !secrets.is_empty();
        if !config_maps.is_empty() {
            k.push("configMapGenerator", seq(config_maps));
        }
        if !secrets.is_empty() {
            k.push("secretGenerator", seq(secrets));
        }
        if any && self.rng.chance(25) {
            k.push("generatorOptions", self.generator_options());
        }
    }

    fn generator_entry(
        &mut self,
        dir: &str,
        name: &str,
        secret: bool,
        behavior: Option<&str>,
    ) -> Y {
        let mut entry = map(vec![("name", s(name))]);
        if let Some(behavior) = behavior {
            entry.push("behavior", s(behavior));
        }
        if secret && self.rng.chance(30) {
            entry.push("type", s("Opaque"));
        }
        let mut sources = 0;
        if self.rng.chance(60) {
            let literals = self.rng.some(LITERALS, 1, 3).into_iter().map(s).collect();
            entry.push("literals", seq(literals));
            sources += 1;
        }
        if self.rng.chance(35) {
            let (file, content) = self.rng.pick(&[
                ("app.properties", "a=1\nb=2\n"),
                ("script.sh", "#!/bin/sh\necho hi\n"),
                ("notes.txt", "line one\nline two"),
                ("trailing.txt", "trailing space \n"),
                ("tabs.txt", "col1\tcol2\n"),
            ]);
            let path = format!("files/{file}");
            self.files
                .insert(format!("{dir}/{path}"), content.to_owned());
            let source = if self.rng.chance(30) {
                format!("renamed.key={path}")
            } else {
                path
            };
            entry.push("files", seq(vec![s(source)]));
            sources += 1;
        }
        if sources == 0 || self.rng.chance(20) {
            let content = self.rng.pick(&[
                "FOO=bar\n# a comment\n\nBAZ=qux quux\n",
                "ONLY=one",
                "EMPTY=\nSPACED = padded \n",
            ]);
            self.files
                .insert(format!("{dir}/vars.env"), content.to_owned());
            entry.push("envs", seq(vec![s("vars.env")]));
        }
        if self.rng.chance(15) {
            entry.push("options", self.generator_options());
        }
        entry
    }

    fn generator_options(&mut self) -> Y {
        let mut options = Y::Map(Vec::new());
        if self.rng.chance(50) {
            options.push("labels", map(vec![("generated", s("yes"))]));
        }
        if self.rng.chance(40) {
            options.push("annotations", map(vec![("origin", s("generator"))]));
        }
        if self.rng.chance(60) {
            options.push("disableNameSuffixHash", boolean(self.rng.chance(70)));
        }
        options
    }

    // ----- patches -----------------------------------------------------

    fn patch_fields(&mut self, k: &mut Y, level: &Level, weight: usize) {
        if level.below_items.is_empty() {
            return;
        }
        if self.rng.chance(20 * weight) {
            let count = self.rng.range(1, 3);
            let patches = (0..count).map(|n| self.patch_entry(level, n)).collect();
            k.push("patches", seq(patches));
        }
        if self.rng.chance(8 * weight) {
            let count = self.rng.range(1, 2);
            let mut entries = Vec::new();
            for n in 0..count {
                let item = self.rng.pick(&level.below_items);
                let body = to_yaml(&self.smp_body(item, true));
                if self.rng.chance(50) {
                    let file = format!("smp-legacy-{n}.yaml");
                    self.files.insert(format!("{}/{file}", level.dir), body);
                    entries.push(s(file));
                } else {
                    entries.push(s(body));
                }
            }
            k.push("patchesStrategicMerge", seq(entries));
        }
        if self.rng.chance(8 * weight) {
            let item = self.rng.pick(&level.below_items);
            let kind = self.items[item].kind;
            let mut target = map(vec![
                ("version", s(kind.version())),
                ("kind", s(kind.name())),
                ("name", s(self.items[item].name.clone())),
            ]);
            if !kind.group().is_empty() {
                target = map(vec![("group", s(kind.group()))]).merged(target);
            }
            let ops = self.json_ops(item, true);
            let mut entry = map(vec![("target", target)]);
            if self.rng.chance(50) {
                self.files
                    .insert(format!("{}/json-legacy.yaml", level.dir), to_yaml(&ops));
                entry.push("path", s("json-legacy.yaml"));
            } else {
                entry.push("patch", s(to_yaml(&ops)));
            }
            k.push("patchesJson6902", seq(vec![entry]));
        }
    }

    fn patch_entry(&mut self, level: &Level, n: usize) -> Y {
        let item = self.rng.pick(&level.below_items);
        let json = self.rng.chance(40);
        let with_target = json || self.rng.chance(40);
        let mut entry = Y::Map(Vec::new());
        let mut renames = false;
        let body = if json {
            let ops = self.json_ops(item, false);
            renames = to_json(&ops).contains("\"/metadata/name\"");
            if self.rng.chance(40) {
                to_json(&ops)
            } else {
                to_yaml(&ops)
            }
        } else {
            let with_name = !with_target || self.rng.chance(93);
            to_yaml(&self.smp_body(item, with_name))
        };
        if self.rng.chance(40) {
            let file = format!("patch-{n}.{}", if json { "json.yaml" } else { "yaml" });
            self.files.insert(format!("{}/{file}", level.dir), body);
            entry.push("path", s(file));
        } else {
            entry.push("patch", s(body));
        }
        let options = self.rng.chance(10);
        renames |= options;
        if with_target {
            // Renames that give several resources one id must fail in both.
            let selector = if renames && self.rng.chance(85) {
                let kind = self.items[item].kind;
                map(vec![
                    ("kind", s(kind.name())),
                    ("name", s(self.items[item].name.clone())),
                ])
            } else {
                self.target_selector(item)
            };
            entry.push("target", selector);
        }
        if options {
            entry.push(
                "options",
                map(vec![(
                    self.rng.pick(&["allowNameChange", "allowKindChange"]),
                    boolean(true),
                )]),
            );
        }
        entry
    }

    fn target_selector(&mut self, item: usize) -> Y {
        let kind = self.items[item].kind;
        let name = self.items[item].name.clone();
        match self.rng.below(7) {
            0 => map(vec![("kind", s(kind.name()))]),
            1 => map(vec![("kind", s(kind.name())), ("name", s(name))]),
            2 => map(vec![("name", s(format!("{name}|web|api")))]),
            3 => map(vec![("name", s(format!("^{}.*", &name[..1])))]),
            4 => map(vec![
                ("group", s(kind.group())),
                ("version", s(kind.version())),
                ("kind", s(kind.name())),
                ("name", s(name)),
            ]),
            5 => map(vec![("labelSelector", s(format!("app={name}")))]),
            _ => map(vec![
                ("kind", s(kind.name())),
                ("labelSelector", s("app in (web,api,db)")),
            ]),
        }
    }

    /// A strategic merge patch for one item.
    fn smp_body(&mut self, item: usize, with_name: bool) -> Y {
        let kind = self.items[item].kind;
        let name = self.items[item].name.clone();
        let container = self.items[item].container.clone();
        let mut metadata = Y::Map(Vec::new());
        if with_name {
            metadata.push("name", s(name));
        }
        let mut body = map(vec![
            ("apiVersion", s(kind.api_version())),
            ("kind", s(kind.name())),
            ("metadata", metadata),
        ]);
        if self.rng.chance(4) {
            body.push("$patch", s("delete"));
            return body;
        }
        if kind.is_workload() {
            let pod = self.pod_patch(&container);
            match self.rng.below(5) {
                0 if kind != Kind::CronJob => {
                    body.push(
                        "spec",
                        map(vec![("replicas", int(self.rng.range(2, 5) as i64))]),
                    );
                }
                1 => {
                    body.entry("metadata")
                        .push("annotations", map(vec![("patched", s("smp"))]));
                }
                _ => {
                    let mut at = &mut body;
                    for key in kind.pod_spec_path() {
                        at = at.entry(key);
                    }
                    *at = pod;
                }
            }
            return body;
        }
        match kind {
            Kind::Service => {
                let spec = if self.rng.chance(50) {
                    map(vec![(
                        "ports",
                        seq(vec![map(vec![
                            ("name", s("alt")),
                            ("port", int(8443)),
                            ("targetPort", int(8443)),
                        ])]),
                    )])
                } else {
                    map(vec![("type", s("NodePort"))])
                };
                body.push("spec", spec);
            }
            Kind::ConfigMap => body.push("data", map(vec![("added", s("by patch"))])),
            Kind::Widget => body.push("spec", map(vec![("size", int(11))])),
            _ => body
                .entry("metadata")
                .push("labels", map(vec![("patched", s("yes"))])),
        }
        body
    }

    fn pod_patch(&mut self, container: &str) -> Y {
        let config = self.rng.pick(CONFIGS);
        match self.rng.below(6) {
            0 => map(vec![(
                "containers",
                seq(vec![map(vec![
                    ("name", s(container)),
                    ("image", s("busybox:1.36")),
                ])]),
            )]),
            1 => map(vec![(
                "containers",
                seq(vec![map(vec![
                    ("name", s(container)),
                    (
                        "env",
                        seq(vec![map(vec![("name", s("PATCHED")), ("value", s("1"))])]),
                    ),
                ])]),
            )]),
            2 => map(vec![(
                "containers",
                seq(vec![map(vec![
                    ("name", s("sidecar")),
                    ("image", s("envoy:v1")),
                ])]),
            )]),
            3 => map(vec![(
                "volumes",
                seq(vec![map(vec![
                    ("name", s("extra")),
                    ("configMap", map(vec![("name", s(config))])),
                ])]),
            )]),
            4 => map(vec![(
                "containers",
                seq(vec![map(vec![
                    ("name", s(container)),
                    (
                        "envFrom",
                        seq(vec![map(vec![(
                            "configMapRef",
                            map(vec![("name", s(config))]),
                        )])]),
                    ),
                ])]),
            )]),
            _ => map(vec![("serviceAccountName", s(self.rng.pick(ACCOUNTS)))]),
        }
    }

    /// A JSON 6902 operation list for one item.
    fn json_ops(&mut self, item: usize, legacy: bool) -> Y {
        let kind = self.items[item].kind;
        let _ = legacy;
        let annotations_ok = true;
        let rename_ok = true;
        let count = self.rng.range(1, 2);
        let mut ops = Vec::new();
        for _ in 0..count {
            let op = match self.rng.below(8) {
                0 if !annotations_ok => map(vec![
                    ("op", s("add")),
                    ("path", s("/metadata/annotations")),
                    ("value", map(vec![("json-patched", s("all"))])),
                ]),
                0 => map(vec![
                    ("op", s("add")),
                    ("path", s("/metadata/annotations/json-patched")),
                    ("value", s("yes")),
                ]),
                1 => map(vec![
                    ("op", s("add")),
                    ("path", s("/metadata/labels/jp")),
                    ("value", s("x")),
                ]),
                2 if kind.is_workload() && kind != Kind::CronJob => map(vec![
                    ("op", s("replace")),
                    ("path", s("/spec/replicas")),
                    ("value", int(self.rng.range(0, 9) as i64)),
                ]),
                3 if kind.is_workload() => {
                    let path = format!("/{}/containers/0/args", kind.pod_spec_path().join("/"));
                    map(vec![
                        ("op", s("add")),
                        ("path", s(path)),
                        ("value", seq(vec![s("--verbose")])),
                    ])
                }
                4 => map(vec![
                    ("op", s("test")),
                    ("path", s("/kind")),
                    ("value", s(kind.name())),
                ]),
                5 => map(vec![
                    ("op", s("copy")),
                    ("from", s("/metadata/name")),
                    ("path", s("/metadata/labels/copied")),
                ]),
                6 => map(vec![
                    ("op", s("remove")),
                    ("path", s("/metadata/labels/app")),
                ]),
                _ if kind.is_workload() => {
                    let config = self.rng.pick(CONFIGS);
                    let path = format!("/{}/volumes", kind.pod_spec_path().join("/"));
                    map(vec![
                        ("op", s("add")),
                        ("path", s(path)),
                        (
                            "value",
                            seq(vec![map(vec![
                                ("name", s("json-vol")),
                                ("configMap", map(vec![("name", s(config))])),
                            ])]),
                        ),
                    ])
                }
                _ if rename_ok => map(vec![
                    ("op", s("replace")),
                    ("path", s("/metadata/name")),
                    ("value", s(format!("{}-renamed", self.items[item].name))),
                ]),
                _ => map(vec![
                    ("op", s("add")),
                    ("path", s("/metadata/labels/jp")),
                    ("value", s("x")),
                ]),
            };
            ops.push(op);
        }
        seq(ops)
    }

    // ----- replacements, vars, sorting ---------------------------------

    fn replacement_fields(&mut self, k: &mut Y, level: &Level) {
        if level.below_items.is_empty() || !self.rng.chance(if level.top { 25 } else { 10 }) {
            return;
        }
        let count = self.rng.range(1, 2);
        let replacements: Vec<Y> = (0..count).map(|_| self.replacement(level)).collect();
        if self.rng.chance(30) {
            self.files.insert(
                format!("{}/replacements.yaml", level.dir),
                to_yaml(&seq(replacements)),
            );
            k.push(
                "replacements",
                seq(vec![map(vec![("path", s("replacements.yaml"))])]),
            );
        } else {
            k.push("replacements", seq(replacements));
        }
    }

    fn replacement(&mut self, level: &Level) -> Y {
        let source_item = self.rng.pick(&level.below_items);
        let source_kind = self.items[source_item].kind;
        let source_name = self.items[source_item].name.clone();
        let source_path = match source_kind {
            Kind::Deployment | Kind::StatefulSet if self.rng.chance(60) => {
                "spec.template.spec.containers.0.image"
            }
            Kind::ConfigMap if self.rng.chance(70) => "data.KEY1",
            // A number source creates untagged scalars: gap 7.
            Kind::Service if self.features.known_gaps && self.rng.chance(50) => "spec.ports.0.port",
            _ => "metadata.name",
        };
        let mut source = map(vec![
            ("kind", s(source_kind.name())),
            ("name", s(source_name)),
        ]);
        source.push("fieldPath", s(source_path));
        if source_path.ends_with("image") && self.rng.chance(40) {
            // Gap 7: the tag part ("1.25") reads as a number.
            let last = if self.features.known_gaps { 1 } else { 0 };
            source.push(
                "options",
                map(vec![
                    ("delimiter", s(":")),
                    ("index", int(self.rng.range(0, last) as i64)),
                ]),
            );
        }
        let target_item = self.rng.pick(&level.below_items);
        let target_kind = self.items[target_item].kind;
        let (field_path, create) = match (target_kind, self.rng.below(3)) {
            (k, 0) if k.is_workload() => (
                format!(
                    "{}.containers.0.env.[name=PLAIN].value",
                    k.pod_spec_path().join(".")
                ),
                self.rng.chance(50),
            ),
            (Kind::Deployment | Kind::StatefulSet, 1) => {
                ("spec.template.metadata.annotations.replaced".into(), true)
            }
            _ => ("metadata.annotations.replaced".into(), self.rng.chance(92)),
        };
        let mut select = map(vec![("kind", s(target_kind.name()))]);
        if self.rng.chance(40) {
            select.push("name", s(self.items[target_item].name.clone()));
        }
        let mut target = map(vec![
            ("select", select),
            ("fieldPaths", seq(vec![s(field_path)])),
        ]);
        if self.rng.chance(20) {
            target.push("reject", seq(vec![map(vec![("name", s("db"))])]));
        }
        let mut options = Y::Map(Vec::new());
        if create {
            options.push("create", boolean(true));
        }
        if self.rng.chance(15) {
            options.push("delimiter", s("-"));
            options.push("index", int(0));
        }
        if !matches!(&options, Y::Map(m) if m.is_empty()) {
            target.push("options", options);
        }
        map(vec![("source", source), ("targets", seq(vec![target]))])
    }

    fn var_fields(&mut self, k: &mut Y, level: &Level) {
        if level.vars.is_empty() {
            return;
        }
        let mut vars = Vec::new();
        for &v in &level.vars {
            let var = &self.vars[v];
            let item = &self.items[var.item];
            let mut entry = map(vec![
                ("name", s(var.name.clone())),
                (
                    "objref",
                    map(vec![
                        ("kind", s(item.kind.name())),
                        ("name", s(item.name.clone())),
                        ("apiVersion", s(item.kind.api_version())),
                    ]),
                ),
            ]);
            if let Some(path) = var.field_path {
                entry.push("fieldref", map(vec![("fieldPath", s(path))]));
            }
            vars.push(entry);
        }
        k.push("vars", seq(vars));
    }

    fn sort_options(&mut self) -> Y {
        match self.rng.below(3) {
            0 => map(vec![("order", s("fifo"))]),
            1 => map(vec![("order", s("legacy"))]),
            _ => map(vec![
                ("order", s("legacy")),
                (
                    "legacySortOptions",
                    map(vec![
                        ("orderFirst", seq(vec![s("Service"), s("ConfigMap")])),
                        ("orderLast", seq(vec![s("Deployment")])),
                    ]),
                ),
            ]),
        }
    }
}

impl Y {
    /// This map's entries followed by `other`'s.
    fn merged(self, other: Y) -> Y {
        match (self, other) {
            (Y::Map(mut a), Y::Map(b)) => {
                a.extend(b);
                Y::Map(a)
            }
            (a, _) => a,
        }
    }
}

/// Sets the first container's name of a workload.
fn rename_container(mut doc: Y, kind: Kind, container: &str) -> Y {
    let mut at = &mut doc;
    for key in kind.pod_spec_path() {
        at = at.entry(key);
    }
    if let Y::Map(entries) = at {
        for (key, value) in entries.iter_mut() {
            if key == "containers" {
                if let Y::Seq(items) = value {
                    if let Some(first) = items.first_mut() {
                        *first.entry("name") = s(container);
                    }
                }
            }
        }
    }
    doc
}

/// `base/nested` + `..` style resolution of a child path from a level dir.
fn resolve(dir: &str, child: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').collect();
    for part in child.split('/') {
        match part {
            ".." => {
                parts.pop();
            }
            "." => {}
            other => parts.push(other),
        }
    }
    parts.join("/")
}
