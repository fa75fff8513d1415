import sys

from django.core.management.base import BaseCommand

from trainer.limits import limits
from trainer.netpol import cli


class Command(BaseCommand):
    help = "Evaluate NetworkPolicies: netpol check -f FILE [--probe SRC DST PORT[/PROTO]]... [--json]"
    requires_system_checks = []  # a pure engine command: no database, no content checks

    def add_arguments(self, parser):
        cli.add_arguments(parser)

    def handle(self, *args, **options):
        args = cli.Arguments(**{k: options[k] for k in cli.Arguments.__annotations__})
        status = cli.run(args, self.stdout._out, self.stderr._out, sys.stdin, limits().cli)
        if status:
            sys.exit(status)
