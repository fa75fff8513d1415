"""Reading settings from the environment: the one place for settings.py and limits.py.

Plain Python (limits.py is read before Django starts, by `manage.py netpol`).
"""

import os


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default
