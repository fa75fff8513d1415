"""`kubectl get` and `kubectl describe`."""

from __future__ import annotations

import json

from .context import Context
from .describe import describe_namespace, describe_policy
from .flags import ALL_NAMESPACES, NAMESPACE, Flag, UsageError, parse
from .manifests import as_list, shown_namespace, shown_pod, shown_policy, to_yaml
from .resources import NAMESPACE as NS_KIND
from .resources import POD, POLICY, Item, Kind, items, not_found, split_targets
from .selectors import SelectorError, format_labels, format_selector, parse_selector
from .text import human_duration, table

GET_FLAGS = (NAMESPACE, ALL_NAMESPACES, Flag("selector", "selector", "l", True),
             Flag("output", "output", "o", True), Flag("show_labels", "show-labels"))
DESCRIBE_FLAGS = (NAMESPACE, ALL_NAMESPACES, Flag("selector", "selector", "l", True))
OUTPUTS = ("", "wide", "yaml", "json", "name")


def select(ctx: Context, kind: Kind, names: list[str], opts: dict) -> tuple[list[Item], list[str]]:
    """The objects a get/describe names, and NotFound errors for names that match nothing."""
    namespace = opts.get("namespace") or "default"
    everywhere = opts.get("all_namespaces", False)
    found = items(kind, ctx.cluster, ctx.changes)
    if kind.namespaced and not everywhere:
        found = [i for i in found if i.namespace == namespace]
    if opts.get("selector") is not None:
        try:
            selector = parse_selector(opts["selector"])
        except SelectorError as exc:
            raise UsageError(f"error: {exc}") from None
        found = [i for i in found if selector.matches(i.labels)]
    if not names:
        return found, []
    chosen, errors = [], []
    for name in names:
        match = [i for i in found if i.name == name]
        if match:
            chosen += [m for m in match if m not in chosen]
        else:
            errors.append(not_found(kind, name))
    return chosen, errors


def get(ctx: Context, tokens: list[str]) -> str:
    parsed = parse(tokens, GET_FLAGS, "get")
    opts = parsed.options
    output = opts.get("output", "")
    if output not in OUTPUTS:
        raise UsageError(f'error: unable to match a printer suitable for the output format "{output}", '
                         "allowed formats are: json,name,wide,yaml")
    targets = split_targets(parsed.args, "get")
    if opts.get("all_namespaces") and any(names for _, names in targets):
        raise UsageError("error: a resource cannot be retrieved by name across all namespaces")
    selected, errors = [], []
    for kind, names in targets:
        found, missing = select(ctx, kind, names, opts)
        selected.append((kind, found))
        errors += missing
    everything = [i for _, found in selected for i in found]
    if output in ("yaml", "json"):
        body = _documents(ctx, everything, single=len(targets) == 1 and len(targets[0][1]) == 1)
        if body is None:
            text = ""
        else:
            text = to_yaml(body) if output == "yaml" else json.dumps(body, indent=4, sort_keys=True)
    elif output == "name":
        text = "\n".join(f"{i.kind.qualified}/{i.name}" for i in everything)
    else:
        mixed = len(targets) > 1  # kubectl prefixes names with their type when it lists several
        text = "\n\n".join(_table(ctx, kind, found, opts, mixed) for kind, found in selected if found)
    if not everything and not errors and output not in ("yaml", "json"):
        text = _nothing(opts, [k for k, _ in targets])
    return "\n".join(part for part in (text.rstrip("\n"), *errors) if part)


def _nothing(opts: dict, kinds: list[Kind]) -> str:
    if opts.get("all_namespaces") or not any(k.namespaced for k in kinds):
        return "No resources found"
    return f"No resources found in {opts.get('namespace') or 'default'} namespace."


def _documents(ctx: Context, found: list[Item], single: bool):
    docs = [_document(ctx, i) for i in found]
    if single:
        return docs[0] if docs else None
    return as_list(docs)


def _document(ctx: Context, item: Item) -> dict:
    if item.kind is POD:
        original = ctx.baseline.documents.get(f"Pod {item.namespace}/{item.name}")
        return shown_pod(item.obj, original, item.created)
    if item.kind is NS_KIND:
        return shown_namespace(item.obj, item.created)
    return shown_policy(item.obj, item.created)


def _table(ctx: Context, kind: Kind, found: list[Item], opts: dict, mixed: bool) -> str:
    wide = opts.get("output") == "wide"
    everywhere = opts.get("all_namespaces", False) and kind.namespaced
    header = {POD: ["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
              NS_KIND: ["NAME", "STATUS", "AGE"],
              POLICY: ["NAME", "POD-SELECTOR", "AGE"]}[kind]
    if kind is POD and wide:
        header += ["IP", "NODE", "NOMINATED NODE", "READINESS GATES"]
    if everywhere:
        header = ["NAMESPACE"] + header
    if opts.get("show_labels"):
        header.append("LABELS")
    rows = [header]
    for item in found:
        name = f"{kind.qualified}/{item.name}" if mixed else item.name
        age = human_duration(item.created, ctx.now)
        if kind is POD:
            ready = _containers(ctx, item)
            row = [name, f"{ready}/{ready}", "Running", "0", age]
            if wide:
                row += [item.obj.ip or "<none>", "node01", "<none>", "<none>"]
        elif kind is NS_KIND:
            row = [name, "Active", age]
        else:
            row = [name, format_selector(item.obj.pod_selector), age]
        if everywhere:
            row = [item.namespace] + row
        if opts.get("show_labels"):
            row.append(format_labels(item.labels))
        rows.append(row)
    return table(rows)


def _containers(ctx: Context, item: Item) -> int:
    original = ctx.baseline.documents.get(f"Pod {item.namespace}/{item.name}") or {}
    containers = (original.get("spec") or {}).get("containers") if isinstance(original, dict) else None
    return len(containers) if isinstance(containers, list) and containers else 1


def describe(ctx: Context, tokens: list[str]) -> str:
    parsed = parse(tokens, DESCRIBE_FLAGS, "describe")
    targets = split_targets(parsed.args, "describe")
    blocks, errors = [], []
    for kind, names in targets:
        if kind is POD:
            raise UsageError("error: the lab describes networkpolicies and namespaces; for pods try\n"
                             "  kubectl get pods -o wide --show-labels")
        found, missing = select(ctx, kind, names, parsed.options)
        errors += missing
        for item in found:
            if kind is POLICY:
                blocks.append(describe_policy(item.obj, item.created))
            else:
                blocks.append(describe_namespace(item.obj))
    if not blocks and not errors:
        return _nothing(parsed.options, [k for k, _ in targets])
    # kubectl separates described objects with a blank line.
    return "\n".join(part for part in ("\n\n".join(b.rstrip("\n") for b in blocks), *errors) if part)
