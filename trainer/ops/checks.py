"""System checks of the production settings: `manage.py check` fails on them when DEBUG is off."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.compatibility)
def production_settings(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    problems = []
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not settings.ALLOW_SQLITE:
        problems.append(Error(
            "DEBUG is off but the database is SQLite, which serialises every write of every process.",
            hint="Set DATABASE_URL to PostgreSQL; for a trial on one machine, set ALLOW_SQLITE=1.",
            id="ops.E001"))
    if not settings.REDIS_URL and not settings.ALLOW_LOCAL_CACHE:
        problems.append(Error(
            "DEBUG is off but REDIS_URL is not set: sessions, rate limits and sign-in lockouts would "
            "live in each process, unshared and lost on restart.",
            hint="Set REDIS_URL (redis://host:6379/0); for a trial, set ALLOW_LOCAL_CACHE=1.",
            id="ops.E002"))
    return problems
