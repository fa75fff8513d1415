"""Backup and restore, round trip: scripts/backup-roundtrip runs it (and .ci/run).

Starts a throwaway PostgreSQL on 127.0.0.1, migrates a database and fills it
with learners and their work (stage progress, lab states, graded answers and
question answers, quiz attempts with answers, anonymous ones too, drafts, a
share link, a demo class), backs it up with deploy/backup/trainer-backup,
restores the dump into an empty database with deploy/backup/trainer-restore,
and compares every table of the two, row for row (a digest of each table's rows
in order). Prints one line per table and exits 1 on any difference.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.services import Postgres, manage, site_env  # noqa: E402

HERE = Path(__file__).resolve().parent


def populate(url: str) -> None:
    os.environ.update(site_env(DATABASE_URL=url, ALLOW_LOCAL_CACHE="1"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from trainer.accounts.models import User
    from trainer.drafts.models import Draft
    from trainer.lab.models import LabState, QuestionAnswer, Submission
    from trainer.quizzes import attempts
    from trainer.quizzes.composition import presets
    from trainer.sharing import snapshots
    from trainer.walkthrough.models import StageProgress

    now = timezone.now()
    exam = next(p for p in presets().values() if p.mode == "exam")
    practice = next(p for p in presets().values() if p.mode == "practice")
    for n in range(20):
        user = User.objects.create_user(f"learner{n}", f"l{n}@example.org", "pw-not-used-1",
                                        role="instructor" if n % 10 == 0 else "learner")
        StageProgress.objects.create(user=user, stage="stage-1", visited_at=now, edited_at=now)
        LabState.objects.create(user=user, exercise="lab-db-from-api", draft=f"# draft ünïcode {n}\n",
                                transcript=[["kubectl get pods", "NAME READY"]], changes={"applied": []})
        Draft.objects.create(user=user, place="stage:allow-api", text=f"# stage draft {n}\n")
        for k in range(3):
            Submission.objects.create(user=user, exercise="lab-db-from-api",
                                   answer=f"kind: NetworkPolicy # {n}.{k}",
                                   created_at=now - timedelta(minutes=k), passed=k == 0, score=100 - 10 * k,
                                   diagnoses=["OR for AND"], failed_checks=[], after_solution=k == 1)
        QuestionAnswer.objects.create(user=user, exercise="lab-db-from-api", question="q", picked=[1],
                                      correct=True, created_at=now)
        taken = attempts.start({"user": user}, exam if n % 2 else practice)
        for q in taken.questions.all()[:3]:
            shown = attempts.instance_of(q)
            attempts.save_answer(taken, q, shown.letters[:1])
        if n % 3 == 0:
            attempts.finish(taken)
    attempts.start({"user": None, "owner_token": "anonymous-token"}, practice)
    snapshots.create("playground", "", "kind: NetworkPolicy # shared\n", cluster="kind: Namespace\n")
    # A class with its roster, assignments, graded work, notices and polls.
    call_command("demo_class", "--learners", "6", stdout=io.StringIO())


def digests(pg: Postgres, database: str) -> dict[str, str]:
    tables = pg.psql("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
                     database).split()
    found = {}
    for table in tables:
        found[table] = pg.psql(
            f'SELECT count(*) || \' \' || coalesce(md5(string_agg(t::text, \'|\' ORDER BY t::text)), \'-\') '
            f'FROM "{table}" t', database).strip()
    return found


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="backup-roundtrip-") as tmp, Postgres() as pg:
        source = pg.createdb("trainer")
        manage(site_env(DATABASE_URL=source, ALLOW_LOCAL_CACHE="1"), "migrate", "--no-input", "-v0")
        populate(source)
        env = {**os.environ, "DATABASE_URL": source, "BACKUP_DIR": str(Path(tmp) / "backups"),
               "BACKUP_KEEP": "2"}
        dump = subprocess.run([str(HERE / "trainer-backup")], env=env, check=True, capture_output=True,
                              text=True, timeout=300).stdout.strip()
        target = pg.createdb("restored")
        subprocess.run([str(HERE / "trainer-restore"), dump, target], check=True, capture_output=True,
                       timeout=300)
        before, after = digests(pg, "trainer"), digests(pg, "restored")
        print(f"dump {Path(dump).name}: {Path(dump).stat().st_size} bytes")
        bad = 0
        for table in sorted(set(before) | set(after)):
            same = before.get(table) == after.get(table)
            bad += not same
            rows = (before.get(table) or "missing").split()[0]
            verdict = "identical" if same else "DIFFERENT: " + str(after.get(table))
            print(f"{table:40s} {rows:>6s} rows  {verdict}")
        populated = sum(int(v.split()[0]) for v in before.values())
        print(f"{len(before)} tables, {populated} rows: "
              f"{'restored identical' if not bad and populated else f'{bad} tables differ'}")
        return 0 if not bad and populated else 1


if __name__ == "__main__":
    sys.exit(main())
