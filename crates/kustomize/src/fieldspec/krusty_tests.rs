//! Krusty cases (kustomize v5.5 `api/krusty`) whose output depends only on
//! the field-spec transformers, run through a small driver that applies them
//! in kustomize's order. Trees are compared with map keys sorted, since the
//! expected output is printed that way.

use std::path::Path;

use crate::error::Result;
use crate::fieldspec::{config_from_crds, TransformerConfig};
use crate::fs::MemFs;
use crate::kustomization::Kustomization;
use crate::loader::{LoadRestrictor, Loader};
use crate::plugins::annotations::AnnotationsTransformer;
use crate::plugins::images::ImageTagTransformer;
use crate::plugins::labels::LabelTransformer;
use crate::plugins::namespace::NamespaceTransformer;
use crate::plugins::prefix_suffix::{PrefixTransformer, SuffixTransformer};
use crate::plugins::replicas::ReplicaCountTransformer;
use crate::plugins::Transformer;
use crate::resource::{ResMap, Resource};
use crate::yaml::parse::{parse_documents, parse_single};
use crate::yaml::{Map, Node};

/// Builds `/app` of `files` with the kustomization's own transformer fields.
fn build(files: &[(&str, &str)]) -> Result<ResMap> {
    let mut mem = MemFs::new();
    for (path, text) in files {
        mem.add(format!("app/{path}"), *text);
    }
    let ldr = Loader::new(&mem, Path::new("/app"), LoadRestrictor::RootOnly)?;
    let (_, node) = ldr.load_kustomization_file()?;
    let k = Kustomization::from_node(&node).map_err(crate::Error::msg)?;
    let mut config = TransformerConfig::make(&ldr, &k.configurations)?;
    config.merge(config_from_crds(&ldr, &k.crds)?)?;

    let mut resources = ResMap::new();
    for path in &k.resources {
        for doc in ldr.load_yaml(path)? {
            resources.resources.push(Resource::new(doc));
        }
    }

    let mut transformers: Vec<Box<dyn Transformer>> = Vec::new();
    if !k.namespace.is_empty() {
        transformers.push(Box::new(NamespaceTransformer::new(&k.namespace, &config)));
    }
    if !k.name_prefix.is_empty() {
        transformers.push(Box::new(PrefixTransformer::new(
            &k.name_prefix,
            &config.name_prefix,
        )));
    }
    if !k.name_suffix.is_empty() {
        transformers.push(Box::new(SuffixTransformer::new(
            &k.name_suffix,
            &config.name_suffix,
        )));
    }
    for label in &k.labels {
        transformers.push(Box::new(LabelTransformer::for_label(label, &config)?));
    }
    transformers.push(Box::new(LabelTransformer::common(
        &k.common_labels,
        &config,
    )));
    transformers.push(Box::new(AnnotationsTransformer::common(
        &k.common_annotations,
        &config,
    )));
    for replica in &k.replicas {
        transformers.push(Box::new(ReplicaCountTransformer::new(replica, &config)));
    }
    for image in &k.images {
        transformers.push(Box::new(ImageTagTransformer::new(image, &config)?));
    }

    for t in &transformers {
        crate::fieldspec::test_support::run_transformer(t.as_ref(), &mut resources, &config)?;
    }
    Ok(resources)
}

