"""The quiz pages: starting, answering as you go, resuming, the deadline, results, and bad input."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from trainer.quizzes.models import Attempt, AttemptQuestion
from trainer.web.markup import blocks as markdown

from .conftest import HTMX, exam_of, right_letters, shown, signed_in, url, wrong_letters

pytestmark = pytest.mark.django_db


def start(client, **data) -> Attempt:
    response = client.post(reverse("quizzes:start"), data)
    assert response.status_code == 302, response.content[:300]
    pk = re.search(r"/quizzes/([0-9a-f-]{36})/q/1/$", response["Location"]).group(1)
    return Attempt.objects.get(pk=pk)


def answer(client, attempt, position, letters, **headers):
    return client.post(url("answer", attempt, position), {"choice": letters}, headers=headers)


# --- starting and the index ------------------------------------------------------------


def test_the_index_offers_both_exams_and_practice_and_lists_the_history(alice_client, alice):
    exam_of(alice)
    page = alice_client.get(reverse("quizzes:index")).content.decode()
    assert "Exam, 20 questions in 30 minutes" in page and "Mock exam, 60 questions in 90 minutes" in page
    assert "Start practice" in page and "Resume" in page


def test_an_anonymous_learner_may_take_an_exam_tied_to_the_session():
    client = Client()
    attempt = start(client, mode="exam", preset="exam-20")
    assert attempt.user is None and attempt.owner_token
    assert attempt.questions.count() == 20 and attempt.deadline is not None
    page = client.get(url("question", attempt, 1)).content.decode()
    assert 'id="timer"' in page and 'data-remaining="17' in page  # 1799 or 1800 seconds


def test_practice_on_one_topic(alice_client):
    attempt = start(alice_client, mode="practice", preset="practice-10", topic="and-or")
    assert attempt.deadline is None and "AND versus OR" in attempt.title
    assert {shown(q).topic for q in attempt.questions.all()} == {"and-or"}


@pytest.mark.parametrize("data", [
    {"mode": "exam", "preset": "exam-1000"},
    {"mode": "exam", "preset": "practice-10"},
    {"mode": "practice", "preset": "practice-10", "topic": "astrology"},
    {"mode": "practice", "preset": "x" * 5000},
    {},
])
def test_a_bad_start_request_is_a_400_with_the_form_not_a_500(alice_client, data):
    response = alice_client.post(reverse("quizzes:start"), data)
    assert response.status_code == 400
    assert b"could not be started" in response.content
    assert not Attempt.objects.exists()


# --- answering ---------------------------------------------------------------------------


def test_an_htmx_answer_is_saved_and_answered_with_the_status_and_navigator_only(alice_client, alice):
    attempt = exam_of(alice)
    q1 = attempt.questions.get(position=1)
    response = answer(alice_client, attempt, 1, right_letters(q1), **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<p id="saved"') and "Saved at" in body
    assert 'id="navigator"' in body and 'hx-swap-oob="true"' in body and "<html" not in body
    assert AttemptQuestion.objects.get(pk=q1.pk).answer == "".join(right_letters(q1))


def test_without_javascript_an_answer_posts_and_moves_on(alice_client, alice):
    attempt = exam_of(alice)
    q1 = attempt.questions.get(position=1)
    response = alice_client.post(url("answer", attempt, 1), {"choice": right_letters(q1), "then": "next"})
    assert response.status_code == 302 and response["Location"] == url("question", attempt, 2)
    assert AttemptQuestion.objects.get(pk=q1.pk).answered


def test_moving_with_htmx_returns_the_question_and_navigator_and_full_pages_otherwise(alice_client, alice):
    attempt = exam_of(alice)
    partial = alice_client.get(url("question", attempt, 3), headers=HTMX)
    assert partial.content.decode().lstrip().startswith('<section id="question"')
    assert b"Question 3 of 5" in partial.content and b"<html" not in partial.content
    assert "HX-Request" in partial["Vary"]
    full = alice_client.get(url("question", attempt, 3))
    assert b"<html" in full.content and b"Question 3 of 5" in full.content


def test_flagging_toggles_and_shows_in_the_navigator(alice_client, alice):
    attempt = exam_of(alice)
    response = alice_client.post(url("flag", attempt, 2), headers=HTMX)
    assert b'aria-pressed="true"' in response.content and b"flagged for review" in response.content
    assert attempt.questions.get(position=2).flagged
    alice_client.post(url("flag", attempt, 2))
    assert not attempt.questions.get(position=2).flagged


@pytest.mark.parametrize("letters", [["Z"], ["a"], ["A" * 500], ["A", "A", "Q"]])
def test_an_answer_that_is_not_a_choice_is_a_400(alice_client, alice, letters):
    attempt = exam_of(alice)
    response = answer(alice_client, attempt, 1, letters, **HTMX)
    assert response.status_code == 400
    assert not attempt.questions.get(position=1).answered


def test_two_letters_for_a_single_answer_question_is_a_400(alice_client, alice):
    from .conftest import attempt_with
    attempt = attempt_with(alice, ["default-allow-no-policies"])
    assert answer(alice_client, attempt, 1, ["A", "B"]).status_code == 400


def test_missing_questions_and_attempts_are_404s_and_wrong_methods_405s(alice_client, alice):
    attempt = exam_of(alice)
    assert alice_client.get(url("question", attempt, 99)).status_code == 404
    assert alice_client.get(url("question", attempt, 0)).status_code == 404
    assert alice_client.get("/quizzes/00000000-0000-0000-0000-000000000000/results/").status_code == 404
    assert alice_client.get("/quizzes/not-a-uuid/q/1/").status_code == 404
    assert alice_client.get(url("answer", attempt, 1)).status_code == 405
    assert alice_client.get(url("submit", attempt)).status_code == 405


# --- the server keeps the time ---------------------------------------------------------------


def expire(attempt):
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=30))


def test_an_answer_after_the_deadline_is_refused_and_htmx_is_sent_to_the_results(alice_client, alice):
    attempt = exam_of(alice)
    q1 = attempt.questions.get(position=1)
    expire(attempt)
    response = answer(alice_client, attempt, 1, right_letters(q1), **HTMX)
    assert response.status_code == 409
    assert response["HX-Redirect"] == url("results", attempt)
    assert not AttemptQuestion.objects.get(pk=q1.pk).answered
    attempt.refresh_from_db()
    assert attempt.finished and attempt.timed_out


def test_an_expired_exam_is_finished_by_the_next_request_of_any_kind(alice_client, alice):
    attempt = exam_of(alice)
    expire(attempt)
    response = alice_client.get(url("question", attempt, 1))
    assert response.status_code == 302 and response["Location"] == url("results", attempt)
    results = alice_client.get(url("results", attempt)).content.decode()
    assert "Time ran out" in results


def test_the_timer_reports_the_servers_remaining_time_then_redirects_at_the_end(alice_client, alice):
    attempt = exam_of(alice)
    timer = alice_client.get(url("timer", attempt), headers=HTMX)
    remaining = int(re.search(r'data-remaining="(\d+)"', timer.content.decode()).group(1))
    assert 1790 <= remaining <= 1800
    expire(attempt)
    timer = alice_client.get(url("timer", attempt), headers=HTMX)
    assert timer.status_code == 204 and timer["HX-Redirect"] == url("results", attempt)


def test_a_submitted_attempt_cannot_change(alice_client, alice):
    attempt = exam_of(alice)
    assert alice_client.post(url("submit", attempt)).status_code == 302
    q1 = attempt.questions.get(position=1)
    assert answer(alice_client, attempt, 1, right_letters(q1)).status_code == 409
    assert alice_client.post(url("flag", attempt, 1)).status_code == 409
    assert alice_client.get(url("question", attempt, 1))["Location"] == url("results", attempt)
    assert not AttemptQuestion.objects.get(pk=q1.pk).answered


# --- resuming and ownership ---------------------------------------------------------------------


def test_an_attempt_resumes_after_the_browser_closes(alice):
    browser = Client()
    # Signed in through the form, as a learner does (the lockout's backend wants the request).
    browser.post(reverse("accounts:login"), {"username": "alice", "password": "alice-password-1"})
    attempt = start(browser, mode="exam", preset="exam-20")
    q1 = attempt.questions.get(position=1)
    answer(browser, attempt, 1, right_letters(q1), **HTMX)
    browser.get(url("question", attempt, 4))
    browser.post(url("flag", attempt, 4), headers=HTMX)
    del browser  # the tab, the browser, the session cookie: all gone

    later = Client()
    later.post(reverse("accounts:login"), {"username": "alice", "password": "alice-password-1"})
    index = later.get(reverse("quizzes:index")).content.decode()
    assert url("resume", attempt) in index
    assert later.get(url("resume", attempt))["Location"] == url("question", attempt, 4)
    page = later.get(url("question", attempt, 1)).content.decode()
    for letter in shown(q1).letters:
        checked = re.search(rf'value="{letter}"( checked)?>', page).group(1)
        assert bool(checked) == (letter in right_letters(q1))
    assert 'aria-pressed="true"' in later.get(url("question", attempt, 4)).content.decode()


def test_an_anonymous_attempt_resumes_with_the_session_cookie_and_moves_to_the_account(alice):
    browser = Client()
    attempt = start(browser, mode="exam", preset="exam-20")
    answer(browser, attempt, 1, right_letters(attempt.questions.get(position=1)), **HTMX)
    reopened = Client()
    reopened.cookies = browser.cookies  # a closed tab keeps its cookies
    assert reopened.get(url("question", attempt, 1)).status_code == 200
    assert Client().get(url("question", attempt, 1)).status_code == 404

    reopened.post(reverse("accounts:login"), {"username": "alice", "password": "alice-password-1"})
    attempt.refresh_from_db()
    assert attempt.user == alice and attempt.owner_token == ""
    assert signed_in(alice).get(url("question", attempt, 1)).status_code == 200


@pytest.mark.parametrize("name, method, position", [
    ("resume", "get", None), ("question", "get", 1), ("results", "get", None), ("timer", "get", None),
    ("answer", "post", 1), ("check", "post", 1), ("flag", "post", 1), ("submit", "post", None),
])
def test_another_learner_cannot_open_or_change_an_attempt(alice, charlie_client, name, method, position):
    attempt = exam_of(alice)
    response = getattr(charlie_client, method)(url(name, attempt, position), {"choice": ["A"]}
                                               if method == "post" else None)
    assert response.status_code == 404
    assert getattr(Client(), method)(url(name, attempt, position)).status_code == 404
    attempt.refresh_from_db()
    assert not attempt.finished and not attempt.questions.filter(answered_at__isnull=False).exists()


# --- CSRF ------------------------------------------------------------------------------------


def test_every_post_needs_the_csrf_token(csrf_client, alice):
    csrf_client.force_login(alice)
    attempt = exam_of(alice)
    for target in (reverse("quizzes:start"), url("answer", attempt, 1), url("flag", attempt, 1),
                   url("check", attempt, 1), url("submit", attempt)):
        form = {"choice": ["A"], "mode": "exam", "preset": "exam-20"}
        assert csrf_client.post(target, form).status_code == 403
    attempt.refresh_from_db()
    assert not attempt.finished and not attempt.questions.get(position=1).answered
    # With the token the page carries in hx-headers, as htmx sends it, the same post works.
    page = csrf_client.get(url("question", attempt, 1)).content.decode()
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    response = csrf_client.post(url("flag", attempt, 1), headers={**HTMX, "X-CSRFToken": token})
    assert response.status_code == 200


# --- practice and results -----------------------------------------------------------------------


def test_practice_check_shows_the_key_and_explanation_and_locks_the_question(alice_client):
    attempt = start(alice_client, mode="practice", preset="practice-10")
    q1 = attempt.questions.get(position=1)
    response = alice_client.post(url("check", attempt, 1), {"choice": wrong_letters(q1)}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200 and "in the key" in body and "Incorrect" in body
    assert shown(q1).explanation.split()[0] in body
    assert answer(alice_client, attempt, 1, right_letters(q1)).status_code == 409


def test_an_exam_gives_no_feedback_before_it_is_submitted(alice_client, alice):
    attempt = exam_of(alice)
    response = alice_client.post(url("check", attempt, 1), {"choice": ["A"]}, headers=HTMX)
    assert response.status_code == 400


def test_results_show_score_pass_time_topics_and_a_review_of_every_question(alice_client, alice):
    attempt = exam_of(alice)
    questions = list(attempt.questions.all())
    for q in questions:
        answer(alice_client, attempt, q.position, right_letters(q), **HTMX)
    assert alice_client.post(url("submit", attempt))["Location"] == url("results", attempt)
    page = alice_client.get(url("results", attempt)).content.decode()
    assert "Passed" in page and "5 of 5 (100%)" in page and "Time taken" in page
    assert page.count('class="review-entry"') == 5 and page.count("in the key") >= 5
    for q in questions:
        # The explanation as the template renders it (escaped, `code` marked up).
        assert markdown(shown(q).explanation).removeprefix("<p>")[:40] in page
    table = page[page.index('class="topic-table"'):].split("</table>")[0]
    topic_rows = re.findall(r'<th scope="row">', table)
    assert len(topic_rows) == len({shown(q).topic for q in questions})
    history = alice_client.get(reverse("quizzes:index")).content.decode()
    assert "passed, 5 of 5 (100%)" in history and url("results", attempt) in history


def test_results_before_the_end_send_the_learner_back_to_the_attempt(alice_client, alice):
    attempt = exam_of(alice)
    assert alice_client.get(url("results", attempt))["Location"] == url("question", attempt, 1)


def test_the_start_page_says_it_covers_the_exams_networkpolicy_part_and_labels_without_a_lone_star(client):
    page = client.get(reverse("quizzes:index")).content.decode()
    assert "NetworkPolicy part only" in page
    assert "asteriskField" not in page and re.search(r">\s*Questions\s*</label>", page)


def test_the_exam_end_is_given_as_a_time_the_browser_can_show_in_local_time(client, alice):
    client.force_login(alice)
    client.post(reverse("quizzes:start"), {"mode": "exam", "preset": "exam-20"})
    attempt = Attempt.objects.get(user=alice)
    page = client.get(reverse("quizzes:question", args=[attempt.pk, 1])).content.decode()
    assert f'<time class="local-time" datetime="{attempt.deadline.isoformat()}">' in page
