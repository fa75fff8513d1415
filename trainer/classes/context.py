"""What every page tells a signed-in learner about their classes: the instructors' current
messages, and when the page's own stage or exercise is due. Read lazily: a page that shows
neither runs no query."""

from __future__ import annotations

from functools import cached_property

from trainer.catalog.stages import catalog

from .models import Assignment, Broadcast, Membership

SHOWN = 3  # messages at most on a page


class Classwork:
    def __init__(self, request):
        self.request = request

    @cached_property
    def _item(self) -> tuple[str, str] | None:
        """(kind, slug) of the stage or exercise this page is about."""
        match = getattr(self.request, "resolver_match", None)
        if match is None:
            return None
        if match.view_name == "lab:exercise":
            return "exercise", match.kwargs.get("slug", "")
        if match.view_name == "walkthrough:stage":
            stage = catalog().stage(match.kwargs.get("number", 0))
            return ("stage", stage.slug) if stage else None
        return None

    def _classes(self):
        return Membership.objects.filter(user=self.request.user, role=Membership.Role.LEARNER,
                                         state=Membership.State.ACTIVE, classroom__archived_at=None
                                         ).values("classroom_id")

    @cached_property
    def notices(self) -> list[Broadcast]:
        if not self.request.user.is_authenticated:
            return []
        exercise = self._item[1] if self._item and self._item[0] == "exercise" else ""
        rows = (Broadcast.objects.filter(classroom_id__in=self._classes(), active=True,
                                         exercise__in={"", exercise})
                .select_related("classroom")[:SHOWN])
        return list(rows)

    @cached_property
    def here(self) -> list[Assignment]:
        """This page's item as assigned in the learner's classes, with its dates."""
        if not self.request.user.is_authenticated or self._item is None:
            return []
        kind, slug = self._item
        return list(Assignment.objects.filter(classroom_id__in=self._classes(), kind=kind, slug=slug)
                    .select_related("classroom"))


def classwork(request) -> dict:
    return {"classwork": Classwork(request)}
