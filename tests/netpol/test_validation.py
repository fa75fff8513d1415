"""One test per validation rule: the API server's message, the field path and the line.

Snippets go through the same path as the site and the command line:
load_cluster parses, validates and builds, and raises InputError with every
problem. `policy(body)` puts `body` under `spec:` of NetworkPolicy prod/p, so
the body's first line is line 5 of the document.
"""

from __future__ import annotations

import copy
import random
import textwrap

import pytest

from trainer.netpol.build import build_cluster, load_cluster
from trainer.netpol.evaluation import Analyzer
from trainer.netpol.loading import Manifest
from trainer.netpol.matrix import build_matrix
from trainer.netpol.problems import InputError
from trainer.netpol.validation import validate_manifest

HEAD = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: prod}\nspec:\n"
BODY = 5  # the line of the body's first line

LABEL_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or "
    "'12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
NAME_PART_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
    "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
DNS_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
    "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
    "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
CIDR_MSG = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"
IP_MSG = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"


def policy(body: str = "podSelector: {}") -> str:
    return HEAD + textwrap.indent(textwrap.dedent(body).strip("\n") + "\n", "  ")


def problems(text: str) -> list[tuple[str, str, int | None]]:
    """(path, message, line) of every problem the text has."""
    with pytest.raises(InputError) as exc:
        load_cluster([(text, "t.yaml")])
    return [(p.path, p.message, p.line) for p in exc.value.problems]


def only(text: str) -> tuple[str, str, int | None]:
    found = problems(text)
    assert len(found) == 1, found
    return found[0]


def ingress_ports(*ports: str) -> str:
    """A policy whose one ingress rule has these port items (the first is on line 7)."""
    items = "\n".join(f"  - {p}" for p in ports)
    return policy("ingress:\n- ports:\n" + textwrap.indent(items, "  "))


def ingress_peers(*peers: str) -> str:
    """A policy whose one ingress rule has these peers (the first is on line 7)."""
    items = "\n".join(f"  - {p}" for p in peers)
    return policy("ingress:\n- from:\n" + textwrap.indent(items, "  "))


def selector(expressions: str) -> str:
    """spec.podSelector with these matchExpressions items, the first on line 7."""
    return policy("podSelector:\n  matchExpressions:\n" + textwrap.indent(textwrap.dedent(expressions), "  "))


# --- valid input -------------------------------------------------------------------

FULL = """\
apiVersion: v1
kind: Namespace
metadata:
  name: prod
  labels: {team: shop, env: prod}
---
apiVersion: v1
kind: Pod
metadata:
  name: db-0
  namespace: prod
  labels: {app: db, app.kubernetes.io/part-of: shop}
spec:
  containers:
  - name: mysql
    ports:
    - {name: mysql, containerPort: 3306}
    - {name: stats, containerPort: 9000, protocol: UDP}
status:
  podIP: 10.0.1.5
  podIPs: [{ip: 10.0.1.5}, {ip: "fd00::5"}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-policy
  namespace: prod
  labels: {owner: team-a}
  annotations: {example.com/ticket: "NET-42"}
spec:
  podSelector:
    matchLabels: {app: db}
    matchExpressions:
    - {key: app.kubernetes.io/part-of, operator: In, values: [shop, shop-v2]}
    - {key: tier, operator: NotIn, values: [frontend]}
    - {key: app, operator: Exists}
    - {key: legacy, operator: DoesNotExist}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: shop}}
      podSelector: {matchLabels: {app: api}}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 10.2.3.0/24]}
    - ipBlock: {cidr: "2001:db8::/32", except: ["2001:db8:1::/48"]}
    ports:
    - {port: mysql}
    - {port: 32000, endPort: 32768}
    - {protocol: UDP, port: 53}
    - {protocol: SCTP}
  egress:
  - to:
    - namespaceSelector: {}
    - podSelector: {}
  - {}
"""


def test_a_policy_with_every_feature_passes_and_builds():
    cluster = load_cluster([(FULL, "t.yaml")])
    (p,) = cluster.policies
    assert p.key == "prod/db-policy"
    assert p.policy_types == ("Ingress", "Egress")
    assert [r.operator for r in p.pod_selector.match_expressions] == ["In", "NotIn", "Exists", "DoesNotExist"]
    rule = p.ingress[0]
    assert [(q.port, q.end_port, q.protocol) for q in rule.ports] == [
        ("mysql", None, "TCP"), (32000, 32768, "TCP"), (53, None, "UDP"), (None, None, "SCTP")]
    assert rule.peers[1].ip_block.except_ == ("10.1.0.0/16", "10.2.3.0/24")
    assert rule.peers[2].ip_block.cidr == "2001:db8::/32"
    assert cluster.pods[0].named_port("mysql", "TCP") == 3306


