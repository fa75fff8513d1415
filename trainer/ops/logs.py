"""Log lines as JSON, each with its time, level, request id and user id.

The request's context lives in context variables set by RequestContextMiddleware,
so any logger anywhere in a request adds them without being passed the request.
A traceback is one field of its line, so an error is one entry, not a screenful.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

from .outages import OUTAGES, outage_words

request_id: ContextVar[str] = ContextVar("request_id", default="-")
user_id: ContextVar[str] = ContextVar("user_id", default="-")

# What every LogRecord has; anything else on a record was passed in `extra` and is kept.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class RequestContextFilter(logging.Filter):
    def filter(self, record):
        record.request_id = request_id.get()
        record.user_id = user_id.get()
        return True


class OutageFilter(logging.Filter):
    """An outage is a known event, told once per request in one line, not a bug's traceback.

    A view that met it logged "service unavailable" itself (errors.unavailable), so Django's own
    line about the 503 it returned is dropped; an outage met outside a view (a session saved to a
    Redis that is gone) reaches Django's handler as an exception, whose line keeps the exception's
    name and message and loses the traceback."""

    def filter(self, record):
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, OUTAGES):
            record.msg, record.args = f"service unavailable: {outage_words(exc)}", ()
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.exc_info = record.exc_text = None
        elif record.name == "django.request" and getattr(record, "status_code", None) == 503:
            return False
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id.get()),
            "user_id": getattr(record, "user_id", user_id.get()),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and key not in entry and key not in ("request", "server_time"):
                entry[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
