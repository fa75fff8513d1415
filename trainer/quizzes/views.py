"""Thin views: find the learner's attempt, call attempts.py, render a page or a partial."""

from uuid import UUID

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from trainer.ops.errors import refuse
from trainer.ops.ratelimit import rate_limited
from trainer.ops.requests import HtmxHttpRequest, htmx_partial

from . import attempts
from .composition import presets
from .forms import AnswerForm, ExamForm, PracticeForm
from .models import Attempt
from .results import result_of

PAGE = "quizzes/attempt.html"


def _attempt(request: HtmxHttpRequest, pk: UUID) -> Attempt:
    """The learner's own attempt, with its deadline enforced; anyone else's is a 404."""
    attempt = get_object_or_404(attempts.attempts_of(request), pk=pk)
    return attempts.enforce_deadline(attempt)


def _question(attempt, position):
    question = attempt.questions.filter(position=position).first()
    if question is None:
        raise Http404("No such question in this attempt.")
    return question


def _closed(request: HtmxHttpRequest, attempt) -> HttpResponse:
    """409: the attempt can no longer change. htmx follows HX-Redirect to the results."""
    url = reverse("quizzes:results", args=[attempt.pk])
    response = render(request, "quizzes/closed.html", {"attempt": attempt}, status=409)
    response["HX-Redirect"] = url
    return response




@never_cache
@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    history = list(attempts.attempts_of(request).prefetch_related("questions")[:50])
    for attempt in history:
        attempts.enforce_deadline(attempt)
    return render(request, "quizzes/index.html", {
        # ?topic=SLUG (a beyond-the-guide lesson's link) chooses that topic for practice.
        "practice_form": PracticeForm(initial={"topic": request.GET.get("topic", "")}), "exam_presets": [
            p for p in presets().values() if p.mode == "exam"],
        "history": history,
    })


@require_POST
@rate_limited("quiz-start")
def start(request: HtmxHttpRequest) -> HttpResponse:
    form = (ExamForm if request.POST.get("mode") == "exam" else PracticeForm)(request.POST)
    if not form.is_valid():
        return render(request, "quizzes/index.html", {
            "practice_form": form if isinstance(form, PracticeForm) else PracticeForm(),
            "exam_presets": [p for p in presets().values() if p.mode == "exam"],
            "history": attempts.attempts_of(request)[:50], "start_error": True,
        }, status=400)
    owner = attempts.owner_filter(request, create=True)
    attempt = attempts.start(owner, presets()[form.cleaned_data["preset"]], form.cleaned_data["topic"])
    return redirect("quizzes:question", attempt.pk, 1)


@never_cache
@require_GET
def resume(request: HtmxHttpRequest, pk: UUID) -> HttpResponse:
    attempt = _attempt(request, pk)
    if attempt.finished:
        return redirect("quizzes:results", attempt.pk)
    return redirect("quizzes:question", attempt.pk, attempt.last_position)


def _question_context(attempt, question):
    shown = attempts.instance_of(question)
    questions = list(attempt.questions.all())
    revealed = shown if question.checked else None  # practice, after "Check"
    return {
        "attempt": attempt, "question": question, "questions": questions,
        "shown": shown.public if shown else None, "revealed": revealed,
        "count": len(questions), "remaining": attempt.remaining_seconds(),
        "unanswered": sum(1 for q in questions if not q.answered),
        "flagged": sum(1 for q in questions if q.flagged),
        "previous": question.position - 1 if question.position > 1 else None,
        "next": question.position + 1 if question.position < len(questions) else None,
    }


@never_cache
@require_GET
def question(request: HtmxHttpRequest, pk: UUID, position: int) -> HttpResponse:
    attempt = _attempt(request, pk)
    if attempt.finished:
        return redirect("quizzes:results", attempt.pk)
    current = _question(attempt, position)
    attempts.remember_position(attempt, position)
    context = _question_context(attempt, current)
    template = f"{PAGE}#question-swap" if htmx_partial(request) else PAGE
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _submit_choice(request: HtmxHttpRequest, pk: UUID, position: int, action: str):
    """Read the chosen letters and hand them to action (save or check): (attempt, question, error)."""
    attempt = _attempt(request, pk)
    current = _question(attempt, position)
    shown = attempts.instance_of(current)
    form = AnswerForm(request.POST, letters=shown.letters if shown else ())
    if not form.is_valid():
        return attempt, current, refuse("that is not one of the choices")
    try:
        action(attempt, current, form.cleaned_data["choice"])
    except attempts.AttemptClosed:
        return attempt, current, _closed(request, attempt)
    except attempts.BadAnswer as exc:
        return attempt, current, refuse(str(exc))
    return attempt, current, None


@require_POST
@rate_limited("answer")
def answer(request: HtmxHttpRequest, pk: UUID, position: int) -> HttpResponse:
    attempt, current, error = _submit_choice(request, pk, position, attempts.save_answer)
    if error:
        return error
    if htmx_partial(request):
        return render(request, f"{PAGE}#saved-swap", _question_context(attempt, current))
    target = position + 1 if request.POST.get("then") == "next" else position
    count = attempt.questions.count()
    return redirect("quizzes:question", attempt.pk, min(target, count))


@require_POST
@rate_limited("answer")
def check(request: HtmxHttpRequest, pk: UUID, position: int) -> HttpResponse:
    attempt, current, error = _submit_choice(request, pk, position, attempts.check)
    if error:
        return error
    if htmx_partial(request):
        return render(request, f"{PAGE}#question-swap", _question_context(attempt, current))
    return redirect("quizzes:question", attempt.pk, position)


@require_POST
@rate_limited("answer")
def flag(request: HtmxHttpRequest, pk: UUID, position: int) -> HttpResponse:
    attempt = _attempt(request, pk)
    current = _question(attempt, position)
    try:
        attempts.toggle_flag(attempt, current)
    except attempts.AttemptClosed:
        return _closed(request, attempt)
    if htmx_partial(request):
        return render(request, f"{PAGE}#flag-swap", _question_context(attempt, current))
    return redirect("quizzes:question", attempt.pk, position)


@require_POST
def submit(request: HtmxHttpRequest, pk: UUID) -> HttpResponse:
    attempt = _attempt(request, pk)
    if not attempt.finished:
        attempts.finish(attempt)
    return redirect("quizzes:results", attempt.pk)


@never_cache
@require_GET
def timer(request: HtmxHttpRequest, pk: UUID) -> HttpResponse:
    """The server's remaining time, polled by the page; at the end, on to the results."""
    attempt = _attempt(request, pk)
    if attempt.deadline is None:
        return HttpResponse(status=204)  # practice has no clock
    if attempt.finished:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = reverse("quizzes:results", args=[attempt.pk])
        return response
    return render(request, f"{PAGE}#timer", {"attempt": attempt,
                                             "remaining": attempt.remaining_seconds()})


@never_cache
@require_GET
def results(request: HtmxHttpRequest, pk: UUID) -> HttpResponse:
    attempt = _attempt(request, pk)
    if not attempt.finished:
        return redirect("quizzes:question", attempt.pk, attempt.last_position)
    return render(request, "quizzes/results.html", {"attempt": attempt, "result": result_of(attempt)})
