"""Everything the result panel shows, built from a World and the learner's YAML.

evaluate() answers one edit: the problems with their lines, or the headline
("who can reach the DB?"), the grouped matrix, the picture, the learner's
policies and what changed since the previous evaluation (whose allowed set the
caller keeps: memory.py). explain() answers one question (a matrix cell or a
what-if probe) with its Verdict. Both say when the policies allow a port the
destination does not declare: nothing listens there (trainer.netpol.listening).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trainer.netpol.evaluation import Analyzer, Verdict
from trainer.netpol.listening import declares, listening_note
from trainer.netpol.matrix import build_matrix, declared_ports
from trainer.netpol.objects import PROTOCOLS, ExternalHost
from trainer.netpol.problems import InputError

from .picture import Picture, draw
from .world import SOURCE, World, load_learner

Connection = tuple[str, str, int, str]  # (src key, dst key, port, protocol)

MAX_CONNECTIONS = 5_000  # endpoints x endpoints x ports the panel draws (about 40 pods on 3 ports)
MAX_PROBLEMS_SHOWN = 50  # a 64 KiB answer can hold thousands; the panel is for fixing the first few
_CELL = re.compile(r"([^\s>]{1,300})>([^\s>]{1,300})>(\d{1,5})/(TCP|UDP|SCTP)")
DIFF_SHOWN = 40
SPOKEN = 3  # changes a status line reads out by name


class BadRequest(ValueError):
    """A request no honest form could send (the view answers 400)."""


@dataclass(frozen=True)
class ProblemLine:
    line: int | None
    where: str  # "NetworkPolicy prod/db-policy: spec.ingress[0].ports[0].endPort"
    message: str


@dataclass(frozen=True)
class Headline:
    question: str  # "Who can reach the DB (prod/db) on TCP 3306?"
    answer: str  # in words
    allowed: tuple[str, ...]
    denied: tuple[str, ...]
    target: str = ""  # "the DB (prod/db)": what the picture's bold lines reach


@dataclass(frozen=True)
class Cell:
    port: str  # "TCP 3306"
    allowed: bool | None  # None: no policy could apply (between two outside hosts)
    value: str  # what the cell's button posts: "src>dst>3306/TCP"
    title: str  # "prod/web to prod/db on TCP 3306: denied. Explain"
    unheard: bool = False  # allowed, but the destination declares other ports: nothing listens

    @property
    def css(self) -> str:
        if self.allowed is None:
            return "na"
        return ("yes unheard" if self.unheard else "yes") if self.allowed else "no"

    @property
    def symbol(self) -> str:
        return "·" if self.allowed is None else "✓" if self.allowed else "✗"


@dataclass(frozen=True)
class Row:
    label: str
    members: tuple[str, ...]
    external: bool
    cells: tuple[tuple[Cell, ...], ...]  # one tuple of port cells per column


@dataclass(frozen=True)
class MatrixView:
    columns: tuple[Row, ...]  # the groups again, as column headers (cells unused)
    rows: tuple[Row, ...]
    ports: tuple[str, ...]
    unheard: bool = False  # some cell is allowed on a port its destination does not declare


@dataclass(frozen=True)
class PolicyView:
    key: str
    types: tuple[str, ...]
    selects: tuple[str, ...]
    line: int | None


@dataclass(frozen=True)
class Diff:
    first: bool  # no previous evaluation to compare with
    opened: tuple[str, ...]
    closed: tuple[str, ...]
    more: int  # changes left out of the lists

    @property
    def words(self) -> str:
        """One sentence for a screen reader's status line: "" on a first look."""
        if self.first:
            return ""
        if not self.opened and not self.closed:
            return "No connection changed."
        parts = [f"{word}: {', '.join(items[:SPOKEN])}"
                 + (f" and {len(items) - SPOKEN} more" if len(items) > SPOKEN else "")
                 for word, items in (("Opened", self.opened), ("Closed", self.closed)) if items]
        more = f" And {self.more} more changes." if self.more else ""
        return ". ".join(parts) + "." + more


@dataclass
class Evaluation:
    text: str
    problems: list[ProblemLine] = field(default_factory=list)
    headline: Headline | None = None
    matrix: MatrixView | None = None
    picture: Picture | None = None
    policies: list[PolicyView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    diff: Diff | None = None
    allowed: frozenset = frozenset()
    cluster: object = None  # the world with the learner's objects applied, when valid
    problem_count: int = 0  # all of them; `problems` shows the first MAX_PROBLEMS_SHOWN

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def error_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems if p.line})


@dataclass(frozen=True)
class Explanation:
    verdict: Verdict | None
    problem: str = ""  # why the question could not be answered
    editor_lines: tuple[int, ...] = ()
    # Those lines' text, shown beside the explanation: the editor may be scrolled far away.
    quoted: tuple[tuple[int, str], ...] = ()
    # When allowed: whether anything listens there, in words ("" when the port is declared).
    listening: str = ""
    unheard: bool = False  # the destination declares other ports: nothing listens there

    @property
    def steps(self) -> list[str]:
        return self.verdict.explanation.splitlines()[1:] if self.verdict else []


