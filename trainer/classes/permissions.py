"""Who may do what in a class: `rules` predicates on the membership row, no permission tables.

Views ask `rules.has_perm(name, user, classroom)` and answer 404 to anyone refused, so a
class's pages do not even confirm it exists to someone outside it. Superusers get no
shortcut here: an admin works in the admin site, not in a class.
"""

from __future__ import annotations

import rules

from .models import Membership


def membership(user, classroom) -> Membership | None:
    """The user's row in the class, read once per request and class object."""
    if classroom is None or not getattr(user, "is_authenticated", False):
        return None
    found = classroom.__dict__.setdefault("_membership_of", {})
    if user.pk not in found:
        found[user.pk] = Membership.objects.filter(classroom=classroom, user=user).first()
    return found[user.pk]


@rules.predicate
def is_instructor(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_instructor)


@rules.predicate
def teaches(user, classroom) -> bool:
    row = membership(user, classroom)
    return bool(row and row.teaches)


@rules.predicate
def learns(user, classroom) -> bool:
    row = membership(user, classroom)
    return bool(row and row.learns)


@rules.predicate
def is_archived(user, classroom) -> bool:
    return classroom is not None and classroom.archived


rules.add_rule("classes.create", is_instructor)
rules.add_rule("classes.view", teaches | learns)  # the class page, in each role's version
rules.add_rule("classes.teach", teaches)  # dashboards, results, the projector: also once archived
rules.add_rule("classes.manage", teaches & ~is_archived)  # anything that changes the class
rules.add_rule("classes.learn", learns & ~is_archived)  # answering polls, starting class quizzes
