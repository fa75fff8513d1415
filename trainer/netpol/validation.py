"""The API server's rules, reported with field paths, in its own words.

Two passes over each object. The first walks a schema as `kubectl apply`'s
strict field validation does: an unknown field or a value of the wrong type is
a problem. The second applies what the API server's validation applies
(pkg/apis/networking/validation ValidateNetworkPolicy, apimachinery's label
selector, label and name rules). NetworkPolicies are checked in full; Pods and
Namespaces only in the fields the engine reads, so that the output of
`kubectl get ns,pods,netpol -A -o yaml` loads as it is; other kinds only need
apiVersion and kind. Once validate_manifest returns [] for an object, build.py
can rely on every type it reads.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .formats import (
    byte_size,
    dns1123_label,
    dns1123_subdomain,
    ip_address,
    label_value,
    parse_cidr,
    port_name,
    port_number,
    qualified_name,
)
from .loading import Manifest
from .problems import Problem, clip, format_path
from .suggest import closest

API_VERSIONS = {"NetworkPolicy": "networking.k8s.io/v1", "Pod": "v1", "Namespace": "v1"}
# Listed as the API server lists them: field.NotSupported keeps the order it is given,
# ValidateNetworkPolicyPort and the policyTypes check give theirs, and a pod's container
# ports give sets.List(supportedPortProtocols), which is sorted.
PROTOCOLS = ("TCP", "UDP", "SCTP")
POD_PROTOCOLS = ("SCTP", "TCP", "UDP")
POLICY_TYPES = ("Ingress", "Egress")
ANNOTATIONS_MAX_BYTES = 256 * 1024
MAX_FIELDS_LISTED = 8  # an unknown field with no near name: the fields there, when this few
# "Did you mean" for this many unknown fields of one load: a learner's typos are a few, and
# thousands of made-up keys would each cost an edit distance against every known name.
MAX_GUESSES = 100


@dataclass
class Guesses:
    """How many more unknown fields get a "did you mean", shared by the objects of one load."""

    left: int = MAX_GUESSES

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0

# --- a small schema of the fields we walk ---------------------------------------

STR, INT, BOOL, INT_OR_STR, ANY = "a string", "an integer", "a boolean", "an integer or a string", "any"


@dataclass(frozen=True)
class Obj:
    fields: dict = field(default_factory=dict)
    strict: bool = True  # unknown fields are problems (kubectl apply's strict validation)


@dataclass(frozen=True)
class ListOf:
    item: object
    null_items: bool = True  # Go decodes a null item to the zero value; False where build cannot


@dataclass(frozen=True)
class MapOf:
    value: object


_SELECTOR = Obj({
    "matchLabels": MapOf(STR),
    "matchExpressions": ListOf(Obj({"key": STR, "operator": STR, "values": ListOf(STR)})),
})
_NETPOL_PORT = Obj({"protocol": STR, "port": INT_OR_STR, "endPort": INT})
_PEER = Obj({
    "podSelector": _SELECTOR,
    "namespaceSelector": _SELECTOR,
    "ipBlock": Obj({"cidr": STR, "except": ListOf(STR)}),
})
_OBJECT_META = Obj({
    "name": STR, "generateName": STR, "namespace": STR, "selfLink": STR, "uid": STR,
    "resourceVersion": STR, "generation": INT, "creationTimestamp": STR,
    "deletionTimestamp": STR, "deletionGracePeriodSeconds": INT,
    "labels": MapOf(STR), "annotations": MapOf(STR),
    "ownerReferences": ListOf(Obj({
        "apiVersion": STR, "kind": STR, "name": STR, "uid": STR,
        "controller": BOOL, "blockOwnerDeletion": BOOL,
    })),
    "finalizers": ListOf(STR),
    "managedFields": ListOf(Obj({
        "manager": STR, "operation": STR, "apiVersion": STR, "time": STR,
        "fieldsType": STR, "fieldsV1": Obj(strict=False), "subresource": STR,
    })),
})
NETWORK_POLICY = Obj({
    "apiVersion": ANY,  # checked for every kind by _type_meta
    "kind": ANY,
    "metadata": _OBJECT_META,
    "spec": Obj({
        "podSelector": _SELECTOR,
        "policyTypes": ListOf(STR),
        "ingress": ListOf(Obj({"ports": ListOf(_NETPOL_PORT), "from": ListOf(_PEER)})),
        "egress": ListOf(Obj({"ports": ListOf(_NETPOL_PORT), "to": ListOf(_PEER)})),
    }),
    "status": ANY,  # clusters of 1.24-1.26 print `status: {}`; nothing reads it
})
_LOOSE_META = Obj({"name": STR, "namespace": STR, "labels": MapOf(STR)}, strict=False)
POD = Obj({
    "metadata": _LOOSE_META,
    "spec": Obj({
        "containers": ListOf(Obj({
            "ports": ListOf(Obj({"containerPort": INT, "protocol": STR, "name": STR},
                                strict=False), null_items=False),
        }, strict=False), null_items=False),
    }, strict=False),
    "status": Obj({"podIP": STR, "podIPs": ListOf(Obj({"ip": STR}, strict=False))}, strict=False),
}, strict=False)
NAMESPACE = Obj({"metadata": _LOOSE_META}, strict=False)
_SCHEMAS = {"NetworkPolicy": NETWORK_POLICY, "Pod": POD, "Namespace": NAMESPACE}


class _Report:
    """Collects one object's problems; the line of a problem may be a sub-field's."""

    def __init__(self, m: Manifest, guesses: Guesses):
        self.m = m
        self.problems: list[Problem] = []
        self.guesses = guesses

    def add(self, path: tuple, message: str, line_path: tuple | None = None):
        line = self.m.line(line_path if line_path is not None else path)
        self.problems.append(Problem(message, self.m.source, self.m.label, format_path(path), line))

    def invalid(self, path, value, detail, line_path=None):
        self.add(path, f"Invalid value: {show(value)}: {detail}", line_path)

    def required(self, path, detail=""):
        self.add(path, f"Required value: {detail}" if detail else "Required value")

    def forbidden(self, path, detail):
        self.add(path, f"Forbidden: {detail}")

    def unsupported(self, path, value, supported):
        listed = ", ".join(f'"{s}"' for s in supported)
        self.add(path, f"Unsupported value: {show(value)}: supported values: {listed}")


def show(value) -> str:
    """A value as the API server echoes it: strings quoted, numbers bare; clipped."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return clip(value)[1:-1]
    if isinstance(value, list):
        return clip("[" + ", ".join(show(v) for v in value) + "]")[1:-1]
    if isinstance(value, dict):
        return "{...}"
    return clip(value)