fn sorted(node: &Node) -> Node {
    match node {
        Node::Map(map) => {
            let mut entries: Vec<(String, Node)> =
                map.iter().map(|(k, v)| (k.clone(), sorted(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Node::Map(entries.into_iter().collect::<Map>())
        }
        Node::Seq(items) => Node::Seq(items.iter().map(sorted).collect()),
        scalar => scalar.clone(),
    }
}

/// Compares the built resources with the expected output, matching
/// documents by kind and name (the expected output may be reordered).
fn assert_output(actual: &ResMap, expected: &str) {
    let expected = parse_documents(expected).unwrap();
    assert_eq!(actual.len(), expected.len(), "number of resources");
    for want in &expected {
        let key = (want.str_at(&["kind"]), want.str_at(&["metadata", "name"]));
        let got = actual
            .iter()
            .find(|r| {
                (
                    r.node.str_at(&["kind"]),
                    r.node.str_at(&["metadata", "name"]),
                ) == key
            })
            .unwrap_or_else(|| panic!("no resource {key:?}"));
        assert_eq!(sorted(&got.node), sorted(want), "resource {key:?}");
    }
}

#[test]
fn transformers_image_default_config() {
    let m = build(&[
        (
            "kustomization.yaml",
            "resources:\n- deploy1.yaml\n- random.yaml\nimages:\n- name: nginx\n  newTag: v2\n- name: my-nginx\n  newTag: previous\n- name: myprivaterepohostname:1234/my/image\n  newTag: v1.0.1\n- name: foobar\n  digest: sha256:24a0c4b4\n- name: alpine\n  newName: myprivaterepohostname:1234/my/cool-alpine\n- name: gcr.io:8080/my-project/my-cool-app\n  newName: my-cool-app\n- name: postgres\n  newName: my-postgres\n  newTag: v3\n- name: docker\n  newName: my-docker\n  digest: sha256:25a0d4b4\n",
        ),
        (
            "random.yaml",
            "kind: randomKind\nmetadata:\n  name: random\nspec:\n  template:\n    spec:\n      containers:\n      - name: ngnix1\n        image: nginx\nspec2:\n  template:\n    spec:\n      containers:\n      - name: nginx3\n        image: nginx:v1\n      - name: nginx4\n        image: my-nginx:latest\nspec3:\n  template:\n    spec:\n      initContainers:\n      - name: postgresdb\n        image: postgres:alpine-9\n      - name: init-docker\n        image: docker:17-git\n      - name: myImage\n        image: myprivaterepohostname:1234/my/image:latest\n      - name: myImage2\n        image: myprivaterepohostname:1234/my/image\n      - name: my-app\n        image: my-app-image:v1\n      - name: my-cool-app\n        image: gcr.io:8080/my-project/my-cool-app:latest\n",
        ),
        (
            "deploy1.yaml",
            "group: apps\napiVersion: v1\nkind: Deployment\nmetadata:\n  name: deploy1\nspec:\n  template:\n    spec:\n      initContainers:\n      - name: nginx2\n        image: my-nginx:1.8.0\n      - name: init-alpine\n        image: alpine:1.8.0\n      containers:\n      - name: ngnix\n        image: nginx:1.7.9\n      - name: repliaced-with-digest\n        image: foobar:1\n      - name: postgresdb\n        image: postgres:1.8.0\n",
        ),
    ])
    .unwrap();
    assert_output(
        &m,
        "apiVersion: v1\ngroup: apps\nkind: Deployment\nmetadata:\n  name: deploy1\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx:v2\n        name: ngnix\n      - image: foobar@sha256:24a0c4b4\n        name: repliaced-with-digest\n      - image: my-postgres:v3\n        name: postgresdb\n      initContainers:\n      - image: my-nginx:previous\n        name: nginx2\n      - image: myprivaterepohostname:1234/my/cool-alpine:1.8.0\n        name: init-alpine\n---\nkind: randomKind\nmetadata:\n  name: random\nspec:\n  template:\n    spec:\n      containers:\n      - image: nginx:v2\n        name: ngnix1\nspec2:\n  template:\n    spec:\n      containers:\n      - image: nginx:v2\n        name: nginx3\n      - image: my-nginx:previous\n        name: nginx4\nspec3:\n  template:\n    spec:\n      initContainers:\n      - image: my-postgres:v3\n        name: postgresdb\n      - image: my-docker@sha256:25a0d4b4\n        name: init-docker\n      - image: myprivaterepohostname:1234/my/image:v1.0.1\n        name: myImage\n      - image: myprivaterepohostname:1234/my/image:v1.0.1\n        name: myImage2\n      - image: my-app-image:v1\n        name: my-app\n      - image: my-cool-app:latest\n        name: my-cool-app\n",
    );
}

#[test]
fn crd_with_containers_is_untouched() {
    let crd = "apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nmetadata:\n  name: crontabs.stable.example.com\nspec:\n  group: stable.example.com\n  containers:\n  - image: test/test\n  validation:\n    openAPIV3Schema:\n      properties:\n        spec:\n          containers:\n            description: Containers allows injecting additional containers\n";
    let m = build(&[
        (
            "kustomization.yaml",
            "resources:\n- crd.yaml\nimages:\n- name: test/test\n  newName: registry.gitlab.com/test\n  newTag: latest\n",
        ),
        ("crd.yaml", crd),
    ])
    .unwrap();
    assert_output(&m, crd);
}

#[test]
fn kustomization_labels_in_cron_job_template() {
    let m = build(&[
        (
            "kustomization.yaml",
            "resources:\n- cjob.yaml\nlabels:\n- pairs:\n    foo: bar\n  includeSelectors: false\n  includeTemplates: true\n",
        ),
        (
            "cjob.yaml",
            "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  labels:\n    app.kubernetes.io/name: job\n  name: job\nspec:\n  jobTemplate:\n    spec:\n      backoffLimit: 4\n      template:\n        metadata:\n          labels:\n            app.kubernetes.io/name: job\n        spec:\n          restartPolicy: Never\n  schedule: '* * * * *'\n",
        ),
    ])
    .unwrap();
    assert_output(
        &m,
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  labels:\n    app.kubernetes.io/name: job\n    foo: bar\n  name: job\nspec:\n  jobTemplate:\n    metadata:\n      labels:\n        foo: bar\n    spec:\n      backoffLimit: 4\n      template:\n        metadata:\n          labels:\n            app.kubernetes.io/name: job\n            foo: bar\n        spec:\n          restartPolicy: Never\n  schedule: '* * * * *'\n",
    );
}

#[test]
fn kustomization_labels_do_not_create_invalid_template_paths() {
    let m = build(&[
        (
            "kustomization.yaml",
            "resources:\n- deployment.yaml\n- service.yaml\ncommonLabels:\n  app: test-server\nlabels:\n- pairs:\n    app.kubernetes.io/component: a\n    app.kubernetes.io/instance: b\n    app.kubernetes.io/name: c\n    app.kubernetes.io/part-of: d\n  includeSelectors: false\n  includeTemplates: true\n",
        ),
        (
            "deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: deployment\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n      - name: test-server\n        image: test-server\n",
        ),
        (
            "service.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: service\nspec:\n  ports:\n  - port: 80\n    protocol: TCP\n    targetPort: 9376\n",
        ),
    ])
    .unwrap();
    let labels = "    app: test-server\n    app.kubernetes.io/component: a\n    app.kubernetes.io/instance: b\n    app.kubernetes.io/name: c\n    app.kubernetes.io/part-of: d\n";
    let template_labels = labels.replace("    ", "        ");
    assert_output(
        &m,
        &format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n{labels}  name: deployment\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: test-server\n  template:\n    metadata:\n      labels:\n{template_labels}    spec:\n      containers:\n      - image: test-server\n        name: test-server\n---\napiVersion: v1\nkind: Service\nmetadata:\n  labels:\n{labels}  name: service\nspec:\n  ports:\n  - port: 80\n    protocol: TCP\n    targetPort: 9376\n  selector:\n    app: test-server\n"
        ),
    );
}

#[test]
fn custom_config_repeating_the_defaults_changes_nothing() {
    // TestCustomConfigWithDefaultOverspecification: a configuration file
    // that repeats the built-in tables merges into exactly the defaults, so
    // names are prefixed once.
    let defaults = TransformerConfig::default_config();
    let mut merged = defaults.clone();
    let again = parse_single(include_str!("builtin.yaml")).unwrap();
    merged
        .merge(TransformerConfig::from_yaml(&again).unwrap())
        .unwrap();
    assert_eq!(merged, defaults);

    let m = build(&[
        (
            "kustomization.yaml",
            "namePrefix: x-\nconfigurations:\n- config/defaults.yaml\nresources:\n- cm.yaml\n",
        ),
        (
            "config/defaults.yaml",
            "namePrefix:\n- path: metadata/name\n",
        ),
        (
            "cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
        ),
    ])
    .unwrap();
    assert_eq!(m.resources[0].name(), "x-cm");
}

#[test]
fn crds_add_label_selector_fields_of_custom_kinds() {
    let crd = r#"{"example.com/v1.Box": {"Schema": {"properties": {
        "apiVersion": {}, "kind": {}, "metadata": {},
        "spec": {"$ref": "example.com/v1.BoxSpec"}}}},
      "example.com/v1.BoxSpec": {"Schema": {"properties": {
        "selector": {"x-kubernetes-label-selector": ""},
        "notes": {"x-kubernetes-annotation": ""}}}}}"#;
    let m = build(&[
        (
            "kustomization.yaml",
            "crds:\n- box.json\nresources:\n- box.yaml\ncommonLabels:\n  a: b\ncommonAnnotations:\n  c: d\n",
        ),
        ("box.json", crd),
        (
            "box.yaml",
            "apiVersion: example.com/v1\nkind: Box\nmetadata:\n  name: box\nspec:\n  selector:\n    x: y\n  notes: {}\n",
        ),
    ])
    .unwrap();
    assert_output(
        &m,
        "apiVersion: example.com/v1\nkind: Box\nmetadata:\n  annotations:\n    c: d\n  labels:\n    a: b\n  name: box\nspec:\n  notes:\n    c: d\n  selector:\n    a: b\n    x: y\n",
    );
}

#[test]
fn namespace_prefix_suffix_replicas_together() {
    let m = build(&[
        (
            "kustomization.yaml",
            "namespace: ns\nnamePrefix: p-\nnameSuffix: -s\nresources:\n- d.yaml\nreplicas:\n- name: d\n  count: 3\n",
        ),
        (
            "d.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: old\n",
        ),
    ])
    .unwrap();
    assert_output(
        &m,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: p-d-s\n  namespace: ns\n  annotations:\n    internal.config.kubernetes.io/prefixes: p-\n    internal.config.kubernetes.io/suffixes: -s\nspec:\n  replicas: 3\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns\n",
    );
    let ids: Vec<String> = m.resources[0]
        .previous_ids
        .iter()
        .map(|id| id.to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "Deployment.v1.apps/d.[noNs]",
            "Deployment.v1.apps/d.ns",
            "Deployment.v1.apps/p-d.ns"
        ]
    );
}