# --- evaluating an edit ----------------------------------------------------------


def evaluate(world: World, text: str, before: frozenset | None = None) -> Evaluation:
    """before: what the previous evaluation allowed, or None for a first look."""
    result = Evaluation(text)
    try:
        own, cluster = load_learner(world, text)
    except InputError as exc:
        result.problems, result.problem_count = problem_lines(exc.problems), len(exc.problems)
        return result
    ports = world.ports or declared_ports(cluster)
    endpoints = len(cluster.pods) + len(world.externals)
    if endpoints * endpoints * len(ports) > MAX_CONNECTIONS:
        # Pods added in the editor grow the panel as pods x pods x ports: keep it (and the
        # previous evaluation the server keeps) bounded, and say where larger clusters go.
        result.problems = [ProblemLine(None, "", (
            f"The panel shows at most {MAX_CONNECTIONS} connections; this cluster has "
            f"{endpoints} pods and hosts on {len(ports)} ports ({endpoints * endpoints * len(ports)}). "
            "Remove the extra Pods, or check large clusters with `manage.py netpol check`."))]
        result.problem_count = 1
        return result
    result.cluster = cluster
    analyzer = Analyzer(cluster)
    matrix = build_matrix(analyzer, [ip for ip, _ in world.externals], ports)
    result.allowed = matrix.allowed
    result.headline = _headline(world, cluster, matrix.allowed)
    result.matrix = _matrix_view(matrix)
    result.picture = draw(world, cluster, matrix)
    result.policies, result.notes = _policies(own, cluster)
    result.diff = _diff(before, matrix.allowed)
    return result


