"""One line typed into the lab's terminal -> its output and the new lab changes.

The line is split with shlex, may pipe into `grep`, and runs one of kubectl's
verbs the lab knows, or help, clear, reset. Nothing typed raises: every
mistake becomes a short message, as a shell would print it.
"""

from __future__ import annotations

import logging
import shlex
from datetime import UTC, datetime

from trainer.netpol.loading import WEB_LIMITS, Limits
from trainer.netpol.problems import InputError

from . import kubectl_change, kubectl_exec, kubectl_get
from .context import Context, Outcome
from .flags import UsageError
from .state import Baseline, Changes, current_cluster

logger = logging.getLogger(__name__)
MAX_LINE = 1000
MAX_OUTPUT = 20_000
KUBECTL = ("kubectl", "k")
REAL_BUT_ABSENT = ("create", "edit", "patch", "replace", "run", "expose", "logs", "explain",
                   "config", "auth", "api-resources", "rollout", "scale", "top", "cp", "port-forward")

HELP = """\
The practice lab: a simulated shell over this exercise's cluster.

  kubectl get pods|ns|netpol [NAME] [-n NS | -A] [--show-labels] [-l SELECTOR] [-o yaml|wide|name]
  kubectl describe netpol [NAME] -n NS      kubectl describe ns NAME
  kubectl apply -f -                        applies the YAML in the editor
  kubectl delete netpol NAME -n NS
  kubectl label ns NAME k=v [k-] [--overwrite]
  kubectl label pod NAME k=v [k-] [--overwrite] -n NS
  kubectl exec -n NS POD -- nc -zv -w 2 HOST PORT      (-u for UDP)
  kubectl exec -n NS POD -- curl -m 2 http://HOST[:PORT][/path]
  kubectl exec -n NS POD -- wget -qO- -T 2 http://HOST[:PORT]

HOST is a pod's IP, a pod's name in the same namespace, or an outside IP.
`k` works for kubectl; `... | grep WORD` filters output.
clear empties the screen; reset puts the cluster back as the exercise starts."""


def run(line: str, baseline: Baseline, changes: Changes, editor: str = "",
        now: datetime | None = None, limits: Limits = WEB_LIMITS) -> Outcome:
    """One command line; `limits` bound the editor's YAML that `apply -f -` reads."""
    now = now or datetime.now(UTC)
    try:
        return _run(line, baseline, changes, editor, now, limits)
    except UsageError as exc:
        return Outcome(_clip(str(exc)), changes, exit_code=1)
    except Exception:  # a bug of ours must not cost the learner the page
        logger.exception("lab terminal failed on %r", line[:200])
        return Outcome("error: the lab could not run that command (the failure has been logged)",
                       changes, exit_code=1)


def _run(line: str, baseline: Baseline, changes: Changes, editor: str, now: datetime,
         limits: Limits) -> Outcome:
    if len(line) > MAX_LINE:
        raise UsageError(f"bash: the lab reads commands of up to {MAX_LINE} characters")
    try:
        lexer = shlex.shlex(line, posix=True, punctuation_chars="|;&<>")
        lexer.whitespace_split = True
        tokens = list(lexer)
    except ValueError:
        raise UsageError("bash: syntax error: unterminated quoted string") from None
    if not tokens:
        return Outcome("", changes)
    command, filters = _split_pipeline(tokens)
    if command[0] == "help":
        return Outcome(HELP, changes)
    if command[0] == "clear":
        return Outcome("", changes, action="clear")
    if command[0] == "reset":
        return Outcome("The lab is back as the exercise starts.", Changes.fresh(now), action="reset")
    if command[0] not in KUBECTL:
        if command[0] in ("nc", "curl", "wget", "ping"):
            raise UsageError(f"bash: {command[0]}: you are on the lab's workstation, outside the "
                             "cluster's pods; run it inside one:\n"
                             f"  kubectl exec -n NAMESPACE POD -- {command[0]} ...")
        raise UsageError(f"bash: {command[0]}: command not found (type help for the lab's commands)")
    try:
        cluster = current_cluster(baseline, changes)
    except InputError:
        # Stored changes the engine no longer reads (content changed since): start clean.
        changes = Changes.fresh(now)
        cluster = current_cluster(baseline, changes)
    ctx = Context(baseline, changes, cluster, editor, now, limits)
    output, new_state, code = _kubectl(ctx, command[1:])
    for grep in filters:
        output = grep(output)
    return Outcome(_clip(output), new_state, exit_code=code)


def _split_pipeline(tokens: list[str]):
    """`cmd | grep [-i] [-v] WORD`; any other operator is refused."""
    for t in tokens:
        if t and set(t) <= set(";&<>"):
            raise UsageError("bash: the lab runs one command at a time (no ;, &&, > or <)")
    parts, current = [], []
    for t in tokens:
        if t and set(t) == {"|"}:
            parts.append(current)
            current = []
        else:
            current.append(t)
    parts.append(current)
    if any(not p for p in parts):
        raise UsageError("bash: syntax error near unexpected token `|'")
    return parts[0], [_grep(p) for p in parts[1:]]


def _grep(argv: list[str]):
    if argv[0] != "grep":
        raise UsageError(f"bash: {argv[0]}: the lab's pipes go to grep only")
    ignore_case = invert = False
    words = []
    for a in argv[1:]:
        if a.startswith("-") and len(a) > 1 and not words:
            for letter in a[1:]:
                if letter == "i":
                    ignore_case = True
                elif letter == "v":
                    invert = True
                elif letter not in "EFw":
                    raise UsageError(f"grep: invalid option -- '{letter}'")
        else:
            words.append(a)
    if len(words) != 1:
        raise UsageError("Usage: grep [-i] [-v] PATTERN (the lab matches PATTERN as plain text)")
    word = words[0].lower() if ignore_case else words[0]

    def keep(output: str) -> str:
        lines = output.split("\n")
        return "\n".join(ln for ln in lines if (word in (ln.lower() if ignore_case else ln)) != invert)

    return keep


def _kubectl(ctx: Context, argv: list[str]) -> tuple[str, Changes, int]:
    if not argv or argv[0] in ("help", "-h", "--help"):
        return HELP, ctx.changes, 0
    verb, rest = argv[0], argv[1:]
    if verb == "get":
        return kubectl_get.get(ctx, rest), ctx.changes, 0
    if verb == "describe":
        return kubectl_get.describe(ctx, rest), ctx.changes, 0
    if verb == "apply" or verb == "create" and any(a.startswith(("-f", "--filename")) for a in rest):
        output, changes = kubectl_change.apply(ctx, rest, verb)
        return output, changes, 0
    if verb == "delete":
        output, changes = kubectl_change.delete(ctx, rest)
        return output, changes, 0
    if verb == "label":
        output, changes = kubectl_change.label(ctx, rest)
        return output, changes, 0
    if verb == "exec":
        output, code = kubectl_exec.exec_(ctx, rest)
        if code:
            output = f"{output}\ncommand terminated with exit code {code}".lstrip("\n")
        return output, ctx.changes, code
    if verb in REAL_BUT_ABSENT:
        raise UsageError(f"error: `kubectl {verb}` is not part of the practice lab; it knows get, "
                         "describe, apply -f -, delete, label and exec (type help)")
    raise UsageError(f'error: unknown command "{verb}" for "kubectl"\n'
                     "Run 'kubectl --help' for usage.")


def _clip(text: str) -> str:
    if len(text) > MAX_OUTPUT:
        return text[:MAX_OUTPUT] + "\n... (output cut short)"
    return text
