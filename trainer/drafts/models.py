from django.conf import settings
from django.db import models


class Draft(models.Model):
    """A signed-in learner's latest text at one place: a stage (by slug) or the playground.

    One row per learner and place, each text at most the web editor's byte limit (store.py checks
    it before writing). Lab exercises keep theirs in the lab's own LabState.draft.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    place = models.CharField(max_length=80)  # "stage:allow-api", "playground"
    text = models.TextField(blank=True)  # the policies
    cluster = models.TextField(blank=True)  # the playground's cluster YAML; "" elsewhere
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "place"], name="one_draft_per_place")]

    def __str__(self):
        return f"{self.user} at {self.place}"