@pytest.mark.parametrize("text", [
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\n",
    "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec: {}\n",
    policy("podSelector: {}\npolicyTypes: [Ingress, Ingress]"),
    policy("podSelector: null\ningress: null\negress: []"),
    policy("podSelector: {}\ningress: [{from: [{podSelector: {}, namespaceSelector: {}}]}]"),
    policy("podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 10.0.0.1/24}}]}]"),  # host bits: accepted
    policy("podSelector: {}\negress: [{ports: [{port: 1, endPort: 65535}]}]"),
    policy("podSelector: {matchLabels: {example.com/role: '', a: a.b_c-D}}"),
])
def test_valid_policies_pass(text):
    assert len(load_cluster([(text, "t.yaml")]).policies) == 1


def test_a_service_or_deployment_gets_no_problems_and_is_ignored():
    text = ("apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: prod}\n"
            "spec: {ports: [{port: 99999}], whatever: [1]}\n---\n"
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: Web_Thing}\nspec: 5\n")
    cluster = load_cluster([(text, "t.yaml")])
    assert cluster.ignored == ("Service prod/db", "Deployment Web_Thing")


def test_a_pod_keeps_every_field_the_engine_ignores():
    text = ("apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: prod, anything: [1]}\n"
            "spec:\n  containers:\n  - imag: typo-is-not-ours\n"
            "    ports: [{containerPort: 80, hostPort: 8080}]\n"
            "  nodeName: 5\nstatus: {phase: Running, podIP: 10.0.0.4, hostIP: 172.18.0.2}\n")
    (pod,) = load_cluster([(text, "t.yaml")]).pods
    assert (pod.key, pod.ip, pod.ports[0].port, pod.ports[0].protocol) == ("prod/web", "10.0.0.4", 80, "TCP")


# --- strict field validation --------------------------------------------------------


def test_a_misspelt_field_is_unknown():
    assert only(policy("podSelector: {}\ningres: []")) == (
        "spec.ingres", "unknown field; did you mean `ingress`?", 6)


def test_field_names_are_case_sensitive():
    assert only(policy("podselector: {}")) == (
        "spec.podselector", "unknown field; did you mean `podSelector`? (field names are case-sensitive)", 5)


def test_an_unknown_field_deep_inside_names_its_whole_path():
    text = ingress_peers("podSelectr: {}")
    assert problems(text) == [
        ("spec.ingress[0].from[0].podSelectr", "unknown field; did you mean `podSelector`?", 7),
        ("spec.ingress[0].from[0]", "Required value: must specify a peer", 7),
    ]


def test_an_unknown_field_in_metadata():
    text = policy().replace("metadata: {name: p, namespace: prod}", "metadata: {name: p, lables: {a: b}}")
    assert only(text) == ("metadata.lables", "unknown field; did you mean `labels`?", 3)


def test_an_unknown_top_level_field():
    assert only(policy() + "sepc: {}\n") == ("sepc", "unknown field; did you mean `spec`?", 6)


def test_past_a_hundred_unknown_fields_of_one_load_none_gets_a_guess():
    """Made-up keys by the thousand must not each cost edit distances against every known name."""
    from trainer.netpol.validation import MAX_GUESSES

    near = [f"ingr{a}{b}s" for a in "abcdfghijk" for b in "abcdfghijklm"]  # two edits from ingress
    first = policy("podSelector: {}\n" + "\n".join(f"{key}: []" for key in near[:60]))
    second = first.replace("name: p,", "name: q,")
    with pytest.raises(InputError) as caught:
        load_cluster([(first + "---\n" + second, "t.yaml")])
    messages = [p.message for p in caught.value.problems]
    assert len(messages) == 120  # every unknown field is still reported
    assert sum("did you mean" in m for m in messages) == MAX_GUESSES  # across both objects
    assert messages[-1] == "unknown field (expected one of podSelector, policyTypes, ingress, egress)"


def test_an_unknown_field_in_a_port_and_in_an_ipblock():
    assert problems(ingress_ports("{port: 80, protocl: TCP}")) == [
        ("spec.ingress[0].ports[0].protocl", "unknown field; did you mean `protocol`?", 7)]
    assert problems(ingress_peers("ipBlock: {cidr: 10.0.0.0/8, expect: [10.1.0.0/16]}")) == [
        ("spec.ingress[0].from[0].ipBlock.expect", "unknown field; did you mean `except`?", 7)]


@pytest.mark.parametrize("body, path, field, line", [
    ("podSelector:\n  matchLabel: {app: db}", "spec.podSelector.matchLabel", "matchLabels", 6),
    ("podselector: {}", "spec.podselector", "podSelector", 5),
    ("podSelector: {}\ningres: []", "spec.ingres", "ingress", 6),
    ("podSelector: {}\npolcyTypes: [Ingress]", "spec.polcyTypes", "policyTypes", 6),
    ("podSelector: {}\negress:\n- ports:\n  - {port: 53, protcol: UDP}", "spec.egress[0].ports[0].protcol",
     "protocol", 8),
    ("podSelector: {}\nPolicyTypes: [Egress]", "spec.PolicyTypes", "policyTypes", 6),
])
def test_a_misspelt_field_gets_the_nearest_known_one(body, path, field, line):
    found_path, message, found_line = only(policy(body))
    case = " (field names are case-sensitive)" if path.rsplit(".", 1)[-1].lower() == field.lower() else ""
    assert (found_path, message, found_line) == (path, f"unknown field; did you mean `{field}`?{case}", line)


