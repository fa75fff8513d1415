from django.db import models
from django.utils import timezone


class Snapshot(models.Model):
    """What a share link opens: the texts of an editor when the learner shared it, never changed.

    Anyone with the code may read it, nobody may edit it ("Edit a copy" makes the visitor's own
    draft). Each text is at most the web editor's byte limit (snapshots.py checks it).
    """

    class Kind(models.TextChoices):
        STAGE = "stage", "Stage"
        EXERCISE = "exercise", "Exercise"
        PLAYGROUND = "playground", "Playground"

    code = models.CharField(max_length=16, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    item = models.CharField(max_length=64, blank=True)  # the stage's number, the exercise's slug
    scenario = models.SlugField(max_length=64, blank=True)  # a stage's scenario
    policies = models.TextField(blank=True)
    cluster = models.TextField(blank=True)  # the playground's cluster YAML
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.code}: {self.kind} {self.item}".rstrip()
