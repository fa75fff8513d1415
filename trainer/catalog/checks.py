"""`manage.py check` fails when any lesson, exercise or quiz file is broken."""

from django.core.checks import Error, register

from . import exercises, quiz, stages


@register()
def content_check(app_configs, **kwargs):
    errors = []
    for module in (stages, exercises, quiz):
        for message in module.problems():
            errors.append(Error(message, id=f"catalog.{module.__name__.rsplit('.', 1)[-1]}"))
    return errors
