from django.conf import settings
from django.db import models


class StageProgress(models.Model):
    """How far a signed-in learner got with one stage, by the stage's slug (content lives in lessons/)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="stage_progress")
    stage = models.SlugField(max_length=64)
    visited_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "stage"], name="one_progress_per_stage")]

    def __str__(self):
        return f"{self.user} {self.stage}: {', '.join(self.events) or 'nothing'}"

    @property
    def events(self) -> list[str]:
        return [e for e in ("visited", "edited", "completed") if getattr(self, f"{e}_at")]