def _type_name(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean " + show(value)
    if isinstance(value, int):
        return "integer " + show(value)
    if isinstance(value, float):
        return "number " + show(value)
    if isinstance(value, str):
        return "string " + show(value)
    return "a list" if isinstance(value, list) else "an object"


# --- pass 1: fields and types --------------------------------------------------


def _has_type(value, kind) -> bool:
    if kind == ANY:
        return True
    if kind == STR:
        return isinstance(value, str)
    if kind == BOOL:
        return isinstance(value, bool)
    is_int = isinstance(value, int) and not isinstance(value, bool)
    if kind == INT:
        return is_int
    return is_int or isinstance(value, str)  # INT_OR_STR


def _walk(report: _Report, value, spec, path: tuple):
    """Report unknown fields and wrong types. A null field counts as absent, as in Go."""
    if value is None:
        return
    walker = _WALKERS.get(type(spec))
    if walker is not None:
        walker(report, value, spec, path)
    elif not _has_type(value, spec):
        report.add(path, f"Invalid type: expected {spec}, got {_type_name(value)}")


def _walk_object(report: _Report, value, spec: Obj, path: tuple):
    if not isinstance(value, dict):
        return report.add(path, f"Invalid type: expected an object, got {_type_name(value)}")
    for key, item in value.items():
        if key in spec.fields:
            _walk(report, item, spec.fields[key], path + (key,))
        elif spec.strict:
            # The path is said once, before the message.
            report.add(path + (key,), unknown_field(key, spec.fields, report.guesses.take()))


def unknown_field(key: str, known, guess: bool = True) -> str:
    """'unknown field; did you mean `matchLabels`?', or the fields there are when none is near
    (or when guess is False: no more guesses for this load)."""
    known = list(known)
    guess = closest(key, known) if guess else None
    if guess is not None:
        case = " (field names are case-sensitive)" if guess.lower() == key.lower() else ""
        return f"unknown field; did you mean `{guess}`?{case}"
    if len(known) <= MAX_FIELDS_LISTED:
        return f"unknown field (expected one of {', '.join(known)})"
    return "unknown field"


def _walk_list(report: _Report, value, spec: ListOf, path: tuple):
    if not isinstance(value, list):
        # A mapping here is most often a list item written without its dash.
        hint = ' (each item of a list starts with "- ")' if isinstance(value, dict) else ""
        return report.add(path, f"Invalid type: expected a list, got {_type_name(value)}{hint}")
    for i, item in enumerate(value):
        if item is None and (not spec.null_items or not isinstance(spec.item, Obj)):
            expected = "an object" if isinstance(spec.item, Obj) else spec.item
            report.add(path + (i,), f"Invalid type: expected {expected}, got null")
        else:
            _walk(report, item, spec.item, path + (i,))


def _walk_map(report: _Report, value, spec: MapOf, path: tuple):
    if not isinstance(value, dict):
        return report.add(path, f"Invalid type: expected an object, got {_type_name(value)}")
    for key, item in value.items():
        if not _has_type(item, spec.value):
            hint = ' (write "" for an empty value)' if item is None else ""
            report.add(path + (key,), f"Invalid type: expected {spec.value}, got {_type_name(item)}{hint}")


_WALKERS = {Obj: _walk_object, ListOf: _walk_list, MapOf: _walk_map}


# --- pass 2: the API server's rules ----------------------------------------------


def _obj(value) -> dict:
    return value if isinstance(value, dict) else {}


def _items(value) -> list:
    return value if isinstance(value, list) else []


def _labels(report: _Report, labels, path: tuple):
    """ValidateLabels: errors sit at the map's path; the line is the offending key's."""
    for key, value in _obj(labels).items():
        for msg in qualified_name(key):
            report.invalid(path, key, msg, path + (key,))
        if isinstance(value, str):
            for msg in label_value(value):
                report.invalid(path, value, msg, path + (key,))


def _selector(report: _Report, selector, path: tuple):
    """metav1validation.ValidateLabelSelector, values checked (AllowInvalidLabelValueInSelector off)."""
    selector = _obj(selector)
    _labels(report, selector.get("matchLabels"), path + ("matchLabels",))
    for i, expr in enumerate(_items(selector.get("matchExpressions"))):
        _expression(report, _obj(expr), path + ("matchExpressions", i))


def _expression(report: _Report, expr: dict, at: tuple):
    """One matchExpression: its operator against its values, then its key and each value."""
    _operator(report, expr.get("operator"), expr.get("values"), at)
    key = expr.get("key")
    if key is None or isinstance(key, str):
        for msg in qualified_name(key or ""):
            report.invalid(at + ("key",), key or "", msg)
    for j, value in enumerate(_items(expr.get("values"))):
        if isinstance(value, str):
            for msg in label_value(value):
                report.invalid(at + ("values", j), value, msg)


def _operator(report: _Report, operator, values, at: tuple):
    if values is not None and not isinstance(values, list):
        values = ["?"]  # a type error already; say nothing about its length
    if operator in ("In", "NotIn"):
        if not values:
            report.required(at + ("values",), "must be specified when `operator` is 'In' or 'NotIn'")
    elif operator in ("Exists", "DoesNotExist"):
        if values:
            report.forbidden(at + ("values",),
                             "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
    elif operator is None or isinstance(operator, str):
        report.invalid(at + ("operator",), operator or "", "not a valid selector operator")


def _metadata(report: _Report, kind: str, meta):
    """ValidateObjectMeta, as far as it concerns an object being created."""
    meta = _obj(meta)
    name_rule = dns1123_label if kind == "Namespace" else dns1123_subdomain
    generate = meta.get("generateName")
    generating = isinstance(generate, str) and generate != ""
    if generating:
        # NameIsDNSSubdomain/NameIsDNSLabel with prefix=true: maskTrailingDash, quirk and all.
        masked = generate[:-2] + "a" if len(generate) > 1 and generate.endswith("-") else generate
        for msg in name_rule(masked):
            report.invalid(("metadata", "generateName"), generate, msg)
    _name(report, meta.get("name"), name_rule, generating)
    namespace = meta.get("namespace")
    if kind != "Namespace" and isinstance(namespace, str) and namespace:
        for msg in dns1123_label(namespace):
            report.invalid(("metadata", "namespace"), namespace, msg)
    _labels(report, meta.get("labels"), ("metadata", "labels"))
    if kind != "NetworkPolicy":
        return  # Pods and Namespaces: only what the engine reads
    generation = meta.get("generation")
    if isinstance(generation, int) and generation < 0:
        report.invalid(("metadata", "generation"), generation, "must be greater than or equal to 0")
    _annotations(report, _obj(meta.get("annotations")))
    _owner_references(report, _items(meta.get("ownerReferences")))
    _finalizers(report, _items(meta.get("finalizers")))
    _managed_fields(report, _items(meta.get("managedFields")))


def _name(report: _Report, name, name_rule, generating: bool):
    if name is None or name == "":
        if generating:
            # The API server would make up a name; kubectl apply refuses, and so do we.
            report.required(("metadata", "name"), "generateName cannot be used with apply: give a name")
        else:
            report.required(("metadata", "name"), "name or generateName is required")
    elif isinstance(name, str):
        for msg in name_rule(name):
            report.invalid(("metadata", "name"), name, msg)


def _annotations(report: _Report, annotations: dict):
    for key in annotations:
        for msg in qualified_name(key.lower()):
            report.invalid(("metadata", "annotations"), key, msg, ("metadata", "annotations", key))
    size = sum(byte_size(k) + byte_size(v) for k, v in annotations.items() if isinstance(v, str))
    if size > ANNOTATIONS_MAX_BYTES:
        report.add(("metadata", "annotations"), f"Too long: must have at most {ANNOTATIONS_MAX_BYTES} bytes")


def _owner_references(report: _Report, refs: list):
    for i, ref in enumerate(refs):
        for key in ("apiVersion", "kind", "name", "uid"):
            if not _obj(ref).get(key):
                detail = "version must not be empty" if key == "apiVersion" else "must not be empty"
                report.invalid(("metadata", "ownerReferences", i, key), "", detail)


def _finalizers(report: _Report, finalizers: list):
    for i, finalizer in enumerate(finalizers):
        if isinstance(finalizer, str):
            for msg in qualified_name(finalizer):
                report.invalid(("metadata", "finalizers"), finalizer, msg, ("metadata", "finalizers", i))


def _managed_fields(report: _Report, entries: list):
    for i, entry in enumerate(entries):
        at = ("metadata", "managedFields", i)
        operation = _obj(entry).get("operation")
        if operation not in ("Apply", "Update") and (operation is None or isinstance(operation, str)):
            report.invalid(at + ("operation",), operation or "", "must be `Apply` or `Update`")
        fields_type = _obj(entry).get("fieldsType")
        if isinstance(fields_type, str) and fields_type not in ("", "FieldsV1"):
            report.invalid(at + ("fieldsType",), fields_type, "must be `FieldsV1`")


def _policy_port(report: _Report, port, path: tuple):
    """ValidateNetworkPolicyPort."""
    port = _obj(port)
    protocol, number, end = port.get("protocol"), port.get("port"), port.get("endPort")
    if isinstance(protocol, str) and protocol not in PROTOCOLS:
        report.unsupported(path + ("protocol",), protocol, PROTOCOLS)
    end_ok = isinstance(end, int) and not isinstance(end, bool)
    if isinstance(number, int) and not isinstance(number, bool):
        for msg in port_number(number):
            report.invalid(path + ("port",), number, msg)
        if end_ok:
            if end < number:
                report.invalid(path + ("endPort",), end, "must be greater than or equal to `port`")
            for msg in port_number(end):
                report.invalid(path + ("endPort",), end, msg)
    elif isinstance(number, str):
        if end_ok:
            report.invalid(path + ("endPort",), end, "may not be specified when `port` is non-numeric")
        for msg in port_name(number):
            report.invalid(path + ("port",), number, msg)
    elif number is None and end_ok:
        report.invalid(path + ("endPort",), end, "may not be specified when `port` is not specified")


def _ip_block(report: _Report, block, path: tuple):
    """ValidateIPBlock: a CIDR, and each except strictly inside it."""
    cidr = block.get("cidr")
    if cidr is None or cidr == "":
        return report.required(path + ("cidr",))
    if not isinstance(cidr, str):
        return
    network, errors = parse_cidr(cidr)
    for msg in errors:
        report.invalid(path + ("cidr",), cidr, msg)
    if network is None:
        return
    for i, text in enumerate(_items(block.get("except"))):
        if not isinstance(text, str):
            continue
        inner, errors = parse_cidr(text)
        for msg in errors:
            report.invalid(path + ("except", i), text, msg)
        if inner is not None and not (
                inner.version == network.version and inner.network_address in network
                and inner.prefixlen > network.prefixlen):
            report.invalid(path + ("except", i), text, "must be a strict subset of `cidr`")


def _peer(report: _Report, peer, path: tuple):
    """ValidateNetworkPolicyPeer. A null selector is absent, as in Go."""
    peer = _obj(peer)
    count = 0
    for key in ("podSelector", "namespaceSelector"):
        if peer.get(key) is not None:
            count += 1
            _selector(report, peer[key], path + (key,))
    if peer.get("ipBlock") is not None:
        count += 1
        _ip_block(report, _obj(peer["ipBlock"]), path + ("ipBlock",))
    if count == 0:
        report.required(path, "must specify a peer")
    elif count > 1 and peer.get("ipBlock") is not None:
        report.forbidden(path, "may not specify both ipBlock and another peer")


def _policy_spec(report: _Report, spec):
    """ValidateNetworkPolicySpec."""
    spec = _obj(spec)
    _selector(report, spec.get("podSelector"), ("spec", "podSelector"))
    for key, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(_items(spec.get(key))):
            rule = _obj(rule)
            for j, port in enumerate(_items(rule.get("ports"))):
                _policy_port(report, port, ("spec", key, i, "ports", j))
            for j, peer in enumerate(_items(rule.get(peers))):
                _peer(report, peer, ("spec", key, i, peers, j))
    types = _items(spec.get("policyTypes"))
    if len(types) > len(POLICY_TYPES):
        return report.invalid(("spec", "policyTypes"), types, "may not specify more than two policyTypes")
    for i, policy_type in enumerate(types):
        if isinstance(policy_type, str) and policy_type not in POLICY_TYPES:
            report.unsupported(("spec", "policyTypes", i), policy_type, POLICY_TYPES)


def _pod(report: _Report, data: dict):
    """The fields the engine reads: container ports, and the pod's IPs."""
    for i, container in enumerate(_items(_obj(data.get("spec")).get("containers"))):
        names = set()  # port names are unique within a container
        for j, port in enumerate(_items(_obj(container).get("ports"))):
            if isinstance(port, dict):  # otherwise a type error already
                _container_port(report, port, ("spec", "containers", i, "ports", j), names)
    status = _obj(data.get("status"))
    ips = [(("status", "podIP"), status.get("podIP"))]
    ips += [(("status", "podIPs", i, "ip"), _obj(entry).get("ip"))
            for i, entry in enumerate(_items(status.get("podIPs")))]
    for path, ip in ips:
        if isinstance(ip, str) and ip:
            for msg in ip_address(ip):
                report.invalid(path, ip, msg)


def _container_port(report: _Report, port: dict, at: tuple, names: set):
    name = port.get("name")
    if isinstance(name, str) and name:
        errors = port_name(name)
        for msg in errors:
            report.invalid(at + ("name",), name, msg)
        if not errors and name in names:
            report.add(at + ("name",), f"Duplicate value: {show(name)}")
        names.add(name)
    number = port.get("containerPort")
    if number is None:
        report.required(at + ("containerPort",))
    elif isinstance(number, int) and not isinstance(number, bool):
        if number == 0:
            report.required(at + ("containerPort",))
        for msg in port_number(number) if number else ():
            report.invalid(at + ("containerPort",), number, msg)
    protocol = port.get("protocol")
    if isinstance(protocol, str) and protocol and protocol not in POD_PROTOCOLS:
        report.unsupported(at + ("protocol",), protocol, POD_PROTOCOLS)


def _type_meta(report: _Report, data: dict) -> str | None:
    """apiVersion and kind: the kind to validate as, or None for kinds the engine ignores."""
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if api_version is None or api_version == "":
        report.add(("apiVersion",), "apiVersion not set")
    if kind is None or kind == "":
        report.add(("kind",), "kind not set")
    if not isinstance(kind, str) or not kind:
        return None
    known = {k.lower(): k for k in API_VERSIONS}
    if kind not in API_VERSIONS:
        if kind.lower() in known and isinstance(api_version, str):  # a misspelt kind of ours
            report.add(("kind",), f'no matches for kind "{clip(kind)[1:-1]}" in version '
                                  f'"{clip(api_version)[1:-1]}"')
        return None
    if isinstance(api_version, str) and api_version and api_version != API_VERSIONS[kind]:
        report.add(("apiVersion",), f'no matches for kind "{kind}" in version "{clip(api_version)[1:-1]}" '
                                    f'(use apiVersion: {API_VERSIONS[kind]})')
    return kind


def validate_manifest(m: Manifest, guesses: Guesses | None = None) -> list[Problem]:
    """Every problem of one object, sorted by line; [] when build.py may use it. The objects of
    one load share their guesses."""
    report = _Report(m, guesses if guesses is not None else Guesses())
    data = m.data
    for key in ("apiVersion", "kind"):
        if data.get(key) is not None and not isinstance(data[key], str):
            report.add((key,), f"Invalid type: expected a string, got {_type_name(data[key])}")
    kind = _type_meta(report, data)
    if kind is not None:
        _walk(report, data, _SCHEMAS[kind], ())
        _metadata(report, kind, data.get("metadata"))
        if kind == "NetworkPolicy":
            _policy_spec(report, data.get("spec"))
        elif kind == "Pod":
            _pod(report, data)
    return sorted(report.problems, key=lambda p: p.line if p.line is not None else 1 << 30)
