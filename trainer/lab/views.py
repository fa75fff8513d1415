"""The practice lab's pages. Thin: read the form, call the grader or the terminal, render.

With htmx a POST gets back only the part of the page it changes (a partial of
lab/exercise.html); without JavaScript the same POST renders or redirects to
the whole page.
"""

import logging

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from trainer import grading, terminal
from trainer.catalog.exercises import all_exercises, get_exercise
from trainer.drafts.store import refusal, unavailable
from trainer.limits import limits
from trainer.ops.errors import refuse
from trainer.ops.outages import OUTAGES
from trainer.ops.ratelimit import rate_limited
from trainer.ops.requests import HtmxHttpRequest
from trainer.panel import memory
from trainer.panel.panel import BadRequest, parse_cell
from trainer.panel.panel import evaluate as evaluate_panel
from trainer.panel.panel import explain as explain_cell

from .forms import AnswerForm, QuestionForm, TerminalForm
from .pages import (
    LIVE_KEY,
    Result,
    baseline_for,
    exercise_context,
    grouped_exercises,
    live_panel,
    starting_allowed,
    world_for,
)
from .progress import SubmissionRecord, store_for

PAGE = "lab/exercise.html"
ATTEMPTS_PER_PAGE = 25
logger = logging.getLogger(__name__)


def _exercise(slug: str):
    try:
        return get_exercise(slug)
    except KeyError:
        raise Http404("No such exercise") from None


def _page(request: HtmxHttpRequest, exercise, store, lab, partial: str = "", **extra) -> HttpResponse:
    if partial and request.htmx:  # just the part that changed: no panel to build
        return render(request, f"{PAGE}#{partial}", exercise_context(exercise, store, lab, **extra))
    extra.setdefault("live", live_panel(request, exercise))
    return render(request, PAGE, exercise_context(exercise, store, lab, **extra))


@require_GET
def index(request: HtmxHttpRequest) -> HttpResponse:
    store = store_for(request)
    return render(request, "lab/index.html", {"groups": grouped_exercises(store.passed())})


