"""The scale test: 200 simulated learners against two app instances behind nginx, with faults.

    scripts/scale-test [--users 200] [--instructors 5] [--seconds 120] [--instances 2] [--workers 2]

Starts, all on 127.0.0.1 and all its own: PostgreSQL, Redis, --instances gunicorn instances of
--workers sync workers each, and nginx in front of them (deploy/nginx, TLS). Then locust, headless,
drives --users learners and --instructors instructors polling a 200-learner class dashboard
(benchmarks/scale/locustfile.py) for --seconds while this script kills
one app instance (SIGKILL, every process of it) and later restarts PostgreSQL. It prints req/s,
p50/p95/p99 per endpoint, errors inside and outside the fault windows (a window runs from the
fault until GRACE seconds after recovery), and checks that every answer and attempt the server
acknowledged is in the database. Exit status 1 when a target is missed: no error outside the
windows, p95 under 300 ms, nothing acknowledged lost.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.services import VENV_BIN, Gunicorn, Nginx, Postgres, Redis, manage, site_env  # noqa: E402

HERE = Path(__file__).resolve().parent
LOCUST = ROOT / ".venv-scale" / "bin" / "locust"
GRACE = 5.0  # seconds after a recovery that still count as the fault's window
TARGET_P95_MS = 300


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Faults(threading.Thread):
    """Kills one app instance at kill_at and starts it again kill_for seconds later; restarts
    PostgreSQL at pg_at. Records each fault's window (start, end) in wall-clock seconds."""

    def __init__(self, t0, app, pg, kill_at, kill_for, pg_at):
        super().__init__(daemon=True)
        self.t0, self.app, self.pg = t0, app, pg
        self.kill_at, self.kill_for, self.pg_at = kill_at, kill_for, pg_at
        self.windows: list[dict] = []

    def wait_until(self, offset):
        time.sleep(max(0.0, self.t0 + offset - time.time()))

    def run(self):
        self.wait_until(self.kill_at)
        start = time.time()
        self.app.kill()
        self.wait_until(self.kill_at + self.kill_for)
        self.app.start()
        self.windows.append({"fault": "one app instance killed (SIGKILL) and started again",
                             "start": start, "end": time.time() + GRACE})
        self.wait_until(self.pg_at)
        start = time.time()
        self.pg.restart()
        self.windows.append({"fault": "PostgreSQL restarted (fast shutdown, start)",
                             "start": start, "end": time.time() + GRACE})


