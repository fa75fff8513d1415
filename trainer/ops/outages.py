"""What counts as an outage: a lost or refused connection to PostgreSQL or Redis.

SQLite's "database is locked" after its busy timeout is an OperationalError too, and is
answered the same way (503, try again). Errors of a query itself (IntegrityError,
ProgrammingError) are bugs, and stay 500s.
"""

import redis.exceptions
from django.db import InterfaceError, OperationalError

OUTAGES = (OperationalError, InterfaceError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def outage_words(exc: BaseException) -> str:
    """The exception's name and the first line of its message: what an operator needs to know."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0][:200] if text else ''}"