def test_the_path_of_an_unknown_field_is_said_once():
    with pytest.raises(InputError) as exc:
        load_cluster([(policy("podSelector:\n  matchLabel: {app: db}"), "t.yaml")])
    text = str(exc.value)
    assert text == ("t.yaml:6: NetworkPolicy prod/p: spec.podSelector.matchLabel: "
                    "unknown field; did you mean `matchLabels`?")
    assert text.count("matchLabel") == 2  # the path, and the suggestion


@pytest.mark.parametrize("body, path, known, line", [
    ("podSelector: {}\ncolour: blue", "spec.colour", "podSelector, policyTypes, ingress, egress", 6),
    ("podSelector: {}\ningress:\n- to: []", "spec.ingress[0].to", "ports, from", 7),
    ("podSelector: {}\nselector: {}", "spec.selector", "podSelector, policyTypes, ingress, egress", 6),
])
def test_a_field_far_from_every_known_one_gets_no_suggestion_but_the_list(body, path, known, line):
    assert only(policy(body)) == (path, f"unknown field (expected one of {known})", line)


def test_an_unknown_field_among_many_gets_neither_a_guess_nor_the_long_list():
    text = policy().replace("metadata: {name: p, namespace: prod}",
                            "metadata: {name: p, namespace: prod, owner: me}")
    assert only(text) == ("metadata.owner", "unknown field", 3)


def test_the_edit_distance_counts_a_swap_as_one_edit():
    from trainer.netpol.suggest import closest, distance
    assert distance("lables", "labels") == 1 and distance("ingres", "ingress") == 1
    assert distance("expect", "except") == 2 and distance("", "abc") == 3
    assert closest("sepc", ["spec"]) == "spec"
    assert closest("spce", ["spec", "status"]) == "spec"
    assert closest("xyz", ["spec", "kind"]) is None
    assert closest("x" * 100, ["x" * 99]) is None  # nobody's typo, and not worth the time


def test_a_string_where_a_list_belongs():
    assert only(policy("podSelector: {}\npolicyTypes: Ingress")) == (
        "spec.policyTypes", 'Invalid type: expected a list, got string "Ingress"', 6)


def test_a_mapping_where_a_list_belongs():
    assert only(policy("podSelector: {}\ningress:\n  from: []")) == (
        "spec.ingress",
        'Invalid type: expected a list, got an object (each item of a list starts with "- ")', 6)


def test_a_list_where_an_object_belongs():
    assert only(policy("podSelector: []")) == (
        "spec.podSelector", "Invalid type: expected an object, got a list", 5)


def test_a_string_where_an_integer_belongs():
    assert only(ingress_ports('{port: 80, endPort: "90"}')) == (
        "spec.ingress[0].ports[0].endPort", 'Invalid type: expected an integer, got string "90"', 7)


def test_a_boolean_or_a_float_is_no_port():
    assert only(ingress_ports("{port: true}")) == (
        "spec.ingress[0].ports[0].port", "Invalid type: expected an integer or a string, got boolean true", 7)
    assert only(ingress_ports("{port: 80.5}")) == (
        "spec.ingress[0].ports[0].port", "Invalid type: expected an integer or a string, got number 80.5", 7)


def test_a_number_where_a_string_belongs():
    assert only(policy("podSelector: {matchLabels: {version: 2}}")) == (
        "spec.podSelector.matchLabels.version", "Invalid type: expected a string, got integer 2", 5)
    assert only(policy().replace("name: p,", "name: 42,")) == (
        "metadata.name", "Invalid type: expected a string, got integer 42", 3)


def test_yes_is_a_boolean_as_kubectl_reads_it():
    assert only(policy("podSelector: {matchLabels: {enabled: yes}}")) == (
        "spec.podSelector.matchLabels.enabled", "Invalid type: expected a string, got boolean true", 5)


def test_a_null_label_value_is_refused_with_a_hint():
    assert only(policy("podSelector:\n  matchLabels:\n    app:")) == (
        "spec.podSelector.matchLabels.app",
        'Invalid type: expected a string, got null (write "" for an empty value)', 7)


def test_a_null_in_a_list_of_strings_is_refused():
    assert only(selector("- {key: app, operator: In, values: [db, null]}")) == (
        "spec.podSelector.matchExpressions[0].values[1]", "Invalid type: expected a string, got null", 7)
    assert only(ingress_peers("ipBlock: {cidr: 10.0.0.0/8, except: [~]}")) == (
        "spec.ingress[0].from[0].ipBlock.except[0]", "Invalid type: expected a string, got null", 7)


def test_a_non_string_kind_or_api_version():
    text = "apiVersion: 1\nkind: [NetworkPolicy]\nmetadata: {name: p}\n"
    assert problems(text) == [
        ("apiVersion", "Invalid type: expected a string, got integer 1", 1),
        ("kind", "Invalid type: expected a string, got a list", 2),
    ]


# --- apiVersion and kind ------------------------------------------------------------


