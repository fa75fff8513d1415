"""Small builders for engine tests: compact pods and namespaces, and named example policies.

`pod("prod/db", role="db", ip="10.0.1.5", ports=["mysql=3306"])` is a whole
Pod manifest; `manifests_text(...)` turns such dicts into the YAML text that
trainer.netpol.build.load_cluster reads, so every test goes through the same
loader as the site and the command line.

Ports are written `[name=]number[/PROTOCOL]`: "80", "dns=53/UDP", "http=8080".
"""

from __future__ import annotations

import re

import yaml

from trainer.netpol.build import load_cluster
from trainer.netpol.loading import CLI_LIMITS


def split_key(key: str) -> tuple[str, str]:
    """'prod/db' -> ('prod', 'db'); a bare name lives in namespace default."""
    namespace, _, name = key.rpartition("/")
    return namespace or "default", name


def container_port(spec: str | int) -> dict:
    """'dns=53/UDP' -> {'name': 'dns', 'containerPort': 53, 'protocol': 'UDP'}."""
    text = str(spec)
    name, _, rest = text.rpartition("=")
    number, _, protocol = rest.partition("/")
    port = {"containerPort": int(number), "protocol": protocol or "TCP"}
    if name:
        port["name"] = name
    return port


def namespace(name: str, **labels: str) -> dict:
    meta = {"name": name}
    if labels:
        meta["labels"] = dict(labels)
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta}


def pod(key: str, *, ip: str | None = None, ports=(), labels: dict | None = None,
        **more_labels: str) -> dict:
    """A running Pod with one container per declared port (as the upstream e2e pods have)."""
    ns, name = split_key(key)
    all_labels = {**(labels or {}), **more_labels}
    meta = {"name": name, "namespace": ns}
    if all_labels:
        meta["labels"] = all_labels
    declared = [container_port(p) for p in ports]
    containers = [
        {"name": f"c{i}", "image": "registry.k8s.io/pause:3.9", "ports": [p]}
        for i, p in enumerate(declared)
    ] or [{"name": "main", "image": "registry.k8s.io/pause:3.9"}]
    manifest = {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                "spec": {"containers": containers}}
    if ip:
        manifest["status"] = {"podIP": ip}
    return manifest


class _KubectlSafeDumper(yaml.SafeDumper):
    """Quotes strings that kubectl's YAML 1.1 reader would turn into something else.

    PyYAML writes `y`, `on` or `0755` bare, and go-yaml (so kubectl, and our
    loader) reads them back as a boolean or a number: namespace "y" would vanish.
    """


_NOT_PLAIN = re.compile(r"(?i)y|n|yes|no|on|off|true|false|null|~|[-+.0-9][-+.0-9_a-fox]*")


def _represent_str(dumper, value):
    style = '"' if _NOT_PLAIN.fullmatch(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_KubectlSafeDumper.add_representer(str, _represent_str)


def manifests_text(objects) -> str:
    return yaml.dump_all(list(objects), Dumper=_KubectlSafeDumper, sort_keys=False)


def cluster_of(*objects, policies: str = "", source: str = "test"):
    """A Cluster from builder dicts plus policy YAML text, through the real loader."""
    sources = [(manifests_text(objects), f"{source}:cluster")]
    if policies:
        sources.append((policies, source))
    return load_cluster(sources, limits=CLI_LIMITS)


# --- the upstream e2e model: namespaces x, y, z with pods a, b, c ---------------
# (kubernetes test/e2e/network/netpol: every pod serves 80 and 81 on TCP, UDP
# and SCTP, with container ports named serve-80-tcp and so on.)

UPSTREAM_NAMESPACES = ("x", "y", "z")
UPSTREAM_PODS = ("a", "b", "c")
UPSTREAM_PORTS = tuple(
    f"serve-{n}-{proto.lower()}={n}/{proto}" for n in (80, 81) for proto in ("TCP", "UDP", "SCTP")
)


def upstream_ip(ns: str, name: str) -> str:
    """x/a is 10.1.0.1, y/b is 10.2.0.2: one /16 per namespace."""
    return f"10.{UPSTREAM_NAMESPACES.index(ns) + 1}.0.{UPSTREAM_PODS.index(name) + 1}"


def upstream_model() -> list[dict]:
    objects = [namespace(ns, ns=ns) for ns in UPSTREAM_NAMESPACES]
    for ns in UPSTREAM_NAMESPACES:
        for name in UPSTREAM_PODS:
            objects.append(pod(f"{ns}/{name}", ip=upstream_ip(ns, name),
                               ports=UPSTREAM_PORTS, pod=name))
    return objects


def upstream_keys() -> list[str]:
    return [f"{ns}/{name}" for ns in UPSTREAM_NAMESPACES for name in UPSTREAM_PODS]


# --- named example policies (policy-assistant's kubedocs.go in spirit) ----------
# The shop: prod/web talks to prod/api, prod/api to prod/db on 3306.

SHOP = (
    namespace("prod", env="prod"),
    namespace("dev", env="dev"),
    pod("prod/web", app="web", ip="10.0.1.10", ports=["http=8080"]),
    pod("prod/api", app="api", ip="10.0.1.20", ports=["http=9090"]),
    pod("prod/db", app="db", ip="10.0.1.30", ports=["mysql=3306"]),
    pod("dev/api", app="api", ip="10.0.2.20", ports=["http=9090"]),
    pod("dev/worker", app="worker", ip="10.0.2.30"),
)

DEFAULT_DENY_INGRESS = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-ingress
  namespace: prod
spec:
  podSelector: {}
  policyTypes: [Ingress]
"""

DB_ALLOWS_API = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-allows-api
  namespace: prod
spec:
  podSelector:
    matchLabels: {app: db}
  ingress:
  - from:
    - podSelector:
        matchLabels: {app: web}
    - podSelector:
        matchLabels: {app: api}
    ports:
    - port: 5432
    - port: mysql
"""

# Meant "api pods of dev" (INTENDED_AND) but written as two list items: every
# pod of a namespace labelled env=dev, OR api pods of prod (OR instead of AND).
ACCIDENTAL_OR = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: accidental-or
  namespace: prod
spec:
  podSelector:
    matchLabels: {app: db}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels: {env: dev}
    - podSelector:
        matchLabels: {app: api}
"""

# The intent written as one list item: api pods in namespaces labelled env=dev (AND).
INTENDED_AND = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: intended-and
  namespace: prod
spec:
  podSelector:
    matchLabels: {app: db}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels: {env: dev}
      podSelector:
        matchLabels: {app: api}
"""

WEB_EGRESS_TO_API_ONLY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-egress
  namespace: prod
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Egress]
  egress:
  - to:
    - podSelector:
        matchLabels: {app: api}
    ports:
    - port: http
"""
