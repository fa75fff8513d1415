"""The scheduled clean-up (deploy/systemd/trainer-cleanup.timer, deploy/k8s/cleanup-cronjob.yaml).

    python manage.py cleanup [--anonymous-days 14]

Deletes expired database sessions (sessions on Redis expire by themselves),
anonymous quiz attempts nobody has touched for --anonymous-days (their session
is gone by then, so nobody can reach them), lab attempts past the bound per
exercise (normally kept at each grade; this catches rows from before it), and share
links older than SHARE_LINK_DAYS.
Prints what it deleted. Safe to run at any time and as often as wished.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone

from trainer.accounts.models import User
from trainer.lab.models import Submission
from trainer.lab.progress import DatabaseStore
from trainer.quizzes.models import Attempt as QuizAttempt
from trainer.sharing.models import Snapshot


class Command(BaseCommand):
    help = ("Delete expired sessions, abandoned anonymous quiz attempts, lab attempts past the bound "
            "and old share links.")

    def add_arguments(self, parser):
        parser.add_argument("--anonymous-days", type=int, default=settings.SESSION_COOKIE_AGE // 86400,
                            help="age after which an anonymous attempt is abandoned (default: the session's)")

    def handle(self, *args, anonymous_days, **options):
        now = timezone.now()
        sessions = Session.objects.filter(expire_date__lt=now).delete()[0]
        abandoned = QuizAttempt.objects.filter(
            user=None, started_at__lt=now - timedelta(days=anonymous_days)).delete()[1].get(
            QuizAttempt._meta.label, 0)
        before = Submission.objects.count()
        crowded = (Submission.objects.values("user", "exercise").annotate(n=Count("id"))
                   .filter(n__gt=settings.LAB_ATTEMPTS_KEPT))
        for group in crowded:
            DatabaseStore(User(pk=group["user"]))._forget_oldest(group["exercise"])
        trimmed = before - Submission.objects.count()
        shares = Snapshot.objects.filter(
            created_at__lt=now - timedelta(days=settings.SHARE_LINK_DAYS)).delete()[0]
        self.stdout.write(f"expired sessions deleted: {sessions}\n"
                          f"abandoned anonymous quiz attempts deleted: {abandoned}\n"
                          f"lab attempts past {settings.LAB_ATTEMPTS_KEPT} per exercise deleted: {trimmed}\n"
                          f"share links older than {settings.SHARE_LINK_DAYS} days deleted: {shares}\n")
