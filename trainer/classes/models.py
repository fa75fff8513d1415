"""Classes: who teaches and who learns in each, what is assigned, and what instructors did.

A class refers to stages, exercises and quiz topics by slug (content lives in lessons/),
and reads the learners' own records (lab submissions, stage progress, quiz attempts
tagged with the assignment) rather than copying them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .items import stage_number


class Classroom(models.Model):
    """A class: named `Classroom` in code, since `class` is Python's."""

    name = models.CharField(max_length=80)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)  # read-only from then on
    join_code = models.CharField(max_length=12, unique=True)
    join_code_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.name

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    def code_open(self, now=None) -> bool:
        """Whether the join code admits anyone now."""
        now = now or timezone.now()
        return not self.archived and (self.join_code_expires_at is None or now < self.join_code_expires_at)


class Membership(models.Model):
    """One person in one class, as instructor or learner: the row every permission reads."""

    class Role(models.TextChoices):
        INSTRUCTOR = "instructor", "Instructor"
        LEARNER = "learner", "Learner"

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        LEFT = "left", "Left"  # may join again with the code
        REMOVED = "removed", "Removed"  # by an instructor: the code no longer admits them

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=12, choices=Role.choices)
    state = models.CharField(max_length=12, choices=State.choices, default=State.ACTIVE)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["classroom", "user"], name="one_membership_per_class")]
        indexes = [models.Index(fields=["user", "state"])]

    def __str__(self):
        return f"{self.user} in {self.classroom} ({self.role}, {self.state})"

    @property
    def active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def teaches(self) -> bool:
        return self.active and self.role == self.Role.INSTRUCTOR

    @property
    def learns(self) -> bool:
        return self.active and self.role == self.Role.LEARNER


class Assignment(models.Model):
    """A stage, a lab exercise or a quiz, given to a class with open and due dates."""

    class Kind(models.TextChoices):
        STAGE = "stage", "Walkthrough stage"
        EXERCISE = "exercise", "Lab exercise"
        QUIZ = "quiz", "Quiz"

    class QuizMode(models.TextChoices):
        PRACTICE = "practice", "Practice"
        EXAM = "exam", "Timed exam"

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    slug = models.SlugField(max_length=64, blank=True)  # the stage or exercise; quizzes have none
    title = models.CharField(max_length=80)
    opens_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    # Quizzes only: the mode, the bank's topics drawn from (none: all), the length.
    quiz_mode = models.CharField(max_length=10, choices=QuizMode.choices, blank=True)
    topics = models.JSONField(default=list, blank=True)
    questions = models.PositiveSmallIntegerField(default=10)
    minutes = models.PositiveSmallIntegerField(null=True, blank=True)  # timed exams
    # Timed exams run for the whole class at once: opened, and closing, by an instructor.
    exam_opened_at = models.DateTimeField(null=True, blank=True)
    exam_closes_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="quiz") | ~Q(quiz_mode=""), name="quiz_has_mode"),
            models.CheckConstraint(condition=Q(kind="quiz") | ~Q(slug=""), name="item_has_slug"),
        ]

    def __str__(self):
        return f"{self.title} ({self.classroom})"

    @property
    def tag(self) -> str:
        """What the quizzes app keeps on this assignment's attempts."""
        return f"class-assignment:{self.pk}"

    @property
    def url(self) -> str:
        """Where a learner does a stage or an exercise (a quiz starts by a form)."""
        if self.kind == self.Kind.STAGE:
            number = stage_number(self.slug)
            return reverse("walkthrough:stage", args=[number]) if number else reverse("walkthrough:index")
        if self.kind == self.Kind.EXERCISE:
            return reverse("lab:exercise", args=[self.slug])
        return ""

    @property
    def is_exam(self) -> bool:
        return self.kind == self.Kind.QUIZ and self.quiz_mode == self.QuizMode.EXAM

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at is None or self.opens_at <= now

    def exam_running(self, now=None) -> bool:
        now = now or timezone.now()
        return (self.exam_opened_at is not None and self.exam_closes_at is not None
                and now < self.exam_closes_at)


class ExtraTime(models.Model):
    """Minutes one learner gets beyond a class exam's closing time."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extra_times")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assignment", "user"], name="one_extra_time")]

    def __str__(self):
        return f"{self.user} +{self.minutes} min on {self.assignment}"


class Broadcast(models.Model):
    """A message or a hint from an instructor, shown on the learners' pages while active."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="broadcasts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                               related_name="+")
    text = models.CharField(max_length=500)
    exercise = models.SlugField(max_length=64, blank=True)  # a hint for one exercise's page
    created_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:60]


class Poll(models.Model):
    """A live "predict the matrix" question on a stage's or an exercise's policy."""

    class State(models.TextChoices):
        OPEN = "open", "Taking answers"
        CLOSED = "closed", "Closed"
        REVEALED = "revealed", "Answer shown"

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="polls")
    kind = models.CharField(max_length=10, choices=[("stage", "Stage"), ("exercise", "Exercise")])
    slug = models.SlugField(max_length=64)
    port = models.PositiveIntegerField()
    protocol = models.CharField(max_length=5, default="TCP")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"poll on {self.kind} {self.slug}, {self.protocol} {self.port}"


class PollAnswer(models.Model):
    """The connections one learner predicts are allowed: "source>destination" keys."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    allowed = models.JSONField(default=list)
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "user"], name="one_answer_per_poll")]

    def __str__(self):
        return f"{self.user} on {self.poll}"


class AuditEvent(models.Model):
    """What an instructor did that changes learners' conditions: who, to whom, when."""

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="audit")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                              related_name="+")
    action = models.CharField(max_length=40)
    learner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                blank=True, related_name="+")
    detail = models.CharField(max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
