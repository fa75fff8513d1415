"""Liveness and readiness, for the load balancer, Kubernetes and the operator.

/healthz: the process answers (nothing else is asked, so a database outage does
not get every instance restarted). /readyz: PostgreSQL and Redis both answer a
query, so traffic goes only to instances that can serve it.
"""

from __future__ import annotations

import json

from django.core.cache import cache
from django.db import connections
from django.http import HttpResponse

from .outages import OUTAGES


def _database() -> str:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except OUTAGES as exc:
        connection.close()  # a broken connection must not be kept for the next request
        return f"unreachable: {type(exc).__name__}"
    return "ok"


def _cache() -> str:
    try:
        cache.get("readyz-probe")  # a round trip to Redis; a local cache always answers
    except OUTAGES as exc:
        return f"unreachable: {type(exc).__name__}"
    return "ok"


def _json(data: dict, status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(data), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    return response


def healthz(request) -> HttpResponse:
    return _json({"status": "ok"}, 200)


def readyz(request) -> HttpResponse:
    checks = {"database": _database(), "cache": _cache()}
    ready = all(v == "ok" for v in checks.values())
    return _json({"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503)
