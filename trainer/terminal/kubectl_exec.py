"""`kubectl exec [-n NS] POD -- nc|curl|wget ...`, and `sh -c "..."` around them."""

from __future__ import annotations

import shlex

from .context import Context
from .flags import NAMESPACE, Flag, UsageError, parse
from .network import Network
from .resources import POD, kind_named, not_found
from .tools import curl, nc, wget

EXEC_FLAGS = (NAMESPACE, Flag("container", "container", "c", True), Flag("stdin", "stdin", "i"),
              Flag("tty", "tty", "t"), Flag("quiet", "quiet", "q"))
TOOLS = {"nc": nc, "netcat": nc, "ncat": nc, "curl": curl, "wget": wget}
SHELLS = ("sh", "bash", "ash")


def exec_(ctx: Context, tokens: list[str]) -> tuple[str, int]:
    parsed = parse(tokens, EXEC_FLAGS, "exec")
    if parsed.command is None:
        if len(parsed.args) > 1:
            raise UsageError("error: exec [POD] [COMMAND] is not supported anymore. "
                             "Use exec [POD] -- [COMMAND] instead\n"
                             "See 'kubectl exec -h' for help and examples")
        raise UsageError("error: you must specify at least one command for the container\n"
                         "(for example: kubectl exec -n NS POD -- nc -zv -w 2 HOST PORT)")
    if len(parsed.args) != 1:
        raise UsageError("error: expected "
                         "'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'")
    name = parsed.args[0]
    if "/" in name:
        kind_text, _, name = name.partition("/")
        if kind_named(kind_text) is not POD:
            raise UsageError("error: the lab can exec into pods only")
    namespace = parsed.options.get("namespace") or "default"
    src = ctx.cluster.pod(f"{namespace}/{name}")
    if src is None:
        raise UsageError(not_found(POD, name))
    return run_in_pod(Network(ctx.cluster), src, parsed.command, shell_ok=True)


def run_in_pod(net: Network, src, argv: list[str], shell_ok: bool) -> tuple[str, int]:
    if not argv:
        raise UsageError("error: you must specify at least one command for the container")
    program = argv[0].rsplit("/", 1)[-1]
    if program in SHELLS and shell_ok:
        if len(argv) >= 3 and argv[1] == "-c":
            try:
                inner = shlex.split(argv[2])
            except ValueError:
                return f"{program}: syntax error: unterminated quoted string", 2
            if any(t in ("|", ";", "&&", "||") for t in inner):
                return f"{program}: the lab runs one command at a time", 2
            return run_in_pod(net, src, inner, shell_ok=False)
        raise UsageError("error: the lab has no interactive shell; run one command per exec, e.g.\n"
                         f"  kubectl exec -n {src.namespace} {src.name} -- nc -zv -w 2 HOST PORT")
    tool = TOOLS.get(program)
    if tool is None:
        hint = ("\n(ICMP is not something NetworkPolicies describe; probe a port with nc instead)"
                if program == "ping" else "\n(the lab's pods have nc, curl and wget)")
        return (f'OCI runtime exec failed: exec failed: unable to start container process: exec: '
                f'"{argv[0]}": executable file not found in $PATH: unknown{hint}'), 126
    return tool(net, src, argv[1:])
