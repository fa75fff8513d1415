"""The previous evaluation's allowed set, kept on the server for the next edit's diff.

One entry per learner and per place the panel is shown (a stage in a scenario, an
exercise), in the cache (Redis in production) for an hour; each is at most
MAX_CONNECTIONS connections, so bounded. Nothing travels through the browser.
A learner's first edit starts a session if there is none.
"""

from __future__ import annotations

from django.core.cache import cache

from trainer.ops.outages import OUTAGES

TIMEOUT = 3600  # seconds: a learner who comes back later starts a fresh comparison


def _key(request, place: str) -> str | None:
    session = request.session.session_key
    return f"panel:{session}:{place}" if session else None


def recall(request, place: str) -> frozenset | None:
    key = _key(request, place)
    if key is None:
        return None
    try:
        return cache.get(key)
    except OUTAGES:  # no diff rather than no answer
        return None


def remember(request, place: str, allowed: frozenset) -> None:
    try:
        if request.session.session_key is None:
            request.session.save()  # the learner's first edit: a session to remember it by
        key = _key(request, place)
        cache.set(key, allowed, TIMEOUT)
    except OUTAGES:
        pass
