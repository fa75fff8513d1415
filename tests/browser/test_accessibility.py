"""axe-core on every kind of page: no serious or critical violation."""

from __future__ import annotations

import pytest

from trainer.catalog import beyond
from trainer.catalog.exercises import all_exercises
from trainer.catalog.stages import catalog
from trainer.classes import demo, roster
from trainer.classes.models import Assignment, Poll
from trainer.playground.world import example
from trainer.sharing import snapshots

from .axe import serve, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def public_pages() -> list[str]:
    return (["/", "/stages/", "/lab/", "/quizzes/", "/progress/", "/accounts/login/", "/accounts/signup/",
             "/playground/"]
            + [f"/stages/{s.number}/" for s in catalog().stages]
            + ["/stages/beyond/", f"/stages/beyond/{beyond.lessons()[-1].slug}/"]
            + [f"/lab/{e.id}/" for e in all_exercises()][:4])


def share_page() -> str:
    """A share link's page (a snapshot of the playground's example: the fullest kind)."""
    cluster, policies = example()
    return f"/s/{snapshots.create('playground', '', policies, cluster=cluster).code}/"


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_no_serious_or_critical_violation_on_the_public_pages(page, width):
    page.set_viewport_size({"width": width, "height": 844})
    serve(page)
    found = {}
    for url in public_pages() + [share_page()]:
        page.goto(url)
        bad = violations(page)
        if bad:
            found[url] = bad
    assert found == {}


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def test_no_serious_or_critical_violation_on_class_and_quiz_pages(page, bob, alice):
    classroom = demo.create(bob.username, learners=6, seed=2)
    roster.join(classroom, alice)
    member = classroom.memberships.filter(role="learner").first()
    exercise = Assignment.objects.filter(classroom=classroom, kind="exercise").first()
    poll = Poll.objects.create(classroom=classroom, kind="exercise", slug=exercise.slug, port=3306)
    exam = Assignment.objects.filter(classroom=classroom, quiz_mode="exam").first()
    serve(page)
    sign_in(page, "bob", "bob-password-1")
    base = f"/classes/{classroom.pk}"
    found = {}
    teacher_pages = ["/classes/"] + [f"{base}/{tail}" for tail in (
        "dashboard/", "mistakes/", "assignments/", "polls/", f"polls/{poll.pk}/screen/", "gradebook/",
        "items/", "people/", "join-screen/", f"exams/{exam.pk}/", f"learners/{member.pk}/{exercise.pk}/",
        f"projector/{member.pk}/{exercise.pk}/")]
    for url in teacher_pages:
        page.goto(url)
        if bad := violations(page):
            found[url] = bad
    sign_in(page, "alice", "alice-password-1")
    page.goto("/quizzes/")
    page.click("text=Start practice")
    learner_pages = [page.url, f"{base}/", f"{base}/polls/{poll.pk}/", "/progress/", "/classes/join/"]
    for url in learner_pages:
        page.goto(url)
        if bad := violations(page):
            found[url] = bad
    assert found == {}
