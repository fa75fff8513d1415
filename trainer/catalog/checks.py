"""`manage.py check` fails when any lesson, exercise, quiz or beyond-the-guide file is broken."""

from django.core.checks import Error, register


@register()
def content_check(app_configs, **kwargs):
    # Imported here, not at start-up: commands that skip checks (netpol) need none of it.
    from . import beyond, exercises, quiz, stages

    errors = []
    for module in (stages, exercises, quiz, beyond):
        for message in module.problems():
            errors.append(Error(message, id=f"catalog.{module.__name__.rsplit('.', 1)[-1]}"))
    return errors
