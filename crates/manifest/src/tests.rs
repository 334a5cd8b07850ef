use super::*;

const PROD: &str = include_str!("../../../examples/copilot-agent/expected-prod.yaml");

/// A small valid Kubernetes manifest that tests break one field at a time.
const BASE: &str = "\
apiVersion: kubernetes.project-planton.org/v1
kind: KubernetesDeployment
metadata:
  name: svc
  org: acme
spec:
  version: main
  container:
    app:
      image:
        repo: ghcr.io/acme/svc
        tag: v1
      env:
        variables:
          PORT: \"8080\"
        secrets:
          TOKEN: $secrets-group/g/token
      resources:
        limits:
          cpu: 2
          memory: 2Gi
        requests:
          cpu: 50m
          memory: 100Mi
      ports:
        - name: grpc-api
          appProtocol: grpc
          networkProtocol: TCP
          servicePort: 80
          containerPort: 8080
          isIngressPort: true
  ingress:
    enabled: true
    dnsDomain: example.com
  availability:
    minReplicas: 1
    horizontalPodAutoscaling:
      isEnabled: true
      minReplicas: 1
      maxReplicas: 3
      targetCpuUtilizationPercent: 80
";

const ECS: &str = "\
apiVersion: aws.project-planton.org/v1
kind: AwsEcsService
metadata:
  name: svc
spec:
  cluster: main
  container:
    image:
      repo: 123.dkr.ecr.us-east-1.amazonaws.com/svc
      tag: v1
    cpu: 256
    memory: 512
    port: 8080
    replicas: 2
    env:
      variables:
        LOG_LEVEL: info
  network:
    subnets: [subnet-a, subnet-b]
    securityGroups: [sg-1]
  iam:
    taskExecutionRoleArn: arn:aws:iam::123:role/exec
  loadBalancer:
    enabled: true
    arn: arn:aws:elasticloadbalancing:lb
    path: /
  autoscaling:
    enabled: true
    minTasks: 1
    maxTasks: 4
    targetCpuPercent: 70
  healthCheck:
    path: /healthz
    intervalSeconds: 30
";

fn errors(text: &str) -> Vec<ManifestError> {
    parse_manifest(text, "overlays/prod").expect_err("manifest should be refused")
}

/// Replaces the one occurrence of `from` in `BASE`.
fn base_with(from: &str, to: &str) -> String {
    assert_eq!(
        BASE.matches(from).count(),
        1,
        "{from:?} occurs once in BASE"
    );
    BASE.replace(from, to)
}

fn assert_one(errs: &[ManifestError], path: &str, needle: &str) {
    assert!(
        errs.iter()
            .any(|e| e.path == path && e.message.contains(needle) && e.overlay == "overlays/prod"),
        "no error at {path} mentioning {needle:?} in {errs:#?}"
    );
}

#[test]
fn copilot_agent_prod_parses_and_validates() {
    let m = parse_manifest(PROD, "overlays/prod").expect("prod manifest is valid");
    let Manifest::KubernetesDeployment(r) = &m else {
        panic!("wrong kind: {}", m.kind())
    };
    assert_eq!(r.metadata.name, "copilot-agent");
    assert_eq!(r.metadata.env.as_deref(), Some("app-prod"));
    let app = &r.spec.container.app;
    assert_eq!(app.ports[0].name, "grpc-api");
    assert_eq!(app.ports[0].container_port, 8080);
    let env = app.env.as_ref().unwrap();
    assert_eq!(env.variables["PORT"], "8080");
    assert_eq!(env.secrets["BUF_TOKEN"], "$secrets-group/buf/token");
    let limits = app.resources.as_ref().unwrap().limits.as_ref().unwrap();
    assert_eq!(limits.cpu, Some(Quantity("2".into())));
    assert_eq!(r.spec.version.as_deref(), Some("main"));
    assert!(r.spec.ingress.as_ref().unwrap().enabled);
}

#[test]
fn base_and_ecs_examples_are_valid() {
    parse_manifest(BASE, "t").expect("BASE is valid");
    let m = parse_manifest(ECS, "t").expect("ECS is valid");
    assert_eq!(m.kind(), "AwsEcsService");
}

#[test]
fn older_kind_name_and_other_groups_are_accepted() {
    let old = base_with("kind: KubernetesDeployment", "kind: MicroserviceKubernetes");
    let m = parse_manifest(&old, "t").unwrap();
    assert_eq!(m.kind(), "KubernetesDeployment");
    for g in ["kubernetes.openmcf.org/v1", "berth.dev/v1"] {
        let t = base_with("kubernetes.project-planton.org/v1", g);
        parse_manifest(&t, "t").unwrap();
    }
    parse_manifest(
        &ECS.replace("aws.project-planton.org/v1", "berth.dev/v1"),
        "t",
    )
    .unwrap();
}

