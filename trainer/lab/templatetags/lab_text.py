"""Exercise text (tasks, hints, questions): escaped first, then a tiny safe subset marked up.

Paragraphs (blank lines), `- ` lists, ``` fenced blocks, `code`, **strong** and
*em*. Nothing in the text can produce any other HTML: it is escaped before any
markup is added, and the markup adds only fixed tags.
"""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

_CODE = re.compile(r"`([^`\n]+)`")
_STRONG = re.compile(r"\*\*([^*\n]+)\*\*")
_EM = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)


def inline(text: str) -> str:
    """Escaped text with `code`, **strong** and *em*; code spans are left alone inside."""
    parts = _CODE.split(escape(text))
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(f"<code>{part}</code>")
        else:
            out.append(_EM.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", part)))
    return "".join(out)


def _blocks(text: str) -> list[str]:
    html = []
    for para in re.split(r"\n[ \t]*\n", text.strip()):
        lines = [ln.strip() for ln in para.strip().split("\n") if ln.strip()]
        if not lines:
            continue
        if all(ln.startswith(("- ", "* ")) for ln in lines):
            items = "".join(f"<li>{inline(ln[2:])}</li>" for ln in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append(f"<p>{inline(' '.join(lines))}</p>")
    return html


@register.filter
def lab_markup(value) -> str:
    text = str(value or "").replace("\r\n", "\n")
    html, last = [], 0
    for fence in _FENCE.finditer(text):
        html += _blocks(text[last:fence.start()])
        html.append(f"<pre><code>{escape(fence.group(1).rstrip())}</code></pre>")
        last = fence.end()
    html += _blocks(text[last:])
    return mark_safe("\n".join(html))


@register.filter
def lab_inline(value) -> str:
    return mark_safe(inline(str(value or "")))
