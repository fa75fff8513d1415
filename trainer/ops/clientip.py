"""The address a request came from, for lockouts and rate limits.

Behind nginx every request arrives from nginx's own address, so a lockout by
REMOTE_ADDR would lock out everyone at once. Each trusted proxy appends the
address it saw to X-Forwarded-For; the client is the entry the outermost
trusted proxy appended. Entries further left are the client's own claim and
could be anything, so they are never read.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if count <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    return chain[-count] if len(chain) >= count else remote
