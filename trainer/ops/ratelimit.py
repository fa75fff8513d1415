"""Rate limits on the posts that cost the server work, counted in the shared cache.

Each limit counts per learner (the account, else the session) and per client
address, in fixed windows: a learner typing flat out stays far below, a script
does not. Counters live in Redis in production, so every app instance sees the
same counts; when Redis cannot be reached the limit lets the request through
(the session, also in Redis, decides whether the request can be served at all).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache

from .clientip import client_ip
from .errors import too_many
from .outages import OUTAGES

logger = logging.getLogger(__name__)
_warned_at = 0.0  # when this process last said the limits went unchecked: once a minute is enough


@dataclass(frozen=True)
class Limit:
    per_learner: int | None  # requests per window from one account or session
    per_address: int | None  # from one client address: learners and scripts together
    window: int  # seconds
    doing: str  # for the message: "Too many {doing} ..."


# The editor posts an edit 150 ms after typing stops: typing without a pause makes at most 400 a
# minute. An address gets ten learners' worth, for a class behind one NAT address.
LIMITS = {
    "evaluate": Limit(480, 4800, 60, "evaluations"),
    "grade": Limit(60, 600, 60, "gradings"),
    "terminal": Limit(120, 1200, 60, "terminal commands"),
    "answer": Limit(120, 1200, 60, "answers"),
    "quiz-start": Limit(30, 300, 3600, "quizzes started"),
    "signup": Limit(None, 10, 3600, "sign-ups"),
    # A class joins within minutes, many learners behind one address: codes are 31^8, so 20 tries
    # an hour per learner and 600 per address leave guessing hopeless.
    "join": Limit(20, 600, 3600, "attempts to join a class"),
    "poll": Limit(60, 3000, 60, "poll answers"),
    # Each share link is a row kept for good: a learner shares a few an hour, not hundreds.
    "share": Limit(30, 300, 3600, "share links created"),
}


def _learner(request) -> str | None:
    """The account or session, read from the session alone (no query: works during a DB outage)."""
    session = getattr(request, "session", None)
    if session is None:
        return None
    user = session.get(SESSION_KEY)
    if user:
        return f"u{user}"
    return f"s{session.session_key}" if session.session_key else None


def _count(key: str, window: int) -> int:
    cache.add(key, 0, window + 1)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 1)
        return 1


def wait_for(request, scope: str, now: float | None = None) -> int:
    """0 when the request may go on, else the seconds until the window that refused it ends."""
    if not settings.RATE_LIMITS_ENABLED:
        return 0
    limit = LIMITS[scope]
    now = time.time() if now is None else now
    window = int(now // limit.window)
    retry = limit.window - int(now % limit.window)
    counted = []
    if limit.per_learner and (learner := _learner(request)):
        counted.append((f"rl:{scope}:{learner}:{window}", limit.per_learner))
    if limit.per_address:
        counted.append((f"rl:{scope}:a{client_ip(request)}:{window}",
                        limit.per_address * settings.RATE_LIMIT_IP_FACTOR))
    try:
        over = [key for key, most in counted if _count(key, limit.window) > most]
    except OUTAGES as exc:
        global _warned_at
        if now - _warned_at > 60:
            _warned_at = now
            logger.warning("rate limits not checked: cache unavailable: %s", type(exc).__name__)
        return 0
    return retry if over else 0


def message(scope: str, retry: int) -> str:
    limit = LIMITS[scope]
    return (f"Too many {limit.doing} in a short time, so this one was not processed. "
            f"Try again in {retry} second{'s' if retry != 1 else ''}.")


def rate_limited(scope: str, *, swap: str = "innerHTML", into: str | None = None):
    """Refuse a view's POST with a 429 once the learner or the address is over the limit (a GET,
    which shows a form, is not counted).

    swap and into say where htmx shows the message (default: inside the request's own target)."""
    if scope not in LIMITS:
        raise ValueError(f"unknown rate limit {scope!r}")

    def decorate(view):
        @wraps(view)
        def limited(request, *args, **kwargs):
            retry = wait_for(request, scope) if request.method == "POST" else 0
            if retry:
                return too_many(request, message(scope, retry), retry, swap=swap, into=into)
            return view(request, *args, **kwargs)
        return limited
    return decorate
