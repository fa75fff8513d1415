"""'Did you mean matchLabels?': the known name nearest a misspelt one, if any is near enough."""

from __future__ import annotations

MAX_WORD = 64  # longer words are nobody's typo of a field name; and the distance is quadratic


def distance(a: str, b: str) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment):
    'lables' is one edit from 'labels', as 'ingres' is from 'ingress'."""
    previous, current = None, list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        before, previous, current = previous, current, [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], before[j - 2] + 1)
    return current[-1]


def allowed_edits(word: str) -> int:
    """How far a typo may stray: one edit in a short name, two in a longer, three in a long one."""
    return 1 if len(word) <= 4 else 2 if len(word) <= 10 else 3


def closest(word: str, known) -> str | None:
    """The known name the word most likely meant: the same letters in another case first, then
    the nearest within allowed_edits (case ignored); ties go to the name listed first."""
    if not isinstance(word, str) or not word or len(word) > MAX_WORD:
        return None
    folded = word.lower()
    best, best_distance = None, allowed_edits(word) + 1
    for name in known:
        if name.lower() == folded:
            return name
        if abs(len(name) - len(word)) >= best_distance:
            continue  # at least that many edits: no need to count them (hostile keys stay cheap)
        d = distance(folded, name.lower())
        if d < best_distance:
            best, best_distance = name, d
    return best
