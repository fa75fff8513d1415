"""The gradebook (page and CSV) and the analysis of quiz items and stuck exercises."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from trainer.ops.requests import HtmxHttpRequest

from .. import analysis, board, results
from .access import classroom_for


@never_cache
@login_required
@require_GET
def gradebook(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.teach")
    built = board.build(classroom)
    return render(request, "classes/gradebook.html", {
        "classroom": classroom, "tab": "gradebook", "board": built, "summary": results.summary(built)})


@never_cache
@login_required
@require_GET
def gradebook_csv(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.teach")
    text = results.gradebook_csv(board.build(classroom))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    name = f"{slugify(classroom.name) or 'class'}-gradebook-{timezone.now():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@login_required
@require_GET
def items(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    classroom = classroom_for(request, pk, "classes.teach")
    rows, attempts = analysis.item_analysis(classroom)
    return render(request, "classes/items.html", {
        "classroom": classroom, "tab": "items", "rows": rows, "attempts": attempts,
        "stuck": analysis.stuck_rates(classroom), "few": analysis.FEW})