def test_a_missing_api_version_or_kind_is_a_problem():
    assert only("kind: NetworkPolicy\nmetadata: {name: p}\n") == ("apiVersion", "apiVersion not set", 1)
    assert only("apiVersion: networking.k8s.io/v1\nmetadata: {name: p}\n") == ("kind", "kind not set", 1)
    assert only("kind: Service\nmetadata: {name: s}\n") == ("apiVersion", "apiVersion not set", 1)


def test_an_old_api_version_has_no_matches():
    text = policy().replace("networking.k8s.io/v1", "extensions/v1beta1")
    assert only(text) == (
        "apiVersion",
        'no matches for kind "NetworkPolicy" in version "extensions/v1beta1" '
        "(use apiVersion: networking.k8s.io/v1)", 1)


def test_a_pod_in_the_wrong_group():
    text = "apiVersion: apps/v1\nkind: Pod\nmetadata: {name: web}\n"
    assert only(text)[1] == 'no matches for kind "Pod" in version "apps/v1" (use apiVersion: v1)'


def test_a_kind_in_the_wrong_case_has_no_matches():
    text = policy().replace("kind: NetworkPolicy", "kind: Networkpolicy")
    assert only(text) == (
        "kind", 'no matches for kind "Networkpolicy" in version "networking.k8s.io/v1"', 2)


# --- metadata (ObjectMeta) --------------------------------------------------------------


def test_a_name_is_required():
    text = policy().replace("name: p, ", "")
    assert only(text) == ("metadata.name", "Required value: name or generateName is required", 3)


def test_generate_name_is_a_dns_subdomain_prefix():
    # NameIsDNSSubdomain(prefix=true) masks a trailing '-' (maskTrailingDash), so "db-" is fine.
    text = policy().replace("name: p,", "name: p, generateName: db-policy-,")
    assert load_cluster([(text, "t.yaml")]).policies[0].name == "p"
    text = policy().replace("name: p,", "name: p, generateName: DB_,")
    assert only(text) == ("metadata.generateName", f'Invalid value: "DB_": {SUBDOMAIN_MSG}', 3)


def test_generate_name_alone_is_refused_as_kubectl_apply_refuses_it():
    text = policy().replace("name: p,", "generateName: db-,")
    assert only(text) == (
        "metadata.name", "Required value: generateName cannot be used with apply: give a name", 3)


def test_a_policy_name_is_a_dns_subdomain():
    text = policy().replace("name: p,", "name: DB_Policy,")
    assert only(text) == ("metadata.name", f'Invalid value: "DB_Policy": {SUBDOMAIN_MSG}', 3)


def test_a_name_longer_than_253_characters():
    text = policy().replace("name: p,", f"name: {'a' * 254},")
    assert only(text)[1].endswith('...": must be no more than 253 characters')


def test_a_namespace_is_a_dns_label():
    text = policy().replace("namespace: prod", "namespace: prod.eu")
    assert only(text) == ("metadata.namespace", 'Invalid value: "prod.eu": must not contain dots', 3)
    text = policy().replace("namespace: prod", "namespace: Prod")
    assert only(text) == ("metadata.namespace", f'Invalid value: "Prod": {DNS_LABEL_MSG}', 3)


def test_label_keys_and_values_follow_apimachinery():
    text = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: p
  labels:
    ok: fine
    -bad: x
    good: 'no spaces'
    /x: v
    Ex.com/a: b
