"""The site against hostile requests: every URL of the walkthrough, the lab and accounts.

Nothing a visitor sends may produce a 500; a learner's YAML mistake is a 200
with the message in the result panel, a request no form could send is a 4xx;
every POST needs the CSRF token; user text is never echoed unescaped; no
learner sees another's work; the model answer stays hidden until a pass or
giving up. The client does not re-raise view exceptions, so a crash shows as
the 500 it would be in production, and DEBUG is off as it is there.
"""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from trainer.catalog.exercises import all_exercises
from trainer.lab.models import LabState, Submission

from .hostile import ACCEPTED, REFUSED, echo_bait

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}
SCRIPT = "<script>alert(1)</script>"
EXERCISE = next(e for e in all_exercises() if e.questions and e.hints and e.solution.strip())
QUESTION = EXERCISE.questions[0]
STAGES = range(1, 7)
WEB_REFUSED = [c for c in REFUSED if len(c[1]) < 60_000]  # the rest only meets the size cap


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False


@pytest.fixture
def web():
    return Client(raise_request_exception=False)


def body(response) -> str:
    return response.content.decode("utf-8", "replace")


def no_raw_script(response) -> None:
    """No user-supplied script survives: the pages' own <script src=...> tags are the only ones."""
    text = body(response)
    assert SCRIPT not in text
    assert "<script>" not in text and "<b>x" not in text


def lab(name: str, *args) -> str:
    return reverse(f"lab:{name}", args=[EXERCISE.id, *args])


def stage(name: str, number: int = 3) -> str:
    return reverse(f"walkthrough:{name}", args=[number])


# --- every page answers, none with a 500 -----------------------------------------------------------

GETS = [
    ("/", 200), ("/stages/", 200), *((f"/stages/{n}/", 200) for n in STAGES), ("/stages/1/download/", 200),
    ("/stages/1/?scenario=split", 200), ("/stages/0/", 404), ("/stages/7/", 404),
    ("/stages/99999999999999999999999/", 404), ("/stages/-1/", 404), ("/stages/1/?scenario=" + SCRIPT, 404),
    ("/stages/1/evaluate/", 405), ("/stages/1/explain/", 405), ("/stages/1/probe/", 405),
    ("/lab/", 200), ("/lab/progress/", 200), (f"/lab/{EXERCISE.id}/", 200), ("/lab/nope/", 404),
    ("/lab/..%2F..%2Fetc%2Fpasswd/", 404), ("/lab/%2e%2e/%2e%2e/settings.py", 404),
    ("/lab/" + "a" * 5000 + "/", 404),
    (f"/lab/{EXERCISE.id}/grade/", 405), (f"/lab/{EXERCISE.id}/terminal/", 405),
    (f"/lab/{EXERCISE.id}/hint/", 405),
    (f"/lab/{EXERCISE.id}/give-up/", 405), (f"/lab/{EXERCISE.id}/questions/{QUESTION.id}/", 405),
    ("/accounts/login/", 200), ("/accounts/signup/", 200), ("/accounts/logout/", 405),
    ("/accounts/login/?next=" + SCRIPT, 200), ("/accounts/signup/?next=javascript:alert(1)", 200),
    ("/nowhere/", 404), ("/static/../../etc/passwd", 404),
]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("path, status", GETS, ids=[g[0][:50] for g in GETS])
def test_every_get_answers_with_its_status(web, path, status, htmx):
    response = web.get(path, **(HTMX if htmx else {}))
    assert response.status_code == status
    no_raw_script(response)


def test_a_missing_page_is_the_sites_own_404_with_the_path_escaped(web):
    response = web.get("/lab/" + "x" * 20 + "/questions/%3Cscript%3Ealert(1)%3C%2Fscript%3E/")
    text = body(response)
    assert response.status_code == 404
    assert "Page not found" in text and 'href="/lab/"' in text  # the site's page, with its navigation
    assert "<script>alert" not in text