@require_GET
def exercise(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    exercise = _exercise(slug)
    store = store_for(request)
    return _page(request, exercise, store, store.lab(slug))


@require_POST
@rate_limited("evaluate")
def evaluate(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The reachability panel for the editor's YAML, as the learner types."""
    exercise = _exercise(slug)
    if "answer" not in request.POST:
        return refuse("the form has no answer field")
    evaluation = _evaluate(request, exercise, request.POST["answer"])
    draft_note = _keep_draft(request, exercise, request.POST["answer"])
    if request.htmx:
        return render(request, f"{PAGE}#evaluated",
                      {"evaluation": evaluation, "urls": {"explain": reverse("lab:explain", args=[slug])},
                       "draft_note": draft_note})
    store = store_for(request)
    return _page(request, exercise, store, store.lab(slug), live=True, evaluation=evaluation,
                 editor_text=request.POST["answer"], draft_note=draft_note)


@require_POST
@rate_limited("evaluate")
def draft(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Keep the editor's text as the learner types, when the reachability panel is hidden (when it
    is shown, evaluate keeps it). Answers with the note beside the editor."""
    exercise = _exercise(slug)
    if "answer" not in request.POST:
        return refuse("the form has no answer field")
    draft_note = _keep_draft(request, exercise, request.POST["answer"])
    if not request.htmx:
        return redirect(reverse("lab:exercise", args=[slug]))
    return render(request, "drafts/note.html", {"draft_note": draft_note})


@require_POST
def reset(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Forget the learner's draft: the editor opens with the exercise's starter again."""
    exercise = _exercise(slug)
    store_for(request).save_draft(exercise.id, "")
    return redirect(reverse("lab:exercise", args=[slug]))


def _keep_draft(request: HtmxHttpRequest, exercise, text: str) -> str:
    """Keep the text as the learner's draft of the exercise: "" when kept, else why not."""
    note = refusal(text)
    if note:
        return note
    try:
        store_for(request).save_draft(exercise.id, "" if text.strip() == exercise.starter.strip() else text)
    except OUTAGES as exc:
        return unavailable(exc)
    return ""


@require_POST
@rate_limited("evaluate")
def explain(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """A matrix cell's explanation (the cell's button posts the editor's form here)."""
    exercise = _exercise(slug)
    try:
        src, dst, port, protocol = parse_cell(request.POST.get("cell", ""))
    except BadRequest as exc:
        return refuse(str(exc))
    text = request.POST.get("answer", "")
    answer = explain_cell(world_for(exercise), text, src, dst, port, protocol)
    if request.htmx:
        response = render(request, "panel/panel.html#explanation",
                          {"explanation": answer, "kind": "explanation"})
        return reswap(retarget(response, "#explanation"), "innerHTML")
    store = store_for(request)
    return _page(request, exercise, store, store.lab(slug), live=True, editor_text=text,
                 evaluation=_evaluate(request, exercise, text), explanation=answer)


@require_POST
def panel(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """Show or hide reachability as the learner types, for this exercise."""
    exercise = _exercise(slug)
    shown = dict(request.session.get(LIVE_KEY, {}))
    live = shown[exercise.id] = request.POST.get("show") == "1"
    request.session[LIVE_KEY] = shown
    if not request.htmx:
        return redirect(reverse("lab:exercise", args=[slug]) + "#live-panel")
    text = request.POST.get("answer", "")
    context = {"exercise": exercise, "live": live,
               "evaluation": _evaluate(request, exercise, text) if live else None,
               "urls": {name: reverse(f"lab:{name}", args=[slug])
                        for name in ("evaluate", "explain", "panel", "draft")}}
    return reswap(retarget(render(request, f"{PAGE}#live-panel", context), "#live-panel"), "outerHTML")


def _evaluate(request: HtmxHttpRequest, exercise, text: str):
    """The panel for this text, diffed against the learner's previous evaluation (kept on the
    server), or else against the starter."""
    place = f"lab:{exercise.id}"
    evaluation = evaluate_panel(world_for(exercise), text,
                                memory.recall(request, place) or starting_allowed(exercise))
    if evaluation.ok:
        memory.remember(request, place, evaluation.allowed)
    return evaluation


@require_POST
@rate_limited("grade")
def grade(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    exercise = _exercise(slug)
    store = store_for(request)
    lab = store.lab(slug)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        result = Result(form_errors=tuple(form.errors["answer"]))
        return _page(request, exercise, store, lab, "grade", result=result,
                     editor_text=request.POST.get("answer", "")[:limits().web.max_bytes])
    text = form.cleaned_data["answer"]
    try:
        verdict = grading.grade(exercise, text, limits().web)
    except Exception:  # a grader bug must not cost the learner the page
        logger.exception("grading %s failed", slug)
        result = Result(form_errors=("The grader could not read this answer; the failure has been logged.",))
        return _page(request, exercise, store, lab, "grade", result=result, editor_text=text)
    lab.draft = text
    store.save_lab(slug, lab)
    if verdict.error is None:  # YAML the engine refuses is a message, not an attempt
        store.add_attempt(SubmissionRecord(
            exercise=slug, answer=text, created_at=timezone.now(), passed=verdict.passed,
            score=verdict.score, diagnoses=tuple(verdict.diagnoses),
            failed_checks=tuple(c.message for c in verdict.checks if not c.ok), after_solution=lab.gave_up,
            mistakes=tuple(verdict.mistakes)))
    return _page(request, exercise, store, lab, "grade", result=Result(verdict), editor_text=text)


@require_POST
@rate_limited("terminal", swap="beforeend")
def run_command(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    exercise = _exercise(slug)
    store = store_for(request)
    lab = store.lab(slug)
    form = TerminalForm(request.POST)
    if form.is_valid():
        command = form.cleaned_data["command"]
        if "answer" in request.POST:
            lab.draft = form.cleaned_data["answer"]
        editor = lab.draft if lab.draft or "answer" in request.POST else exercise.starter
        outcome = terminal.run(command, baseline_for(exercise), lab.changes, editor=editor,
                               limits=limits().web)
        lab.changes, output, action = outcome.changes, outcome.output, outcome.action
    else:
        # Echoed back and stored, so without NULs (PostgreSQL's JSON refuses them).
        command = request.POST.get("command", "")[:80].replace("\x00", "")
        output, action = " ".join(e for errors in form.errors.values() for e in errors), ""
    if action:
        lab.transcript = []
    if action != "clear":
        lab.remember(command, output)
    store.save_lab(slug, lab)
    if not request.htmx:
        return redirect(reverse("lab:exercise", args=[slug]) + "#terminal")
    context = {"entry": (command, output)} if action != "clear" else {}
    response = render(request, f"{PAGE}#terminal-entry", context)
    if action:
        response = reswap(retarget(response, "#scrollback"), "innerHTML")
    return response


@require_POST
def hint(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    exercise = _exercise(slug)
    store = store_for(request)
    lab = store.lab(slug)
    lab.hints_shown = min(lab.hints_shown + 1, len(exercise.hints))
    store.save_lab(slug, lab)
    if not request.htmx:
        return redirect(reverse("lab:exercise", args=[slug]) + "#hints")
    return _page(request, exercise, store, lab, "hints")


@require_POST
def give_up(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    exercise = _exercise(slug)
    store = store_for(request)
    lab = store.lab(slug)
    lab.gave_up = True
    store.save_lab(slug, lab)
    if not request.htmx:
        return redirect(reverse("lab:exercise", args=[slug]) + "#solution")
    return _page(request, exercise, store, lab, "solution")


@require_POST
@rate_limited("answer", into="#notice")
def question(request: HtmxHttpRequest, slug: str, question: str) -> HttpResponse:
    exercise = _exercise(slug)
    try:
        q = exercise.question(question)
    except KeyError:
        raise Http404("No such question") from None
    store = store_for(request)
    form = QuestionForm(q, request.POST)
    if form.is_valid():
        picked = form.picked()
        store.add_answer(slug, q.id, picked, q.is_right(picked))
        form = None
    lab = store.lab(slug)
    if not request.htmx:
        if form is None:
            return redirect(reverse("lab:exercise", args=[slug]) + f"#question-{q.id}")
        return _page(request, exercise, store, lab, question_forms={q.id: form})
    context = exercise_context(exercise, store, lab, question_forms={q.id: form} if form else None)
    context["item"] = next(v for v in context["questions"] if v["question"].id == q.id)
    return render(request, f"{PAGE}#question", context)


@require_GET
def progress(request: HtmxHttpRequest) -> HttpResponse:
    store = store_for(request)
    titles = {e.id: e.title for e in all_exercises()}
    page = Paginator(store.attempt_list(), ATTEMPTS_PER_PAGE).get_page(request.GET.get("page"))
    attempts = [{"record": a, "title": titles.get(a.exercise, a.exercise), "known": a.exercise in titles}
                for a in page.object_list]
    passed = store.passed()
    return render(request, "lab/progress.html", {
        "attempts": attempts,
        "page": page,
        "groups": grouped_exercises(passed),
        "passed_count": len(passed & set(titles)),
        "total": len(titles),
    })
