"""Load benchmark: the stage evaluate endpoint beside a trivial page, on gunicorn, in one run.

    .venv/bin/python benchmarks/load_walkthrough.py [--seconds 15] [--connections 10] [--workers 2]

Starts gunicorn on 127.0.0.1 (a free port, 2 workers, DEBUG off, a throwaway
SQLite database), gets a session cookie and CSRF token with a GET of the stage
page as a browser would, then runs wrk against the home page and against an
htmx POST to /stages/3/evaluate/ (a learner's edit of the stage-3 policy, with
the previous evaluation posted back, as the editor sends it): both flat out
(requests/s and their ratio), then the evaluate POST with each of the 10 users
pausing --think-ms between edits (p95 as a class of typing learners meets it).
Prints requests/s, the ratio and p50/p95/p99, and stops gunicorn. Every request
goes to 127.0.0.1 only; each wrk run is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import html
import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
TARGET_RATIO = 0.17
TARGET_P95_MS = 50.0

LUA = r"""
wrk.method = "%(method)s"
wrk.body = %(body)s
%(headers)s
%(delay)s
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%%d errors=%%d non2xx=%%d seconds=%%.3f "
    .. "p50=%%.3f p95=%%.3f p99=%%.3f\n",
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, summary.errors.status, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def lua_string(text: str) -> str:
    return '"' + "".join(c if c.isalnum() or c in " -_.=&%/:;,+*" else f"\\{ord(c):03d}" for c in text) + '"'


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url} within {seconds}s")


def evaluate_request(base: str) -> tuple[str, dict]:
    """The POST body and headers an htmx edit sends, with a real session and CSRF token."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainer.settings")
    import django

    django.setup()
    from trainer.catalog.stages import catalog

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/stages/3/", timeout=10).read().decode()
    cookies = {c.name: c.value for c in jar}
    # The learner has typed a second port into the stage-3 policy.
    text = catalog().stage(3).yaml + "        - protocol: TCP\n          port: 3307\n"
    fields = {"yaml": text, "scenario": "guide"}
    # Pages from before the diff was kept on the server posted the previous result back.
    found = re.search(r'name="previous"[^>]*value="([^"]*)"', page)
    if found:
        fields["previous"] = html.unescape(found.group(1))
    body = urllib.parse.urlencode(fields)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "X-CSRFToken": cookies["csrftoken"],
        "HX-Request": "true",
        "Referer": f"{base}/stages/3/",
    }
    check = urllib.request.Request(f"{base}/stages/3/evaluate/", body.encode(), headers)
    answer = urllib.request.urlopen(check, timeout=10)
    fragment = answer.read().decode()
    if answer.status != 200 or "Who can reach" not in fragment:
        raise SystemExit(f"the evaluate request does not work: {answer.status}\n{fragment[:500]}")
    return body, headers


def run_wrk(url: str, method: str, body: str, headers: dict, args, workdir: Path, think_ms: int = 0) -> dict:
    """think_ms > 0: each connection pauses that long between requests, like a learner between edits."""
    script = workdir / f"{method.lower()}-{think_ms}.lua"
    lines = "\n".join(f"wrk.headers[{lua_string(k)}] = {lua_string(v)}" for k, v in headers.items())
    delay = f"delay = function() return {think_ms} end" if think_ms else ""
    script.write_text(LUA % {"method": method, "body": lua_string(body), "headers": lines, "delay": delay})
    # A short warm-up first, so both measurements start with warm workers.
    subprocess.run(["wrk", "-t2", f"-c{args.connections}", "-d2s", "-s", str(script), url],
                   check=True, capture_output=True, timeout=60)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{args.connections}", f"-d{args.seconds}s", "--timeout", "5s",
         "-s", str(script), url],
        check=True, capture_output=True, text=True, timeout=args.seconds + 60).stdout
    m = re.search(r"RESULT (.*)", out)
    result = {k: float(v) for k, v in (kv.split("=") for kv in m.group(1).split())}
    result["rps"] = result["requests"] / result["seconds"]
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think-ms", type=int, default=500,
                        help="pause per user between edits in the paced run (the editor's debounce)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="load-walkthrough-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # The engine's speed alone: one process's SQLite and cache, no rate limits (one session posts
    # far faster than a learner types); static files collected as production has them.
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "load-benchmark-only", "ALLOWED_HOSTS": "127.0.0.1",
           "SECURE_COOKIES": "0", "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "trainer.settings", "ALLOW_SQLITE": "1", "ALLOW_LOCAL_CACHE": "1",
           "RATE_LIMITS": "0", "STATIC_ROOT": str(workdir / "static")}
    os.environ.update({k: env[k] for k in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SECURE_COOKIES",
                                            "DATABASE_URL", "ALLOW_SQLITE", "ALLOW_LOCAL_CACHE",
                                            "RATE_LIMITS", "STATIC_ROOT")})
    subprocess.run([str(VENV_BIN / "python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([str(VENV_BIN / "python"), "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT,
                   env=env, check=True)
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "trainer.wsgi", "-b", f"127.0.0.1:{port}", "-w", str(args.workers),
         "--access-logfile", "/dev/null", "--error-logfile", str(workdir / "gunicorn.log")],
        cwd=ROOT, env=env, start_new_session=True)
    try:
        wait_for(f"{base}/")
        body, headers = evaluate_request(base)
        trivial = run_wrk(f"{base}/", "GET", "", {}, args, workdir)
        evaluate = run_wrk(f"{base}/stages/3/evaluate/", "POST", body, headers, args, workdir)
        paced = run_wrk(f"{base}/stages/3/evaluate/", "POST", body, headers, args, workdir, args.think_ms)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    ratio = evaluate["rps"] / trivial["rps"]
    print(f"gunicorn {args.workers} workers, wrk {args.connections} connections, "
          f"{args.seconds}s each, 127.0.0.1")
    for name, r in (("trivial page  GET /", trivial), ("evaluate POST /stages/3/evaluate/", evaluate)):
        print(f"{name:36s} {r['rps']:8.1f} req/s  p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms  "
              f"p99 {r['p99']:6.1f} ms  errors {int(r['errors'])}  non-2xx {int(r['non2xx'])}")
    print(f"{'evaluate, users pausing ' + str(args.think_ms) + ' ms':36s} {paced['rps']:8.1f} req/s  "
          f"p50 {paced['p50']:6.1f} ms  p95 {paced['p95']:6.1f} ms  p99 {paced['p99']:6.1f} ms  "
          f"errors {int(paced['errors'])}  non-2xx {int(paced['non2xx'])}")
    ok = (ratio >= TARGET_RATIO and paced["p95"] < TARGET_P95_MS
          and not (evaluate["non2xx"] or paced["non2xx"]))
    print(f"ratio evaluate/trivial at saturation {ratio:.3f} (target >= {TARGET_RATIO}); "
          f"p95 at {args.connections} users pausing {args.think_ms} ms {paced['p95']:.1f} ms "
          f"(target < {TARGET_P95_MS:.0f} ms); at saturation {evaluate['p95']:.1f} ms: "
          f"{'met' if ok else 'NOT met'}")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