def test_the_500_page_needs_no_request_context():
    from django.template import loader

    text = loader.get_template("500.html").render({})
    assert "Something went wrong on our side" in text and 'href="/stages/"' in text


def test_a_view_that_crashes_gives_the_sites_500_page(web, monkeypatch):
    from trainer.lab import views

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "store_for", boom)
    response = web.get(lab("exercise"))
    assert response.status_code == 500
    assert "Something went wrong on our side" in body(response) and "boom" not in body(response)


# --- CSRF on every POST -----------------------------------------------------------------------------

POSTS = [
    *(stage(name, n) for n in (1, 6) for name in ("evaluate", "explain", "probe", "download")),
    lab("grade"), lab("terminal"), lab("hint"), lab("give_up"), lab("question", QUESTION.id),
    "/accounts/login/", "/accounts/signup/", "/accounts/logout/",
    # Drafts, share links and the playground
    stage("reset", 3), lab("draft"), lab("reset"),
    "/playground/evaluate/", "/playground/explain/", "/playground/probe/", "/playground/reset/",
    "/s/new/stage/3/", f"/s/new/exercise/{EXERCISE.id}/", "/s/new/playground/",
]


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("path", POSTS)
def test_every_post_needs_the_csrf_token(csrf_client, path, htmx):
    data = {"yaml": "a: 1", "answer": "a: 1", "command": "kubectl get pods", "picked": "0",
            "cell": "prod/web>prod/db>3306/TCP", "username": "u", "password": "p"}
    response = csrf_client.post(path, data, **(HTMX if htmx else {}))
    assert response.status_code == 403
    assert Submission.objects.count() == 0 and LabState.objects.count() == 0


def test_a_token_from_the_page_is_accepted(csrf_client):
    csrf_client.get(lab("exercise"))
    token = csrf_client.cookies["csrftoken"].value
    response = csrf_client.post(lab("hint"), {"csrfmiddlewaretoken": token}, **HTMX)
    assert response.status_code == 200


# --- hostile YAML in the walkthrough: a message in the panel, never a 500 ----------------------------

@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name, data, fragment", WEB_REFUSED, ids=[c[0] for c in WEB_REFUSED])
def test_hostile_yaml_in_a_stage_editor_is_shown_as_a_problem(web, name, data, fragment, htmx):
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    response = web.post(stage("evaluate"), {"yaml": text, "scenario": ""}, **(HTMX if htmx else {}))
    assert response.status_code == 200
    if isinstance(data, str):  # a byte stream arrives as text with U+FFFD: other messages then
        assert html.escape(fragment.split(":1: ")[-1], quote=True) in body(response) or ":1: " in fragment
    assert "problem" in body(response)
    no_raw_script(response)


@pytest.mark.parametrize("endpoint", ["explain", "probe", "download"])
@pytest.mark.parametrize("name, data, fragment", WEB_REFUSED[:12], ids=[c[0] for c in WEB_REFUSED[:12]])
def test_hostile_yaml_with_a_cell_or_a_probe(web, endpoint, name, data, fragment):
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    form = {"yaml": text, "cell": "prod/web>prod/db>3306/TCP",
            "probe_from": "prod/web", "probe_to": "prod/db", "probe_port": "3306", "probe_protocol": "TCP"}
    for headers in ({}, HTMX):
        response = web.post(stage(endpoint), form, **headers)
        assert response.status_code == 200
        no_raw_script(response)


@pytest.mark.parametrize("name, data, forbidden", echo_bait(20_000), ids=[b[0] for b in echo_bait(1)])
def test_names_and_keys_in_a_stage_editor_come_back_escaped_and_clipped(web, name, data, forbidden):
    for headers in ({}, HTMX):
        response = web.post(stage("evaluate"), {"yaml": data, "scenario": ""}, **headers)
        assert response.status_code == 200
        no_raw_script(response)
        problems = body(response).split('<ul class="problems">', 1)[-1].split("</ul>", 1)[0]
        assert forbidden not in problems
        if forbidden != "<script>":  # escaped, a script tag is just text; the rest must be cut or escaped
            assert html.escape(forbidden) not in problems