"""
    assert problems(text) == [
        ("metadata.labels", f'Invalid value: "-bad": {NAME_PART_MSG}', 7),
        ("metadata.labels", f'Invalid value: "no spaces": {LABEL_VALUE_MSG}', 8),
        ("metadata.labels", 'Invalid value: "/x": prefix part must be non-empty', 9),
        ("metadata.labels", f'Invalid value: "Ex.com/a": prefix part {SUBDOMAIN_MSG}', 10),
    ]


def test_a_label_key_with_two_slashes():
    assert only(policy("podSelector: {matchLabels: {a/b/c: x}}")) == (
        "spec.podSelector.matchLabels",
        "Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, "
        "'-', '_' or '.', "
        "and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', "
        "regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
        "subdomain prefix and '/' (e.g. 'example.com/MyName')", 5)


def test_a_label_value_longer_than_63_characters():
    found = problems(policy(f"podSelector: {{matchLabels: {{a: {'v' * 64}}}}}"))
    assert [m.split(": ", 2)[2] for _, m, _ in found] == ["must be no more than 63 characters"]


def test_annotation_keys_are_qualified_names():
    text = policy().replace("namespace: prod}", "namespace: prod, annotations: {'bad key': x}}")
    assert only(text) == ("metadata.annotations", f'Invalid value: "bad key": {NAME_PART_MSG}', 3)


def test_generation_may_not_be_negative():
    text = policy().replace("namespace: prod}", "namespace: prod, generation: -1}")
    assert only(text) == ("metadata.generation", "Invalid value: -1: must be greater than or equal to 0", 3)


def test_owner_references_finalizers_and_managed_fields():
    text = policy().replace(
        "namespace: prod}",
        "namespace: prod,\n  ownerReferences: [{apiVersion: v1, kind: X, name: '', uid: u}],\n"
        "  finalizers: ['not ok'],\n  managedFields: [{manager: m, operation: Patch}]}")
    assert problems(text) == [
        ("metadata.ownerReferences[0].name", 'Invalid value: "": must not be empty', 4),
        ("metadata.finalizers", f'Invalid value: "not ok": {NAME_PART_MSG}', 5),
        ("metadata.managedFields[0].operation", 'Invalid value: "Patch": must be `Apply` or `Update`', 6),
    ]


# --- ports (ValidateNetworkPolicyPort) ------------------------------------------------------


@pytest.mark.parametrize("port", [0, 65536, -80])
def test_a_port_number_is_between_1_and_65535(port):
    assert only(ingress_ports(f"{{port: {port}}}")) == (
        "spec.ingress[0].ports[0].port", f"Invalid value: {port}: must be between 1 and 65535, inclusive", 7)


def test_a_protocol_is_tcp_udp_or_sctp():
    assert only(ingress_ports("{protocol: HTTP, port: 80}")) == (
        "spec.ingress[0].ports[0].protocol",
        'Unsupported value: "HTTP": supported values: "TCP", "UDP", "SCTP"', 7)


def test_supported_values_are_listed_as_the_api_server_lists_them():
    # field.NotSupported keeps the order each check gives: TCP, UDP, SCTP for a policy's
    # port; Ingress, Egress for policyTypes; a pod's ports use the sorted sets.List.
    assert only(ingress_ports("{protocol: ICMP}"))[1].endswith('"TCP", "UDP", "SCTP"')
    assert only(policy("podSelector: {}\npolicyTypes: [All]"))[1].endswith('"Ingress", "Egress"')


def test_protocols_are_upper_case():
    assert only(ingress_ports("{protocol: tcp}"))[1] == (
        'Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"')


def test_end_port_is_at_least_port():
    assert only(ingress_ports("{port: 8080, endPort: 8000}")) == (
        "spec.ingress[0].ports[0].endPort", "Invalid value: 8000: must be greater than or equal to `port`", 7)


def test_end_port_is_a_port_number():
    assert only(ingress_ports("{port: 80, endPort: 70000}")) == (
        "spec.ingress[0].ports[0].endPort", "Invalid value: 70000: must be between 1 and 65535, inclusive", 7)


def test_end_port_needs_a_numeric_port():
    assert only(ingress_ports("{port: http, endPort: 90}")) == (
        "spec.ingress[0].ports[0].endPort",
        "Invalid value: 90: may not be specified when `port` is non-numeric", 7)


def test_end_port_needs_a_port():
    assert only(ingress_ports("{protocol: TCP, endPort: 90}")) == (
        "spec.ingress[0].ports[0].endPort",
        "Invalid value: 90: may not be specified when `port` is not specified", 7)


@pytest.mark.parametrize("name, messages", [
    ('"80"', ["must contain at least one letter (a-z)"]),
    ("HTTP", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)",
              "must contain at least one letter (a-z)"]),
    ("web-frontend-http", ["must be no more than 15 characters"]),
    ("my--port", ["must not contain consecutive hyphens"]),
    ("-http", ["must not begin or end with a hyphen"]),
    ("http_alt", ["must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"]),
])
def test_a_named_port_is_an_iana_service_name(name, messages):
    shown = name.strip('"')
    assert problems(ingress_ports(f"{{port: {name}}}")) == [
        ("spec.ingress[0].ports[0].port", f'Invalid value: "{shown}": {m}', 7) for m in messages]


def test_port_rules_apply_to_egress_too():
    text = policy("podSelector: {}\negress:\n- ports:\n  - {port: 0}")
    assert only(text) == (
        "spec.egress[0].ports[0].port", "Invalid value: 0: must be between 1 and 65535, inclusive", 8)


# --- peers (ValidateNetworkPolicyPeer) and ipBlocks (ValidateIPBlock) ----------------------


def test_an_empty_peer_must_specify_a_peer():
    assert only(ingress_peers("{}")) == ("spec.ingress[0].from[0]", "Required value: must specify a peer", 7)


def test_a_null_selector_is_no_peer():
    assert only(ingress_peers("podSelector: null")) == (
        "spec.ingress[0].from[0]", "Required value: must specify a peer", 7)


def test_an_egress_peer_too():
    text = policy("podSelector: {}\negress:\n- to:\n  - {}")
    assert only(text) == ("spec.egress[0].to[0]", "Required value: must specify a peer", 8)


def test_ip_block_may_not_be_mixed_with_a_selector():
    assert only(ingress_peers("{ipBlock: {cidr: 10.0.0.0/8}, namespaceSelector: {}}")) == (
        "spec.ingress[0].from[0]", "Forbidden: may not specify both ipBlock and another peer", 7)


def test_ip_block_needs_a_cidr():
    assert only(ingress_peers("ipBlock: {except: [10.1.0.0/16]}")) == (
        "spec.ingress[0].from[0].ipBlock.cidr", "Required value", 7)
    assert only(ingress_peers("ipBlock: {}")) == ("spec.ingress[0].from[0].ipBlock.cidr", "Required value", 7)


@pytest.mark.parametrize("cidr", ["10.0.0.0", "10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "2001:db8::/129",
                                  "fe80::/64%eth0", "bogus", "10.0.0.0/8/8", "10.0.0.0/ 8"])
def test_a_cidr_needs_an_address_and_a_prefix_length(cidr):
    assert only(ingress_peers(f"ipBlock: {{cidr: '{cidr}'}}")) == (
        "spec.ingress[0].from[0].ipBlock.cidr", f'Invalid value: "{cidr}": {CIDR_MSG}', 7)


@pytest.mark.parametrize("cidr", ["010.0.0.0/8", "10.0.0.0/08"])
def test_a_cidr_with_leading_zeros_is_refused(cidr):
    assert only(ingress_peers(f"ipBlock: {{cidr: '{cidr}'}}"))[1] == (
        f'Invalid value: "{cidr}": must not have leading 0s in IP or prefix length')


def test_an_ipv4_mapped_ipv6_cidr_is_refused():
    assert only(ingress_peers("ipBlock: {cidr: '::ffff:10.0.0.0/104'}"))[1] == (
        'Invalid value: "::ffff:10.0.0.0/104": must not have an IPv4-mapped IPv6 address')


@pytest.mark.parametrize("inner", ["11.0.0.0/16", "10.0.0.0/8", "10.0.0.0/7", "2001:db8::/64"])
def test_except_is_a_strict_subset_of_cidr(inner):
    assert only(ingress_peers(f"ipBlock: {{cidr: 10.0.0.0/8, except: ['{inner}']}}")) == (
        "spec.ingress[0].from[0].ipBlock.except[0]",
        f'Invalid value: "{inner}": must be a strict subset of `cidr`', 7)


def test_each_except_is_a_cidr():
    text = policy("""\
        ingress:
        - from:
          - ipBlock:
              cidr: 10.0.0.0/8
              except:
              - 10.1.0.0/16
              - 10.2.0.0
        """)
    assert only(text) == (
        "spec.ingress[0].from[0].ipBlock.except[1]", f'Invalid value: "10.2.0.0": {CIDR_MSG}', 11)


# --- label selectors (ValidateLabelSelector) ----------------------------------------------


def test_in_and_not_in_need_values():
    text = selector("- {key: app, operator: In}\n- {key: app, operator: NotIn, values: []}")
    assert problems(text) == [
        ("spec.podSelector.matchExpressions[0].values",
         "Required value: must be specified when `operator` is 'In' or 'NotIn'", 7),
        ("spec.podSelector.matchExpressions[1].values",
         "Required value: must be specified when `operator` is 'In' or 'NotIn'", 8),
    ]


def test_exists_and_does_not_exist_take_no_values():
    text = selector("- {key: app, operator: Exists, values: [db]}\n"
                    "- {key: app, operator: DoesNotExist, values: [x]}")
    message = "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"
    assert problems(text) == [
        ("spec.podSelector.matchExpressions[0].values", message, 7),
        ("spec.podSelector.matchExpressions[1].values", message, 8),
    ]


@pytest.mark.parametrize("operator", ["in", "Equals", "NotExists"])
def test_an_operator_is_in_not_in_exists_or_does_not_exist(operator):
    assert only(selector(f"- {{key: app, operator: {operator}, values: [a]}}")) == (
        "spec.podSelector.matchExpressions[0].operator",
        f'Invalid value: "{operator}": not a valid selector operator', 7)


def test_an_expression_needs_a_key_and_an_operator():
    assert problems(selector("- {values: [a]}")) == [
        ("spec.podSelector.matchExpressions[0].operator",
         'Invalid value: "": not a valid selector operator', 7),
        ("spec.podSelector.matchExpressions[0].key", 'Invalid value: "": name part must be non-empty', 7),
        ("spec.podSelector.matchExpressions[0].key", f'Invalid value: "": {NAME_PART_MSG}', 7),
    ]


def test_an_expression_key_is_a_label_key():
    assert only(selector("- {key: 'app name', operator: Exists}")) == (
        "spec.podSelector.matchExpressions[0].key", f'Invalid value: "app name": {NAME_PART_MSG}', 7)


def test_expression_values_are_label_values():
    assert only(selector("- {key: app, operator: In, values: [ok, 'not ok']}")) == (
        "spec.podSelector.matchExpressions[0].values[1]", f'Invalid value: "not ok": {LABEL_VALUE_MSG}', 7)


def test_match_labels_problems_sit_on_the_map_and_point_at_the_key_line():
    text = policy("podSelector:\n  matchLabels:\n    app: db\n    role: 'a b'")
    assert only(text) == ("spec.podSelector.matchLabels", f'Invalid value: "a b": {LABEL_VALUE_MSG}', 8)


def test_peer_selectors_are_validated_too():
    text = policy("""\
        ingress:
        - from:
          - namespaceSelector:
              matchExpressions: [{key: env, operator: In}]
        """)
    assert only(text) == (
        "spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values",
        "Required value: must be specified when `operator` is 'In' or 'NotIn'", 8)


# --- policyTypes ----------------------------------------------------------------------------


def test_policy_types_are_ingress_or_egress():
    assert only(policy("podSelector: {}\npolicyTypes: [Ingress, egress]")) == (
        "spec.policyTypes[1]", 'Unsupported value: "egress": supported values: "Ingress", "Egress"', 6)


def test_no_more_than_two_policy_types():
    assert only(policy("podSelector: {}\npolicyTypes: [Ingress, Egress, Ingress]")) == (
        "spec.policyTypes",
        'Invalid value: ["Ingress", "Egress", "Ingress"]: may not specify more than two policyTypes', 6)


# --- Pods and Namespaces: what the engine reads ----------------------------------------------

POD = """\
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: prod}
spec:
  containers:
  - name: c
    ports:
    - %s