def analyse(log: Path, windows: list[dict], t0: float, t1: float, ramp: float) -> dict:
    rows = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    inside = lambda r: any(w["start"] <= r["t"] <= w["end"] for w in windows)  # noqa: E731
    by_name: dict[str, list] = {}
    for r in rows:
        by_name.setdefault(r["name"], []).append(r)
    endpoints = {}
    for name, rs in sorted(by_name.items()):
        ms = [r["ms"] for r in rs]
        endpoints[name] = {
            "requests": len(rs),
            "p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99),
            "errors_in": sum(1 for r in rs if r["error"] and inside(r)),
            "errors_out": sum(1 for r in rs if r["error"] and not inside(r)),
        }
    ms = [r["ms"] for r in rows]
    outside = [r["ms"] for r in rows if not inside(r)]
    steady = [r["ms"] for r in rows if not inside(r) and r["t"] > t0 + ramp]
    errors_out = [r for r in rows if r["error"] and not inside(r)]
    return {
        "requests": len(rows), "seconds": round(t1 - t0, 1), "rps": round(len(rows) / (t1 - t0), 1),
        "p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99),
        "p95_outside_windows": percentile(outside, 95),
        "p95_steady": percentile(steady, 95), "ramp_seconds": ramp,
        "errors_in": sum(1 for r in rows if r["error"] and inside(r)), "errors_out": len(errors_out),
        "errors_out_examples": [f"{r['name']} {r['status']} {r['error']}" for r in errors_out[:10]],
        "error_kinds_in": sorted({f"{r['status']}" for r in rows if r["error"] and inside(r)}),
        "endpoints": endpoints,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=10, help="learners arriving per second")
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--accounts", type=int, default=40, help="learners who sign in (of --users)")
    parser.add_argument("--instructors", type=int, default=5,
                        help="instructors polling their class's dashboard, beside --users learners")
    parser.add_argument("--kill-at", type=float, default=40)
    parser.add_argument("--kill-for", type=float, default=10)
    parser.add_argument("--pg-restart-at", type=float, default=80)
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs) afterwards")
    args = parser.parse_args()
    if not LOCUST.exists():
        raise SystemExit("locust is missing: run scripts/scale-test, which installs it into .venv-scale")
    workdir = Path(tempfile.mkdtemp(prefix="scale-test-"))
    static = workdir / "static"
    with Postgres(max_connections=100) as pg, Redis(workdir) as redis:
        # Every simulated learner comes from 127.0.0.1: the per-address ceilings (rate limits,
        # nginx's limit_req) are raised accordingly; the per-learner limits stay as in production.
        env = site_env(DATABASE_URL=pg.createdb("trainer"), REDIS_URL=redis.url(), STATIC_ROOT=str(static),
                       CONN_MAX_AGE="60", TRUSTED_PROXY_COUNT="1", TRUST_X_FORWARDED_PROTO="1",
                       RATE_LIMIT_IP_FACTOR="1000", AXES_FAILURE_LIMIT="10")
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "collectstatic", "--no-input", "-v0")
        data = workdir / "data.json"
        subprocess.run([str(VENV_BIN / "python"), str(HERE / "database.py"), "prepare", str(data),
                        str(args.accounts), str(args.accounts / args.users), str(args.instructors)],
                       env=env, check=True, cwd=ROOT)
        apps = [Gunicorn(env, workdir, workers=args.workers, name=f"app{i}").start()
                for i in range(args.instances)]
        web = Nginx(workdir, [f"127.0.0.1:{a.port}" for a in apps], static, rate=100000, burst=100000).start()
        request_log, ack_log = workdir / "requests.jsonl", workdir / "acks.jsonl"
        try:
            locust_env = {**os.environ, "SCALE_DATA": str(data), "REQUEST_LOG": str(request_log),
                          "ACK_LOG": str(ack_log)}
            t0 = time.time()
            locust = subprocess.Popen(
                [str(LOCUST), "-f", str(HERE / "locustfile.py"), "--headless",
                 "-u", str(args.users + args.instructors), "-r", str(args.spawn_rate),
                 "-t", f"{args.seconds}s", "--host", web.url, "--only-summary",
                 "--stop-timeout", "10", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
                env=locust_env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(workdir / "locust.log", "w"))
            faults = Faults(t0, apps[0], pg, args.kill_at, args.kill_for, args.pg_restart_at)
            faults.start()
            locust.wait(timeout=args.seconds + 90)
            t1 = time.time()
            faults.join(timeout=60)
            report = analyse(request_log, faults.windows, t0, t1, args.users / args.spawn_rate)
            checker = [str(VENV_BIN / "python"), str(HERE / "database.py"), "check", str(ack_log)]
            check = subprocess.run(checker, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
            report["acknowledged"] = json.loads(check.stdout.strip().splitlines()[-1])
        finally:
            web.stop()
            for app in apps:
                app.stop()
    report["windows"] = [{**w, "start": round(w["start"] - t0, 1), "end": round(w["end"] - t0, 1)}
                         for w in faults.windows]
    report["setup"] = {"users": args.users, "instructors": args.instructors, "seconds": args.seconds,
                       "instances": args.instances,
                       "workers_per_instance": args.workers, "signed_in": args.accounts,
                       "cores": os.cpu_count()}
    print_report(report)
    (workdir / "report.json").write_text(json.dumps(report, indent=1))
    print(f"\nreport and logs: {workdir}" if args.keep else "")
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    met = (report["errors_out"] == 0 and report["p95"] < TARGET_P95_MS
           and report["acknowledged"]["lost"] == 0)
    return 0 if met else 1


def print_report(r: dict) -> None:
    s = r["setup"]
    print(f"{s['users']} simulated learners ({s['signed_in']} signed in) and {s['instructors']} instructors "
          f"polling a 200-learner dashboard, "
          f"{s['instances']} gunicorn instances x {s['workers_per_instance']} sync workers behind nginx, "
          f"PostgreSQL, Redis; {s['cores']} cores; {r['seconds']} s")
    for w in r["windows"]:
        print(f"fault window {w['start']:6.1f} s .. {w['end']:6.1f} s: {w['fault']}")
    print(f"\n{'endpoint':28s} {'requests':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} "
          f"{'err in':>7s} {'err out':>7s}")
    for name, e in r["endpoints"].items():
        print(f"{name:28s} {e['requests']:8d} {e['p50']:8.1f} {e['p95']:8.1f} {e['p99']:8.1f} "
              f"{e['errors_in']:7d} {e['errors_out']:7d}")
    print(f"{'all':28s} {r['requests']:8d} {r['p50']:8.1f} {r['p95']:8.1f} {r['p99']:8.1f} "
          f"{r['errors_in']:7d} {r['errors_out']:7d}")
    print(f"\nthroughput {r['rps']} req/s; p95 outside the fault windows {r['p95_outside_windows']:.1f} ms; "
          f"after the {r['ramp_seconds']:.0f} s of arrivals (sign-ins hash passwords), outside the windows "
          f"{r['p95_steady']:.1f} ms")
    print(f"errors inside the fault windows: {r['errors_in']} "
          f"(statuses {', '.join(r['error_kinds_in']) or '-'}); outside: {r['errors_out']}")
    for example in r["errors_out_examples"]:
        print(f"  outside: {example}")
    a = r["acknowledged"]
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(a["acknowledged"].items()))
    print(f"acknowledged writes: {a['total']} ({kinds}); lost: {a['lost']}")
    for example in a["lost_examples"]:
        print(f"  lost: {example}")
    print(f"targets: 0 errors outside the windows: {'met' if r['errors_out'] == 0 else 'NOT met'}; "
          f"p95 < {TARGET_P95_MS} ms: {'met' if r['p95'] < TARGET_P95_MS else 'NOT met'}; "
          f"nothing acknowledged lost: {'met' if a['lost'] == 0 else 'NOT met'}")


if __name__ == "__main__":
    sys.exit(main())
