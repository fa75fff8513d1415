"""Creating classes and changing who is in them. Views call these; each records what an
instructor did to a learner."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import codes
from .models import AuditEvent, Classroom, Membership

MAX_CLASSES_PER_INSTRUCTOR = 200  # created and not archived: a bound, not a plan


class JoinRefused(Exception):
    """Why a code does not let this learner in, in words for them."""


def create(instructor, name: str, code_expires_at: datetime | None = None) -> Classroom:
    with transaction.atomic():
        classroom = Classroom.objects.create(name=name, created_by=instructor, join_code=_unused_code(),
                                             join_code_expires_at=code_expires_at)
        Membership.objects.create(classroom=classroom, user=instructor, role=Membership.Role.INSTRUCTOR)
    return classroom


def _unused_code() -> str:
    while True:  # 31^8 codes: a collision is rare, and the unique constraint has the last word
        code = codes.new_code()
        if not Classroom.objects.filter(join_code=code).exists():
            return code


def rotate_code(classroom: Classroom, actor, expires_at: datetime | None = None) -> None:
    """A new code (the old one and its links stop working), with an optional expiry."""
    classroom.join_code = _unused_code()
    classroom.join_code_expires_at = expires_at
    classroom.save(update_fields=["join_code", "join_code_expires_at"])
    record(classroom, actor, "rotated the join code",
           detail=f"expires {expires_at:%Y-%m-%d %H:%M} UTC" if expires_at else "no expiry")


def find(code: str) -> Classroom | None:
    code = codes.normalise(code)
    if len(code) != codes.LENGTH:
        return None
    return Classroom.objects.filter(join_code=code).first()


def join(classroom: Classroom, user, now=None) -> Membership:
    """The learner joins (or comes back); JoinRefused says why not."""
    now = now or timezone.now()
    if not classroom.code_open(now):
        raise JoinRefused("This class is archived." if classroom.archived
                          else "This join code has expired: ask your instructor for a new one.")
    with transaction.atomic():
        row = Membership.objects.select_for_update().filter(classroom=classroom, user=user).first()
        if row is None:
            try:
                with transaction.atomic():
                    return Membership.objects.create(classroom=classroom, user=user,
                                                     role=Membership.Role.LEARNER, joined_at=now)
            except IntegrityError:  # the same learner joining twice at once
                return Membership.objects.get(classroom=classroom, user=user)
        if row.state == Membership.State.REMOVED:
            raise JoinRefused("An instructor removed you from this class; ask them to let you back in.")
        if row.state == Membership.State.LEFT:
            row.state, row.joined_at = Membership.State.ACTIVE, now
            row.save(update_fields=["state", "joined_at"])
        return row


def leave(row: Membership) -> None:
    row.state = Membership.State.LEFT
    row.save(update_fields=["state"])


def remove(row: Membership, actor) -> None:
    row.state = Membership.State.REMOVED
    row.save(update_fields=["state"])
    record(row.classroom, actor, "removed a learner", learner=row.user)


def readmit(row: Membership, actor) -> None:
    """A removed learner may join again with the code."""
    row.state = Membership.State.LEFT
    row.save(update_fields=["state"])
    record(row.classroom, actor, "let a removed learner back in", learner=row.user)


def add_instructor(classroom: Classroom, actor, user) -> Membership:
    """A co-instructor: someone with the instructor role, who then sees everything the class has."""
    row, _ = Membership.objects.update_or_create(
        classroom=classroom, user=user,
        defaults={"role": Membership.Role.INSTRUCTOR, "state": Membership.State.ACTIVE})
    record(classroom, actor, "added a co-instructor", learner=user)
    return row


def archive(classroom: Classroom, actor, now=None) -> None:
    classroom.archived_at = now or timezone.now()
    classroom.save(update_fields=["archived_at"])
    record(classroom, actor, "archived the class")


def record(classroom: Classroom, actor, action: str, learner=None, detail: str = "") -> AuditEvent:
    return AuditEvent.objects.create(classroom=classroom, actor=actor, action=action, learner=learner,
                                     detail=detail[:200])
