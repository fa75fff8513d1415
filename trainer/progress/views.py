"""The one progress page."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from trainer.ops.requests import HtmxHttpRequest

from .overview import overview


@never_cache
@require_GET
def progress(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "progress/overview.html", {"o": overview(request)})
