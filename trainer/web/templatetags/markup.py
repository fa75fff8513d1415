"""{% load markup %}: text as Markdown, {{ text|markdown }} for blocks, |markdown_inline for one line."""

from django import template
from django.utils.safestring import mark_safe

from trainer.web import markup

register = template.Library()


@register.filter
def markdown(value) -> str:
    return mark_safe(markup.blocks(str(value or "")))  # raw HTML is escaped by the renderer


@register.filter
def markdown_inline(value) -> str:
    return mark_safe(markup.inline(str(value or "")))
