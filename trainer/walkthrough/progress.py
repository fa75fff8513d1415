"""Progress per stage: visited, edited, completed.

Anonymous learners keep it in the session; signed-in learners in StageProgress.
At sign-up or sign-in the session's progress moves onto the account.
"""

from __future__ import annotations

from django.utils import timezone

from .models import StageProgress

EVENTS = ("visited", "edited", "completed")
SESSION_KEY = "walkthrough_progress"
# For a signed-in learner: the events already stored, so an edit that changes nothing
# writes nothing (the editor posts on every pause in typing).
STORED_KEY = "walkthrough_stored"


def draft_place(stage) -> str:
    """Where the learner's draft of a stage is kept (trainer/drafts): by its slug, whichever
    scenario it was typed in."""
    return f"stage:{stage.slug}"


def record(request, stage: str, event: str) -> bool:
    """Note that the learner reached `event` in stage `stage` (a slug); True when it is new.

    Free when already noted (no query, no session write), so a view may call it on
    every request.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown progress event {event!r}")
    if request.user.is_authenticated:
        mark, stored = f"{stage}:{event}", request.session.get(STORED_KEY, [])
        if mark in stored:
            return False
        new = _record_for_user(request.user, stage, {event})
        request.session[STORED_KEY] = [*stored, mark]
        return new
    progress = request.session.get(SESSION_KEY, {})
    events = progress.get(stage, [])
    if event in events:
        return False
    # Reassign so the session notices the change; untouched sessions are not saved.
    request.session[SESSION_KEY] = {**progress, stage: [*events, event]}
    return True


def progress_for(request) -> dict[str, set[str]]:
    """{stage slug: {events}} for whoever is asking."""
    if request.user.is_authenticated:
        return {p.stage: set(p.events) for p in StageProgress.objects.filter(user=request.user)}
    return {stage: set(events) for stage, events in request.session.get(SESSION_KEY, {}).items()}


def _record_for_user(user, stage: str, events: set[str]) -> bool:
    """True when some event was not noted before."""
    now = timezone.now()
    row, created = StageProgress.objects.get_or_create(
        user=user, stage=stage, defaults={f"{e}_at": now for e in events})
    if created:
        return True
    changed = 0
    for event in events:
        # One UPDATE that does nothing when the event is already noted.
        changed += StageProgress.objects.filter(
            pk=row.pk, **{f"{event}_at__isnull": True}).update(**{f"{event}_at": now})
    return changed > 0


def carry_over(request, user) -> None:
    """The anonymous session's progress moves onto the account (accounts/handover.py)."""
    progress = request.session.pop(SESSION_KEY, None) or {}
    for stage, events in progress.items():
        known = {e for e in events if e in EVENTS}
        if isinstance(stage, str) and known:
            _record_for_user(user, stage[:64], known)
