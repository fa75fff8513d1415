"""Lesson text: escaped first, then `code`, **strong** and *em* marked up. Nothing else is trusted."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

_CODE = re.compile(r"`([^`]+)`")
_STRONG = re.compile(r"\*\*([^*]+)\*\*")
_EM = re.compile(r"\*([^*]+)\*")


@register.filter
def lesson_text(value: str) -> str:
    parts = _CODE.split(escape(value))
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # inside backticks: code, no further markup
            out.append(f"<code>{part}</code>")
        else:
            out.append(_EM.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", part)))
    return mark_safe("".join(out))
