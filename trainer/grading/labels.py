"""Every label set a pod or namespace could carry, cut into the few kinds that
a list of label selectors can tell apart.

A selector only ever asks, key by key, whether a label is absent, has one of
the values it names, or has some other value. So for each key the selectors
mention, the values fall into *atoms*: ABSENT, each value some selector names,
and OTHER (any value none names). A selector is then a *box*: for each key it
constrains, the atoms it accepts (matchLabels and In accept their values,
NotIn everything but its values, Exists everything but ABSENT, DoesNotExist
only ABSENT), and every other key free.

Refining the whole space by each selector in turn (split every box into the
part inside the selector and the disjoint boxes outside it) ends with boxes on
which every selector is constant: any label set in a box is matched by exactly
the same selectors. One concrete label set per box therefore stands for all
the label sets there could ever be. Each box also records which selectors
match it, so no selector has to be evaluated again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from trainer.netpol.objects import LabelSelector


class _Other:
    """The atom for a value no selector names."""

    def __repr__(self) -> str:
        return "OTHER"


ABSENT = None
OTHER = _Other()

Constraints = dict  # key -> frozenset of atoms; a key not present is free


class TooComplex(Exception):
    """The answer tells apart more kinds of pod than the grader will compare."""


class Budget:
    """Work allowed for one answer, so a hostile one is refused in bounded time."""

    def __init__(self, limit: int):
        self.left = limit

    def spend(self, amount: int, what: str):
        self.left -= amount
        if self.left < 0:
            raise TooComplex(what)


@dataclass
class Box:
    constraints: Constraints
    matched: int = 0  # bit i set: the i-th selector of the refinement matches the box


class LabelSpace:
    """The atoms of every key the given selectors mention."""

    def __init__(self, selectors: Iterable[LabelSelector], restrict: Mapping[str, frozenset] | None = None):
        values: dict[str, set] = {}
        for selector in selectors:
            for key, value in selector.match_labels:
                values.setdefault(key, set()).add(value)
            for req in selector.match_expressions:
                values.setdefault(req.key, set()).update(req.values)
        self.values = {k: frozenset(v) for k, v in values.items()}
        self.domains = {k: frozenset(v) | {ABSENT, OTHER} for k, v in self.values.items()}
        # A key whose atoms are limited everywhere (a namespace's name label is never absent).
        self.restrict = dict(restrict or {})

    def domain(self, key: str) -> frozenset:
        return self.domains.get(key, frozenset({ABSENT, OTHER}))

    def box(self, selector: LabelSelector) -> Constraints | None:
        """The selector as constraints; None when it can match nothing at all."""
        box: Constraints = {}
        for key, value in selector.match_labels:
            box[key] = box.get(key, self.domain(key)) & {value}
        for req in selector.match_expressions:
            domain = self.domain(req.key)
            if req.operator == "In":
                accepted = frozenset(req.values)
            elif req.operator == "NotIn":
                accepted = domain - frozenset(req.values)
            elif req.operator == "Exists":
                accepted = domain - {ABSENT}
            else:  # DoesNotExist
                accepted = frozenset({ABSENT})
            box[req.key] = box.get(req.key, domain) & accepted
        if any(not atoms for atoms in box.values()):
            return None
        return box

    def allowed(self, box: Constraints, key: str) -> frozenset:
        found = box.get(key)
        if found is None:
            found = self.domain(key)
            if key in self.restrict:
                found = found & self.restrict[key]
        return found

    def refine(self, selectors: list[LabelSelector], start: Constraints | None = None,
               limit: int = 5000, budget: Budget | None = None) -> list[Box]:
        """Boxes covering `start` (everything by default) on which each selector is constant.

        Box.matched has bit i set when selectors[i] matches the box. Raises
        TooComplex past `limit` boxes, or when the budget runs out (each box
        looked at costs one), before the work grows any further."""
        start = dict(start or {})
        for key, atoms in self.restrict.items():
            start[key] = self.allowed(start, key) & atoms
        boxes = [Box(start)]
        for i, selector in enumerate(selectors):
            wanted = self.box(selector)
            if wanted is None:
                continue  # matches nothing: no box gets the bit
            if not wanted:
                for box in boxes:  # `{}` matches everything
                    box.matched |= 1 << i
                continue
            if budget is not None:
                budget.spend(len(boxes), "more combinations of labels")
            refined = []
            for box in boxes:
                refined += self._split(box, wanted, 1 << i)
                if len(refined) > limit:
                    raise TooComplex(f"more than {limit} kinds of label set")
            boxes = refined
        return boxes

    def _split(self, box: Box, wanted: Constraints, bit: int) -> list[Box]:
        """box ∩ wanted (with the bit), then the disjoint pieces of box outside wanted."""
        inside = [self.allowed(box.constraints, key) & accepted for key, accepted in wanted.items()]
        if not all(inside):
            return [box]  # disjoint: nothing to split
        if all(self.allowed(box.constraints, key) <= accepted for key, accepted in wanted.items()):
            return [Box(box.constraints, box.matched | bit)]  # wholly inside
        pieces, prefix = [], dict(box.constraints)
        inside = True
        for key, accepted in wanted.items():
            current = self.allowed(prefix, key)
            outside = current - accepted
            if outside:
                piece = dict(prefix)
                piece[key] = outside
                pieces.append(Box(piece, box.matched))
            current = current & accepted
            if not current:
                inside = False
                break
            prefix[key] = current
        if inside:
            pieces.insert(0, Box(prefix, box.matched | bit))
        return pieces

    def atom(self, key: str, labels: Mapping[str, str]):
        value = labels.get(key, ABSENT)
        if value is ABSENT:
            return ABSENT
        return value if value in self.values.get(key, ()) else OTHER

    def misfits(self, box: Constraints, labels: Mapping[str, str]) -> int:
        """How many constrained keys the labels would have to change to fall in the box."""
        return sum(self.atom(k, labels) not in self.allowed(box, k)
                   for k in set(box) | set(self.restrict))

    def labels_in(self, box: Constraints, like: Mapping[str, str] | None = None) -> dict[str, str]:
        """A concrete label set inside the box, as close to `like` as the box allows:
        keys the box leaves free keep like's values; others take the box's atoms,
        preferring no label, then a value a selector names, then a made-up one."""
        labels = dict(like or {})
        for key in set(box) | set(self.restrict):
            accepted = self.allowed(box, key)
            if self.atom(key, labels) in accepted:
                continue
            if ABSENT in accepted:
                labels.pop(key, None)
            else:
                named = sorted(a for a in accepted if isinstance(a, str))
                labels[key] = named[0] if named else self.other_value(key)
        return labels

    def other_value(self, key: str) -> str:
        """A valid label value no selector names for `key`."""
        taken = self.values.get(key, frozenset())
        value, n = "other", 1
        while value in taken:
            n += 1
            value = f"other-{n}"
        return value
