"""`netpol check`: the engine on the command line (DESIGN.md, "Command line").

Pure Python: the Django management command only hands it argv, streams and limits.
Invalid input exits 2 with nothing on stdout and every problem on stderr.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from dataclasses import dataclass, field

from .build import load_cluster
from .evaluation import Analyzer, json_text
from .files import read_bounded
from .loading import CLI_LIMITS, Limits
from .objects import PROTOCOLS, Pod
from .problems import InputError, clip

MAX_PROBES = 1_000_000
# The table without probes lists every ordered pair on every port: P pods declaring
# P ports give P^3 rows. Past these caps the answer is refused with a pointer to --probes,
# not printed for minutes (JSON rows carry an explanation each, so they cost more).
MAX_TABLE_ROWS = 1_000_000
MAX_JSON_ROWS = 100_000
MAX_PROBLEMS_SHOWN = 100


class UsageError(Exception):
    pass


@dataclass
class Arguments:
    files: list
    probe: list = field(default_factory=list)
    probes: str | None = None
    external: list = field(default_factory=list)
    json: bool = False


def main(argv: list[str], limits: Limits = CLI_LIMITS) -> int:
    """`netpol check ...` as a program: parse argv, run, return the exit status."""
    parser = argparse.ArgumentParser(prog="manage.py netpol", description="Evaluate NetworkPolicies.")
    add_arguments(parser)
    args = Arguments(**{k: v for k, v in vars(parser.parse_args(argv)).items() if k != "action"})
    try:
        return run(args, limits=limits)
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="check")
    check = sub.add_parser("check", help="evaluate NetworkPolicies against a cluster")
    check.add_argument("-f", "--filename", dest="files", action="append", required=True,
                       metavar="FILE", help="YAML or JSON manifests; - for stdin (repeatable)")
    check.add_argument("--probe", action="append", default=[], nargs=3,
                       metavar=("SRC", "DST", "PORT[/PROTOCOL]"),
                       help="one connection to judge: namespace/pod or IPv4 address (repeatable)")
    check.add_argument("--probes", metavar="PROBES_FILE",
                       help="a file of probes, one 'SRC DST PORT[/PROTOCOL]' per line")
    check.add_argument("--external", action="append", default=[], metavar="IP",
                       help="a host outside the cluster to include in the table (repeatable)")
    check.add_argument("--json", action="store_true", help="print JSON")


def _read(path: str, stdin, limits: Limits) -> bytes:
    return read_bounded(path, limits.max_bytes, stdin)


def parse_port(text: str, where: str) -> tuple[int, str]:
    number, slash, protocol = text.partition("/")
    protocol = protocol.upper() if slash else "TCP"
    if protocol not in PROTOCOLS:
        raise UsageError(f"{where}: protocol {clip(protocol)} must be TCP, UDP or SCTP")
    # ASCII digits only: str.isdigit() and int() also take "٣" or "３" for 3; and a
    # length check first, since int() refuses more than 4,300 digits with a ValueError.
    if not (number.isascii() and number.isdigit()) or len(number.lstrip("0")) > 5 \
            or not 1 <= int(number) <= 65535:
        raise UsageError(f"{where}: port {clip(number)} must be a number from 1 to 65535")
    return int(number), protocol


def _endpoint(analyzer: Analyzer, text: str, where: str):
    if "/" not in text:
        try:
            if ipaddress.ip_address(text).version != 4:
                raise ValueError
        except ValueError:
            raise UsageError(f"{where}: {clip(text)} is neither namespace/pod nor an IPv4 address") from None
    try:
        return analyzer.endpoint(text)
    except KeyError as exc:
        raise UsageError(f"{where}: {exc.args[0]}") from None


def _external(analyzer: Analyzer, text: str):
    where = f"--external {clip(text)[1:-1]}"
    if "/" in text:  # a pod is in the table already; an outside host is an address
        raise UsageError(f"{where}: an outside host is an IPv4 address, not a pod or a CIDR")
    return _endpoint(analyzer, text, where)


def _resolve(analyzer: Analyzer, probes) -> list[tuple]:
    """Probes -> (src, dst, port, protocol); each distinct name and port is parsed once."""
    endpoints, ports, checks = {}, {}, []
    for src, dst, port, where in probes:
        a = endpoints.get(src) or endpoints.setdefault(src, _endpoint(analyzer, src, where))
        b = endpoints.get(dst) or endpoints.setdefault(dst, _endpoint(analyzer, dst, where))
        p = ports.get(port) or ports.setdefault(port, parse_port(port, where))
        checks.append((a, b, *p))
    return checks


def read_probes(args, stdin, limits: Limits) -> list[tuple[str, str, str, str]]:
    probes = [(src, dst, port, f"--probe {i + 1}") for i, (src, dst, port) in enumerate(args.probe)]
    if args.probes:
        if args.probes == "-" and "-" in args.files:
            raise UsageError("--probes -: standard input is already read by -f -")
        data = _read(args.probes, stdin, limits)
        try:
            text = data.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise UsageError(f"{args.probes}:{line}: not UTF-8 text") from None
        # Lines end at \n only, so the line numbers are those of an editor
        # (str.splitlines would also break at \v, \f, \x1c and U+2028).
        for number, line in enumerate(text.split("\n"), 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split()
            where = f"{args.probes}:{number}"
            if len(fields) != 3:
                raise UsageError(f"{where}: expected 'SRC DST PORT[/PROTOCOL]', got {clip(line)}")
            probes.append((*fields, where))
            if len(probes) > MAX_PROBES:
                raise UsageError(f"{where}: more than {MAX_PROBES} probes")
    return probes


def run(args, stdout=None, stderr=None, stdin=None, limits: Limits = CLI_LIMITS) -> int:
    stdout, stderr, stdin = stdout or sys.stdout, stderr or sys.stderr, stdin or sys.stdin
    try:
        sources = [(_read(path, stdin, limits), "<stdin>" if path == "-" else path)
                   for path in args.files]
        cluster = load_cluster(sources, limits)
        analyzer = Analyzer(cluster)
        externals = [_external(analyzer, ip) for ip in args.external]
        probes = read_probes(args, stdin, limits)
        checks = _resolve(analyzer, probes)
        if not checks:
            hosts = [e for e in externals if not isinstance(e, Pod)]
            _check_table_size(analyzer, hosts, args.json)
    except InputError as exc:
        for problem in exc.problems[:MAX_PROBLEMS_SHOWN]:
            print(problem, file=stderr)
        if len(exc.problems) > MAX_PROBLEMS_SHOWN:
            print(f"... and {len(exc.problems) - MAX_PROBLEMS_SHOWN} more problems", file=stderr)
        return 2
    except UsageError as exc:
        print(exc, file=stderr)
        return 2
    except (RecursionError, MemoryError) as exc:  # defence in depth: limits should stop these first
        print(f"input refused: {type(exc).__name__}", file=stderr)
        return 2
    if checks:
        if args.json:
            _write_json(analyzer, checks, stdout)
        else:
            rows = [(src.key, dst.key, f"{port}/{protocol}",
                     "allowed" if analyzer.allowed(src, dst, port, protocol) else "denied")
                    for src, dst, port, protocol in checks]
            _table(rows, stdout)
        return 0
    _all_pairs(analyzer, [e for e in externals if not isinstance(e, Pod)], args.json, stdout)
    return 0


def _check_table_size(analyzer: Analyzer, hosts, as_json: bool) -> None:
    from .matrix import declared_ports

    pods = len(analyzer.cluster.pods)
    hosts = len({h.ip for h in hosts})
    ports = len(declared_ports(analyzer.cluster))
    rows = ports * (pods * (pods - 1) + 2 * pods * hosts)
    limit = MAX_JSON_ROWS if as_json else MAX_TABLE_ROWS
    if rows > limit:
        raise UsageError(
            f"the table would have {rows} rows ({pods} pods, {hosts} outside hosts, {ports} ports); "
            f"the limit is {limit}{' with --json' if as_json else ''}: "
            "name the connections to judge with --probe or --probes")


def _all_pairs(analyzer: Analyzer, externals, as_json: bool, stdout) -> None:
    """Every ordered pair of pods (and each outside host both ways) on every declared port."""
    from .matrix import build_matrix, declared_ports

    matrix = build_matrix(analyzer, [e.ip for e in externals], declared_ports(analyzer.cluster))
    pods = [(g, m) for g, group in enumerate(matrix.groups) for m in group.members]
    results = []
    for port in matrix.ports:
        for s, src in pods:
            for d, dst in pods:
                if src is dst or s >= matrix.pod_group_count and d >= matrix.pod_group_count:
                    continue
                results.append((src, dst, port, matrix.is_allowed(s, d, port)))
    if as_json:
        _write_json(analyzer, [(src, dst, *port) for src, dst, port, _ in results], stdout)
    else:
        _table([(src.key, dst.key, f"{port[0]}/{port[1]}", "allowed" if ok else "denied")
                for src, dst, port, ok in results], stdout)


def _write_json(analyzer: Analyzer, checks, stdout) -> None:
    """{"results": [...]} in probe order, one result per line.

    Each line is written as JSON text directly: the explanations come JSON-escaped from
    Analyzer.explain (their words escaped once per kind of endpoint, not per probe), and
    names are escaped once each; tests/tools/test_netpol_command.py reads the output back with json."""
    names: dict[str, str] = {}

    def name(end) -> str:
        found = names.get(end.key)
        if found is None:
            found = names[end.key] = json_text(end.key)
        return found

    lines = []
    for src, dst, port, protocol in checks:
        allowed, explanation = analyzer.explain(src, dst, port, protocol, as_json=True)
        lines.append(f'{{"from": "{name(src)}", "to": "{name(dst)}", "port": {port}, '
                     f'"protocol": "{protocol}", "allowed": {"true" if allowed else "false"}, '
                     f'"explanation": "{explanation}"}}')
    # Three writes: joined into one, the 15 MB of 20,000 explanations would be copied twice more.
    stdout.write('{"results": [\n')
    stdout.write(",\n".join(lines))
    stdout.write("\n]}\n")


def _table(rows, stdout) -> None:
    header = ("FROM", "TO", "PORT", "VERDICT")
    # Names repeat across rows, so each distinct cell is measured and padded once.
    cells = [{r[i] for r in rows} for i in range(3)]
    widths = [max([len(header[i])] + [len(cell) for cell in cells[i]]) for i in range(3)]
    a, b, c = ({cell: cell.ljust(widths[i]) for cell in cells[i]} for i in range(3))
    fmt = f"{{:<{widths[0]}}}  {{:<{widths[1]}}}  {{:<{widths[2]}}}  {{}}\n"
    stdout.write(fmt.format(*header))
    stdout.write("".join([f"{a[s]}  {b[d]}  {c[p]}  {v}\n" for s, d, p, v in rows]))
