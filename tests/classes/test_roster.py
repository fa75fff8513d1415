"""Creating a class, joining by code or link, leaving, removal, rotation and archiving."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from trainer.classes import codes, roster
from trainer.classes.models import AuditEvent, Classroom, Membership


def test_only_an_instructor_creates_a_class(client, alice, bob):
    client.force_login(alice)
    assert client.post(reverse("classes:create"), {"name": "Mine"}).status_code == 404
    assert b"Create a class" not in client.get(reverse("classes:index")).content
    client.force_login(bob)
    response = client.post(reverse("classes:create"), {"name": "Networking 101"})
    classroom = Classroom.objects.get(name="Networking 101")
    assert response.url == reverse("classes:people", args=[classroom.pk])
    assert Membership.objects.get(classroom=classroom, user=bob).teaches


def test_make_instructor_grants_and_revokes_the_role(alice, capsys):
    call_command("make_instructor", "alice")
    alice.refresh_from_db()
    assert alice.is_instructor
    call_command("make_instructor", "alice", "--revoke")
    alice.refresh_from_db()
    assert not alice.is_instructor


def test_a_learner_joins_by_code_typed_loosely_or_by_the_link(client, alice, charlie, classroom):
    shown = codes.shown(classroom.join_code)
    client.force_login(alice)
    response = client.post(reverse("classes:join"), {"code": f"  {shown.lower()} "})
    assert response.url == reverse("classes:detail", args=[classroom.pk])
    assert Membership.objects.get(classroom=classroom, user=alice).learns
    client.force_login(charlie)
    link = reverse("classes:join_code", args=[classroom.join_code])
    page = client.get(link).content.decode()
    assert "Networking 101" in page and "Join it?" in page
    client.post(reverse("classes:join"), {"code": classroom.join_code})
    assert Membership.objects.get(classroom=classroom, user=charlie).learns


def test_a_wrong_code_says_so_and_joins_nothing(client, alice, classroom):
    client.force_login(alice)
    response = client.post(reverse("classes:join"), {"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 400 and "No class has this code" in response.content.decode()
    assert not Membership.objects.filter(user=alice).exists()


def test_joining_needs_an_account(client, classroom):
    response = client.post(reverse("classes:join"), {"code": classroom.join_code})
    assert response.status_code == 302 and reverse("accounts:login") in response.url
    assert Membership.objects.filter(classroom=classroom).count() == 1  # bob only


def test_an_expired_or_rotated_code_admits_no_one(alice, charlie, bob, classroom):
    old = classroom.join_code
    roster.rotate_code(classroom, bob, expires_at=timezone.now() + timedelta(hours=1))
    assert roster.find(old) is None
    with pytest.raises(roster.JoinRefused, match="expired"):
        roster.join(classroom, alice, now=timezone.now() + timedelta(hours=2))
    roster.join(classroom, charlie)
    assert AuditEvent.objects.filter(classroom=classroom, action="rotated the join code").exists()


def test_a_removed_learner_cannot_rejoin_until_let_back_and_one_who_left_can(alice, charlie, bob, classroom):
    row = roster.join(classroom, alice)
    roster.remove(row, bob)
    with pytest.raises(roster.JoinRefused, match="removed you"):
        roster.join(classroom, alice)
    roster.readmit(row, bob)
    assert roster.join(classroom, alice).learns
    left = roster.join(classroom, charlie)
    roster.leave(left)
    assert not Membership.objects.get(pk=left.pk).active
    assert roster.join(classroom, charlie).learns


def test_a_learner_leaves_from_the_class_page(client, alice, classroom):
    roster.join(classroom, alice)
    client.force_login(alice)
    client.post(reverse("classes:leave", args=[classroom.pk]))
    assert Membership.objects.get(user=alice).state == Membership.State.LEFT
    assert client.get(reverse("classes:detail", args=[classroom.pk])).status_code == 404


def test_an_archived_class_takes_no_joins_and_no_changes_but_stays_readable(client, alice, bob, classroom):
    roster.archive(classroom, bob)
    with pytest.raises(roster.JoinRefused, match="archived"):
        roster.join(classroom, alice)
    client.force_login(bob)
    assert client.get(reverse("classes:dashboard", args=[classroom.pk])).status_code == 200
    assert client.post(reverse("classes:assignments", args=[classroom.pk]),
                       {"item": "quiz:practice", "questions": 5}).status_code == 404
    assert client.post(reverse("classes:rotate", args=[classroom.pk])).status_code == 404


def test_a_co_instructor_must_hold_the_role_and_then_sees_the_class(client, alice, bob, classroom,
                                                                    django_user_model):
    client.force_login(bob)
    refused = client.post(reverse("classes:add_instructor", args=[classroom.pk]), {"username": "alice"})
    assert refused.status_code == 400 and "not an instructor" in refused.content.decode()
    dana = django_user_model.objects.create_user("dana", role="instructor")
    client.post(reverse("classes:add_instructor", args=[classroom.pk]), {"username": "dana"})
    client.force_login(dana)
    assert client.get(reverse("classes:dashboard", args=[classroom.pk])).status_code == 200


def test_the_join_screen_shows_the_code_and_a_qr_code_of_the_link(client, bob, classroom):
    client.force_login(bob)
    page = client.get(reverse("classes:join_screen", args=[classroom.pk])).content.decode()
    assert codes.shown(classroom.join_code) in page
    assert "<svg" in page and "QR code of the join link" in page
    assert reverse("classes:join_code", args=[classroom.join_code]) in page


def test_join_attempts_are_rate_limited(client, alice, settings):
    settings.RATE_LIMITS_ENABLED = True
    client.force_login(alice)
    statuses = [client.post(reverse("classes:join"), {"code": "ZZZZZZZZ"}).status_code for _ in range(21)]
    assert statuses[:20] == [400] * 20 and statuses[20] == 429


def test_codes_avoid_characters_misread_on_a_screen():
    for _ in range(200):
        code = codes.new_code()
        assert len(code) == codes.LENGTH and not set(code) & set("01OIL")
    assert codes.normalise("abcd-efgh") == "ABCDEFGH"
