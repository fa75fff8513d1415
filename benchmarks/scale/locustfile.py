"""Simulated learners for the scale test (benchmarks/scale/run.py starts locust on this file).

Each learner is a browser of its own: its cookies, the CSRF token of the last page, htmx's
headers. Some sign in at the start (with accounts run.py made); all then type in the stage
editor, grade lab answers, use the terminal and take exams, pausing as people do.

Every request is written to REQUEST_LOG (one JSON line: time, endpoint, milliseconds,
status, error) and every write the server acknowledged to ACK_LOG, so that run.py can compute
the figures per fault window and check afterwards that nothing acknowledged was lost.

To add a kind of visitor: subclass Visitor, give it its own @task methods, a `weight` (or a
`fixed_count`), and log what it must find again with `acknowledge`. Instructors come in a
fixed number (run.py's --instructors) beside the learners, each polling their class's live
dashboard as the page does, and now and then the misconceptions and the gradebook.
"""

from __future__ import annotations

import json
import os
import random
import re
import time

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

DATA = json.loads(open(os.environ["SCALE_DATA"]).read())
REQUEST_LOG = open(os.environ["REQUEST_LOG"], "a", buffering=1)
ACK_LOG = open(os.environ["ACK_LOG"], "a", buffering=1)
TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
QUIZ_URL = re.compile(r"/quizzes/([0-9a-f-]{36})/q/(\d+)/$")
CHOICE = re.compile(r'name="choice" id="choice-(\w)"')
ACCOUNTS = list(DATA["accounts"])
INSTRUCTORS = list(DATA.get("instructors") or [])


@events.request.add_listener
def log_request(request_type, name, response_time, response_length, response=None, exception=None, **kwargs):
    status = getattr(response, "status_code", 0) or 0
    error = str(exception)[:120] if exception else ""
    REQUEST_LOG.write(json.dumps({"t": time.time(), "name": name, "ms": round(response_time, 2),
                                  "status": status, "error": error}) + "\n")


def acknowledge(kind: str, **facts) -> None:
    ACK_LOG.write(json.dumps({"t": time.time(), "kind": kind, **facts}) + "\n")


