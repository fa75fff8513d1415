"""Create a demo class with a few dozen learners and realistic work, to see a full dashboard."""

from django.core.management.base import BaseCommand
from django.urls import reverse

from ... import demo


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--learners", type=int, default=36)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--instructor", default="demo-teacher",
                            help="the instructor's username (created; give it a password with "
                                 "manage.py changepassword)")

    def handle(self, *args, learners, seed, instructor, **opts):
        classroom = demo.create(instructor, learners, seed)
        self.stdout.write(
            f"Created {classroom.name!r} with {learners} learners (accounts named {demo.PREFIX}*).\n"
            f"Sign in as {instructor} (set a password: python manage.py changepassword {instructor}) "
            f"and open {reverse('classes:dashboard', args=[classroom.pk])}")