status: {podIP: %s}
"""


def pod(port: str = "{containerPort: 80}", ip: str = "10.0.0.4") -> str:
    return POD % (port, ip)


def test_a_container_port_is_required():
    assert only(pod("{name: http}")) == ("spec.containers[0].ports[0].containerPort", "Required value", 8)
    assert only(pod("{containerPort: 0}")) == (
        "spec.containers[0].ports[0].containerPort", "Required value", 8)


def test_a_container_port_is_a_port_number():
    assert only(pod("{containerPort: 70000}")) == (
        "spec.containers[0].ports[0].containerPort",
        "Invalid value: 70000: must be between 1 and 65535, inclusive", 8)
    assert only(pod('{containerPort: "80"}')) == (
        "spec.containers[0].ports[0].containerPort", 'Invalid type: expected an integer, got string "80"', 8)


def test_a_container_port_protocol():
    assert only(pod("{containerPort: 80, protocol: HTTP}")) == (
        "spec.containers[0].ports[0].protocol",
        'Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"', 8)


def test_a_container_port_name():
    assert only(pod("{containerPort: 80, name: Web}"))[:2] == (
        "spec.containers[0].ports[0].name",
        'Invalid value: "Web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)')


def test_container_port_names_are_unique():
    text = pod("{containerPort: 80, name: web}\n    - {containerPort: 81, name: web}")
    assert only(text) == ("spec.containers[0].ports[1].name", 'Duplicate value: "web"', 9)


def test_a_null_container_or_port_is_refused():
    assert only(pod("null")) == (
        "spec.containers[0].ports[0]", "Invalid type: expected an object, got null", 8)
    text = "apiVersion: v1\nkind: Pod\nmetadata: {name: web}\nspec:\n  containers:\n  -\n"
    assert only(text) == ("spec.containers[0]", "Invalid type: expected an object, got null", 6)


@pytest.mark.parametrize("ip, message", [
    ("10.0.0.300", IP_MSG),
    ("10.0.0.4/32", IP_MSG),
    ("fe80::1%eth0", IP_MSG),
    ("010.0.0.4", "must not have leading 0s"),
    ("'::ffff:10.0.0.4'", "must not be an IPv4-mapped IPv6 address"),
])
def test_a_pod_ip_is_an_ip_address(ip, message):
    assert only(pod(ip=ip)) == ("status.podIP", f'Invalid value: "{ip.strip(chr(39))}": {message}', 9)


def test_pod_ips_are_ip_addresses_and_ipv6_is_fine():
    text = pod(ip="'fd00::4', podIPs: [{ip: 'fd00::4'}, {ip: nope}]")
    assert only(text) == ("status.podIPs[1].ip", f'Invalid value: "nope": {IP_MSG}', 9)


def test_a_pod_name_is_a_dns_subdomain_and_its_labels_are_labels():
    text = pod().replace("{name: web, namespace: prod}", "{name: Web, namespace: prod, labels: {'a b': x}}")
    assert problems(text) == [
        ("metadata.name", f'Invalid value: "Web": {SUBDOMAIN_MSG}', 3),
        ("metadata.labels", f'Invalid value: "a b": {NAME_PART_MSG}', 3),
    ]


def test_a_namespace_name_is_a_dns_label():
    text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team.a\n"
    assert only(text) == ("metadata.name", 'Invalid value: "team.a": must not contain dots', 4)


def test_a_namespace_label_value_must_be_a_string():
    text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n    tier: 1\n"
    assert only(text) == ("metadata.labels.tier", "Invalid type: expected a string, got integer 1", 6)


# --- reporting ---------------------------------------------------------------------------------


def test_every_problem_of_a_document_comes_back_together_in_line_order():
    text = policy("""\
        podSelector: {}
        ingres: []
        policyTypes: [Ingress, Egres]
        ingress:
        - from:
          - {}
          ports:
          - {port: 80, endPort: 79}
          - {protocol: HTTP}
        """)
    assert problems(text) == [
        ("spec.ingres", "unknown field; did you mean `ingress`?", 6),
        ("spec.policyTypes[1]", 'Unsupported value: "Egres": supported values: "Ingress", "Egress"', 7),
        ("spec.ingress[0].from[0]", "Required value: must specify a peer", 10),
        ("spec.ingress[0].ports[0].endPort",
         "Invalid value: 79: must be greater than or equal to `port`", 12),
        ("spec.ingress[0].ports[1].protocol",
         'Unsupported value: "HTTP": supported values: "TCP", "UDP", "SCTP"', 13),
    ]


def test_problems_of_several_objects_and_files_come_back_together():
    bad_port = ingress_ports("{port: 0}")
    bad_name = policy().replace("name: p,", "name: P,")
    with pytest.raises(InputError) as exc:
        load_cluster([(bad_port + "---\n" + bad_name, "a.yaml"), (bad_port, "b.yaml")])
    assert [(p.source, p.obj, p.path, p.line) for p in exc.value.problems] == [
        ("a.yaml", "NetworkPolicy prod/p", "spec.ingress[0].ports[0].port", 7),
        ("a.yaml", "NetworkPolicy prod/P", "metadata.name", 11),
        ("b.yaml", "NetworkPolicy prod/p", "spec.ingress[0].ports[0].port", 7),
    ]


def test_a_problem_reads_as_file_line_object_path_message():
    with pytest.raises(InputError) as exc:
        load_cluster([(ingress_ports("{port: 80, endPort: 79}"), "db.yaml")])
    assert str(exc.value) == (
        "db.yaml:7: NetworkPolicy prod/p: spec.ingress[0].ports[0].endPort: "
        "Invalid value: 79: must be greater than or equal to `port`")


def test_lines_inside_a_list_are_lines_of_the_file():
    text = ("apiVersion: v1\nkind: List\nitems:\n"
            "- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: p}\n"
            "  spec:\n    podSelector: {}\n    ingress:\n    - ports:\n      - port: 0\n")
    assert only(text) == (
        "spec.ingress[0].ports[0].port", "Invalid value: 0: must be between 1 and 65535, inclusive", 11)


def test_echoed_values_are_clipped_and_escaped():
    text = ingress_ports('{protocol: "' + "\\x1b[31m" + "X" * 200 + '"}')
    _, message, _ = only(text)
    assert "\x1b" not in message and "\\x1b[31m" in message
    assert len(message) < 200


# --- validated means buildable -------------------------------------------------------------------

BASE = [
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod", "labels": {"team": "a"}}},
    {"apiVersion": "v1", "kind": "Pod",
     "metadata": {"name": "db", "namespace": "prod", "labels": {"app": "db"}},
     "spec": {"containers": [{"ports": [{"containerPort": 3306, "name": "mysql", "protocol": "TCP"}]}]},
     "status": {"podIP": "10.0.0.2", "podIPs": [{"ip": "10.0.0.2"}]}},
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "prod"},
     "spec": {"containers": [{"ports": [{"containerPort": 80}]}]}, "status": {"podIP": "10.0.0.3"}},
    {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
     "metadata": {"name": "p", "namespace": "prod"},
     "spec": {
         "podSelector": {"matchLabels": {"app": "db"},
                         "matchExpressions": [{"key": "app", "operator": "In", "values": ["db"]}]},
         "policyTypes": ["Ingress", "Egress"],
         "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}, "namespaceSelector": {}},
                               {"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}],
                      "ports": [{"port": "mysql"}, {"port": 80, "endPort": 90, "protocol": "UDP"},
                                {"protocol": "SCTP"}]}],
         "egress": [{"to": [{"namespaceSelector": {
                         "matchExpressions": [{"key": "team", "operator": "Exists"}]}}],
                     "ports": [{"port": 53}]}]}},
]
ODD_VALUES = [None, 0, 1, -1, 80, 65536, True, False, 1.5, float("nan"), "", "x", "TCP", "mysql", "In",
              "Exists", "Egress", "10.0.0.0/8", "10.0.0.1/24", "::/0", "1.2.3.4", "2001:db8::1",
              [], [None], [1], ["x"], [{}], {}, {"a": None}, {"a": 1}, {"x": "y"}]


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _paths(item, path + (i,))


def test_whatever_passes_validation_builds_and_evaluates():
    """Mutate a valid cluster at random places; what validation lets through must never crash."""
    rng = random.Random(2024)
    passed = 0
    for _ in range(4000):
        docs = copy.deepcopy(BASE)
        for _ in range(rng.randint(1, 2)):
            doc = rng.choice(docs)
            path = rng.choice([p for p in _paths(doc) if p])
            target = doc
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
        manifests = [Manifest(d, "fuzz") for d in docs]
        if any(validate_manifest(m) for m in manifests):
            continue
        passed += 1
        cluster = build_cluster(manifests)
        analyzer = Analyzer(cluster)
        for src in cluster.pods:
            for dst in cluster.pods:
                for port, protocol in ((80, "TCP"), (3306, "TCP"), (85, "UDP"), (53, "SCTP")):
                    assert analyzer.check(src, dst, port, protocol).explanation
        build_matrix(analyzer, externals=["192.168.1.1"])
    assert passed > 100  # the mutations must reach the builder, or this proves nothing