def test_input_past_the_size_limit_is_a_message(web):
    response = web.post(stage("evaluate"), {"yaml": "# " + "x" * 70_000, "scenario": ""}, **HTMX)
    assert response.status_code == 200 and "the limit is 65536 bytes" in body(response)


@pytest.mark.parametrize("name, data", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_what_kubectl_reads_evaluates_in_a_stage(web, name, data):
    response = web.post(stage("evaluate"), {"yaml": data, "scenario": ""}, **HTMX)
    assert response.status_code == 200 and "problem" not in body(response).split("</h2>")[0]


# --- malformed requests to the walkthrough: 4xx ------------------------------------------------------

@pytest.mark.parametrize("endpoint", ["evaluate", "explain", "probe", "download"])
@pytest.mark.parametrize("form", [
    {},
    {"scenario": ""},
    {"yaml": "a: 1", "scenario": "nope"},
    {"yaml": "a: 1", "scenario": SCRIPT},
], ids=["empty", "no-yaml", "unknown-scenario", "script-scenario"])
def test_a_stage_post_no_form_could_send_is_a_400(web, endpoint, form):
    for headers in ({}, HTMX):
        response = web.post(stage(endpoint), form, **headers)
        assert response.status_code == 400
        no_raw_script(response)


@pytest.mark.parametrize("cell", ["", "a>b", "a>b>123456/TCP", "a>b>80/ICMP", "x" * 1000,
                                  SCRIPT + ">prod/db>80/TCP", "prod/web>prod/db>80/tcp", "a b>c>80/TCP"])
def test_a_malformed_cell_is_a_400(web, cell):
    for headers in ({}, HTMX):
        response = web.post(stage("explain"), {"yaml": "", "cell": cell}, **headers)
        assert response.status_code == 400
        no_raw_script(response)


@pytest.mark.parametrize("probe", [
    {"probe_from": SCRIPT, "probe_to": "prod/db", "probe_port": "3306"},
    {"probe_from": "prod/web", "probe_to": "prod/db", "probe_port": "9" * 299},
    {"probe_from": "prod/web", "probe_to": "prod/db", "probe_port": "0"},
    {"probe_from": "prod/web", "probe_to": "prod/db", "probe_port": "80", "probe_protocol": SCRIPT},
    {"probe_from": "::1", "probe_to": "prod/db", "probe_port": "80"},
    {"probe_from": "fe80::1%eth0", "probe_to": "prod/db", "probe_port": "80"},
    {"probe_from": "1.2.3.4", "probe_to": "5.6.7.8", "probe_port": "80"},
    {"probe_from": "prod/db", "probe_to": "prod/db", "probe_port": "3306"},
    {"probe_from": "x" * 5000, "probe_to": "prod/db", "probe_port": "80"},
    {},
], ids=["script", "long-port", "port-0", "script-protocol", "ipv6", "zone", "two-hosts", "self", "long-name",
        "none"])
def test_odd_probes_get_an_answer_or_a_message(web, probe):
    for headers in ({}, HTMX):
        response = web.post(stage("probe"), {"yaml": "", **probe}, **headers)
        assert response.status_code == 200
        no_raw_script(response)


@pytest.mark.parametrize("endpoint", ["explain", "probe"])
def test_a_posted_previous_evaluation_is_ignored_the_server_keeps_its_own(web, endpoint):
    form = {"yaml": "a", "previous": "\x00" * 300_000, "cell": "prod/web>prod/db>3306/TCP",
            "probe_from": "prod/web", "probe_to": "prod/db", "probe_port": "3306"}
    assert web.post(stage(endpoint), form, **HTMX).status_code == 200
    assert web.post(stage(endpoint), form).status_code == 200


def test_a_stage_editor_full_of_pods_gets_a_bounded_panel(web):
    pods = "".join(f"--- {{apiVersion: v1, kind: Pod, metadata: {{name: p{i}}}, "
                   f"spec: {{containers: [{{ports: [{{containerPort: {1000 + i}}}]}}]}}}}\n"
                   for i in range(100))
    response = web.post(stage("evaluate"), {"yaml": pods, "scenario": ""}, **HTMX)
    assert response.status_code == 200
    assert len(response.content) < 2_000_000


def test_the_largest_panel_is_remembered_for_the_next_diff(web):
    # 30 more pods: (9 + 30) endpoints squared on the scenario's 3 ports, just under the panel's 5,000.
    pods = "".join(f"--- {{apiVersion: v1, kind: Pod, metadata: {{name: p{i}}}, "
                   f"spec: {{containers: [{{ports: [{{containerPort: {1000 + i}}}]}}]}}}}\n"
                   for i in range(30))
    web.get(stage("stage"))
    assert web.post(stage("evaluate"), {"yaml": pods, "scenario": ""}, **HTMX).status_code == 200
    again = web.post(stage("evaluate"), {"yaml": pods + "# edited\n", "scenario": ""}, **HTMX)
    assert again.status_code == 200 and "No connection changed since your previous evaluation." in body(again)


@pytest.mark.parametrize("port", ["\u0663", "\uff13", "1_000"])
def test_a_probe_port_is_ascii_digits(web, port):
    form = {"yaml": "", "probe_from": "prod/web", "probe_to": "prod/db", "probe_port": port}
    response = web.post(stage("probe"), form, **HTMX)
    assert response.status_code == 200
    assert "The port must be a number from 1 to 65535" in body(response)


# --- raw bodies -----------------------------------------------------------------------------------------

RAW = [
    (b"yaml=%FF%FE%00&scenario=", "application/x-www-form-urlencoded"),
    (b"\xff\xfe\x00yaml=\xff", "application/x-www-form-urlencoded"),
    (b"yaml=a&scenario=&yaml=b&yaml=" + b"c" * 100, "application/x-www-form-urlencoded"),
    (b"yaml=a&" + b"&".join(b"f%d=1" % i for i in range(2000)), "application/x-www-form-urlencoded"),
    (b"yaml=" + b"x" * 3_000_000, "application/x-www-form-urlencoded"),
    (b'{"yaml": "a: 1"}', "application/json"),
    (b'--b\r\nContent-Disposition: form-data; name="yaml"\r\n\r\n\xff\xfe\r\n--b--\r\n',
     "multipart/form-data; boundary=b"),
    (b"garbage", "multipart/form-data; boundary=b"),
    (b"garbage", "multipart/form-data"),
    (b"yaml=a&scenario=", "application/x-www-form-urlencoded; charset=nonsense"),
    (b"answer=%FF&yaml=%FF", "application/x-www-form-urlencoded; charset=utf-16"),
]
RAW_URLS = [stage("evaluate"), stage("probe"), lab("grade"), lab("terminal"), lab("question", QUESTION.id),
            "/accounts/login/", "/accounts/signup/"]


@pytest.mark.parametrize("url", RAW_URLS)
@pytest.mark.parametrize("data, content_type", RAW, ids=[f"raw{i}" for i in range(len(RAW))])
def test_raw_bodies_are_answered_never_with_a_500(web, url, data, content_type):
    for headers in ({}, HTMX):
        response = web.generic("POST", url, data, content_type=content_type, **headers)
        assert response.status_code < 500, (response.status_code, body(response)[:300])


def test_a_body_past_djangos_upload_limit_is_a_400(web):
    response = web.generic("POST", lab("grade"), b"answer=" + b"x" * 3_000_000,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400


# --- the lab ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
@pytest.mark.parametrize("name, data, fragment", WEB_REFUSED, ids=[c[0] for c in WEB_REFUSED])
def test_hostile_yaml_in_the_lab_is_a_message_not_an_attempt(web, alice, name, data, fragment, htmx):
    web.force_login(alice)
    text = data if isinstance(data, str) else data.decode("utf-8", "replace")
    response = web.post(lab("grade"), {"answer": text}, **(HTMX if htmx else {}))
    assert response.status_code == 200
    assert "cannot be applied" in body(response) or "Null characters are not allowed" in body(response)
    no_raw_script(response)
    assert Submission.objects.count() == 0


@pytest.mark.parametrize("name, data, forbidden", echo_bait(20_000), ids=[b[0] for b in echo_bait(1)])
def test_names_and_keys_in_the_lab_come_back_escaped_and_clipped(web, name, data, forbidden):
    response = web.post(lab("grade"), {"answer": data}, **HTMX)
    assert response.status_code == 200
    no_raw_script(response)
    problems = body(response).split('<ul class="problems">', 1)[-1].split("</ul>", 1)[0]
    assert forbidden not in problems
    if forbidden != "<script>":
        assert html.escape(forbidden) not in problems


def test_hundreds_of_problems_are_summed_up(web):
    answer = "".join(f"--- {{apiVersion: v1, kind: Namespace, metadata: {{name: B_{i}}}}}\n"
                     for i in range(400))
    response = web.post(lab("grade"), {"answer": answer}, **HTMX)
    text = body(response)
    assert response.status_code == 200
    assert text.count("<li>") <= 60 and "more problems" in text


@pytest.mark.parametrize("form", [
    {}, {"answer": ""}, {"answer": " \n\t "}, {"answer": "x" * 70_000}, {"answer": "\x00"},
    {"answer": "é" * 40_000}, {"answer": ["a: 1", "b: 2"]},
], ids=["none", "empty", "blank", "too-long", "nul", "multibyte-past-limit", "repeated"])
def test_odd_answers_get_a_message(web, alice, form):
    web.force_login(alice)  # the database store: PostgreSQL refuses NUL in text
    for headers in ({}, HTMX):
        response = web.post(lab("grade"), form, **headers)
        assert response.status_code == 200
        assert 'class="panel-title bad"' in body(response)
    assert Submission.objects.count() == 0


COMMANDS = [
    "", "   ", "kubectl", "kubectl get pods -A", f"kubectl get pods -l '{SCRIPT}'",
    f"kubectl describe netpol {SCRIPT}",
    f"kubectl exec -n shop web -- nc -zv -w 2 {SCRIPT} 80", f"kubectl exec -n shop web -- curl http://{SCRIPT}",
    f"echo {SCRIPT}", f"kubectl label ns shop a={SCRIPT}", "kubectl label pod db -n shop 'x=\x1b[31m'",
    "x" * 5000, "kubectl get pods -n " + "a" * 300, f"kubectl delete netpol {SCRIPT} -n shop",
    "kubectl exec -n shop web -- nc -zv -w 2 10.1.0.10 " + "9" * 5000,
    "kubectl exec -n shop web -- nc -zv -w 2 10.1.0.10 \u0663",
    "kubectl get pods -l 'a in (" + ",".join(["b"] * 3000) + ")'", "kubectl get pods -l " + "a=b," * 1000,
    "kubectl apply -f /etc/passwd", "cat /etc/passwd", "$(reboot)", "`id`",
    "kubectl get po -A -o yaml --show-labels",
    "kubectl apply -f - <<EOF", "'unterminated", "kubectl get pods -o jsonpath='{..}'", "\x00kubectl",
]


@pytest.mark.parametrize("command", COMMANDS, ids=[f"cmd{i}" for i in range(len(COMMANDS))])
def test_hostile_terminal_commands_get_output_never_a_500(web, alice, command):
    web.force_login(alice)
    response = web.post(lab("terminal"), {"command": command}, **HTMX)
    assert response.status_code == 200
    no_raw_script(response)
    assert web.post(lab("terminal"), {"command": command}).status_code == 302
    assert SCRIPT not in body(web.get(lab("exercise")))


def test_terminal_apply_of_hostile_yaml(web, alice):
    web.force_login(alice)
    for name, data, _ in WEB_REFUSED + [(b[0], b[1], "") for b in echo_bait(20_000)]:
        text = data if isinstance(data, str) else data.decode("utf-8", "replace")
        response = web.post(lab("terminal"), {"command": "kubectl apply -f -", "answer": text}, **HTMX)
        assert response.status_code == 200, name
        no_raw_script(response)


@pytest.mark.parametrize("picked", ["99", "-1", ["0", "0", "1"], SCRIPT, "", "0" * 5000, "1e9", "\x00"])
def test_odd_question_answers_get_a_message(web, alice, picked):
    web.force_login(alice)
    for headers in ({}, HTMX):
        response = web.post(lab("question", QUESTION.id), {"picked": picked}, **headers)
        assert response.status_code == 200 or response.status_code == 302 and not headers
        no_raw_script(response)


@pytest.mark.parametrize("slug", ["nope", "a" * 3000, "..", "lab-db-from-api%00"])
@pytest.mark.parametrize("endpoint", ["grade", "terminal", "hint", "give-up", "questions/x"])
def test_unknown_exercises_are_404s_on_every_post(web, slug, endpoint):
    response = web.post(f"/lab/{slug}/{endpoint}/", {"answer": "a: 1", "command": "ls"})
    assert response.status_code == 404


def test_an_unknown_question_is_a_404(web):
    assert web.post(lab("question", "nope"), {"picked": "0"}).status_code == 404


# --- the model answer stays hidden -------------------------------------------------------------------

def _solution_shown(text: str, exercise) -> bool:
    return "model-answer" in text or html.escape(exercise.solution.strip()) in text


@pytest.mark.parametrize("exercise", [e for e in all_exercises() if e.solution.strip()], ids=lambda e: e.id)
def test_no_response_carries_the_model_answer_before_a_pass_or_giving_up(web, exercise):
    def url(name, *args):
        return reverse(f"lab:{name}", args=[exercise.id, *args])

    seen = [web.get(url("exercise")), web.get(url("exercise"), **HTMX), web.get(reverse("lab:progress")),
            web.post(url("grade"), {"answer": exercise.starter or "a: 1"}, **HTMX),
            web.post(url("grade"), {"answer": "apiVersion: v1"}),
            web.post(url("hint"), **HTMX), web.post(url("hint"), follow=True)]
    for command in ("kubectl get netpol -A -o yaml", "kubectl describe netpol -A", "kubectl get all -A",
                    "history", "kubectl apply -f -"):
        seen.append(web.post(url("terminal"), {"command": command}, **HTMX))
    for q in exercise.questions:
        seen.append(web.post(url("question", q.id), {"picked": "0"}, **HTMX))
    for response in seen:
        assert not _solution_shown(body(response), exercise), response.request["PATH_INFO"]
    response = web.post(url("give_up"), **HTMX)
    assert "model-answer" in body(response)
    assert "model-answer" in body(web.get(url("exercise")))


# --- no learner sees another's work -------------------------------------------------------------------

MARKER = "marker-7f3a9c"


def _work(client):
    answer = f"# {MARKER}\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n" \
             f"metadata: {{name: {MARKER}, namespace: shop}}\nspec: {{podSelector: {{}}}}\n"
    client.post(lab("grade"), {"answer": answer}, **HTMX)
    client.post(lab("terminal"), {"command": f"kubectl label ns shop owner={MARKER}"}, **HTMX)
    client.post(lab("terminal"), {"command": "kubectl apply -f -", "answer": answer}, **HTMX)
    client.post(lab("hint"), **HTMX)
    client.post(lab("give_up"), **HTMX)


def _everything(client) -> str:
    pages = [client.get(lab("exercise")), client.get(reverse("lab:progress")),
             client.get(reverse("lab:index")),
             client.post(lab("terminal"), {"command": "kubectl get netpol -A"}, **HTMX),
             client.post(lab("terminal"), {"command": "kubectl get ns --show-labels"}, **HTMX),
             client.post(lab("terminal"), {"command": "history"}, **HTMX)]
    return "".join(body(p) for p in pages)


def test_a_signed_in_learners_work_is_theirs_alone(alice, charlie):
    mine, other, anonymous = Client(), Client(), Client()
    mine.force_login(alice)
    other.force_login(charlie)
    _work(mine)
    assert MARKER in _everything(mine) and "model-answer" in body(mine.get(lab("exercise")))
    for client in (other, anonymous):
        text = _everything(client)
        assert MARKER not in text and "model-answer" not in text


def test_an_anonymous_learners_work_is_theirs_alone(alice):
    mine, other, signed_in = Client(), Client(), Client()
    signed_in.force_login(alice)
    _work(mine)
    assert MARKER in _everything(mine)
    for client in (other, signed_in):
        assert MARKER not in _everything(client)


def test_signing_out_leaves_the_work_with_the_account(alice):
    client = Client()
    client.force_login(alice)
    _work(client)
    client.post("/accounts/logout/")
    assert MARKER not in _everything(client)


# --- accounts -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("form", [
    {},
    {"username": SCRIPT, "password1": "x", "password2": "y"},
    {"username": "u" * 5000, "email": "x", "password1": "Secr3t-pass!", "password2": "Secr3t-pass!"},
    {"username": "a\x00b", "password1": "Secr3t-pass!", "password2": "Secr3t-pass!"},
    {"username": ["a", "b"], "password1": "p"},
    {"username": "eve", "email": SCRIPT, "password1": "Secr3t-pass!", "password2": "Secr3t-pass!"},
], ids=["empty", "script", "long", "nul", "repeated", "script-email"])
def test_signup_with_bad_fields_shows_the_form_again(web, form):
    for headers in ({}, HTMX):
        response = web.post("/accounts/signup/", form, **headers)
        assert response.status_code == 200
        no_raw_script(response)


