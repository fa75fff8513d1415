"""The lab's pages: full pages and htmx fragments, privacy, the hidden model answer, the terminal's state."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from trainer.catalog.exercises import all_exercises, get_exercise
from trainer.lab.models import LabState, QuestionAnswer, Submission

from .lab_fixtures import SOLUTION, STARTER, install

pytestmark = pytest.mark.django_db
SLUG = "lab-db-from-api"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def exercise(tmp_path, settings):
    install(tmp_path, settings)
    return get_exercise(SLUG)


def url(name, *args):
    return reverse(f"lab:{name}", args=args)


def page(client) -> str:
    response = client.get(url("exercise", SLUG))
    assert response.status_code == 200
    return response.content.decode()


def grade(client, answer, htmx=True):
    return client.post(url("grade", SLUG), {"answer": answer}, **(HTMX if htmx else {}))


def command(client, line, answer=None):
    data = {"command": line} if answer is None else {"command": line, "answer": answer}
    response = client.post(url("terminal", SLUG), data, **HTMX)
    assert response.status_code == 200
    return response.content.decode()


def login(client, user):
    client.force_login(user)
    return client


# --- pages render --------------------------------------------------------------------------

def test_index_lists_the_exercises_grouped_with_passed_marks(client, exercise):
    html = client.get(url("index")).content.decode()
    assert exercise.title in html and "Stage 3" in html
    assert "tag yes" not in html
    grade(client, SOLUTION)
    assert '<span class="tag yes">Passed</span>' in client.get(url("index")).content.decode()


def test_exercise_page_shows_task_cluster_editor_terminal_and_questions(client, exercise):
    html = page(client)
    assert "<strong>only</strong> <code>prod/api-pod</code>" in html  # the task's markup
    assert "<li>Nothing else may reach <code>prod/db</code>.</li>" in html
    assert "<code>prod/db</code>" in html and "10.1.0.10" in html and "role=db" in html
    assert escape(STARTER) in html  # the editor starts from the starter
    assert 'name="command"' in html and 'hx-post="/lab/lab-db-from-api/terminal/"' in html
    assert "How many NetworkPolicies are in <code>prod</code> before you start?" in html
    assert "csrfmiddlewaretoken" in html


def test_exercise_page_says_how_answers_are_graded_and_where_pods_get_addresses(client, exercise):
    html = " ".join(page(client).split())
    assert "How your answer is graded" in html
    assert "any pod that could be started later" in html and "Cilium" in html
    assert "Pods get their addresses from <code>10.0.0.0/14</code>" in html


def test_the_diagnosis_comes_before_the_connections(client, exercise):
    html = grade(client, STARTER).content.decode()
    assert html.index("What went wrong") < html.index('class="checks"')


@pytest.mark.parametrize("slug", [e.id for e in all_exercises()])
def test_every_real_exercise_page_renders_without_its_answer(client, slug):
    html = client.get(url("exercise", slug)).content.decode()
    real = get_exercise(slug)
    assert real.title in html or escape(real.title) in html
    assert escape(real.solution.strip()) not in html


def test_unknown_exercise_and_question_are_404s(client, exercise):
    assert client.get(url("exercise", "no-such-thing")).status_code == 404
    assert client.post(url("question", SLUG, "no-such-question"), {"picked": "0"}).status_code == 404
    assert client.get(url("grade", SLUG)).status_code == 405


# --- grading -------------------------------------------------------------------------------

def test_htmx_gets_only_the_result_fragment_and_a_plain_post_the_page(client, exercise):
    fragment = grade(client, STARTER).content.decode()
    assert fragment.lstrip().startswith('<div id="grade"') and "<html" not in fragment
    assert "Not yet" in fragment
    whole = grade(client, STARTER, htmx=False).content.decode()
    assert whole.startswith("<!doctype html>") and 'id="grade"' in whole and "Not yet" in whole


def test_a_pass_is_recorded_and_reveals_the_model_answer_out_of_band(client, exercise):
    fragment = grade(client, SOLUTION).content.decode()
    assert "Passed" in fragment and "score 100/100" in fragment
    assert 'id="solution" class="solution" hx-swap-oob="true"' in fragment
    assert escape(exercise.solution) in fragment
    assert escape(exercise.solution) in page(client)


def test_yaml_errors_are_messages_with_lines_not_attempts(client, exercise, alice):
    login(client, alice)
    answer = "apiVersion: v1\nkind: NetworkPolicy\nmetadata:\n  name: x\n   bad: 1\n"
    fragment = grade(client, answer).content.decode()
    assert "The YAML cannot be applied" in fragment and 'data-error-lines="5"' in fragment
    assert '<span class="line-ref">Line 5</span>' in fragment  # the panel's own list of problems
    assert grade(client, "   ").content.decode().count("Write your NetworkPolicy in the editor first.") == 1
    assert "longer than 64 KiB" in grade(client, "#" * 70_000).content.decode()
    assert not Submission.objects.exists()


def test_hostile_yaml_gets_a_message(client, exercise):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True))
    response = grade(client, bomb)
    assert response.status_code == 200 and "The YAML cannot be applied" in response.content.decode()
    response = grade(client, "<script>alert(1)</script>: x")
    assert "<script>alert" not in response.content.decode()


def test_a_grader_failure_is_a_message_not_a_500(client, exercise, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("trainer.grading.grade", broken)
    response = grade(client, SOLUTION)
    assert response.status_code == 200 and "the failure has been logged" in response.content.decode()


def test_signed_in_attempts_are_stored_with_the_diagnosis(client, exercise, alice):
    login(client, alice)
    grade(client, STARTER)
    grade(client, SOLUTION)
    first, second = Submission.objects.filter(user=alice).order_by("created_at", "id")
    assert (first.exercise, first.passed, second.passed, second.score) == (SLUG, False, True, 100)
    assert first.answer == STARTER and first.failed_checks
    assert first.mistakes and len(first.mistakes) == len(first.diagnoses) and second.mistakes == []
    lab = LabState.objects.get(user=alice, exercise=SLUG)
    assert lab.draft == SOLUTION and lab.graded == 2


def test_another_learners_attempts_are_never_visible(client, exercise, alice, charlie):
    secret = SOLUTION + "# alice-was-here-7731\n"
    login(client, alice)
    grade(client, secret)
    assert "alice-was-here-7731" in client.get(url("progress")).content.decode()
    assert "alice-was-here-7731" in page(client)  # her own draft
    client.logout()
    for viewer in (charlie, None):
        if viewer:
            login(client, viewer)
        assert "alice-was-here-7731" not in client.get(url("progress")).content.decode()
        html = page(client)
        assert "alice-was-here-7731" not in html and "Passed</span>" not in html
        assert escape(exercise.solution) not in html  # alice's pass reveals nothing to others


# --- hints and the model answer -------------------------------------------------------------

def test_hints_come_one_at_a_time(client, exercise):
    first, second = exercise.hints
    html = page(client)
    assert "First hint" not in html and "Second hint" not in html
    fragment = client.post(url("hint", SLUG), **HTMX).content.decode()
    assert fragment.lstrip().startswith('<section id="hints"') and "First hint" in fragment
    assert "Second hint" not in fragment
    client.post(url("hint", SLUG), **HTMX)
    html = page(client)
    assert "First hint" in html and "Second hint" in html and "That was the last hint." in html
    assert client.post(url("hint", SLUG)).status_code == 302  # without htmx: back to the page


def test_the_model_answer_is_hidden_until_giving_up(client, exercise):
    assert escape(exercise.solution) not in page(client)
    assert "Give up and show the model answer" in page(client)
    fragment = client.post(url("give_up", SLUG), **HTMX).content.decode()
    assert fragment.lstrip().startswith('<section id="solution"') and escape(exercise.solution) in fragment
    assert "What it does" in fragment and "prod/db-policy selects the pods" in fragment  # notes, not YAML
    assert escape(exercise.solution) in page(client)
    assert "Answer shown" in page(client)


# --- the terminal -----------------------------------------------------------------------------

def test_terminal_returns_an_entry_and_applies_the_editors_yaml(client, exercise):
    entry = command(client, "kubectl get netpol -n prod")
    assert entry.startswith('<div class="entry">') and "web-policy" in entry and "<html" not in entry
    assert "db-policy created" in command(client, "kubectl apply -f -", answer=SOLUTION)
    assert "timed out" in command(client, "kubectl exec -n prod web -- nc -zv -w 2 db 3306")
    html = page(client)  # the transcript survives a reload, escaped
    assert "kubectl exec -n prod web -- nc -zv -w 2 db 3306" in html and "db-policy" in html


def test_terminal_state_is_per_learner(client, exercise, alice, charlie):
    login(client, alice)
    command(client, "kubectl apply -f -", answer=SOLUTION)
    assert "db-policy" in command(client, "kubectl get netpol -n prod")
    login(client, charlie)
    assert "db-policy" not in command(client, "kubectl get netpol -n prod")
    client.logout()
    assert "db-policy" not in command(client, "kubectl get netpol -n prod")
    login(client, alice)
    assert "db-policy" in command(client, "kubectl get netpol -n prod")


def test_anonymous_learners_each_have_their_own_lab(client, exercise):
    from django.test import Client

    command(client, "kubectl delete netpol web-policy -n prod")
    other = Client()
    assert "web-policy" in command(other, "kubectl get netpol -n prod")
    assert "No resources found" in command(client, "kubectl get netpol -n prod")


def test_reset_and_clear_empty_the_scrollback(client, exercise, alice):
    login(client, alice)
    command(client, "kubectl delete netpol web-policy -n prod")
    response = client.post(url("terminal", SLUG), {"command": "reset"}, **HTMX)
    assert response["HX-Retarget"] == "#scrollback" and response["HX-Reswap"] == "innerHTML"
    assert "The lab is back as the exercise starts." in response.content.decode()
    assert "web-policy" in command(client, "kubectl get netpol -n prod")
    response = client.post(url("terminal", SLUG), {"command": "clear"}, **HTMX)
    assert response["HX-Reswap"] == "innerHTML" and response.content.decode().strip() == ""
    assert LabState.objects.get(user=alice).transcript == []


def test_terminal_without_javascript_redirects_back_with_the_output_kept(client, exercise):
    response = client.post(url("terminal", SLUG), {"command": "kubectl get ns"})
    assert response.status_code == 302 and response["Location"].endswith("#terminal")
    assert "kube-system" in page(client)


def test_terminal_hostile_input_gets_a_message(client, exercise):
    assert "lab reads commands of up to" in command(client, "k " + "x" * 5000)
    assert "bash: syntax error" in command(client, "kubectl get pods -l 'x")
    out = command(client, "<script>alert(1)</script>")
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "Null characters are not allowed." in command(client, "\x00\x01")
    assert "command not found" in command(client, "\x01 \u202e")


# --- inspection questions -------------------------------------------------------------------

def test_questions_are_graded_at_once_with_their_explanation(client, exercise, alice):
    login(client, alice)
    question_url = url("question", SLUG, "policies-in-prod")
    fragment = client.post(question_url, {"picked": "2"}, **HTMX).content.decode()
    assert fragment.lstrip().startswith('<article id="question-policies-in-prod"')
    assert "Not quite." in fragment and "The answer: 1." in fragment and "lists web-policy alone" in fragment
    fragment = client.post(question_url, {"picked": "1"}, **HTMX).content.decode()
    assert "Right." in fragment
    answers = QuestionAnswer.objects.filter(user=alice).order_by("id")
    assert list(answers.values_list("correct", flat=True)) == [False, True]
    picked = {"picked": ["0", "1", "2"]}
    fragment = client.post(url("question", SLUG, "reach-web"), picked, **HTMX).content.decode()
    assert "Right." in fragment


def test_bad_question_answers_get_a_message(client, exercise):
    question_url = url("question", SLUG, "policies-in-prod")
    for data in ({}, {"picked": "99"}, {"picked": "x"}):
        response = client.post(question_url, data, **HTMX)
        assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    assert not QuestionAnswer.objects.exists()


# --- CSRF, progress, carrying work over -------------------------------------------------------

def test_csrf_is_enforced_on_every_post(csrf_client, exercise):
    posts = [(url("grade", SLUG), {"answer": SOLUTION}), (url("terminal", SLUG), {"command": "help"}),
             (url("hint", SLUG), {}), (url("give_up", SLUG), {}),
             (url("question", SLUG, "policies-in-prod"), {"picked": "1"})]
    for target, data in posts:
        assert csrf_client.post(target, data, **HTMX).status_code == 403
    csrf_client.get(url("exercise", SLUG))
    token = csrf_client.cookies["csrftoken"].value
    for target, data in posts:
        assert csrf_client.post(target, data, HTTP_X_CSRFTOKEN=token, **HTMX).status_code == 200


def test_progress_lists_attempts_newest_first(client, exercise):
    grade(client, STARTER)
    grade(client, SOLUTION)
    html = client.get(url("progress")).content.decode()
    assert "1 of 1 exercises passed" in html
    assert html.index("Passed</span>") < html.index("Not yet</span>")
    assert escape(STARTER) in html


def test_signing_in_moves_the_sessions_work_onto_the_account(client, exercise, alice):
    grade(client, STARTER)
    command(client, "kubectl delete netpol web-policy -n prod")
    client.post(url("hint", SLUG))
    client.post(url("question", SLUG, "policies-in-prod"), {"picked": "1"})
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "alice-password-1"})
    assert response.status_code == 302
    attempt = Submission.objects.get(user=alice)
    assert attempt.answer == STARTER and not attempt.passed
    lab = LabState.objects.get(user=alice, exercise=SLUG)
    assert lab.hints_shown == 1 and lab.changes["deleted"] == ["prod/web-policy"]
    assert QuestionAnswer.objects.get(user=alice).correct
    assert "lab" not in client.session
    assert "No resources found" in command(client, "kubectl get netpol -n prod")
