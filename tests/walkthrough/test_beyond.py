"""The "Beyond the guide" pages: an index, and a page per lesson with its sources, the next lesson
and a way to practise its topic."""

import re
from html import unescape

import pytest
from django.urls import reverse

from trainer.catalog import beyond
from trainer.catalog.quiz import bank

pytestmark = pytest.mark.django_db
LESSONS = beyond.lessons()


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.content.decode())


def lesson_url(item):
    return reverse("walkthrough:beyond-lesson", args=[item.slug])


def test_the_index_lists_every_lesson_in_order_with_its_summary(client):
    html = page(client, reverse("walkthrough:beyond"))
    assert "<h1>Beyond the guide</h1>" in html and f"{len(LESSONS)} short lessons" in html
    links = re.findall(r'<a href="(/stages/beyond/[a-z0-9-]+/)">', html)
    assert links == [lesson_url(item) for item in LESSONS]
    assert all(item.title in html and item.summary in html for item in LESSONS)
    assert "<title>Beyond the guide · NetworkPolicy Trainer</title>" in html


def test_the_stages_index_links_to_the_lessons(client):
    html = page(client, reverse("walkthrough:index"))
    assert f'<a href="{reverse("walkthrough:beyond")}">Read the {len(LESSONS)} short lessons' in html


@pytest.mark.parametrize("n", range(len(LESSONS)), ids=[item.slug for item in LESSONS])
def test_each_lesson_page_has_its_title_body_sources_practice_and_next(client, n):
    item = LESSONS[n]
    html = page(client, lesson_url(item))
    assert f'<h1 id="lesson-heading">{item.title}</h1>' in html
    assert f"<title>{item.title} · Beyond the guide · NetworkPolicy Trainer</title>" in html
    assert f"lesson {n + 1} of {len(LESSONS)}" in html
    assert html.count('<table class="lesson-table">') == sum(b.kind == "table" for b in item.body)
    assert html.count('<pre class="lesson-code" tabindex="0">') == sum(b.kind == "code" for b in item.body)
    for source in item.sources:
        assert f'<a href="{source.url}" rel="noopener">{source.title}</a>' in html
    topic = bank().topics[item.topic]
    assert f'href="/quizzes/?topic={item.topic}#practice-title"' in html and f"“{topic.title}”" in html
    if n + 1 < len(LESSONS):
        assert f'<a class="btn btn-primary" href="{lesson_url(LESSONS[n + 1])}" rel="next">' in html
    else:
        assert 'href="/quizzes/">On to exam practice' in html
    if n:
        assert f'href="{lesson_url(LESSONS[n - 1])}" rel="prev"' in html


def test_markdown_in_a_lesson_is_marked_up_and_code_is_shown_as_it_is(client):
    html = client.get(lesson_url(beyond.lesson("host-network"))).content.decode()
    assert "<code>hostNetwork: true</code>" in html
    assert "hostNetwork: true        # the node&#x27;s IP and ports" in html  # the code block, escaped
    replies = client.get(lesson_url(beyond.lesson("replies-are-allowed"))).content.decode()
    assert "<strong>open</strong>" in replies


def test_a_lessons_practice_link_chooses_its_topic_on_the_quiz_page(client):
    html = page(client, reverse("quizzes:index") + "?topic=source-nat")
    assert '<option value="source-nat" selected>' in html
    other = page(client, reverse("quizzes:index") + "?topic=nonsense")
    assert "selected>" not in other.split('name="topic"', 1)[1].split("</select>", 1)[0]


def test_unknown_lessons_are_404_and_the_pages_answer_get_only(client):
    assert client.get("/stages/beyond/no-such-lesson/").status_code == 404
    assert client.get("/stages/beyond/Source_NAT/").status_code == 404
    assert client.post(reverse("walkthrough:beyond")).status_code == 405
    assert client.post(lesson_url(LESSONS[0])).status_code == 405
