"""Middleware for running in production: probes, request context, body encoding, outages."""

from __future__ import annotations

import re
import uuid
from urllib.parse import unquote_to_bytes

from django.contrib.auth import SESSION_KEY
from django.db import DatabaseError

from . import errors, health, logs

HEALTH_PATHS = {"/healthz": health.healthz, "/readyz": health.readyz}
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before host validation and the HTTPS redirect: a probe asks by
    the pod's address over plain HTTP, and needs neither a session nor a template."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = HEALTH_PATHS.get(request.path_info)
        if probe is not None and request.method in ("GET", "HEAD"):
            return probe(request)
        return self.get_response(request)


class RequestContextMiddleware:
    """A request id (nginx's, or a new one) and the user id, for every log line of the request.

    The user id comes from the session, not the user table, so that it costs no query and works
    while the database is down."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        rid = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = rid
        tokens = (logs.request_id.set(rid), logs.user_id.set("-"))
        try:
            response = self.get_response(request)
        finally:
            logs.request_id.reset(tokens[0])
            logs.user_id.reset(tokens[1])
        response["X-Request-ID"] = rid
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        session = getattr(request, "session", None)
        if session is not None:
            try:
                logs.user_id.set(str(session.get(SESSION_KEY) or "-"))
            except DatabaseError:  # database-backed sessions (development) during an outage
                pass
        return None


class Utf8BodyMiddleware:
    """A body that is not UTF-8 is a 400 with a message, before anything decodes it.

    Django refuses a form body that declares another charset by raising from request.POST, and
    the CSRF check reads request.POST first: unhandled there, that was a 500 (and a long traceback)
    on every POST URL. Undeclared invalid bytes would be replaced silently; they are refused too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            problem = _encoding_problem(request)
            if problem:
                return errors.bad_request(request, problem)
        return self.get_response(request)


def _encoding_problem(request) -> str:
    charset = request.content_params.get("charset") if request.content_params else None
    # Spelt as Django wants it (it refuses even "utf8" for a form body).
    if charset and charset.lower() != "utf-8":
        return f"The request must be sent as UTF-8 (charset=utf-8); it declares charset={charset[:40]}."
    body = request.body  # read once here; Django keeps it for request.POST
    if request.content_type == "application/x-www-form-urlencoded":
        body = unquote_to_bytes(body.replace(b"+", b" "))
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return "The request must be sent as UTF-8; its body holds bytes that are not."
    return ""


class OutageMiddleware:
    """A view that meets a database or Redis outage answers 503 with Retry-After, not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if errors.is_outage(exception):
            return errors.unavailable(request, exception)
        return None
