//! Strategic merge cases; every expectation was checked against
//! `kubectl kustomize` (kustomize v5.5.0) with the resource and the patch in
//! a `patches:` entry.

use super::*;
use crate::yaml::parse::parse_single;

fn yaml(text: &str) -> Node {
    parse_single(text).unwrap()
}

/// Map keys sorted (the printer sorts them) and nulls spelled alike.
fn canon(node: &Node) -> Node {
    match node {
        Node::Scalar(s) if s.is_null() => Node::null(),
        Node::Scalar(_) => node.clone(),
        Node::Seq(items) => Node::Seq(items.iter().map(canon).collect()),
        Node::Map(m) => {
            let mut entries: Vec<(String, Node)> =
                m.iter().map(|(k, v)| (k.clone(), canon(v))).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Node::Map(entries.into_iter().collect())
        }
    }
}

fn merge(base: &str, patch: &str) -> Option<Node> {
    strategic_merge(&yaml(base), &yaml(patch), Schema::builtin()).unwrap()
}

#[track_caller]
fn check(base: &str, patch: &str, expected: &str) {
    let got = merge(base, patch).expect("resource kept");
    assert_eq!(canon(&got), canon(&yaml(expected)));
}

const DEPLOY: &str = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: a
        image: a
      - name: b
        image: b
      - name: c
        image: c
      volumes:
      - name: v1
        emptyDir: {}
      - name: v2
        configMap: {name: x}
";

#[test]
fn patch_elements_come_first() {
    check(
        DEPLOY,
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - name: c
        image: c2
      - name: d
        image: d
      volumes:
      - name: v3
        emptyDir: {}
",
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - {image: c2, name: c}
      - {image: d, name: d}
      - {image: a, name: a}
      - {image: b, name: b}
      volumes:
      - {emptyDir: {}, name: v3}
      - {emptyDir: {}, name: v1}
      - {configMap: {name: x}, name: v2}
",
    );
}

#[test]
fn resource_element_without_merge_key_truncates_the_list() {
    check(
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - {name: a, image: a}
      - image: x
      - {name: b, image: b}
",
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - {name: a, image: a2}
",
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - image: x
",
    );
}

#[test]
fn patch_element_without_merge_key_empties_the_list() {
    check(
        DEPLOY,
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - image: z
",
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers: []
      volumes:
      - {emptyDir: {}, name: v1}
      - {configMap: {name: x}, name: v2}
",
    );
}

#[test]
fn keyless_replace_directive_element_acts_as_replace() {
    check(
        DEPLOY,
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - $patch: replace
      - {name: z, image: z}
",
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - {image: z, name: z}
      volumes:
      - {emptyDir: {}, name: v1}
      - {configMap: {name: x}, name: v2}
",
    );
}

#[test]
fn nulls_delete_and_resource_nulls_survive() {
    check(
        "
apiVersion: v1
kind: ConfigMap
metadata:
  name: d
data:
  a: null
  b: x
  e: \"\"
  f: []
  g: {}
",
        "
apiVersion: v1
kind: ConfigMap
metadata:
  name: d
data:
  b: null
  c: null
  new:
    x: null
    y: 1
    z: {}
    w: []
  g: null
",
        "
apiVersion: v1
kind: ConfigMap
metadata:
  name: d
data:
  a: null
  e: \"\"
  f: []
  new:
    w: []
    y: 1
    z: {}
",
    );
}

#[test]
fn empty_nulls_in_resource_are_dropped() {
    check(
        "
apiVersion: v1
kind: ConfigMap
metadata:
  name: d
data:
  a1:
  a2: ~
  a3: null
  a4: Null
  a5: NULL
  a6: !!null \"\"
  l:
  - x: ~
    y:
",
        "
apiVersion: v1
kind: ConfigMap
metadata:
  name: d
",
        "
apiVersion: v1
kind: ConfigMap
metadata:
  name: d
data:
  a2: null
  a3: null
  a4: null
  a5: null
  l:
  - {x: null, y: null}
",
    );
}

const DEPLOY2: &str = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  finalizers: [a, b]
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: a
        image: a
        ports:
        - containerPort: 80
          protocol: TCP
        - containerPort: 80
          protocol: UDP
        - containerPort: 90
      - name: b
        image: b
      volumes:
      - name: v1
        emptyDir: {}
";

#[test]
fn replace_directive_at_the_top_does_nothing() {
    check(
        DEPLOY2,
        "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
$patch: replace
spec:
  replicas: 5
",
        DEPLOY2,
    );
}

#[test]
fn delete_directive_at_the_top_deletes_the_resource() {
    assert!(merge(
        DEPLOY2,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n$patch: delete\n"
    )
    .is_none());
}

