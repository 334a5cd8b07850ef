//! Validation rules beyond what the types enforce. Every rule pushes an error
//! and carries on, so that one run reports everything wrong with a manifest.

use std::collections::BTreeMap;

use crate::kinds::*;
use crate::ManifestError;

pub(crate) struct Checker<'a> {
    source: &'a str,
    pub(crate) errors: Vec<ManifestError>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(source: &'a str) -> Self {
        Checker {
            source,
            errors: Vec::new(),
        }
    }

    fn err(&mut self, path: impl Into<String>, expected: impl Into<String>) {
        self.errors.push(ManifestError {
            overlay: self.source.to_string(),
            path: path.into(),
            message: format!("expected {}", expected.into()),
        });
    }

    pub(crate) fn metadata(&mut self, m: &Metadata) {
        if m.name.trim().is_empty() {
            self.err("metadata.name", "a non-empty name");
        }
    }

    pub(crate) fn kubernetes(&mut self, s: &KubernetesDeploymentSpec) {
        if let Some(v) = &s.version {
            if !is_reference(v) && !is_version(v) {
                self.err(
                    "spec.version",
                    format!("1 to 30 characters of [a-z0-9-] not ending in '-', found {v:?}"),
                );
            }
        }
        self.app(&s.container.app);
        let mut seen = BTreeMap::new();
        for (i, sc) in s.container.sidecars.iter().enumerate() {
            let p = format!("spec.container.sidecars[{i}]");
            if !is_port_name(&sc.name) {
                self.err(
                    format!("{p}.name"),
                    format!(
                        "a name matching ^[a-z0-9][a-z0-9-]*[a-z0-9]$, found {:?}",
                        sc.name
                    ),
                );
            }
            if let Some(first) = seen.insert(sc.name.as_str(), i) {
                self.err(
                    format!("{p}.name"),
                    format!(
                        "a unique sidecar name, {:?} is also spec.container.sidecars[{first}]",
                        sc.name
                    ),
                );
            }
            self.image(&format!("{p}.image"), &sc.image);
            self.env(&format!("{p}.env"), sc.env.as_ref());
            self.resources(&format!("{p}.resources"), sc.resources.as_ref());
            self.ports(&format!("{p}.ports"), &sc.ports);
        }
        if let Some(ing) = &s.ingress {
            let blank = |o: &Option<String>| o.as_deref().is_none_or(|v| v.trim().is_empty());
            if ing.enabled && blank(&ing.dns_domain) && blank(&ing.hostname) {
                self.err("spec.ingress", "dnsDomain or hostname when enabled is true");
            }
        }
        if let Some(av) = &s.availability {
            if let Some(hpa) = &av.horizontal_pod_autoscaling {
                let p = "spec.availability.horizontalPodAutoscaling";
                if let (Some(min), Some(max)) = (hpa.min_replicas, hpa.max_replicas) {
                    if min > max {
                        self.err(
                            format!("{p}.minReplicas"),
                            format!("at most maxReplicas ({max}), found {min}"),
                        );
                    }
                }
                if hpa.is_enabled && hpa.max_replicas.is_none() {
                    self.err(format!("{p}.maxReplicas"), "a value when isEnabled is true");
                }
                if hpa.max_replicas == Some(0) {
                    self.err(format!("{p}.maxReplicas"), "at least 1, found 0");
                }
                if let Some(t) = hpa.target_cpu_utilization_percent {
                    if !(t > 0.0 && t <= 100.0) {
                        self.err(
                            format!("{p}.targetCpuUtilizationPercent"),
                            format!("a percentage in (0, 100], found {t}"),
                        );
                    }
                }
                if let Some(q) = &hpa.target_memory_utilization {
                    self.memory(&format!("{p}.targetMemoryUtilization"), q);
                }
            }
        }
    }

    fn app(&mut self, a: &AppContainer) {
        let p = "spec.container.app";
        if let Some(img) = &a.image {
            self.image(&format!("{p}.image"), img);
        }
        self.env(&format!("{p}.env"), a.env.as_ref());
        self.resources(&format!("{p}.resources"), a.resources.as_ref());
        self.ports(&format!("{p}.ports"), &a.ports);
    }

    fn image(&mut self, path: &str, img: &ContainerImage) {
        if img.repo.trim().is_empty() {
            self.err(format!("{path}.repo"), "a non-empty image repository");
        }
        if img.tag.as_deref().is_some_and(|t| t.trim().is_empty()) {
            self.err(format!("{path}.tag"), "a non-empty tag (or no tag field)");
        }
    }

    fn env(&mut self, path: &str, env: Option<&ContainerEnv>) {
        let Some(env) = env else { return };
        for (section, map) in [("variables", &env.variables), ("secrets", &env.secrets)] {
            for name in map.keys() {
                if !is_env_name(name) {
                    self.err(
                        format!("{path}.{section}.{name}"),
                        format!(
                            "an environment variable name matching [A-Za-z_][A-Za-z0-9_]*, found {name:?}"
                        ),
                    );
                }
            }
        }
        for name in env.variables.keys() {
            if env.secrets.contains_key(name) {
                self.err(
                    format!("{path}.secrets.{name}"),
                    format!("{name} in only one of variables and secrets"),
                );
            }
        }
    }

    fn resources(&mut self, path: &str, r: Option<&Resources>) {
        let Some(r) = r else { return };
        for (part, cm) in [("limits", &r.limits), ("requests", &r.requests)] {
            let Some(cm) = cm else { continue };
            if let Some(q) = &cm.cpu {
                self.cpu(&format!("{path}.{part}.cpu"), q);
            }
            if let Some(q) = &cm.memory {
                self.memory(&format!("{path}.{part}.memory"), q);
            }
        }
        // A request above its limit is refused by Kubernetes at apply time.
        if let (Some(l), Some(rq)) = (&r.limits, &r.requests) {
            let pairs = [
                (
                    "cpu",
                    l.cpu.as_ref().and_then(|q| cpu_millis(&q.0)),
                    rq.cpu.as_ref().and_then(|q| cpu_millis(&q.0)),
                ),
                (
                    "memory",
                    l.memory.as_ref().and_then(|q| memory_bytes(&q.0)),
                    rq.memory.as_ref().and_then(|q| memory_bytes(&q.0)),
                ),
            ];
            for (what, lim, req) in pairs {
                if let (Some(lim), Some(req)) = (lim, req) {
                    if req > lim {
                        self.err(
                            format!("{path}.requests.{what}"),
                            format!("at most limits.{what}"),
                        );
                    }
                }
            }
        }
    }

    fn cpu(&mut self, path: &str, q: &Quantity) {
        if !is_reference(&q.0) && cpu_millis(&q.0).is_none() {
            self.err(
                path,
                format!(
                    "a CPU quantity such as \"500m\", \"2\" or \"0.5\", found {:?}",
                    q.0
                ),
            );
        }
    }

    fn memory(&mut self, path: &str, q: &Quantity) {
        if !is_reference(&q.0) && memory_bytes(&q.0).is_none() {
            self.err(
                path,
                format!(
                    "a memory quantity such as \"100Mi\", \"2Gi\", \"1G\" or \"512\", found {:?}",
                    q.0
                ),
            );
        }
    }

    fn ports(&mut self, path: &str, ports: &[Port]) {
        let mut seen = BTreeMap::new();
        for (i, port) in ports.iter().enumerate() {
            let p = format!("{path}[{i}]");
            if !is_reference(&port.name) && !is_port_name(&port.name) {
                self.err(
                    format!("{p}.name"),
                    format!(
                        "a port name matching ^[a-z0-9][a-z0-9-]*[a-z0-9]$, found {:?}",
                        port.name
                    ),
                );
            }
            if let Some(first) = seen.insert(port.name.as_str(), i) {
                self.err(
                    format!("{p}.name"),
                    format!(
                        "a unique port name, {:?} is also {path}[{first}]",
                        port.name
                    ),
                );
            }
            if let Some(np) = &port.network_protocol {
                if !is_reference(np) && !matches!(np.as_str(), "TCP" | "UDP" | "SCTP") {
                    self.err(
                        format!("{p}.networkProtocol"),
                        format!("one of TCP, UDP, SCTP, found {np:?}"),
                    );
                }
            }
            if port.container_port == 0 {
                self.err(format!("{p}.containerPort"), "a port in 1..=65535, found 0");
            }
            if port.service_port == Some(0) {
                self.err(format!("{p}.servicePort"), "a port in 1..=65535, found 0");
            }
        }
    }

    pub(crate) fn ecs(&mut self, s: &AwsEcsServiceSpec) {
        if s.cluster.trim().is_empty() {
            self.err("spec.cluster", "a cluster name or ARN");
        }
        let c = &s.container;
        self.image("spec.container.image", &c.image);
        if c.cpu == 0 {
            self.err(
                "spec.container.cpu",
                "CPU units above 0 (1024 = one vCPU), found 0",
            );
        }
        if c.memory == 0 {
            self.err("spec.container.memory", "memory in MiB above 0, found 0");
        }
        if c.port == Some(0) {
            self.err("spec.container.port", "a port in 1..=65535, found 0");
        }
        self.env("spec.container.env", c.env.as_ref());
        if s.network.subnets.is_empty() {
            self.err("spec.network.subnets", "at least one subnet");
        }
        if let Some(a) = &s.autoscaling {
            if let (Some(min), Some(max)) = (a.min_tasks, a.max_tasks) {
                if min > max {
                    self.err(
                        "spec.autoscaling.minTasks",
                        format!("at most maxTasks ({max}), found {min}"),
                    );
                }
            }
            if a.enabled && a.max_tasks.is_none() {
                self.err("spec.autoscaling.maxTasks", "a value when enabled is true");
            }
        }
        if let Some(lb) = &s.load_balancer {
            if lb.enabled && c.port.is_none() {
                self.err(
                    "spec.container.port",
                    "a port when loadBalancer.enabled is true",
                );
            }
        }
    }
}

