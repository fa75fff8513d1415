"""Where nca 2.1.0 departs from Kubernetes, as minimal named examples.

The random scenarios stay clear of these (see scenarios.py); the test pins each
one, so that an nca release that fixes one tells us to widen the generator.
Each example: manifests, one probe, Kubernetes' answer (the engine's), nca's.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Departure:
    name: str
    why: str
    text: str
    probe: tuple[str, str, int, str]
    kubernetes: bool | None  # the API server's answer; None: nca refuses the input
    nca: bool | None  # None: nca refuses the input


def _pods(*specs: str) -> str:
    """'ns/name app=x' -> a Namespace-less pod manifest with that label and IP."""
    docs = []
    for i, spec in enumerate(specs, start=1):
        key, _, label = spec.partition(" ")
        ns, name = key.split("/")
        k, v = label.split("=")
        docs.append(f"""apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: {ns}, labels: {{{k}: {v}}}}}
spec: {{containers: [{{name: main, image: app}}]}}
status: {{podIP: 10.0.0.{i}}}
""")
    return "---\n".join(docs)


def _policy(ns: str, spec: str) -> str:
    return f"""---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: np, namespace: {ns}}}
spec:
{spec}"""


EMPTY_EGRESS_WITHOUT_POLICY_TYPES = Departure(
    "empty egress without policyTypes",
    "policyTypes defaults to [Ingress] when egress has no rule; nca isolates for Egress "
    "because the key is there",
    _pods("prod/a app=a", "prod/b app=b") + _policy("prod", """\
  podSelector: {matchLabels: {app: a}}
  ingress: [{}]
  egress: []
"""),
    ("prod/a", "prod/b", 80, "TCP"), kubernetes=True, nca=False,
)

EXISTS_IN_PEER_WITH_NAMESPACE_SELECTOR = Departure(
    "Exists in a podSelector ANDed with a namespaceSelector",
    "the peer selects pods with an app label in every namespace; nca looks for them in "
    "the policy's namespace only",
    _pods("prod/db app=db", "dev/client app=client") + _policy("prod", """\
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {}
      podSelector: {matchExpressions: [{key: app, operator: Exists}]}
"""),
    ("dev/client", "prod/db", 80, "TCP"), kubernetes=True, nca=False,
)

EMPTY_NAMESPACE_LABEL_VALUE = Departure(
    "an empty label value in a namespaceSelector",
    "team: '' matches namespaces whose team label is empty; nca also matches namespaces "
    "without the label",
    _pods("prod/a app=a", "dev/b app=b") + _policy("prod", """\
  podSelector: {}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: ""}}
"""),
    ("dev/b", "prod/a", 80, "TCP"), kubernetes=False, nca=True,
)

SECTION_LEFT_OUT_OF_POLICY_TYPES = Departure(
    "an ingress section that policyTypes leaves out",
    "the API server accepts it and the section has no effect; nca refuses the policy",
    _pods("prod/a app=a", "prod/b app=b") + _policy("prod", """\
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress]
  ingress: [{from: [{podSelector: {matchLabels: {app: b}}}]}]
"""),
    ("prod/b", "prod/a", 80, "TCP"), kubernetes=True, nca=None,
)

POLICY_TYPES_IN_OTHER_ORDER = Departure(
    "policyTypes [Egress, Ingress]",
    "the API server accepts either order; nca refuses this one",
    _pods("prod/a app=a", "prod/b app=b") + _policy("prod", """\
  podSelector: {matchLabels: {app: a}}
  policyTypes: [Egress, Ingress]
"""),
    ("prod/b", "prod/a", 80, "TCP"), kubernetes=False, nca=None,
)

DEPARTURES = (
    EMPTY_EGRESS_WITHOUT_POLICY_TYPES,
    EXISTS_IN_PEER_WITH_NAMESPACE_SELECTOR,
    EMPTY_NAMESPACE_LABEL_VALUE,
    SECTION_LEFT_OUT_OF_POLICY_TYPES,
    POLICY_TYPES_IN_OTHER_ORDER,
)
