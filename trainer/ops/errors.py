"""The site's own error pages: 400, 403, 429, 500 and 503.

Each is rendered without the request's context (no user, no session), so that
an error page cannot fail in turn, whatever is down. The 503 answers a database
or Redis outage with Retry-After; handler500 recognises an outage that escaped
the views (a middleware's session save, say) and answers it the same way.
"""

from __future__ import annotations

import logging
import sys

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

from .outages import OUTAGES, outage_words

logger = logging.getLogger("trainer.outage")
OUTAGE_RETRY_AFTER = 5  # seconds: a restarting PostgreSQL is usually back within that


def _page(template: str, status: int, context: dict | None = None) -> HttpResponse:
    return HttpResponse(render_to_string(template, context or {}), status=status)


def bad_request(request, exception=None):
    return _page("400.html", 400, {"message": str(exception or "")})


def refuse(message: str) -> HttpResponse:
    """A request no honest form sends (a view's own 400): the site's page, saying what is wrong."""
    sentence = message[:1].upper() + message[1:].rstrip(".") + "."
    return _page("400.html", 400, {"message": sentence})


def permission_denied(request, exception=None):
    return _page("403.html", 403)


def csrf_failure(request, reason=""):
    return _page("403.html", 403, {"csrf": True})


def server_error(request):
    exc = sys.exc_info()[1]
    if isinstance(exc, OUTAGES):
        # Django logs this exception itself; logs.OutageFilter makes that the one line.
        return unavailable(request, exc, log=False)
    return _page("500.html", 500)


def is_outage(exc: BaseException) -> bool:
    return isinstance(exc, OUTAGES)


def unavailable(request, exc: BaseException, log: bool = True) -> HttpResponse:
    """503 for an outage: one warning line, no traceback (every request during it would repeat it)."""
    if log:
        logger.warning("service unavailable: %s", outage_words(exc), extra={"path": request.path})
    response = _page("503.html", 503, {"retry_after": OUTAGE_RETRY_AFTER})
    response["Retry-After"] = str(OUTAGE_RETRY_AFTER)
    return response


def too_many(request, message: str, retry_after: int, *, swap: str = "innerHTML",
             into: str | None = None) -> HttpResponse:
    """429 with Retry-After. For htmx, a fragment put where the request's answer would have gone
    (htmx is configured in base.html to swap a 429), so the panel says why nothing changed."""
    context = {"message": message, "retry_after": retry_after}
    if getattr(request, "htmx", False):
        target = into or (f"#{request.htmx.target}" if request.htmx.target else "#notice")
        response = HttpResponse(render_to_string("errors/too_many.html", context), status=429)
        response["HX-Retarget"] = target
        response["HX-Reswap"] = swap
    else:
        response = _page("429.html", 429, context)
    response["Retry-After"] = str(retry_after)
    return response


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a sign-in from a locked-out username or address (the admin's too)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)  # axes has logged the lockout
    message = (f"Too many failed sign-ins for this username or from your address. "
               f"Try again in {minutes} minutes.")
    return too_many(request, message, int(settings.AXES_COOLOFF_TIME.total_seconds()))
