"""One Markdown renderer for every text, with raw HTML off; no page shows its markup raw."""

from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from trainer.catalog import beyond
from trainer.catalog.exercises import all_exercises
from trainer.catalog.quiz import bank
from trainer.catalog.quiz_variants import instance
from trainer.catalog.stages import catalog
from trainer.web import markup

pytestmark = pytest.mark.django_db


class Visible(HTMLParser):
    """The text a reader sees, without what sits in <pre> (YAML, command output)."""

    def __init__(self):
        super().__init__()
        self.text, self._pre = [], 0

    def handle_starttag(self, tag, attrs):
        self._pre += tag == "pre"

    def handle_endtag(self, tag):
        self._pre -= tag == "pre"

    def handle_data(self, data):
        if not self._pre:
            self.text.append(data)


def visible(html: str) -> str:
    parser = Visible()
    parser.feed(html)
    return " ".join(parser.text)


def assert_no_raw_markup(html: str, where: str):
    text = visible(html)
    for mark in ("**", "`"):
        at = text.find(mark)
        assert at < 0, f"{where} shows {mark!r}: ...{text[max(0, at - 60):at + 60]}..."


def test_markdown_marks_up_code_strong_lists_and_fences():
    html = markup.blocks("Use `podSelector: {}`, **not** *this*:\n\n- one\n- two\n\n```\nkind: Pod\n```\n")
    assert "<code>podSelector: {}</code>" in html
    assert "<strong>not</strong>" in html and "<em>this</em>" in html
    assert "<ul>\n<li>one</li>" in html and "<pre><code>kind: Pod\n</code></pre>" in html
    assert markup.inline("a `b` c") == "a <code>b</code> c"


def test_raw_html_in_text_is_escaped_never_rendered():
    assert markup.blocks('<script>alert(1)</script> <img src=x onerror="y">') == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=&quot;y&quot;&gt;</p>\n")
    assert "<b>" not in markup.inline("<b>bold</b>")


def test_no_stage_page_shows_raw_markup(client):
    for stage in catalog().stages:
        for scenario in catalog().scenarios:
            url = reverse("walkthrough:stage", args=[stage.number]) + f"?scenario={scenario.slug}"
            assert_no_raw_markup(client.get(url).content.decode(), url)
    # and the "Beyond the guide" lessons, their index and the stages' index that links them
    urls = [reverse("walkthrough:index"), reverse("walkthrough:beyond")]
    urls += [reverse("walkthrough:beyond-lesson", args=[item.slug]) for item in beyond.lessons()]
    assert len(urls) == 2 + len(beyond.lessons()) >= 10
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_raw_markup(response.content.decode(), url)


def test_no_exercise_page_or_lab_feedback_shows_raw_markup(client):
    for exercise in all_exercises():
        url = reverse("lab:exercise", args=[exercise.id])
        assert_no_raw_markup(client.get(url).content.decode(), url)
        feedback = client.post(reverse("lab:grade", args=[exercise.id]), {"answer": exercise.starter},
                               HTTP_HX_REQUEST="true")
        assert_no_raw_markup(feedback.content.decode(), f"{url} graded")


def test_no_quiz_question_or_review_shows_raw_markup():
    for slug in bank().questions:
        shown = instance(slug, 1)
        html = render_to_string("quizzes/review_item.html",
                                {"shown": shown, "chosen": set(), "correct": None})
        assert_no_raw_markup(html, f"quiz question {slug}")


def test_every_page_links_the_favicon_and_the_old_address_redirects_to_it(client):
    page = client.get("/").content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url == "/static/favicon.svg"