#[test]
fn element_directives_and_unknown_dollar_fields() {
    check(
        DEPLOY2,
        "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  $deleteFromPrimitiveList/finalizers: [a]
  finalizers: [c, a]
spec:
  template:
    spec:
      $setElementOrder/containers:
      - name: b
      - name: a
      $retainKeys: [x]
      containers:
      - name: b
        image: b2
        $patch: replace
      - name: a
        $patch: delete
",
        "
apiVersion: apps/v1
kind: Deployment
metadata:
  $deleteFromPrimitiveList/finalizers: [a]
  finalizers: [c, a, b]
  name: d
spec:
  replicas: 1
  template:
    spec:
      $retainKeys: [x]
      $setElementOrder/containers:
      - name: b
      - name: a
      containers:
      - {image: b, name: b}
      volumes:
      - {emptyDir: {}, name: v1}
",
    );
}

#[test]
fn ports_merge_by_port_and_protocol() {
    check(
        DEPLOY2,
        "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  template:
    spec:
      containers:
      - name: a
        ports:
        - containerPort: 80
          protocol: UDP
          name: u
        - containerPort: 100
",
        "
apiVersion: apps/v1
kind: Deployment
metadata:
  finalizers: [a, b]
  name: d
spec:
  replicas: 1
  template:
    spec:
      containers:
      - image: a
        name: a
        ports:
        - containerPort: 100
        - {containerPort: 80, protocol: TCP}
        - {containerPort: 80, name: u, protocol: UDP}
        - containerPort: 90
      - {image: b, name: b}
      volumes:
      - {emptyDir: {}, name: v1}
",
    );
}

