"""A learner's work in the practice lab, referring to exercises by slug (content lives in lessons/)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class LabState(models.Model):
    """One learner's lab on one exercise: the terminal's cluster changes, hints, give-up, draft."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_states")
    exercise = models.SlugField(max_length=64)
    changes = models.JSONField(default=dict, blank=True)  # terminal.Changes.to_json()
    transcript = models.JSONField(default=list, blank=True)  # recent [command, output] pairs
    draft = models.TextField(blank=True)  # the editor's latest text: kept as typed, graded or applied
    hints_shown = models.PositiveSmallIntegerField(default=0)
    gave_up = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)  # first seen working on it
    updated_at = models.DateTimeField(auto_now=True)
    # Every graded answer counts, though only the newest few are kept (LAB_ATTEMPTS_KEPT).
    graded = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "exercise"], name="one_lab_per_exercise")]

    def __str__(self):
        return f"{self.user} on {self.exercise}"


class Submission(models.Model):
    """One graded answer: what was submitted, when, and the verdict."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="lab_submissions")
    exercise = models.SlugField(max_length=64)
    answer = models.TextField()
    created_at = models.DateTimeField()
    passed = models.BooleanField()
    score = models.PositiveSmallIntegerField()
    diagnoses = models.JSONField(default=list, blank=True)
    mistakes = models.JSONField(default=list, blank=True)  # each diagnosis's grading.diagnosis.MISTAKES id
    failed_checks = models.JSONField(default=list, blank=True)
    # Graded after giving up and seeing the model answer: a pass then is not the learner's own.
    after_solution = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "exercise"])]

    def __str__(self):
        return f"{self.user} on {self.exercise}: {'passed' if self.passed else 'not yet'} ({self.score})"


class QuestionAnswer(models.Model):
    """One answer to an exercise's inspection question."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lab_answers")
    exercise = models.SlugField(max_length=64)
    question = models.SlugField(max_length=64)
    picked = models.JSONField(default=list)  # choice indexes
    correct = models.BooleanField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "exercise"])]

    def __str__(self):
        return f"{self.user} on {self.exercise}/{self.question}: {'right' if self.correct else 'wrong'}"