/// A `$variables-group/...` or `$secrets-group/...` reference, which may
/// stand as any string value. Its format is checked once resolved, not here.
pub fn is_reference(s: &str) -> bool {
    s.starts_with("$variables-group/") || s.starts_with("$secrets-group/")
}

/// `^[a-z0-9][a-z0-9-]*[a-z0-9]$`.
pub fn is_port_name(s: &str) -> bool {
    let b = s.as_bytes();
    let edge = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    b.len() >= 2 && edge(b[0]) && edge(b[b.len() - 1]) && b.iter().all(|&c| edge(c) || c == b'-')
}

/// 1 to 30 characters of `[a-z0-9-]`, not ending in `-`.
pub fn is_version(s: &str) -> bool {
    (1..=30).contains(&s.len())
        && !s.ends_with('-')
        && s.bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}

/// `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_env_name(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Splits a non-negative decimal (`"2"`, `"0.5"`, `".5"`) into a value
/// scaled by 10^9, so that quantities compare exactly enough.
fn decimal_nanos(s: &str) -> Option<u128> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|c| c.is_ascii_digit()) || !frac.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 9 || int.len() > 20 {
        return None;
    }
    let i: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let mut f: u128 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    for _ in frac.len()..9 {
        f *= 10;
    }
    Some(i * 1_000_000_000 + f)
}

/// A CPU quantity in millicores: `"500m"`, `"2"`, `"0.5"`.
pub fn cpu_millis(s: &str) -> Option<u128> {
    let (num, milli) = match s.strip_suffix('m') {
        Some(n) => (n, true),
        None => (s, false),
    };
    let n = decimal_nanos(num)?;
    Some(if milli {
        n / 1_000_000_000
    } else {
        n / 1_000_000
    })
}

/// A memory quantity in bytes: `"100Mi"`, `"2Gi"`, `"1G"`, `"512"`.
pub fn memory_bytes(s: &str) -> Option<u128> {
    const SUFFIXES: [(&str, u128); 12] = [
        ("Ki", 1 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("Pi", 1 << 50),
        ("Ei", 1 << 60),
        ("k", 1_000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
        ("P", 1_000_000_000_000_000),
        ("E", 1_000_000_000_000_000_000),
    ];
    let (num, mult) = SUFFIXES
        .iter()
        .find_map(|(suf, m)| s.strip_suffix(suf).map(|n| (n, *m)))
        .unwrap_or((s, 1));
    let n = decimal_nanos(num)?;
    Some(n.checked_mul(mult)? / 1_000_000_000)
}
