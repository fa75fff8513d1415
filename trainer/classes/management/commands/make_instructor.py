"""Give an account the instructor role (or take it back), so it can create classes."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--revoke", action="store_true", help="make the account a learner again")

    def handle(self, *args, username, revoke, **opts):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no account named {username!r}")
        user.role = User.Role.LEARNER if revoke else User.Role.INSTRUCTOR
        user.save(update_fields=["role"])
        self.stdout.write(f"{username} is now {'a learner' if revoke else 'an instructor'}.")
