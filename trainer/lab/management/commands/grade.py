"""`grade EXERCISE SOLUTION.yaml [--json]`: the lab's grader on the command line.

Exit 0 whether the answer passes or not; 2, with the reason on stderr and
nothing on stdout, when the exercise or the solution cannot be read.
"""

import json
import stat
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from trainer.catalog.exercises import ExerciseFileError, all_exercises, get_exercise, load_exercise_file
from trainer.grading import grade
from trainer.limits import limits
from trainer.netpol.files import read_bounded
from trainer.netpol.problems import InputError, clip


class Unreadable(Exception):
    pass


class Command(BaseCommand):
    help = "Grade a solution file against an exercise (an id from lessons/ or an exercise file)."
    requires_system_checks = []  # grading one file must not depend on every other lesson

    def add_arguments(self, parser):
        parser.add_argument("exercise", help="an exercise id, or the path of an exercise file")
        parser.add_argument("solution", help="YAML with the NetworkPolicies to grade; - for stdin")
        parser.add_argument("--json", action="store_true", help="print the grade as JSON")

    def handle(self, *args, **options):
        out, err = self.stdout._out, self.stderr._out
        try:
            exercise = _exercise(options["exercise"])
            text, source = _solution(options["solution"], limits().cli.max_bytes)
            result = grade(exercise, text, limits().cli, source)
        except Unreadable as exc:
            err.write(f"grade: {exc}\n")
            sys.exit(2)
        if result.error is not None:
            err.write(f"grade: {source} cannot be graded:\n")
            err.writelines(f"  {m}\n" for m in result.error_messages)
            sys.exit(2)
        if options["json"]:
            out.write(json.dumps(result.as_json(), indent=2) + "\n")
        else:
            out.write(_text(exercise, result))


def _exercise(name: str):
    path = Path(name)
    if name.endswith((".yaml", ".yml")) or "/" in name or _is_file(path):
        _check_exercise_file(path)
        try:
            return load_exercise_file(path)
        except ExerciseFileError as exc:
            raise Unreadable(str(exc)) from None
    try:
        return get_exercise(name)
    except KeyError:
        known = ", ".join(e.id for e in all_exercises())
        raise Unreadable(f"no exercise {clip(name)}; the exercises are: {known}") from None
    except ExerciseFileError as exc:
        raise Unreadable(f"the exercises cannot be loaded: {exc}") from None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):  # a name too long for the file system, a NUL in it
        return False


def _check_exercise_file(path: Path) -> None:
    """The catalog reads an exercise file whole: refuse what is not a small regular file
    (/dev/zero, a FIFO, a directory) before it tries."""
    shown = clip(str(path))[1:-1]
    try:
        info = path.stat()
    except (OSError, ValueError) as exc:
        raise Unreadable(f"{shown}: cannot be read: {getattr(exc, 'strerror', None) or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise Unreadable(f"{shown}: cannot be read: not a regular file")
    if info.st_size > limits().content.max_bytes:
        raise Unreadable(f"{shown}: is larger than the limit of {limits().content.max_bytes} bytes")


def _solution(name: str, max_bytes: int) -> tuple[bytes, str]:
    try:
        data = read_bounded(name, max_bytes, sys.stdin)
    except InputError as exc:
        raise Unreadable(str(exc.problems[0])) from None
    return data, "<stdin>" if name == "-" else name


def _text(exercise, result) -> str:
    verdict = "PASSED" if result.passed else "NOT YET"
    lines = [f"{exercise.id}: {verdict} (score {result.score}/100)"]
    lines += [f"  {'ok  ' if c.ok else 'FAIL'}  {c.message}" for c in result.checks]
    if result.diagnoses:
        lines.append("Diagnosis:")
        lines += [f"  - {d}" for d in result.diagnoses]
    if result.notes:
        lines.append("Notes:")
        lines += [f"  - {n}" for n in result.notes]
    return "\n".join(lines) + "\n"
