"""What the lab's templates show, assembled from the catalog, the grader and the learner's store."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.urls import reverse

from trainer.catalog import stages
from trainer.catalog.exercises import all_exercises
from trainer.limits import limits
from trainer.panel.panel import evaluate, problem_lines
from trainer.panel.world import World
from trainer.terminal import Baseline
from trainer.terminal.selectors import format_labels, format_selector

from . import answer_notes

LAB_GROUP = "Lab tasks"
LIVE_KEY = "lab_live_panel"  # in the session: {exercise: shown}, where the learner chose


@lru_cache(maxsize=64)
def baseline_for(exercise) -> Baseline:
    """The terminal's starting point for an exercise, built once per process."""
    return Baseline.from_text(exercise.cluster_text, f"{exercise.id}:cluster", exercise.externals,
                              limits=limits().content, cluster=exercise.cluster)


def _stage_title(number: int) -> str:
    try:
        stage = stages.catalog().stage(number)
    except Exception:  # broken stage content is reported by the system check, not here
        stage = None
    return f"Stage {number}: {stage.title}" if stage else f"Stage {number}"


def grouped_exercises(passed: set[str]) -> list[dict]:
    """[{title, exercises: [{exercise, passed}]}], stages in order, then the lab-style tasks."""
    groups: dict = {}
    for exercise in all_exercises():
        key = (0, exercise.stage) if exercise.stage is not None else (1, 0)
        groups.setdefault(key, []).append({"exercise": exercise, "passed": exercise.id in passed})
    return [{"title": _stage_title(key[1]) if key[0] == 0 else LAB_GROUP, "items": items,
             "done": sum(i["passed"] for i in items)}
            for key, items in sorted(groups.items())]


def cluster_summary(exercise) -> dict:
    cluster = exercise.cluster
    return {
        "namespaces": [{"name": n.name, "labels": format_labels(n.labels)}
                       for n in cluster.namespaces.values()],
        "pods": [{"key": p.key, "labels": format_labels(p.labels), "ip": p.ip or "none",
                  "ports": ", ".join(f"{c.protocol} {c.port}{f' ({c.name})' if c.name else ''}"
                                     for c in p.ports) or "none declared"}
                 for p in sorted(cluster.pods, key=lambda p: p.key)],
        "policies": [{"key": p.key, "selector": format_selector(p.pod_selector),
                      "types": ", ".join(p.policy_types)}
                     for p in sorted(cluster.policies, key=lambda p: p.key)],
        "externals": list(exercise.externals),
        "pod_network": exercise.pod_network.cidr if exercise.pod_network else "",
    }


@dataclass(frozen=True)
class Result:
    """A grade as the grade panel shows it, or a form problem in its place."""

    grade: object | None = None
    form_errors: tuple[str, ...] = ()

    @property
    def problems(self):
        """The YAML's problems as the reachability panel lists them (the first few, then a count)."""
        return problem_lines(self.grade.error.problems) if self.grade is not None and self.grade.error else []

    @property
    def error_lines(self) -> str:
        return " ".join(str(p.line) for p in self.problems if p.line)

    @property
    def failed(self):
        return [c for c in self.grade.checks if not c.ok] if self.grade else []

    @property
    def passed_checks(self):
        return [c for c in self.grade.checks if c.ok] if self.grade else []


def question_views(exercise, answers: dict, forms: dict | None = None) -> list[dict]:
    from .forms import QuestionForm

    views = []
    for q in exercise.questions:
        answer = answers.get(q.id)
        form = (forms or {}).get(q.id) or QuestionForm(
            q, initial={"picked": [str(i) for i in answer.picked] if q.multiple else
                        str(answer.picked[0])} if answer and answer.picked else None)
        views.append({"question": q, "answer": answer, "form": form,
                      "right": [q.choices[i] for i in sorted(q.answers)],
                      "url": reverse("lab:question", args=[exercise.id, q.id])})
    return views


@lru_cache(maxsize=64)
def world_for(exercise) -> World:
    """The exercise's starting cluster as the reachability panel sees it (built once per process)."""
    return World(cluster=exercise.cluster, externals=tuple((ip, "") for ip in exercise.externals))


@lru_cache(maxsize=64)
def starting_allowed(exercise) -> frozenset:
    """What the starter allows: an edit's diff compares with it when the server keeps nothing."""
    return evaluate(world_for(exercise), exercise.starter).allowed


def live_panel(request, exercise) -> bool:
    """Reachability as the learner types: on by default where the exercise practises a
    stage, hidden in exam-style ones (as in the exam); the learner's choice wins."""
    return request.session.get(LIVE_KEY, {}).get(exercise.id, exercise.stage is not None)


def exercise_context(exercise, store, lab, *, result: Result | None = None, editor_text: str | None = None,
                     question_forms: dict | None = None, live: bool = False, evaluation=None,
                     explanation=None, draft_note: str = "") -> dict:
    passed = exercise.id in store.passed()
    attempts = store.attempts(exercise.id)
    text = editor_text if editor_text is not None else (lab.draft or exercise.starter)
    if live and evaluation is None:
        evaluation = evaluate(world_for(exercise), text)
    return {
        "exercise": exercise,
        "group": _stage_title(exercise.stage) if exercise.stage is not None else LAB_GROUP,
        "cluster": cluster_summary(exercise),
        "editor_text": text,
        "restored": editor_text is None and bool(lab.draft),  # the learner's draft, not the starter
        "draft_note": draft_note,
        "live": live,
        "evaluation": evaluation,
        "explanation": explanation,
        "result": result,
        "hints": exercise.hints[:lab.hints_shown],
        "more_hints": lab.hints_shown < len(exercise.hints),
        "passed": passed,
        "gave_up": lab.gave_up,
        # The model answer appears only after a pass or giving up; never in the page before.
        "solution": exercise.solution if (passed or lab.gave_up) and exercise.solution.strip() else "",
        # Read from the answer's policies only when it is shown.
        "solution_notes": answer_notes.notes(exercise) if passed or lab.gave_up else [],
        "accepted_notes": answer_notes.accepted(exercise) if passed or lab.gave_up else [],
        "attempts": len(attempts),
        "best_score": max((a.score for a in attempts), default=None),
        "transcript": lab.transcript,
        "questions": question_views(exercise, store.answers(exercise.id), question_forms),
        "urls": {name: reverse(f"lab:{name}", args=[exercise.id])
                 for name in ("exercise", "grade", "terminal", "hint", "give_up", "evaluate", "explain",
                              "panel", "draft", "reset")},
    }
