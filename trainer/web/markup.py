"""The one Markdown renderer for all text: lessons, tasks, hints, quiz questions, feedback.

CommonMark (markdown-it-py) with raw HTML off: any `<` a text holds is escaped,
so content and learners' names can never add markup of their own. Rendered
text is cached: content repeats on every page view.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False})


@lru_cache(maxsize=8192)
def blocks(text: str) -> str:
    """Paragraphs, lists, fenced code and inline markup, as HTML."""
    return _MD.render(text)


@lru_cache(maxsize=8192)
def inline(text: str) -> str:
    """One line of inline markup (`code`, **strong**, *em*), no paragraph around it."""
    return _MD.renderInline(text)
