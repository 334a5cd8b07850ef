#!/usr/bin/env python3
"""Times `berth kustomize build` against `kubectl kustomize` on generated trees.

Each tree has a base of N/2 Deployments and N/2 Services, and three overlays
(dev, staging, prod) that each add a merged ConfigMap generator referenced by
every Deployment, a name prefix, a namespace, labels, an image override,
replica counts, and target-selected strategic-merge and JSON patches. Both
tools build the `prod` overlay of the same tree in the same run; the script
prints wall time, peak memory and the ratios.

Usage: bench/kustomize_bench.py [--berth target/release/berth] [--sizes 1000,4000]
                                [--repeat 3] [--skip-kubectl-above N]
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def make_tree(root, resources):
    apps = max(1, resources // 2)
    base = []
    for i in range(apps):
        base.append(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  labels:
    app: app-{i}
    tier: {"web" if i % 2 else "worker"}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: app-{i}
  template:
    metadata:
      labels:
        app: app-{i}
    spec:
      containers:
      - name: main
        image: registry.example.com/team/app:1.0.{i}
        ports:
        - containerPort: 8080
          name: http
        envFrom:
        - configMapRef:
            name: shared-config
        env:
        - name: INDEX
          value: "{i}"
        - name: COLOR
          valueFrom:
            configMapKeyRef:
              name: shared-config
              key: color
        volumeMounts:
        - name: config
          mountPath: /etc/app
      volumes:
      - name: config
        configMap:
          name: shared-config
---
apiVersion: v1
kind: Service
metadata:
  name: app-{i}
spec:
  selector:
    app: app-{i}
  ports:
  - port: 80
    targetPort: http
""")
    write(f"{root}/base/resources.yaml", "---\n".join(base))
    write(f"{root}/base/kustomization.yaml", """resources:
- resources.yaml
configMapGenerator:
- name: shared-config
  literals:
  - color=blue
  - size=small
""")
    for n, env in enumerate(["dev", "staging", "prod"]):
        write(f"{root}/overlays/{env}/kustomization.yaml", f"""resources:
- ../../base
namePrefix: {env}-
namespace: team-{env}
labels:
- pairs:
    env: {env}
  includeSelectors: true
commonAnnotations:
  owner: platform
images:
- name: registry.example.com/team/app
  newName: registry.example.com/team/app-{env}
  newTag: "2.{n}"
replicas:
- name: app-0
  count: {n + 2}
configMapGenerator:
- name: shared-config
  behavior: merge
  literals:
  - color={["green", "yellow", "red"][n]}
patches:
- target:
    kind: Deployment
    labelSelector: tier=web
  patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: any
    spec:
      template:
        spec:
          containers:
          - name: main
            resources:
              limits:
                cpu: 500m
                memory: 256Mi
- target:
    kind: Deployment
    labelSelector: tier=worker
  patch: |-
    - op: add
      path: /spec/template/metadata/annotations
      value:
        worker: "true"
- target:
    kind: Service
  patch: |-
    - op: replace
      path: /spec/ports/0/port
      value: 8080
""")


def run(cmd):
    """Runs cmd under /usr/bin/time; returns (seconds, peak KiB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    peak = int(re.findall(r"^(\d+)$", proc.stderr, re.M)[-1])
    return elapsed, peak, proc.stdout


def best_of(cmd, repeat):
    runs = [run(cmd) for _ in range(repeat)]
    best = min(runs, key=lambda r: r[0])
    return best[0], max(r[1] for r in runs), best[2]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--berth", default="target/release/berth")
    ap.add_argument("--sizes", default="1000,4000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-kubectl-above", type=int, default=10**9,
                    help="do not run kubectl on trees larger than this")
    args = ap.parse_args()
    berth = os.path.abspath(args.berth)
    kubectl = shutil.which("kubectl")
    example = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                           "examples/copilot-agent/_kustomize/overlays/prod")
    cases = [("example (copilot-agent prod)", example)]
    tmp = tempfile.mkdtemp(prefix="berth-bench-")
    for size in [int(s) for s in args.sizes.split(",") if s]:
        root = os.path.join(tmp, str(size))
        make_tree(root, size)
        cases.append((f"{size} resources", os.path.join(root, "overlays/prod")))

    print(f"{'tree':32} {'berth s':>9} {'kubectl s':>10} {'speed-up':>9} {'berth MiB':>10} {'kubectl MiB':>12} {'mem ratio':>10}")
    berth_times = {}
    for label, path in cases:
        b_time, b_mem, b_out = best_of([berth, "kustomize", "build", path], args.repeat)
        berth_times[label] = b_time
        size = int(label.split()[0]) if label[0].isdigit() else 0
        if kubectl and size <= args.skip_kubectl_above:
            k_time, k_mem, k_out = best_of([kubectl, "kustomize", path], 1 if size >= 4000 else args.repeat)
            same = "" if k_out == b_out else "  OUTPUT DIFFERS"
            print(f"{label:32} {b_time:9.3f} {k_time:10.3f} {k_time / b_time:8.1f}x {b_mem / 1024:10.1f} {k_mem / 1024:12.1f} {b_mem / k_mem:10.2f}{same}")
        else:
            print(f"{label:32} {b_time:9.3f} {'-':>10} {'-':>9} {b_mem / 1024:10.1f}")
    sizes = [k for k in berth_times if k[0].isdigit()]
    if len(sizes) >= 2:
        small, large = sizes[0], sizes[-1]
        growth = int(large.split()[0]) / int(small.split()[0])
        print(f"berth time growth {small} -> {large}: {berth_times[large] / berth_times[small]:.2f}x for {growth:.0f}x the resources")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
