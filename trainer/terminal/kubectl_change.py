"""`kubectl apply -f -`, `kubectl delete netpol` and `kubectl label ns|pod`."""

from __future__ import annotations

from dataclasses import replace

from trainer.netpol.build import build_cluster
from trainer.netpol.loading import load_manifests
from trainer.netpol.objects import NAMESPACE_NAME_LABEL
from trainer.netpol.problems import InputError

from .context import Context
from .flags import NAMESPACE, Flag, UsageError, parse
from .manifests import policy_manifest
from .resources import NAMESPACE as NS_KIND
from .resources import POLICY, not_found, split_targets
from .selectors import key_problems, value_problems
from .state import MAX_LAB_POLICIES, STATE_LIMITS, Changes, with_policies, without_policy

APPLY_FLAGS = (NAMESPACE, Flag("filename", "filename", "f", True), Flag("dry_run", "dry-run", "", True))
DELETE_FLAGS = (NAMESPACE, Flag("all", "all"), Flag("ignore_not_found", "ignore-not-found"))
LABEL_FLAGS = (NAMESPACE, Flag("overwrite", "overwrite"))


def apply(ctx: Context, tokens: list[str], verb: str = "apply") -> tuple[str, Changes]:
    """Apply (or create) the editor's NetworkPolicies, as kubectl would report it."""
    opts = parse(tokens, APPLY_FLAGS, verb).options
    dry_run = _dry_run(opts)
    if not ctx.editor.strip():
        raise UsageError("error: no objects passed to apply")
    try:
        manifests = load_manifests(ctx.editor, "STDIN", ctx.limits)
        _set_namespace(manifests, opts.get("namespace"))
        answer = build_cluster(manifests)
    except InputError as exc:
        return format_problems(exc), ctx.changes
    if not manifests:
        raise UsageError("error: no objects passed to apply")
    lines = [f"error: the practice lab applies NetworkPolicies only; {label} was left alone"
             for label in _others(answer)]
    existing = {p.key: p for p in ctx.cluster.policies}
    said, applied = _apply_each(ctx, answer.policies, existing, verb, dry_run)
    lines += said
    if dry_run != "none" or not applied:
        return "\n".join(lines), ctx.changes
    changes = with_policies(ctx.changes, applied, ctx.now, set(existing))
    if len(changes.policies) > MAX_LAB_POLICIES or changes.size() > STATE_LIMITS.max_bytes // 2:
        raise UsageError("error: the lab is full; delete some policies or type reset to start over")
    return "\n".join(lines), changes


def _dry_run(opts: dict) -> str:
    """The --dry-run mode, once -f names the editor (`-`) and the mode is one kubectl knows."""
    filename = opts.get("filename")
    if filename is None:
        raise UsageError("error: must specify one of -f and -k")
    if filename != "-":
        raise UsageError(f'error: the path "{filename}" does not exist\n'
                         "(in the lab, `kubectl apply -f -` applies the YAML in the editor)")
    dry_run = opts.get("dry_run", "none")
    if dry_run not in ("none", "client", "server"):
        raise UsageError(f"error: Invalid dry-run value ({dry_run}). "
                         'Must be "none", "server", or "client".')
    return dry_run


def _apply_each(ctx: Context, policies, existing: dict, verb: str, dry_run: str) -> tuple[list[str], list]:
    """kubectl's line for each policy, and the policies that take effect (unless a dry run)."""
    lines, applied = [], []
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run, "")
    for policy in policies:
        if policy.namespace not in ctx.cluster.namespaces:
            lines.append(f'Error from server (NotFound): error when creating "STDIN": '
                         f'namespaces "{policy.namespace}" not found')
            continue
        before = existing.get(policy.key)
        if before is not None and verb == "create":
            lines.append(f'Error from server (AlreadyExists): error when creating "STDIN": '
                         f'{POLICY.resource} "{policy.name}" already exists')
            continue
        if before is None:
            word = "created"
        else:
            word = "unchanged" if policy_manifest(before) == policy_manifest(policy) else "configured"
        lines.append(f"{POLICY.qualified}/{policy.name} {word}{suffix}")
        applied.append(policy)
    return lines, applied


def _set_namespace(manifests, namespace: str | None):
    """-n fills in a missing namespace and must agree with one that is given."""
    if not namespace:
        return
    for m in manifests:
        meta = m.data.get("metadata")
        if not isinstance(meta, dict):
            continue
        given = meta.get("namespace")
        if given and given != namespace:
            raise UsageError(f'error: the namespace from the provided object "{given}" does not match '
                             f'the namespace "{namespace}". You must pass \'--namespace={given}\' to '
                             "perform this operation.")
        meta["namespace"] = namespace


def _others(answer) -> list[str]:
    others = [f"Pod {p.key}" for p in answer.pods]
    others += [f"Namespace {n.name}" for n in answer.namespaces.values() if n.declared]
    return others + list(answer.ignored)


def format_problems(error: InputError) -> str:
    """The engine's problems in kubectl's shapes: YAML errors, then `The X "y" is invalid`."""
    lines, by_object = [], {}
    for p in error.problems:
        if not p.obj:
            message = p.message.removeprefix("invalid YAML: ")
            where = f"line {p.line}: " if p.line else ""
            lines.append(f"error: error parsing STDIN: error converting YAML to JSON: yaml: {where}{message}")
        else:
            by_object.setdefault(p.obj, []).append(p)
    for obj, problems in by_object.items():
        kind, _, name = obj.partition(" ")
        name = name.rsplit("/", 1)[-1]
        details = [f"{p.path + ': ' if p.path else ''}{p.message}"
                   f"{f' (line {p.line})' if p.line else ''}" for p in problems]
        if len(details) == 1:
            lines.append(f'The {kind} "{name}" is invalid: {details[0]}')
        else:
            lines.append(f'The {kind} "{name}" is invalid: ')
            lines += [f"* {d}" for d in details]
    return "\n".join(lines)


