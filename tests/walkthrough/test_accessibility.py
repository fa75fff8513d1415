"""The stage page's markup for keyboards and screen readers: named controls, live regions, the
picture's text."""

import re

import pytest
from django.urls import reverse

from trainer.catalog.stages import catalog

from .conftest import post_form

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def page(client, n=3):
    return client.get(reverse("walkthrough:stage", args=[n])).content.decode()


def test_every_matrix_cell_that_explains_is_a_named_button(client):
    html = page(client)
    start = html.index('<table class="matrix"')
    matrix = html[start:html.index("</table>", start)]
    assert '<table class="matrix" role="grid"' in html  # one tab stop, arrow keys inside (site.js)
    cells = re.findall(r'<td class="cell (yes|no|yes unheard)" role="gridcell">(.*?)</td>', matrix)
    assert len(cells) == 7 * 7 * 2 - 2 * 2 * 2  # every pair on both ports, less host to host
    for _, inner in cells:
        # A cell allowed on a port its destination does not declare says so in its name; its mark
        # after the tick is hidden from screen readers, which read the name.
        assert re.fullmatch(r'<button type="submit" name="cell" value="[^"]+" formaction="[^"]+" '
                            r'aria-label="[^"]+ to [^"]+ on TCP (3306|80): '
                            r'(allowed|denied|allowed, but nothing listens there)\. Explain">'
                            r'(✓|✗|✓<span class="unheard-mark" aria-hidden="true">∅</span>)</button>', inner)
    assert 'aria-label="prod/web to prod/db on TCP 3306: denied. Explain"' in matrix
    assert 'aria-label="prod/api-pod to prod/db on TCP 3306: allowed. Explain"' in matrix
    assert 'aria-label="prod/web to prod/api-pod on TCP 3306: allowed, but nothing listens there. Explain"' \
        in matrix


def test_the_matrix_has_headers_a_name_and_a_description(client):
    html = page(client)
    assert '<table class="matrix" role="grid" aria-describedby="matrix-help">' in html
    assert 'id="matrix-help"' in html and '<a class="skip-matrix" href="#after-matrix">' in html
    assert '<caption class="visually-hidden">Who can reach whom</caption>' in html
    assert '<th scope="row" class="src" title="prod/web">prod/web</th>' in html
    assert html.count('<th scope="col" class="port">') == 7 * 2


def test_the_result_has_a_persistent_polite_status_line(client):
    html = page(client)
    # Outside the swapped panel and empty at first, so only what an evaluation puts in it is read out.
    status = ('<div id="result-status" class="visually-hidden" role="status" aria-live="polite" '
              'aria-atomic="true"></div>')
    assert status in html and html.index(status) < html.index('<section id="result"')
    assert '<div id="explanation" class="explanation-slot" aria-live="polite">' in html
    assert '<div id="probe-result" aria-live="polite">' in html


def test_an_evaluation_fills_the_status_line_out_of_band(client):
    stage = catalog().stage(3)
    # a session, where the server keeps the previous evaluation
    client.get(reverse("walkthrough:stage", args=[3]))
    client.post(reverse("walkthrough:evaluate", args=[3]), post_form(stage.yaml), **HTMX)
    opened = stage.yaml.replace("name: api-pod", "app: web")
    fragment = client.post(reverse("walkthrough:evaluate", args=[3]), post_form(opened), **HTMX).content
    status = re.search(r'<div id="result-status" hx-swap-oob="innerHTML">(.*?)</div>',
                       fragment.decode(), re.S).group(1)
    assert " ".join(status.split()) == (
        "Only prod/web. Opened: prod/web → prod/db TCP 3306. Closed: prod/api-pod → prod/db TCP 3306.")


def test_the_status_line_names_the_first_problem_and_its_line(client):
    text = catalog().stage(3).yaml.replace("port: 3306", "port: 70000")
    html = client.post(reverse("walkthrough:evaluate", args=[3]), post_form(text), **HTMX).content.decode()
    status = " ".join(re.search(r'hx-swap-oob="innerHTML">(.*?)</div>', html, re.S).group(1).split())
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "70000" in t)
    assert status.startswith(f"Your YAML has 1 problem; the first, on line {line}: Invalid value: 70000")


def test_the_picture_has_a_title_a_description_and_a_list_in_words(client):
    html = page(client)
    assert re.search(r'<svg [^>]*role="img" aria-labelledby="pic-title pic-desc"', html)
    assert '<title id="pic-title">' in html and '<desc id="pic-desc">' in html
    words = html[html.index('<details class="picture-text">'):html.index("</details>")]
    assert "<summary>The picture in words</summary>" in words
    # The headline's answer first, apart from the DB's own outgoing connections.
    assert words.index("<li>prod/api-pod → prod/db: TCP 3306</li>") < words.index(
        "<li>prod/db → prod/api-pod: TCP 80, TCP 3306</li>")
    assert "prod/web → prod/db" not in words  # denied at stage 3, so not drawn and not listed


def test_the_picture_draws_what_reaches_the_db_bold_and_the_rest_faint_behind_a_toggle(client):
    html = page(client)
    svg = html[html.index("<svg"):html.index("</svg>")]
    focus = re.findall(r'class="edge focus"[^>]*><title>([^<]*)</title>', svg)
    assert focus == ["prod/api-pod → prod/db: TCP 3306"]  # the one connection that matters
    assert svg.count('class="edge other"') >= 10
    assert '<input type="checkbox" id="show-every-edge" class="edge-toggle">' in html


def test_the_editor_is_labelled_and_says_how_to_leave_it(client):
    html = page(client)
    assert '<label for="yaml" class="editor-label">Stage 3 policy (YAML)</label>' in html
    assert '<p id="editor-keys" class="muted small keys-hint" hidden>' in html
    assert "press Esc, then Tab" in html
