"""The request type views are annotated with."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request after django-htmx's middleware: .htmx says whether htmx sent it, and how."""

    htmx: HtmxDetails


def htmx_partial(request: HtmxHttpRequest) -> bool:
    """Whether to answer with a fragment: htmx asked, and not to restore a page from history."""
    return bool(request.htmx) and not request.htmx.history_restore_request