def delete(ctx: Context, tokens: list[str]) -> tuple[str, Changes]:
    parsed = parse(tokens, DELETE_FLAGS, "delete")
    opts = parsed.options
    targets = split_targets(parsed.args, "delete")
    namespace = opts.get("namespace") or "default"
    changes, lines = ctx.changes, []
    base_keys = {p.key for p in ctx.baseline.cluster.policies}
    for kind, names in targets:
        if kind is not POLICY:
            raise UsageError(f"error: the practice lab keeps its {kind.plural}; only networkpolicies "
                             "can be deleted (type reset to start the lab over)")
        present = [p for p in ctx.cluster.policies if p.namespace == namespace]
        if opts.get("all"):
            names = [p.name for p in sorted(present, key=lambda p: p.name)]
            if not names:
                lines.append(f"No resources found in {namespace} namespace.")
        elif not names:
            raise UsageError("error: resource(s) were provided, but no name was specified")
        for name in names:
            key = f"{namespace}/{name}"
            if key not in {p.key for p in present}:
                if not opts.get("ignore_not_found"):
                    lines.append(not_found(POLICY, name))
                continue
            changes = without_policy(changes, key, base_keys)
            present = [p for p in present if p.key != key]
            lines.append(f'{POLICY.qualified} "{name}" deleted')
    return "\n".join(lines), changes


def label(ctx: Context, tokens: list[str]) -> tuple[str, Changes]:
    parsed = parse(tokens, LABEL_FLAGS, "label")
    overwrite = parsed.options.get("overwrite")
    kind, name, specs = _label_target(parsed.args)
    setting, removing = _label_specs(specs)
    key, target = _find(ctx, kind, name, parsed.options.get("namespace") or "default")
    for k in setting:
        problems = key_problems(k)
        if problems:
            raise UsageError(f'The {kind.kind} "{name}" is invalid: metadata.labels: '
                             f'Invalid value: "{k}": {"; ".join(problems)}')
    old = dict(target.labels)
    notes = [f'label "{k}" not found.' for k in removing if k not in old]
    new = _relabelled(old, setting, removing, overwrite)
    if kind is NS_KIND:
        new[NAMESPACE_NAME_LABEL] = name  # the API server keeps this label right
    if new == old:
        word = "not labeled"
    elif not overwrite and len(new) < len(old):
        word = "unlabeled"
    else:
        word = "labeled"
    changes = ctx.changes
    if new != old and kind is NS_KIND:
        changes = replace(changes, namespace_labels={**changes.namespace_labels, key: new})
    elif new != old:
        changes = replace(changes, pod_labels={**changes.pod_labels, key: new})
    return "\n".join(notes + [f"{kind.qualified}/{name} {word}"]), changes


def _label_target(args: list[str]):
    """(kind, name, label specs) from `TYPE NAME specs...` or `TYPE/NAME specs...`."""
    if args and "/" in args[0]:
        targets, specs = split_targets(args[:1], "label"), args[1:]
    else:
        targets, specs = split_targets(args[:2], "label"), args[2:]
    kind, names = targets[0]
    if kind is POLICY:
        raise UsageError("error: NetworkPolicies' own labels change no traffic; the lab labels "
                         "namespaces and pods (kubectl label ns NAME k=v, kubectl label pod NAME k=v)")
    if len(names) != 1:
        raise UsageError("error: name is required (kubectl label ns|pod NAME KEY=VALUE ... [KEY-])")
    return kind, names[0], specs


def _find(ctx: Context, kind, name: str, namespace: str):
    """The namespace or pod to label, and its key in the changes."""
    if kind is NS_KIND:
        key, target = name, ctx.cluster.namespaces.get(name)
    else:
        key = f"{namespace}/{name}"
        target = ctx.cluster.pod(key)
    if target is None:
        raise UsageError(not_found(kind, name))
    return key, target


def _relabelled(old: dict, setting: dict, removing: list[str], overwrite) -> dict:
    """The labels after the update; changing a value needs --overwrite."""
    for k, v in setting.items():
        if k in old and old[k] != v and not overwrite:
            raise UsageError(f"error: '{k}' already has a value ({old[k]}), and --overwrite is false")
    new = {k: v for k, v in old.items() if k not in removing}
    new.update(setting)
    return new


def _label_specs(specs: list[str]) -> tuple[dict, list[str]]:
    setting, removing = {}, []
    for spec in specs:
        if "=" in spec:
            key, _, value = spec.partition("=")
            if "=" in value:
                raise UsageError(f"error: invalid label spec: {spec}")
            problems = value_problems(value)
            if problems:
                raise UsageError(f'error: invalid label value: "{spec}": {"; ".join(problems)}')
            setting[key] = value
        elif spec.endswith("-") and len(spec) > 1:
            removing.append(spec[:-1])
        else:
            raise UsageError(f"error: unknown label spec: {spec}\n"
                             "(write KEY=VALUE to set a label, KEY- to remove one)")
    if not setting and not removing:
        raise UsageError("error: at least one label update is required")
    return setting, removing