#[test]
fn wrong_group_and_unknown_kind() {
    let e = errors(&base_with(
        "kubernetes.project-planton.org/v1",
        "aws.project-planton.org/v1",
    ));
    assert_one(&e, "apiVersion", "kubernetes.project-planton.org/v1");
    let e = errors(&base_with("kind: KubernetesDeployment", "kind: Nope"));
    assert_one(&e, "kind", "\"Nope\"");
    let e = errors("metadata: {name: x}\n");
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_one(&e, "apiVersion", "missing");
    assert_one(&e, "kind", "missing");
    let e = errors("- a\n");
    assert_one(&e, "", "mapping");
    let e = errors("a: [\n");
    assert_one(&e, "", "YAML");
}

#[test]
fn unknown_field_is_named_with_its_path() {
    let e = errors(&base_with(
        "          appProtocol: grpc",
        "          appProtocl: grpc",
    ));
    assert_eq!(e.len(), 1);
    assert_one(
        &e,
        "spec.container.app.ports[0].appProtocl",
        "unknown field",
    );
    assert!(e[0].message.contains("appProtocol"), "{e:#?}");
    assert_eq!(
        e[0].to_string(),
        format!(
            "overlays/prod: spec.container.app.ports[0].appProtocl: {}",
            e[0].message
        )
    );
}

#[test]
fn missing_required_field_is_named_with_its_path() {
    let e = errors(&base_with("          containerPort: 8080\n", ""));
    assert_one(&e, "spec.container.app.ports[0].containerPort", "missing");
    let e = errors(&ECS.replace("  cluster: main\n", ""));
    assert_one(&e, "spec.cluster", "missing");
}

#[test]
fn wrong_type_is_named_with_its_path() {
    let e = errors(&base_with("containerPort: 8080", "containerPort: eighty"));
    assert_one(
        &e,
        "spec.container.app.ports[0].containerPort",
        "invalid type",
    );
    let e = errors(&base_with("PORT: \"8080\"", "PORT: [1]"));
    assert_one(&e, "spec.container.app.env.variables.PORT", "invalid type");
}

#[test]
fn port_name_rule() {
    for bad in ["Grpc", "-grpc", "grpc-", "g", "grpc_api"] {
        let e = errors(&base_with("name: grpc-api", &format!("name: {bad:?}")));
        assert_one(
            &e,
            "spec.container.app.ports[0].name",
            "^[a-z0-9][a-z0-9-]*[a-z0-9]$",
        );
    }
    assert!(is_port_name("h2") && is_port_name("grpc-api-2"));
}

#[test]
fn network_protocol_rule() {
    let e = errors(&base_with("networkProtocol: TCP", "networkProtocol: HTTP"));
    assert_one(
        &e,
        "spec.container.app.ports[0].networkProtocol",
        "TCP, UDP, SCTP",
    );
    for ok in ["UDP", "SCTP"] {
        parse_manifest(
            &base_with("networkProtocol: TCP", &format!("networkProtocol: {ok}")),
            "t",
        )
        .unwrap();
    }
}

#[test]
fn version_rule() {
    let long = "a".repeat(31);
    for bad in ["Main", "main-", "feat_x", "\"\"", long.as_str()] {
        let e = errors(&base_with("version: main", &format!("version: {bad}")));
        assert_one(&e, "spec.version", "[a-z0-9-]");
    }
    assert!(is_version(&"a".repeat(30)) && is_version("pr-12"));
}

#[test]
fn ingress_needs_a_domain_or_hostname() {
    let e = errors(&base_with("    dnsDomain: example.com\n", ""));
    assert_one(&e, "spec.ingress", "dnsDomain or hostname");
    let ok = base_with("dnsDomain: example.com", "hostname: svc.example.com");
    parse_manifest(&ok, "t").unwrap();
    let off = base_with(
        "    enabled: true\n    dnsDomain: example.com\n",
        "    enabled: false\n",
    );
    parse_manifest(&off, "t").unwrap();
}

#[test]
fn quantity_rules() {
    let e = errors(&base_with("cpu: 50m", "cpu: 50x"));
    assert_one(
        &e,
        "spec.container.app.resources.requests.cpu",
        "CPU quantity",
    );
    let e = errors(&base_with("memory: 2Gi", "memory: 2GB"));
    assert_one(
        &e,
        "spec.container.app.resources.limits.memory",
        "memory quantity",
    );
    assert_eq!(cpu_millis("500m"), Some(500));
    assert_eq!(cpu_millis("2"), Some(2000));
    assert_eq!(cpu_millis("0.5"), Some(500));
    assert_eq!(cpu_millis("m"), None);
    assert_eq!(cpu_millis("-1"), None);
    assert_eq!(memory_bytes("100Mi"), Some(100 << 20));
    assert_eq!(memory_bytes("2Gi"), Some(2 << 30));
    assert_eq!(memory_bytes("1G"), Some(1_000_000_000));
    assert_eq!(memory_bytes("512"), Some(512));
    assert_eq!(memory_bytes("1.5Ki"), Some(1536));
    assert_eq!(memory_bytes("Mi"), None);
}

