"""The picture: namespaces as boxes of pods, outside hosts below, allowed connections as arrows.

Only coordinates are computed here; the panel's picture_svg tag (templatetags/panel.py)
draws the SVG. Connections are merged per pair of endpoints (one line, an
arrowhead at each end that may be entered) over every port the matrix shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

COLUMN_WIDTH = 176
COLUMN_GAP = 28
NODE_WIDTH = 144
NODE_HEIGHT = 30
ROW_STEP = 46
HEADER = 46
PAD = 16


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    title: str
    subtitle: str


@dataclass(frozen=True)
class Node:
    key: str
    label: str
    x: float  # top-left corner
    y: float
    external: bool
    target: bool

    @property
    def cx(self) -> float:
        return self.x + NODE_WIDTH / 2

    @property
    def cy(self) -> float:
        return self.y + NODE_HEIGHT / 2


@dataclass(frozen=True)
class Edge:
    path: str  # SVG path data
    forward: bool  # arrowhead at the end (a -> b allowed)
    backward: bool  # arrowhead at the start (b -> a allowed)
    role: str  # "focus": into the headline's pod; "other": the rest, faint; "plain": no headline
    title: str


@dataclass(frozen=True)
class Picture:
    width: float
    height: float
    boxes: tuple[Box, ...]
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    description: str
    node_width: int = NODE_WIDTH
    node_height: int = NODE_HEIGHT


def draw(world, cluster, matrix) -> Picture:
    target = world.target.pod if world.target else None
    boxes, nodes = [], []
    x = PAD
    bottom = PAD
    # Namespaces in the order their pods are listed (dev, test, prod), not alphabetically.
    for name in dict.fromkeys(p.namespace for p in cluster.pods):
        ns = cluster.namespaces[name]
        pods = [p for p in cluster.pods if p.namespace == name]
        labels = ", ".join(f"{k}={v}" for k, v in sorted(ns.labels.items())
                           if k != "kubernetes.io/metadata.name")
        height = HEADER + ROW_STEP * len(pods)
        boxes.append(Box(x, PAD, COLUMN_WIDTH, height, f"namespace {name}", labels))
        for i, pod in enumerate(pods):
            nodes.append(Node(pod.key, pod.name, x + (COLUMN_WIDTH - NODE_WIDTH) / 2,
                              PAD + HEADER + ROW_STEP * i, False, pod.key == target))
        x += COLUMN_WIDTH + COLUMN_GAP
        bottom = max(bottom, PAD + height)
    width = x - COLUMN_GAP + PAD
    hosts = list(world.externals)
    if hosts:
        y = bottom + 40
        row_width = len(hosts) * COLUMN_WIDTH
        boxes.append(Box(PAD, y, max(row_width, width - 2 * PAD), HEADER + ROW_STEP,
                         "outside the cluster", ""))
        for i, (ip, _label) in enumerate(hosts):
            nodes.append(Node(ip, ip, PAD + i * COLUMN_WIDTH + (COLUMN_WIDTH - NODE_WIDTH) / 2,
                              y + HEADER, True, False))
        bottom = y + HEADER + ROW_STEP
        width = max(width, row_width + 2 * PAD)
    edges = _edges(nodes, matrix.allowed, target)
    count = sum(e.forward + e.backward for e in edges)
    description = (f"{len(nodes)} endpoints and {count} allowed directions of connection "
                   f"over {', '.join(f'{p} {n}' for n, p in matrix.ports)}. "
                   "The list after the picture names each one.")
    return Picture(width, bottom + PAD, tuple(boxes), tuple(nodes), tuple(edges), description)


def _edges(nodes, allowed, target) -> list[Edge]:
    """One line per pair of endpoints, arrows where a connection may be opened. With a headline,
    what reaches its pod stands out and the rest is faint; a pair with the headline's pod whose
    connections go both ways becomes two lines, so the pod's own outgoing ones stay faint."""
    by_key = {n.key: n for n in nodes}
    order = {n.key: i for i, n in enumerate(nodes)}
    ports: dict[tuple[str, str], list[str]] = {}
    for src, dst, number, protocol in sorted(allowed, key=lambda c: (c[2], c[3])):
        if src != dst and src in by_key and dst in by_key:
            ports.setdefault((src, dst), []).append(f"{protocol} {number}")
    pairs = sorted({tuple(sorted(pair, key=order.get)) for pair in ports},
                   key=lambda p: (order[p[0]], order[p[1]]))
    edges = []
    for a, b in pairs:
        if target in (a, b):
            other = a if b == target else b
            if (other, target) in ports:
                edges.append(_edge(by_key, other, target, ports[(other, target)], None, "focus"))
            if (target, other) in ports:
                edges.append(_edge(by_key, target, other, ports[(target, other)], None, "other"))
        else:
            edges.append(_edge(by_key, a, b, ports.get((a, b)), ports.get((b, a)),
                               "other" if target else "plain"))
    return sorted(edges, key=lambda e: e.role != "focus")  # drawn first, read first


def _edge(by_key, a: str, b: str, forward, backward, role: str) -> Edge:
    titles = []
    if forward:
        titles.append(f"{a} → {b}: {', '.join(forward)}")
    if backward:
        titles.append(f"{b} → {a}: {', '.join(backward)}")
    return Edge(_path(by_key[a], by_key[b]), bool(forward), bool(backward), role, "; ".join(titles))


def _path(a: Node, b: Node) -> str:
    """A gentle curve from a's border to b's, bent more when both sit in one column."""
    dx, dy = b.cx - a.cx, b.cy - a.cy
    bend = 0.3 if abs(dx) < 1 else 0.12
    # Control point off to one side of the straight line, so a pair's line avoids the pods between.
    mx, my = (a.cx + b.cx) / 2 - dy * bend, (a.cy + b.cy) / 2 + dx * bend
    start = _border(a, mx - a.cx, my - a.cy)
    end = _border(b, mx - b.cx, my - b.cy)
    return f"M{start[0]:.1f},{start[1]:.1f} Q{mx:.1f},{my:.1f} {end[0]:.1f},{end[1]:.1f}"


def _border(n: Node, dx: float, dy: float) -> tuple[float, float]:
    """Where a ray from n's centre towards (dx, dy) leaves its rectangle, plus a small gap."""
    hw, hh = NODE_WIDTH / 2 + 3, NODE_HEIGHT / 2 + 3
    t = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
    return n.cx + dx * t, n.cy + dy * t
