"""A realistic cluster for the benchmark, deterministic from a seed.

    .venv/bin/python benchmarks/generate.py OUTDIR [--seed 1] [--pods 1000] [--policies 300] [--probes 20000]

writes OUTDIR/cluster.yaml (multi-document YAML: Namespaces, Pods, NetworkPolicies)
and OUTDIR/probes.txt (DESIGN.md's PROBES_FILE: `SRC DST PORT[/PROTOCOL]` a line).

The cluster: shared namespaces (kube-system with CoreDNS, ingress-nginx,
monitoring) and one namespace per team and environment, each running a few apps
(frontend, api, worker, postgres, redis, rabbitmq, search) as replicated pods
with named container ports. The policies are what such teams write: default
deny (ingress, and egress in prod), DNS egress to CoreDNS (namespace AND pod
selector), each app's ingress from its callers (pod selectors, matchExpressions,
other namespaces by label, named ports, port ranges), scraping from monitoring,
and egress from the api to its data stores and to the internet through ipBlocks
with excepts.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

TEAMS = ("payments", "orders", "catalog", "search", "users", "billing", "shipping", "reviews",
         "cart", "auth", "media", "notify", "pricing", "stock", "returns", "loyalty", "ads",
         "chat", "maps", "reports")
ENVS = ("prod", "staging")


@dataclass(frozen=True)
class App:
    name: str
    tier: str
    ports: tuple[tuple[str, int, str], ...]  # (name, containerPort, protocol)
    replicas: tuple[int, int]


APPS = {
    "frontend": App("frontend", "web", (("http", 8080, "TCP"), ("metrics", 9090, "TCP")), (3, 8)),
    "api": App("api", "backend", (("http", 8080, "TCP"), ("grpc", 9000, "TCP"),
                                  ("metrics", 9090, "TCP")), (2, 6)),
    "worker": App("worker", "backend", (("metrics", 9090, "TCP"),), (2, 6)),
    "postgres": App("postgres", "data", (("db", 5432, "TCP"), ("metrics", 9187, "TCP")), (1, 3)),
    "redis": App("redis", "data", (("redis", 6379, "TCP"),), (1, 3)),
    "rabbitmq": App("rabbitmq", "data", (("amqp", 5672, "TCP"), ("stats", 15692, "TCP")), (1, 3)),
    "search": App("search", "data", (("http", 9200, "TCP"), ("transport", 9300, "TCP")), (2, 3)),
}
SHARED = (  # (namespace, labels, app, replicas, ports)
    ("kube-system", {}, "kube-dns", 2, (("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"),
                                        ("metrics", 9153, "TCP"))),
    ("ingress-nginx", {"role": "ingress"}, "ingress-nginx", 3, (("http", 80, "TCP"),
                                                                 ("https", 443, "TCP"))),
    ("monitoring", {"role": "monitoring"}, "prometheus", 2, (("web", 9090, "TCP"),)),
)
PRIVATE = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
# Who is meant to call whom: probes along these flows are the ones policies allow.
CALLERS = {"frontend": ("ingress-nginx",), "api": ("frontend", "worker"), "postgres": ("api", "worker"),
           "redis": ("api", "worker"), "rabbitmq": ("api", "worker"), "search": ("api", "search"),
           "worker": ("prometheus",), "kube-dns": ("api", "frontend", "worker")}
FLOW_PORTS = ("http", "grpc", "db", "redis", "amqp", "transport", "dns")
EXTERNAL_HOSTS = ("203.0.113.10", "203.0.113.200", "198.51.100.7", "8.8.8.8", "169.254.169.254",
                  "192.168.1.20")


@dataclass
class Cluster:
    namespaces: list = field(default_factory=list)
    pods: list = field(default_factory=list)
    policies: list = field(default_factory=list)

    @property
    def documents(self) -> list[dict]:
        return self.namespaces + self.pods + self.policies


def build(seed: int = 1, pods: int = 1000, policies: int = 300, owner_references: bool = False) -> Cluster:
    """The cluster's manifests. owner_references: mark pods as a ReplicaSet's, as
    `kubectl get pods -o yaml` would (nca then analyses two pods per workload)."""
    rng = random.Random(seed)
    cluster = Cluster()
    deployments = []  # (namespace, app name, replicas, ports, tier)
    for ns, labels, app, replicas, ports in SHARED:
        cluster.namespaces.append(_namespace(ns, labels))
        deployments.append((ns, app, replicas, ports, "system"))
    team_namespaces = []
    total = sum(d[2] for d in deployments)
    for round_ in itertools.count(1):  # as many team namespaces as the pod count needs
        for env, team in itertools.product(ENVS, TEAMS):
            if total >= pods:
                break
            ns = f"{team}-{env}" if round_ == 1 else f"{team}-{env}{round_}"
            labels = {"team": team, "env": env}
            if team in ("payments", "billing", "auth"):
                labels["compliance"] = "pci"
            cluster.namespaces.append(_namespace(ns, labels))
            apps = ["frontend", "api", "postgres"] + rng.sample(
                ["worker", "redis", "rabbitmq", "search"], rng.randint(1, 3))
            team_namespaces.append((ns, env, apps))
            for name in apps:
                app = APPS[name]
                replicas = rng.randint(*app.replicas)
                deployments.append((ns, name, replicas, app.ports, app.tier))
                total += replicas
        if total >= pods:
            break
    for ns, name, replicas, ports, tier in deployments:
        template_hash = _random_name(rng, 10)
        for _ in range(replicas):
            if len(cluster.pods) < pods:  # the last deployment may come out short
                cluster.pods.append(_pod(ns, name, tier, ports, template_hash, rng,
                                         len(cluster.pods), owner_references))
    cluster.policies = _policies(team_namespaces, policies, rng)
    return cluster


def _random_name(rng: random.Random, length: int) -> str:
    # Kubernetes' alphabet for generated names: no vowels, so never a YAML number like 26200e14.
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz2456789") for _ in range(length))


def _namespace(name: str, labels: dict) -> dict:
    meta = {"name": name}
    if labels:
        meta["labels"] = dict(labels)
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta}


def _pod(ns, app, tier, ports, template_hash, rng, index, owner_references) -> dict:
    labels = {"app": app, "tier": tier, "pod-template-hash": template_hash}
    if app == "kube-dns":
        labels = {"k8s-app": "kube-dns", "pod-template-hash": template_hash}
    elif tier != "system":
        labels["version"] = rng.choice(("v1", "v1", "v2"))
    meta = {"name": f"{app}-{template_hash}-{_random_name(rng, 5)}", "namespace": ns, "labels": labels}
    if owner_references:
        meta["ownerReferences"] = [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                    "name": f"{app}-{template_hash}", "uid": f"uid-{ns}-{app}",
                                    "controller": True}]
    container_ports = [{"name": n, "containerPort": p, "protocol": proto} for n, p, proto in ports]
    return {
        "apiVersion": "v1", "kind": "Pod", "metadata": meta,
        "spec": {"containers": [{"name": app, "image": f"registry.example/{app}:1.0",
                                 "ports": container_ports}]},
        "status": {"phase": "Running", "podIP": f"10.244.{index // 250}.{index % 250 + 2}"},
    }


# --- policies -------------------------------------------------------------------


def _np(ns: str, name: str, spec: dict) -> dict:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


def _app(*names: str) -> dict:
    if len(names) == 1:
        return {"matchLabels": {"app": names[0]}}
    return {"matchExpressions": [{"key": "app", "operator": "In", "values": list(names)}]}


def _ns_named(name: str) -> dict:
    return {"matchLabels": {"kubernetes.io/metadata.name": name}}


def _namespace_policies(ns: str, env: str, apps: list[str], rng: random.Random):
    """Default deny and DNS first, then the per-app policies."""
    required = [_np(ns, "default-deny", {
        "podSelector": {},
        "policyTypes": ["Ingress", "Egress"] if env == "prod" else ["Ingress"],
    })]
    if env == "prod":
        required.append(_np(ns, "allow-dns", {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [{
                "to": [{"namespaceSelector": _ns_named("kube-system"),
                        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
                "ports": [{"port": "dns", "protocol": "UDP"}, {"port": "dns-tcp", "protocol": "TCP"}],
            }],
        }))
    optional = [
        _np(ns, "frontend-from-ingress", {
            "podSelector": _app("frontend"),
            "ingress": [{
                "from": [{"namespaceSelector": {"matchLabels": {"role": "ingress"}},
                          "podSelector": {"matchLabels": {"app": "ingress-nginx"}}}],
                "ports": [{"port": "http"}],
            }],
        }),
        _np(ns, "api-from-callers", {
            "podSelector": _app("api"),
            "policyTypes": ["Ingress"],
            "ingress": [
                {"from": [{"podSelector": _app("frontend", "worker")}],
                 "ports": [{"port": "http"}, {"port": "grpc"}]},
                {"from": [{"namespaceSelector": {"matchExpressions": [
                    {"key": "env", "operator": "In", "values": [env]},
                    {"key": "compliance", "operator": rng.choice(("Exists", "DoesNotExist"))}]},
                    "podSelector": {"matchLabels": {"app": "api"}}}],
                 "ports": [{"port": 9000, "endPort": 9010}]},
            ],
        }),
        _np(ns, "metrics-from-monitoring", {
            "podSelector": {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["data"]}]},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": _ns_named("monitoring")}],
                         "ports": [{"port": "metrics"}]}],
        }),
    ]
    if "postgres" in apps:
        optional.append(_np(ns, "postgres-from-backend", {
            "podSelector": _app("postgres"),
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["backend"]},
                {"key": "version", "operator": "Exists"}]}}],
                "ports": [{"port": "db"}]}],
        }))
    for store, port in (("redis", "redis"), ("rabbitmq", "amqp"), ("search", "http")):
        if store in apps:
            optional.append(_np(ns, f"{store}-from-apps", {
                "podSelector": _app(store),
                "ingress": [{"from": [{"podSelector": _app("api", "worker")}],
                             "ports": [{"port": port}]}],
            }))
    if "search" in apps:
        optional.append(_np(ns, "search-cluster", {
            "podSelector": _app("search"),
            "ingress": [{"from": [{"podSelector": _app("search")}],
                         "ports": [{"port": 9300, "endPort": 9400}]}],
            "egress": [{"to": [{"podSelector": _app("search")}],
                        "ports": [{"port": 9300, "endPort": 9400}]}],
        }))
    if env == "prod":
        stores = [a for a in apps if APPS[a].tier == "data"]
        optional.append(_np(ns, "api-egress", {
            "podSelector": _app("api", "worker"),
            "policyTypes": ["Egress"],
            "egress": [
                {"to": [{"podSelector": _app(*stores)}]},
                {"to": [{"ipBlock": {"cidr": "0.0.0.0/0",
                                     "except": list(PRIVATE) + ["169.254.169.254/32"]}}],
                 "ports": [{"port": 443}]},
                {"to": [{"ipBlock": {"cidr": "203.0.113.0/24", "except": ["203.0.113.128/25"]}}],
                 "ports": [{"port": 8443}, {"port": 5000, "endPort": 5100, "protocol": "UDP"}]},
            ],
        }))
        optional.append(_np(ns, "frontend-egress", {
            "podSelector": _app("frontend"),
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"podSelector": _app("api")}], "ports": [{"port": "http"}]}],
        }))
    return required, optional


def _policies(team_namespaces, count: int, rng: random.Random) -> list[dict]:
    """Whole sets for namespaces in a random order until `count`; the namespaces left
    have no policy yet, as when teams adopt policies one by one."""
    chosen = []
    for ns, env, apps in rng.sample(team_namespaces, len(team_namespaces)):
        required, optional = _namespace_policies(ns, env, apps, rng)
        chosen += (required + optional)[:count - len(chosen)]
    i = 0
    while len(chosen) < count:  # a small cluster: pad with variants
        ns, env, apps = team_namespaces[i % len(team_namespaces)]
        chosen.append(_np(ns, f"allow-{apps[i % len(apps)]}-from-{env}-{i}", {
            "podSelector": _app(apps[i % len(apps)]),
            "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"env": env}}}],
                         "ports": [{"port": 8080, "protocol": rng.choice(("TCP", "UDP", "SCTP"))}]}],
        }))
        i += 1
    return chosen


# --- probes ---------------------------------------------------------------------


def probe_lines(cluster: Cluster, count: int = 20000, seed: int = 1) -> list[str]:
    """`SRC DST PORT[/PROTOCOL]` lines: pod to pod on a port the destination declares
    (along the flows the apps are meant to have, within a namespace, from the shared
    namespaces, anywhere), to and from hosts outside the cluster, and a few on ports
    nobody declares."""
    rng = random.Random(seed)
    keys = [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in cluster.pods]
    app_of = {k: p["metadata"]["labels"].get("app", "kube-dns")
              for k, p in zip(keys, cluster.pods, strict=True)}
    by_namespace: dict[str, list[str]] = {}
    by_app: dict[tuple[str, str], list[str]] = {}
    for key in keys:
        by_namespace.setdefault(key.split("/")[0], []).append(key)
        by_app.setdefault((key.split("/")[0], app_of[key]), []).append(key)
    shared = [k for ns, *_ in SHARED for k in by_namespace.get(ns, ())]
    ports = {k: p["spec"]["containers"][0]["ports"] for k, p in zip(keys, cluster.pods, strict=True)}
    declared = {k: [(c["containerPort"], c["protocol"]) for c in v] for k, v in ports.items()}
    flow_ports = {k: [(c["containerPort"], c["protocol"]) for c in v if c["name"] in FLOW_PORTS]
                  for k, v in ports.items()}
    lines = []
    for _ in range(count):
        r = rng.random()
        dst = rng.choice(keys)
        port, protocol = rng.choice(declared[dst])
        callers = [k for ns in {dst.split("/")[0], "ingress-nginx", "monitoring"}
                   for app in CALLERS.get(app_of[dst], ()) for k in by_app.get((ns, app), ())]
        if r < 0.25 and callers:
            src = rng.choice(callers)
            port, protocol = rng.choice(flow_ports[dst] or declared[dst])
        elif r < 0.45:
            src = rng.choice(by_namespace[dst.split("/")[0]])
        elif r < 0.55:
            src = rng.choice(shared)
        elif r < 0.80:
            src = rng.choice(keys)
        elif r < 0.90:
            src, dst = rng.choice(keys), rng.choice(EXTERNAL_HOSTS)
            port, protocol = rng.choice(((443, "TCP"), (8443, "TCP"), (5050, "UDP"), (80, "TCP")))
        elif r < 0.95:
            src = rng.choice(EXTERNAL_HOSTS)
        else:
            src, port, protocol = rng.choice(keys), rng.randint(1, 65535), rng.choice(("TCP", "UDP", "SCTP"))
        suffix = "" if protocol == "TCP" and rng.random() < 0.7 else f"/{protocol}"
        lines.append(f"{src} {dst} {port}{suffix}")
    return lines


def cluster_yaml(cluster: Cluster) -> str:
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump_all(cluster.documents, Dumper=dumper, sort_keys=False)


def write(outdir: Path, seed: int = 1, pods: int = 1000, policies: int = 300, probes: int = 20000,
          owner_references: bool = False) -> tuple[Path, Path]:
    cluster = build(seed, pods, policies, owner_references)
    outdir.mkdir(parents=True, exist_ok=True)
    cluster_path, probes_path = outdir / "cluster.yaml", outdir / "probes.txt"
    cluster_path.write_text(cluster_yaml(cluster))
    header = f"# {probes} probes over benchmarks/generate.py's cluster, seed {seed}\n"
    probes_path.write_text(header + "\n".join(probe_lines(cluster, probes, seed)) + "\n")
    return cluster_path, probes_path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pods", type=int, default=1000)
    parser.add_argument("--policies", type=int, default=300)
    parser.add_argument("--probes", type=int, default=20000)
    parser.add_argument("--owner-references", action="store_true",
                        help="pods owned by ReplicaSets, as kubectl shows them")
    args = parser.parse_args(argv)
    cluster_path, probes_path = write(args.outdir, args.seed, args.pods, args.policies, args.probes,
                                      args.owner_references)
    print(f"wrote {cluster_path} and {probes_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
