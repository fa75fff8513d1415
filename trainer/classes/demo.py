"""A demo class with a few dozen learners and realistic work, for `manage.py demo_class`.

The learners' answers are real: each exercise's model answer, its starter, and a few
classic mistakes made from the model answer (OR for AND, a forgotten port list, a wrong
port, policyTypes dropped), each graded by the grader so the dashboard shows its true
verdicts and diagnoses.
"""

from __future__ import annotations

import random
from datetime import timedelta
from functools import cache

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from trainer.catalog.exercises import get_exercise
from trainer.catalog.stages import catalog
from trainer.grading import grade
from trainer.lab.models import LabState, Submission
from trainer.quizzes import attempts
from trainer.quizzes.models import AttemptQuestion
from trainer.walkthrough.models import StageProgress

from . import quizzes, roster
from .models import Assignment, Classroom

PREFIX = "demo-"
NAME = "KCSA NetworkPolicies (demo class)"
EXERCISES = ("deny-db-ingress", "allow-api-to-db", "db-from-prod-api", "and-peer", "default-deny-dns",
             "egress-payroll-mysql")
NAMES = ("ada", "ben", "chloe", "dev", "emil", "fatima", "gus", "hana", "ivan", "jade", "kofi", "lena",
         "mateo", "nora", "omar", "priya", "quinn", "rosa", "sami", "tara", "umar", "vera", "wen", "xavi",
         "yara", "zane", "alba", "bruno", "cleo", "dario", "elif", "finn", "greta", "hugo", "ines", "jonas")


def _docs(text: str) -> list:
    return [d for d in yaml.safe_load_all(text) if d]


def _dump(docs) -> str:
    return yaml.safe_dump_all(docs, sort_keys=False)


def _split_and(docs):
    """Every peer with both selectors becomes two peers: the OR-for-AND mistake."""
    changed = False
    for doc in docs:
        for key, peers_key in (("ingress", "from"), ("egress", "to")):
            for rule in (doc.get("spec") or {}).get(key) or []:
                peers = []
                for peer in rule.get(peers_key) or []:
                    if "namespaceSelector" in peer and "podSelector" in peer:
                        peers += [{"namespaceSelector": peer["namespaceSelector"]},
                                  {"podSelector": peer["podSelector"]}]
                        changed = True
                    else:
                        peers.append(peer)
                if peers:
                    rule[peers_key] = peers
    return changed


def _drop_ports(docs):
    for doc in docs:
        for rule in (doc.get("spec") or {}).get("ingress") or []:
            if rule.pop("ports", None) is not None:
                return True
    return False


def _wrong_port(docs):
    for doc in docs:
        for key in ("ingress", "egress"):
            for rule in (doc.get("spec") or {}).get(key) or []:
                for port in rule.get("ports") or []:
                    if isinstance(port.get("port"), int) and port["port"] != 53:
                        port["port"] += 1
                        return True
    return False


def _drop_types(docs):
    for doc in docs:
        if (doc.get("spec") or {}).pop("policyTypes", None):
            return True
    return False


@cache
def answers(slug: str) -> tuple[tuple[str, object], ...]:
    """(text, grade) for the model answer first, then the starter and each mistake that fails."""
    exercise = get_exercise(slug)
    found = [(exercise.solution, grade(exercise, exercise.solution))]
    texts = [exercise.starter]
    for mistake in (_split_and, _drop_ports, _wrong_port, _drop_types):
        docs = _docs(exercise.solution)
        if mistake(docs):
            texts.append(_dump(docs))
    for text in texts:
        verdict = grade(exercise, text)
        if verdict.error is None and not verdict.passed:
            found.append((text, verdict))
    return tuple(found)


def create(instructor_name: str = "demo-teacher", learners: int = 36, seed: int = 1, now=None) -> Classroom:
    """The class, its assignments and its learners' work; earlier demo accounts are replaced."""
    now = now or timezone.now()
    rng = random.Random(seed)
    User = get_user_model()
    with transaction.atomic():
        Classroom.objects.filter(name=NAME, memberships__user__username=instructor_name).delete()
        User.objects.filter(username__startswith=PREFIX).exclude(username=instructor_name).delete()
        teacher, created = User.objects.get_or_create(username=instructor_name)
        if created:
            teacher.set_unusable_password()
        teacher.role = User.Role.INSTRUCTOR
        teacher.save()
        classroom = roster.create(teacher, NAME)
        items = _assign(classroom, now)
        for i in range(learners):
            name = f"{PREFIX}{NAMES[i % len(NAMES)]}{'' if i < len(NAMES) else i // len(NAMES) + 1}"
            user = User.objects.create_user(name, first_name=name.removeprefix(PREFIX).title())
            user.set_unusable_password()
            user.save()
            member = roster.join(classroom, user, now=now - timedelta(days=6))
            skill = rng.random()
            for item in items:
                _work(item, member, skill, rng, now)
    return classroom


