"""{% load quiz_time %}: the exam clock, durations, and the letters chosen."""

from datetime import timedelta

from django import template

register = template.Library()


@register.filter
def clock(seconds) -> str:
    """1805 -> '30:05'; hours when there are any."""
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def duration(value) -> str:
    """A timedelta in words: '12 min 5 s'."""
    if not isinstance(value, timedelta):
        return ""
    total = max(0, int(value.total_seconds()))
    minutes, secs = divmod(total, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min {secs} s" if minutes else f"{secs} s"


@register.filter
def letters_text(letters) -> str:
    """frozenset('CA') -> 'A, C'; empty -> 'no answer'."""
    chosen = sorted(letters or ())
    return ", ".join(chosen) if chosen else "none"
