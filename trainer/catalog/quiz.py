"""The quiz bank as the apps use it: topics, questions and templates.

lessons/quiz/*.yaml hold them (the format is quiz_loading.py's), content.py keeps
them; quiz_variants.py makes what one attempt shows of a question, and
quiz_keys.py holds the authored keys against the engine.
"""

from __future__ import annotations

from .content import content
from .quiz_keys import engine_problems
from .quiz_loading import CHOICE_FIELDS, QUESTION_FIELDS, TEMPLATE_FIELDS
from .quiz_objects import KINDS, Bank, ChoiceSpec, QuestionSpec, Topic, expand, placeholders

__all__ = ["CHOICE_FIELDS", "KINDS", "QUESTION_FIELDS", "TEMPLATE_FIELDS", "Bank", "ChoiceSpec",
           "QuestionSpec", "Topic", "bank", "expand", "placeholders", "problems"]


def bank() -> Bank:
    """Every question and template that loads; a broken one is left out, and problems() says why."""
    return content().bank


def problems() -> list[str]:
    """For `manage.py check`: every problem of every quiz file, then every key the engine disagrees
    with and every template that fails to vary."""
    current = content()
    return list(current.problems["quiz"]) + engine_problems(current.bank)