def _assign(classroom: Classroom, now) -> list[Assignment]:
    stages = [s.slug for s in catalog().stages[:3]]
    made = [Assignment(classroom=classroom, kind="stage", slug=s, position=n, due_at=now - timedelta(days=3),
                       title=f"Stage {n}: {catalog().stages[n - 1].title}")
            for n, s in enumerate(stages, 1)]
    for i, slug in enumerate(EXERCISES, len(made) + 1):
        made.append(Assignment(classroom=classroom, kind="exercise", slug=slug, position=i,
                               title=get_exercise(slug).title, due_at=now + timedelta(days=i - 6)))
    made.append(Assignment(classroom=classroom, kind="quiz", quiz_mode="practice", title="Practice quiz",
                           questions=10, position=len(made) + 1))
    opened = now - timedelta(days=1)
    made.append(Assignment(classroom=classroom, kind="quiz", quiz_mode="exam", title="Timed exam",
                           questions=10, minutes=15, position=len(made) + 1, exam_opened_at=opened,
                           exam_closes_at=opened + timedelta(minutes=15)))
    return Assignment.objects.bulk_create(made)


def _work(item: Assignment, member, skill: float, rng: random.Random, now) -> None:
    """Some of what a learner of this skill would have done on the item, a few days back."""
    if rng.random() > 0.35 + skill * 0.6:
        return  # not started
    start = now - timedelta(days=rng.uniform(0.2, 5), minutes=rng.uniform(0, 600))
    if item.kind == "stage":
        done = rng.random() < 0.4 + skill * 0.6
        completed = start + timedelta(minutes=rng.uniform(5, 25)) if done else None
        StageProgress.objects.create(user=member.user, stage=item.slug, visited_at=start,
                                     edited_at=start + timedelta(minutes=rng.uniform(1, 10)),
                                     completed_at=completed)
    elif item.kind == "exercise":
        _exercise(item.slug, member.user, skill, rng, start)
    else:
        _quiz(item, member, skill, rng, start)


def _exercise(slug: str, user, skill: float, rng: random.Random, start) -> None:
    graded = answers(slug)
    solution, wrong = graded[0], list(graded[1:])
    tries = [rng.choice(wrong) for _ in range(rng.randint(0, 2 if skill > 0.5 else 4))] if wrong else []
    solves = rng.random() < 0.3 + skill * 0.7
    gave_up = not solves and rng.random() < 0.4
    if solves or gave_up:
        tries.append(solution)
    when = start
    for text, verdict in tries:
        when += timedelta(minutes=rng.uniform(2, 12))
        Submission.objects.create(user=user, exercise=slug, answer=text, created_at=when,
                                  passed=verdict.passed, score=verdict.score,
                                  diagnoses=verdict.diagnoses, mistakes=verdict.mistakes,
                                  failed_checks=[c.message for c in verdict.checks if not c.ok],
                                  after_solution=gave_up and verdict.passed)
    lab = LabState.objects.create(user=user, exercise=slug, draft=tries[-1][0] if tries else "",
                                  gave_up=gave_up, graded=len(tries))
    LabState.objects.filter(pk=lab.pk).update(created_at=start, updated_at=when)


def _quiz(item: Assignment, member, skill: float, rng: random.Random, start) -> None:
    if item.is_exam:
        attempt = attempts.start({"user": member.user}, quizzes.preset(item), now=item.exam_opened_at,
                                 topics=item.topics, tag=item.tag, deadline=item.exam_closes_at)
        finished_at = item.exam_opened_at + timedelta(minutes=rng.uniform(6, 15))
    else:
        attempt = attempts.start({"user": member.user}, quizzes.preset(item), now=start, tag=item.tag)
        finished_at = start + timedelta(minutes=rng.uniform(5, 20))
    for question in attempt.questions.all():
        shown = attempts.instance_of(question)
        if shown is None:
            continue
        right = rng.random() < 0.35 + skill * 0.6
        letters = sorted(shown.key) if right else [rng.choice([c for c in shown.letters if c not in shown.key]
                                                              or list(shown.letters))]
        AttemptQuestion.objects.filter(pk=question.pk).update(answer="".join(letters),
                                                              answered_at=finished_at)
    attempts.finish(attempt, now=finished_at)