class Visitor(FastHttpUser):
    """A browser: cookies (FastHttpSession keeps them), the CSRF token, htmx headers."""

    abstract = True
    insecure = True  # the scale test's own self-signed certificate on 127.0.0.1
    token = ""

    def page(self, path: str, name: str):
        with self.client.get(path, name=name, catch_response=True) as response:
            found = TOKEN.search(response.text or "")
            if found:
                self.token = found.group(1)
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            return response

    def post(self, path: str, data: dict, name: str, *, htmx: bool = True, expect=(200,),
             target: str = "result"):
        headers = {"X-CSRFToken": self.token, "Referer": self.host + path,
                   "Content-Type": "application/x-www-form-urlencoded"}
        if htmx:
            headers.update({"HX-Request": "true", "HX-Target": target})
        body = "&".join(f"{k}={_quote(v)}" for k, v in data.items())
        with self.client.post(path, data=body, headers=headers, name=name, allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code not in expect:
                response.failure(f"status {response.status_code}")
            return response


    def fragment(self, path: str, name: str):
        """A GET as htmx polling sends it."""
        headers = {"HX-Request": "true"}
        with self.client.get(path, name=name, headers=headers, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            return response

    def sign_in(self, username: str) -> bool:
        self.page("/accounts/login/", "/accounts/login/")
        response = self.post("/accounts/login/", {"username": username, "password": DATA["password"]},
                             "/accounts/login/ POST", htmx=False, expect=(302,))
        if response.status_code == 302:
            self.page("/", "/")  # a new session: a new token
            return True
        return False


def _quote(value) -> str:
    from urllib.parse import quote_plus

    return quote_plus(str(value))


class Learner(Visitor):
    weight = 10
    wait_time = between(1, 4)

    def on_start(self):
        self.username = None
        self.exam = None  # (attempt id, positions left)
        self.stage = random.choice(DATA["stages"])
        self.exercise = random.choice(DATA["exercises"])
        self.page("/", "/")
        if ACCOUNTS and random.random() < DATA["signed_in_share"]:
            self.sign_in(ACCOUNTS.pop())

    def sign_in(self, username: str):
        if super().sign_in(username):
            self.username = username

    @task(6)
    def type_in_the_stage_editor(self):
        """Open a stage and type: an evaluate after each pause, as the editor posts them."""
        number, text = self.stage["number"], self.stage["yaml"]
        self.page(f"/stages/{number}/", "/stages/N/")
        for n in range(random.randint(3, 8)):
            edited = text + f"\n# edit {n}\n"
            self.post(f"/stages/{number}/evaluate/", {"yaml": edited, "previous": "", "scenario": ""},
                      "/stages/N/evaluate/")
            time.sleep(random.uniform(0.5, 1.5))  # typing, then the editor's 500 ms pause

    @task(2)
    def grade_a_lab_answer(self):
        slug = self.exercise["id"]
        self.page(f"/lab/{slug}/", "/lab/E/")
        answer = random.choice([self.exercise["starter"], self.exercise["solution"]]) or "a: 1"
        response = self.post(f"/lab/{slug}/grade/", {"answer": answer}, "/lab/E/grade/")
        if response.status_code == 200 and self.username:
            acknowledge("lab-grade", user=self.username, exercise=slug)

    @task(2)
    def use_the_terminal(self):
        slug = self.exercise["id"]
        command = random.choice(["kubectl get pods -A", "kubectl get netpol -A",
                                 "kubectl describe netpol -n prod", "kubectl get ns --show-labels"])
        self.post(f"/lab/{slug}/terminal/", {"command": command}, "/lab/E/terminal/", target="scrollback")

    @task(3)
    def take_an_exam(self):
        """Start an exam if none is open, then answer its next question; submit after the last."""
        if self.exam is None:
            response = self.post("/quizzes/start/", {"mode": "exam", "preset": "exam-20"}, "/quizzes/start/",
                                 htmx=False, expect=(302,))
            location = response.headers.get("Location", "") if response.status_code == 302 else ""
            found = QUIZ_URL.search(location)
            if not found:
                return
            self.exam = (found.group(1), list(range(1, DATA["exam_questions_answered"] + 1)))
            acknowledge("quiz-start", attempt=found.group(1))
        attempt, left = self.exam
        if left:
            position = left.pop(0)
            question = self.page(f"/quizzes/{attempt}/q/{position}/", "/quizzes/A/q/N/")
            letters = CHOICE.findall(question.text or "")
            if letters:
                letter = random.choice(letters)
                response = self.post(f"/quizzes/{attempt}/q/{position}/answer/", {"choice": letter},
                                     "/quizzes/A/q/N/answer/", target="saved")
                if response.status_code == 200:
                    acknowledge("quiz-answer", attempt=attempt, position=position, answer=letter)
        if not left:  # submitted now, or at the next turn if this submit fails
            response = self.post(f"/quizzes/{attempt}/submit/", {}, "/quizzes/A/submit/",
                                 htmx=False, expect=(302,))
            if response.status_code == 302 and "/results/" in response.headers.get("Location", ""):
                acknowledge("quiz-submit", attempt=attempt)
                self.exam = None


class Instructor(Visitor):
    """Follows the class live: the dashboard's rows every 5 s, as its htmx poll asks them."""

    fixed_count = len(INSTRUCTORS)
    wait_time = between(4.5, 5.5)

    def on_start(self):
        self.dashboard = f"/classes/{DATA['classroom']}/dashboard/"
        if INSTRUCTORS:
            self.sign_in(INSTRUCTORS.pop())
        self.page(self.dashboard, "/classes/C/dashboard/")

    @task(12)
    def poll_the_dashboard(self):
        self.fragment(self.dashboard, "/classes/C/dashboard/ poll")

    @task(1)
    def look_at_the_misconceptions(self):
        self.page(f"/classes/{DATA['classroom']}/mistakes/", "/classes/C/mistakes/")

    @task(1)
    def look_at_the_gradebook(self):
        self.page(f"/classes/{DATA['classroom']}/gradebook/", "/classes/C/gradebook/")