def test_signing_up_makes_a_learner_whatever_the_form_says(web, django_user_model):
    response = web.post("/accounts/signup/", {"username": "mallory", "email": "m@example.org",
                                              "role": "instructor", "is_staff": "on", "is_superuser": "on",
                                              "password1": "Secr3t-pass!", "password2": "Secr3t-pass!"})
    assert response.status_code == 302
    user = django_user_model.objects.get(username="mallory")
    assert (user.role, user.is_staff, user.is_superuser) == ("learner", False, False)


@pytest.mark.parametrize("username, password",
                         [("", ""), ("\x00", "\x00"), (SCRIPT, "x"), ("u" * 5000, "p" * 5000)])
def test_login_with_bad_fields_shows_the_form_again(web, username, password):
    response = web.post("/accounts/login/", {"username": username, "password": password})
    assert response.status_code == 200
    no_raw_script(response)


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example/", "javascript:alert(1)",
                                    "/\\evil.example", "\x00/lab/"])
def test_sign_up_and_sign_in_never_redirect_off_site(web, alice, target):
    response = web.post("/accounts/signup/", {"username": "eve", "email": "eve@example.org",
                                              "password1": "Secr3t-pass!", "password2": "Secr3t-pass!",
                                              "next": target})
    assert response.status_code == 302 and response["Location"] == "/"
    web.post("/accounts/logout/")
    response = web.post(f"/accounts/login/?next={target}",
                        {"username": "alice", "password": "alice-password-1"})
    assert response.status_code == 302 and response["Location"] == "/"