#[test]
fn kind_mismatch_is_an_error() {
    let err = strategic_merge(
        &yaml(DEPLOY2),
        &yaml("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: {a: 1}\n"),
        Schema::builtin(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "wrong node kind: expected ScalarNode but got MappingNode: node contents:\n{a: 1}"
    );
    let err = strategic_merge(
        &yaml(DEPLOY2),
        &yaml(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  template: [1]\n",
        ),
        Schema::builtin(),
    )
    .unwrap_err();
    assert!(err
        .to_string()
        .starts_with("wrong node kind: expected MappingNode but got SequenceNode"));
}

#[test]
fn scalars_keep_the_style_of_quoted_fields() {
    check(
        "
apiVersion: v1
kind: ConfigMap
metadata:
  name: x
data:
  a: \"3\"
  c: plain
  l: [\"1\", 2]
",
        "
apiVersion: v1
kind: ConfigMap
metadata:
  name: x
data:
  a: 5
  c: 7
  l: [3]
",
        "
apiVersion: v1
kind: ConfigMap
metadata:
  name: x
data:
  a: \"5\"
  c: 7
  l: [3]
",
    );
}

#[test]
fn unknown_kinds_replace_lists() {
    let crd = "
apiVersion: example.com/v1alpha1
kind: MyCRD
metadata:
  name: service
spec:
  template:
    spec:
      containers:
      - name: server
        image: server
        ports:
        - {name: grpc, protocol: TCP, containerPort: 8080}
";
    let patch = "
apiVersion: example.com/v1alpha1
kind: MyCRD
metadata:
  name: service
spec:
  template:
    spec:
      containers:
      - name: server
        image: nginx
";
    check(crd, patch, patch);

    let doc = yaml(
        r##"
definitions:
  v1alpha1.MyCRD:
    properties:
      spec:
        properties:
          template: {$ref: "#/definitions/io.k8s.api.core.v1.PodTemplateSpec"}
    x-kubernetes-group-version-kind:
    - {group: example.com, kind: MyCRD, version: v1alpha1}
"##,
    );
    let schema = Schema::with_custom(&doc).unwrap();
    let got = strategic_merge(&yaml(crd), &yaml(patch), &schema)
        .unwrap()
        .unwrap();
    let expected = "
apiVersion: example.com/v1alpha1
kind: MyCRD
metadata:
  name: service
spec:
  template:
    spec:
      containers:
      - name: server
        image: nginx
        ports:
        - {name: grpc, protocol: TCP, containerPort: 8080}
";
    assert_eq!(canon(&got), canon(&yaml(expected)));
}

#[test]
fn conformance_custom_openapi_from_component() {
    // TestCustomOpenApiFieldFromComponentWithOverlays: the component's schema
    // references the built-in PodTemplateSpec.
    let doc = yaml(
        r##"
definitions:
  com.github.openshift.api.apps.v1.DeploymentConfig:
    type: object
    properties:
      apiVersion: {type: string}
      kind: {type: string}
      metadata: {$ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"}
      spec: {$ref: "#/definitions/com.github.openshift.api.apps.v1.DeploymentConfigSpec"}
    x-kubernetes-group-version-kind:
    - {group: apps.openshift.io, kind: DeploymentConfig, version: v1}
  com.github.openshift.api.apps.v1.DeploymentConfigSpec:
    type: object
    properties:
      template: {$ref: "#/definitions/io.k8s.api.core.v1.PodTemplateSpec"}
  io.k8s.api.core.v1.Volume:
    type: object
    properties:
      configMap: {$ref: "#/definitions/io.k8s.api.core.v1.ConfigMapVolumeSource"}
      name: {type: string}
  io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta:
    type: object
    properties:
      name: {type: string}
"##,
    );
    let schema = Schema::with_custom(&doc).unwrap();
    let base = "
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: my-dc
spec:
  template:
    spec:
      initContainers:
        - name: init
      containers:
        - name: container
          env:
            - name: foo
              value: bar
          volumeMounts:
            - name: cm
              mountPath: /opt/cm
      volumes:
        - name: cm
          configMap:
            name: cm
";
    let patch = "
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: my-dc
spec:
  template:
    spec:
      containers:
        - name: container
          volumeMounts:
            - name: additional-cm
              mountPath: /mnt
      volumes:
        - name: additional-cm
          configMap:
             name: additional-cm
";
    let expected = "
apiVersion: apps.openshift.io/v1
kind: DeploymentConfig
metadata:
  name: my-dc
spec:
  template:
    spec:
      containers:
      - env:
        - name: foo
          value: bar
        name: container
        volumeMounts:
        - mountPath: /mnt
          name: additional-cm
        - mountPath: /opt/cm
          name: cm
      initContainers:
      - name: init
      volumes:
      - configMap:
          name: additional-cm
        name: additional-cm
      - configMap:
          name: cm
        name: cm
";
    let got = strategic_merge(&yaml(base), &yaml(patch), &schema)
        .unwrap()
        .unwrap();
    assert_eq!(canon(&got), canon(&yaml(expected)));
}

#[test]
fn resource_keeps_its_name_namespace_and_kind() {
    let base = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"0123\"\n  namespace: \"true\"\ndata:\n  x: \"1\"\n";
    let patch = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: elsewhere\ndata:\n  y: \"2\"\n";
    let got = apply_smp_to_resource(
        &yaml(base),
        &yaml(patch),
        Schema::builtin(),
        SmpOptions::default(),
    )
    .unwrap()
    .unwrap();
    let expected = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"0123\"\n  namespace: \"true\"\ndata:\n  x: \"1\"\n  y: \"2\"\n";
    assert_eq!(canon(&got), canon(&yaml(expected)));

    let got = apply_smp_to_resource(
        &yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"),
        &yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: ns\n"),
        Schema::builtin(),
        SmpOptions {
            allow_name_change: true,
            allow_kind_change: false,
        },
    )
    .unwrap()
    .unwrap();
    assert_eq!(got.str_at(&["metadata", "name"]), Some("b"));
    assert_eq!(got.get_path(&["metadata", "namespace"]), None);
}

#[test]
fn primitive_merge_lists_union_patch_first() {
    check(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  finalizers: [a, b]\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  finalizers: [c, a]\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  finalizers: [c, a, b]\n",
    );
}

#[test]
fn map_directives_and_element_delete() {
    check(
        "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  labels: {a: '1', b: '2'}
spec:
  selector:
    matchLabels: {a: '1', b: '2'}
  strategy:
    type: Recreate
  template:
    spec:
      containers:
      - {name: a, image: a}
      - {name: b, image: b}
      - {name: c, image: c}
",
        "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  labels: {c: '3'}
spec:
  strategy:
    $patch: delete
  selector:
    matchLabels:
      $patch: replace
      z: '9'
  template:
    spec:
      containers:
      - name: b
        $patch: delete
",
        "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
  labels: {a: '1', b: '2', c: '3'}
spec:
  selector:
    matchLabels: {z: '9'}
  template:
    spec:
      containers:
      - {image: a, name: a}
      - {image: c, name: c}
",
    );
}

#[test]
fn list_directive_elements() {
    // The `{$patch: replace}` element makes the list the patch's; of two
    // patch elements with the same key the last one wins.
    check(
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - image: img2
        env: [{name: E1}]
",
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - {name: b, image: img1, env: [{name: E3, value: v1}]}
      - {name: b, image: img1, ports: [{containerPort: 100}]}
      - $patch: replace
",
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - {name: b, image: img1, ports: [{containerPort: 100}]}
",
    );
    check(
        DEPLOY,
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      volumes:
      - $patch: delete
",
        "
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - {image: a, name: a}
      - {image: b, name: b}
      - {image: c, name: c}
",
    );
}
