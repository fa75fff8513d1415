"""In-process cost of the walkthrough's evaluate request, beside a trivial page.

    .venv/bin/python benchmarks/evaluate_inprocess.py [--requests 300]

Django's test client drives the whole stack in this process (middleware, session,
view, templates; no network): a learner's edit of the stage-3 policy posted as htmx
sends it, then GET / for comparison, as an anonymous learner and as a signed-in one.
Prints the median and p95 per request. The development settings apply (SQLite, local
cache) unless the environment says otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trainer.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from trainer.catalog.stages import catalog  # noqa: E402


def timed(call, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def report(name: str, times: list[float]):
    ordered = sorted(times)
    p95 = ordered[round(0.95 * (len(ordered) - 1))]
    print(f"{name:44} median {statistics.median(times):6.2f} ms   p95 {p95:6.2f} ms")


def learner(client: Client, count: int, label: str):
    page = client.get("/stages/3/").content.decode()
    data = {"yaml": catalog().stage(3).yaml + "        - protocol: TCP\n          port: 3307\n",
            "scenario": "guide"}
    found = re.search(r'name="previous"[^>]*value="([^"]*)"', page)
    if found:  # the panel's earlier evaluation, when the page carries it
        data["previous"] = unescape(found.group(1))
    headers = {"HTTP_HX_REQUEST": "true"}
    post = lambda: client.post("/stages/3/evaluate/", data, **headers)  # noqa: E731
    timed(post, 20)  # warm caches and the session
    report(f"evaluate POST /stages/3/evaluate/ ({label})", timed(post, count))
    report(f"trivial GET / ({label})", timed(lambda: client.get("/"), count))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    from django.contrib.auth import get_user_model
    from django.test.utils import override_settings

    with override_settings(RATE_LIMITS_ENABLED=False):
        learner(Client(), args.requests, "anonymous")
        user, _ = get_user_model().objects.get_or_create(username="benchmark-learner")
        client = Client()
        client.force_login(user)
        learner(client, args.requests, "signed in")


if __name__ == "__main__":
    main()
