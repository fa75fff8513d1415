"""Quiz attempts: who took which questions, what they answered, and when.

Questions are referred to by slug and variant seed, never copied: the catalog
rebuilds what the learner saw from those two. Whether each answer was right is
stored when the attempt is finished, so a later change to the bank does not
change a past score.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# Answers may arrive this long after the deadline: the request was sent in time.
GRACE = timedelta(seconds=2)
PASS_MARK = 75  # percent, as on the KCSA exam


class Attempt(models.Model):
    class Mode(models.TextChoices):
        PRACTICE = "practice", "Practice"
        EXAM = "exam", "Exam"

    # A random id in the URL: attempts are looked up by owner as well, this only
    # keeps them from being counted or guessed.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.CASCADE, related_name="quiz_attempts")
    # Anonymous learners own attempts through a random token kept in their session.
    owner_token = models.CharField(max_length=64, blank=True, db_index=True)
    mode = models.CharField(max_length=10, choices=Mode.choices)
    title = models.CharField(max_length=80)
    topic = models.CharField(max_length=50, blank=True)  # practice on one topic
    # Set by whoever started the attempt for a purpose of its own (a class assignment): such
    # attempts are records, never forgotten to make room, and this app does not read the tag.
    tag = models.CharField(max_length=40, blank=True, db_index=True)
    seed = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)  # exams only
    submitted_at = models.DateTimeField(null=True, blank=True)
    timed_out = models.BooleanField(default=False)
    last_position = models.PositiveSmallIntegerField(default=1)
    correct_count = models.PositiveSmallIntegerField(null=True, blank=True)  # set when finished
    graded_count = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(owner_token=""), name="quiz_attempt_has_owner"),
            models.CheckConstraint(
                condition=Q(mode="practice") | Q(deadline__isnull=False), name="quiz_exam_has_deadline"),
        ]

    def __str__(self):
        return f"{self.title} ({self.started_at:%Y-%m-%d %H:%M})"

    @property
    def is_exam(self) -> bool:
        return self.mode == self.Mode.EXAM

    @property
    def finished(self) -> bool:
        return self.submitted_at is not None

    def expired(self, now=None) -> bool:
        """Past its deadline (and the grace for requests in flight)."""
        now = now or timezone.now()
        return self.deadline is not None and now > self.deadline + GRACE

    def open(self, now=None) -> bool:
        return not self.finished and not self.expired(now)

    def remaining_seconds(self, now=None) -> int | None:
        if self.deadline is None:
            return None
        now = now or timezone.now()
        return max(0, int((self.deadline - now).total_seconds()))

    @property
    def time_taken(self) -> timedelta | None:
        if self.submitted_at is None:
            return None
        return self.submitted_at - self.started_at

    @property
    def percent(self) -> int | None:
        if not self.graded_count:
            return None
        return round(100 * self.correct_count / self.graded_count)

    @property
    def passed(self) -> bool:
        return bool(self.graded_count) and 100 * self.correct_count >= PASS_MARK * self.graded_count


class AttemptQuestion(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()  # 1-based
    slug = models.CharField(max_length=100)
    variant_seed = models.PositiveIntegerField()
    answer = models.CharField(max_length=12, blank=True)  # chosen letters, sorted: "AC"
    answered_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)
    checked = models.BooleanField(default=False)  # practice: feedback shown, answer locked
    correct = models.BooleanField(null=True, blank=True)  # set when checked or finished

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="quiz_question_position"),
        ]

    def __str__(self):
        return f"{self.attempt_id} #{self.position} {self.slug}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def letters(self) -> frozenset[str]:
        return frozenset(self.answer)
