#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    if sys.argv[1:2] == ["netpol"]:
        # The engine's command needs no database, apps or templates, so it runs without
        # Django's start-up (0.3 s of a 0.4 s run); trainer/tools has the same command for
        # call_command and django-admin.
        import gc

        # A short batch run that allocates hundreds of thousands of small objects and frees them
        # by reference counting: collect cycles 200 times less often (as mypy does), 4% faster.
        gc.set_threshold(200_000, 30, 30)
        from trainer.limits import limits
        from trainer.netpol.cli import main as netpol

        sys.exit(netpol(sys.argv[2:], limits().cli))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainer.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