#[test]
fn request_above_limit_is_refused() {
    let e = errors(&base_with("memory: 100Mi", "memory: 3Gi"));
    assert_one(
        &e,
        "spec.container.app.resources.requests.memory",
        "limits.memory",
    );
}

#[test]
fn min_replicas_at_most_max() {
    let e = errors(&base_with("maxReplicas: 3", "maxReplicas: 0"));
    assert_one(
        &e,
        "spec.availability.horizontalPodAutoscaling.minReplicas",
        "maxReplicas (0)",
    );
    let e = errors(&ECS.replace("minTasks: 1", "minTasks: 9"));
    assert_one(&e, "spec.autoscaling.minTasks", "maxTasks (4)");
}

#[test]
fn env_names_rule() {
    let e = errors(&base_with("PORT: \"8080\"", "1PORT: \"8080\""));
    assert_one(
        &e,
        "spec.container.app.env.variables.1PORT",
        "[A-Za-z_][A-Za-z0-9_]*",
    );
    let e = errors(&base_with("TOKEN: $secrets", "MY-TOKEN: $secrets"));
    assert_one(
        &e,
        "spec.container.app.env.secrets.MY-TOKEN",
        "[A-Za-z_][A-Za-z0-9_]*",
    );
    assert!(is_env_name("_x1") && !is_env_name("") && !is_env_name("a.b"));
}

#[test]
fn several_errors_are_reported_together() {
    let text = BASE
        .replace("name: grpc-api", "name: GRPC")
        .replace("networkProtocol: TCP", "networkProtocol: tcp")
        .replace("version: main", "version: main-")
        .replace("    dnsDomain: example.com\n", "")
        .replace("cpu: 50m", "cpu: lots")
        .replace("PORT: \"8080\"", "BAD NAME: \"8080\"")
        .replace(
            "minReplicas: 1\n      maxReplicas: 3",
            "minReplicas: 5\n      maxReplicas: 3",
        );
    let e = errors(&text);
    let paths: Vec<&str> = e.iter().map(|e| e.path.as_str()).collect();
    for p in [
        "spec.container.app.ports[0].name",
        "spec.container.app.ports[0].networkProtocol",
        "spec.version",
        "spec.ingress",
        "spec.container.app.resources.requests.cpu",
        "spec.container.app.env.variables.BAD NAME",
        "spec.availability.horizontalPodAutoscaling.minReplicas",
    ] {
        assert!(paths.contains(&p), "missing {p} in {paths:?}");
    }
    assert_eq!(e.len(), 7, "{e:#?}");
    assert!(e.iter().all(|e| e.overlay == "overlays/prod"));
}

#[test]
fn sidecars_are_checked_like_the_app() {
    let text = base_with(
        "  ingress:\n",
        "    sidecars:\n      - name: proxy\n        image: {repo: envoy}\n        ports:\n          - {name: Admin, containerPort: 0}\n  ingress:\n",
    );
    let e = errors(&text);
    assert_one(&e, "spec.container.sidecars[0].ports[0].name", "port name");
    assert_one(
        &e,
        "spec.container.sidecars[0].ports[0].containerPort",
        "1..=65535",
    );
}

#[test]
fn duplicate_port_names_are_refused() {
    let text = base_with(
        "          isIngressPort: true\n",
        "          isIngressPort: true\n        - name: grpc-api\n          containerPort: 9090\n",
    );
    let e = errors(&text);
    assert_one(&e, "spec.container.app.ports[1].name", "ports[0]");
}

#[test]
fn ecs_rules() {
    let e = errors(
        &ECS.replace("cpu: 256", "cpu: 0")
            .replace("subnets: [subnet-a, subnet-b]", "subnets: []")
            .replace("    port: 8080\n", ""),
    );
    assert_one(&e, "spec.container.cpu", "above 0");
    assert_one(&e, "spec.network.subnets", "at least one subnet");
    assert_one(&e, "spec.container.port", "loadBalancer.enabled");
    let e = errors(&ECS.replace("subnets:", "subnetz:"));
    assert_one(&e, "spec.network.subnetz", "unknown field");
}

#[test]
fn references_skip_format_rules() {
    let text = base_with("cpu: 50m", "cpu: $variables-group/sizes/cpu")
        .replace("version: main", "version: $variables-group/svc/version")
        .replace(
            "networkProtocol: TCP",
            "networkProtocol: $variables-group/net/proto",
        );
    parse_manifest(&text, "t").expect("references are not format-checked");
    assert!(is_reference("$secrets-group/a/b") && !is_reference("$other/a"));
}

#[test]
fn overlay_env_is_required_except_local() {
    let prod = parse_manifest(PROD, "overlays/prod").unwrap();
    check_overlay_env(&prod, "prod").unwrap();
    let no_env = parse_manifest(BASE, "t").unwrap();
    check_overlay_env(&no_env, "local").unwrap();
    let e = check_overlay_env(&no_env, "staging").unwrap_err();
    assert_eq!(e.path, "metadata.env");
    assert_eq!(e.overlay, "staging");
}