def problem_lines(problems) -> list[ProblemLine]:
    """The engine's problems as the panel lists them: the first MAX_PROBLEMS_SHOWN, then a count."""
    lines = [ProblemLine(p.line, ": ".join(x for x in (p.obj, p.path) if x), p.message)
             for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(ProblemLine(None, "", f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems; "
                                           f"fix these first."))
    return lines


def endpoint_label(world: World, key: str) -> str:
    label = world.external_label(key)
    return f"{key} ({label})" if label else key


def _headline(world: World, cluster, allowed: frozenset) -> Headline | None:
    target = world.target
    if target is None or cluster.pod(target.pod) is None:
        return None
    sources = [p.key for p in cluster.pods if p.key != target.pod] + [ip for ip, _ in world.externals]
    yes = tuple(s for s in sources if (s, target.pod, target.port, target.protocol) in allowed)
    no = tuple(s for s in sources if s not in yes)
    name = f"{target.label} ({target.pod})" if target.label else target.pod
    question = f"Who can reach {name} on {target.port_label}?"
    if not yes:
        answer = f"Nothing can: no pod and no outside host reaches {target.pod} on {target.port_label}."
    elif not no:
        answer = (f"Everything can: every pod and every outside host reaches {target.pod} "
                  f"on {target.port_label}.")
    else:
        answer = f"Only {_words([endpoint_label(world, s) for s in yes])}."
    return Headline(question, answer, tuple(endpoint_label(world, s) for s in yes),
                    tuple(endpoint_label(world, s) for s in no), name)


def _words(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _matrix_view(matrix) -> MatrixView:
    ports = tuple(f"{proto} {number}" for number, proto in matrix.ports)
    heads = tuple(Row(g.label, g.keys, g.external, ()) for g in matrix.groups)
    # Whether each destination declares each port: asked once per column, not once per cell.
    silent = [[matrix.declares(d, port) is False for port in matrix.ports]
              for d in range(len(matrix.groups))]
    rows = []
    for s, src in enumerate(matrix.groups):
        cells = []
        for d, dst in enumerate(matrix.groups):
            # The cell's explanation is asked about representative members (as Matrix.cell does).
            dst_key = dst.keys[1] if s == d and len(dst.keys) > 1 else dst.keys[0]
            cells.append(tuple(
                _cell(src, dst, dst_key, label, port, matrix.is_allowed(s, d, port), silent[d][i])
                for i, (label, port) in enumerate(zip(ports, matrix.ports, strict=True))))
        rows.append(Row(src.label, src.keys, src.external, tuple(cells)))
    unheard = any(c.unheard for row in rows for column in row.cells for c in column)
    return MatrixView(heads, tuple(rows), ports, unheard)


def _cell(src, dst, dst_key, label, port, allowed, silent: bool) -> Cell:
    word = "no policy applies" if allowed is None else "allowed" if allowed else "denied"
    unheard = bool(allowed) and silent
    if unheard:
        word = "allowed, but nothing listens there"
    title = f"{src.label} to {dst.label} on {label}: {word}. Explain"
    return Cell(label, allowed, f"{src.keys[0]}>{dst_key}>{port[0]}/{port[1]}", title, unheard)


def _policies(own, cluster) -> tuple[list[PolicyView], list[str]]:
    views, notes = [], []
    for policy in own.policies:
        selects = tuple(p.key for p in cluster.pods
                        if p.namespace == policy.namespace and policy.pod_selector.matches(p.labels))
        views.append(PolicyView(policy.key, policy.policy_types, selects, policy.line))
        if not selects:
            notes.append(f"NetworkPolicy {policy.key} selects no pod: its podSelector "
                         f"({policy.pod_selector.describe()}) matches nothing in namespace "
                         f"{policy.namespace}, so it changes nothing.")
    for label in own.ignored:
        notes.append(f"{label} is not a Namespace, Pod or NetworkPolicy; it was ignored.")
    return views, notes


# --- what changed ----------------------------------------------------------------


def _diff(before: frozenset | None, after: frozenset) -> Diff:
    if before is None:
        return Diff(True, (), (), 0)
    opened = sorted(c for c in after - before if c[0] != c[1])
    closed = sorted(c for c in before - after if c[0] != c[1])
    shown = DIFF_SHOWN // 2
    more = max(0, len(opened) - shown) + max(0, len(closed) - shown)
    return Diff(False, tuple(map(_connection, opened[:shown])), tuple(map(_connection, closed[:shown])), more)


def _connection(c: Connection) -> str:
    return f"{c[0]} → {c[1]} {c[3]} {c[2]}"


# --- one question ----------------------------------------------------------------


def parse_cell(value: str) -> tuple[str, str, int, str]:
    """A matrix cell's button value, "src>dst>3306/TCP"; BadRequest when malformed."""
    m = _CELL.fullmatch(value or "")
    if not m:
        raise BadRequest("the cell is malformed")
    return m.group(1), m.group(2), int(m.group(3)), m.group(4)


def explain(world: World, text: str, src: str, dst: str, port, protocol: str = "TCP") -> Explanation:
    """The verdict for one connection, or a learner-facing problem when it cannot be asked."""
    try:
        _, cluster = load_learner(world, text)
    except InputError:
        return Explanation(None, "Fix the YAML errors first; the panel lists them with their lines.")
    digits = str(port).strip()
    # isascii too: int() would read Unicode digits and underscores ("1_000"), kubectl would not.
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 5 and 1 <= int(digits) <= 65535):
        return Explanation(None, "The port must be a number from 1 to 65535.")
    number = int(digits)
    protocol = (protocol or "TCP").strip().upper()
    if protocol not in PROTOCOLS:
        return Explanation(None, f"The protocol must be one of {', '.join(PROTOCOLS)}.")
    analyzer = Analyzer(cluster)
    ends = []
    for name, spec in (("source", src), ("destination", dst)):
        try:
            ends.append(analyzer.endpoint((spec or "").strip()))
        except KeyError as exc:
            return Explanation(None, f"Unknown {name}: {exc.args[0]}. Use namespace/pod or an IP address.")
    if all(isinstance(e, ExternalHost) for e in ends):
        return Explanation(None, "Both ends are outside the cluster; no NetworkPolicy applies between them.")
    verdict = analyzer.check(ends[0], ends[1], number, protocol)
    lines = tuple(sorted({n for source, n in verdict.lines if source == SOURCE}))
    listening, unheard = _listening(verdict)
    return Explanation(verdict, editor_lines=lines, quoted=quote(text, lines),
                       listening=listening, unheard=unheard)


def _listening(verdict: Verdict) -> tuple[str, bool]:
    """For an allowed verdict, whether anything listens there, in a sentence, and whether it is
    known that nothing does. A denied connection never arrives, so that one says nothing."""
    if not verdict.allowed:
        return "", False
    note = listening_note(verdict.dst, verdict.port, verdict.protocol)
    if not note:
        return "", False
    if declares(verdict.dst, verdict.port, verdict.protocol) is False:
        return f"Allowed by the policies, but {note}.", True
    return f"Allowed by the policies; {note}.", False


QUOTED_WIDTH = 200  # characters of a quoted line


def quote(text: str, lines: tuple[int, ...]) -> tuple[tuple[int, str], ...]:
    """The numbered lines of the learner's text, each cut to a readable width."""
    all_lines = text.splitlines()
    return tuple((n, all_lines[n - 1][:QUOTED_WIDTH]) for n in lines if 1 <= n <= len(all_lines))


def endpoint_keys(world: World, cluster=None) -> list[str]:
    """What the probe offers: every pod, then every outside host."""
    cluster = cluster or world.cluster
    return [p.key for p in cluster.pods] + [ip for ip, _ in world.externals]

