"""How fast the grader is, and what it catches that the old one did not.

    .venv/bin/python benchmarks/grading.py [--repeat 5] [--old REV]

1. Every exercise's reference and ten wrong variants (its first ten mutants that
   change what is allowed, from tests/grading/mutations.py), each graded
   --repeat times: median and p95 per grade, overall and per exercise.
   Target: p95 under 50 ms.
2. The hostile answers of tests/grading/hostile.py, each just under the web's
   64 KiB cap, best of three: the worst. Target: under 1 s.
3. With --old REV: the grader of that git revision (trainer/lab/grading.py and
   its diagnosis, before the exact grader) loaded from git beside today's, and
   for each exercise, how many of the mutants that change what is allowed it
   passed and today's grader fails.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainer.settings")

import django  # noqa: E402

django.setup()

from tests.grading.hostile import FAMILIES, hostile  # noqa: E402
from tests.grading.mutations import CHANGES, mutants  # noqa: E402
from trainer.catalog.exercises import all_exercises  # noqa: E402
from trainer.grading import grade  # noqa: E402

VARIANTS = 10


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(exercise, text: str) -> float:
    start = time.perf_counter()
    grade(exercise, text)
    return time.perf_counter() - start


def speed(repeat: int):
    every = []
    print(f"{'exercise':24} {'answers':>7} {'median ms':>10} {'p95 ms':>8}")
    for exercise in all_exercises():
        if not exercise.references:
            continue
        answers = [exercise.solution] + [m.text for m in mutants(exercise) if m.kind in CHANGES][:VARIANTS]
        times = [timed(exercise, text) * 1000 for _ in range(repeat) for text in answers]
        every += times
        print(f"{exercise.id:24} {len(answers):7} {statistics.median(times):10.1f} {p95(times):8.1f}")
    print(f"{'all':24} {len(every) // repeat:7} {statistics.median(every):10.1f} {p95(every):8.1f}"
          f"   ({len(every)} grades)")


def hostile_answers():
    exercise = next(e for e in all_exercises() if e.id == "allow-api-to-db")
    worst = 0.0
    print(f"\n{'hostile answer (64 KiB cap)':28} {'bytes':>6} {'best of 3 s':>12}  outcome")
    for family in FAMILIES:
        text = hostile(family, "billing")
        best = min(timed(exercise, text) for _ in range(3))
        result = grade(exercise, text)
        refused = result.checks[0].message.startswith("The grader could not compare")
        worst = max(worst, best)
        print(f"{family:28} {len(text.encode()):6} {best:12.3f}  {'refused' if refused else 'graded'}")
    print(f"{'worst':28} {'':6} {worst:12.3f}")


def old_grader(revision: str):
    """The lab's grader as it was at `revision`, as an importable package."""
    folder = Path(tempfile.mkdtemp()) / "oldgrader"
    listing = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", revision,
                              "trainer/lab/grading.py", "trainer/lab/privilege.py", "trainer/lab/diagnosis"],
                             capture_output=True, text=True, check=True).stdout.split()
    for path in listing:
        target = folder / Path(path).relative_to("trainer/lab")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(subprocess.run(["git", "-C", str(ROOT), "show", f"{revision}:{path}"],
                                         capture_output=True, text=True, check=True).stdout)
    (folder / "__init__.py").write_text("")
    sys.path.insert(0, str(folder.parent))
    return importlib.import_module("oldgrader.grading")


def against(revision: str):
    old = old_grader(revision)
    print(f"\n{'exercise':24} {'changes':>8} {'old passed':>11} {'new fails':>10} {'caught now':>11}")
    totals = [0, 0, 0, 0]
    for exercise in all_exercises():
        if not exercise.references:
            continue
        changed = [m for m in mutants(exercise) if m.kind in CHANGES]
        old_passed = [m for m in changed if old.grade(exercise, m.text).passed]
        new_fails = [m for m in changed if not grade(exercise, m.text).passed]
        caught = [m for m in old_passed if m in new_fails]
        row = (len(changed), len(old_passed), len(new_fails), len(caught))
        totals = [t + r for t, r in zip(totals, row, strict=True)]
        print(f"{exercise.id:24} {row[0]:8} {row[1]:11} {row[2]:10} {row[3]:11}")
    print(f"{'all':24} {totals[0]:8} {totals[1]:11} {totals[2]:10} {totals[3]:11}")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--old", metavar="REV", help="compare with the grader of this git revision")
    args = parser.parse_args()
    speed(args.repeat)
    hostile_answers()
    if args.old:
        against(args.old)


if __name__ == "__main__":
    main()
