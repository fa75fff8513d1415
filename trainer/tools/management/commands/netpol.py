import sys

from django.conf import settings
from django.core.management.base import BaseCommand

from trainer.netpol import cli
from trainer.netpol.loading import CLI_LIMITS


def cli_limits():
    return CLI_LIMITS.__class__(
        max_bytes=settings.NETPOL_CLI_MAX_BYTES,
        max_depth=settings.NETPOL_MAX_DEPTH,
        max_aliases=settings.NETPOL_MAX_ALIASES,
        max_nodes=settings.NETPOL_CLI_MAX_NODES,
        max_documents=CLI_LIMITS.max_documents,
        max_objects=CLI_LIMITS.max_objects,
    )


class Command(BaseCommand):
    help = "Evaluate NetworkPolicies: netpol check -f FILE [--probe SRC DST PORT[/PROTO]]... [--json]"
    requires_system_checks = []  # a pure engine command: no database, no content checks

    def add_arguments(self, parser):
        cli.add_arguments(parser)

    def handle(self, *args, **options):
        args = type("Args", (), {k: options.get(k) for k in
                                 ("files", "probe", "probes", "external", "json")})
        status = cli.run(args, self.stdout._out, self.stderr._out, sys.stdin, cli_limits())
        if status:
            sys.exit(status)
