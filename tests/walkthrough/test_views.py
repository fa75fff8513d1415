"""Stage pages and the posts their forms make: fragments for htmx, whole pages otherwise."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from trainer.catalog.stages import catalog

from .conftest import post_form

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, n=3):
    return reverse(f"walkthrough:{name}", args=[n])


@pytest.mark.parametrize("n", range(1, 7))
def test_every_stage_renders_with_its_yaml_and_its_panel(client, n):
    stage = catalog().stage(n)
    response = client.get(url("stage", n))
    assert response.status_code == 200
    html = response.content.decode()
    assert stage.title in html
    # The textarea holds the stage's YAML, escaped as HTML.
    assert stage.yaml.splitlines()[-1].strip().replace(">", "&gt;") in html
    assert "Who can reach the DB (prod/db) on TCP 3306?" in html
    assert '<table class="matrix"' in html and "<svg" in html


def test_index_lists_the_six_stages(client):
    html = client.get(reverse("walkthrough:index")).content.decode()
    assert all(s.title in html for s in catalog().stages)


def test_unknown_stage_and_scenario_are_404(client):
    assert client.get(url("stage", 7)).status_code == 404
    assert client.get(url("stage", 3) + "?scenario=nope").status_code == 404


def test_the_split_scenario_asks_about_data_db(client):
    html = client.get(url("stage", 4) + "?scenario=split").content.decode()
    assert "Who can reach the DB (data/db) on TCP 3306?" in html
    assert "Only prod/api-pod." in html


def test_htmx_post_returns_only_the_fragment_with_out_of_band_parts(client, stage3):
    response = client.post(url("evaluate"), post_form(stage3.yaml), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and html.lstrip().startswith('<section id="result"')
    assert 'hx-swap-oob="innerHTML"' in html  # the status line, out of band
    assert 'name="previous"' not in html  # the previous evaluation stays on the server
    assert "Only prod/api-pod." in html


def test_the_diff_compares_with_the_learners_previous_evaluation_kept_on_the_server(client, stage3):
    client.get(url("stage"))
    opened = stage3.yaml.replace("name: api-pod", "app: web")
    first = client.post(url("evaluate"), post_form(opened), **HTMX).content.decode()
    assert "opened</span> prod/web → prod/db TCP 3306" in first  # against the stage's own YAML
    again = client.post(url("evaluate"), post_form(opened + "# a comment\n"), **HTMX).content.decode()
    assert "No connection changed since your previous evaluation." in again
    other = Client()  # another learner's panel is not this one's
    other.get(url("stage"))
    theirs = other.post(url("evaluate"), post_form(opened + "# a comment\n"), **HTMX).content.decode()
    assert "opened</span> prod/web → prod/db TCP 3306" in theirs


def test_plain_post_returns_the_whole_page(client, stage3):
    response = client.post(url("evaluate"), post_form(stage3.yaml))
    html = response.content.decode()
    assert response.status_code == 200 and "<html" in html and 'id="result"' in html


def test_invalid_yaml_shows_its_line(client, stage3):
    text = stage3.yaml.replace("role: db", "role: [db")
    response = client.post(url("evaluate"), post_form(text), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-error-lines="' in html and "Line " in html
    line = int(re.search(r'data-error-lines="(\d+)', html).group(1))
    assert 8 <= line <= 10  # the flow sequence opened on line 8 and never closed


def test_a_yaml_error_is_shown_in_plain_words_escaped(client, stage3):
    text = stage3.yaml.replace("role: db", "role: <b>db: x</b>")
    html = client.post(url("evaluate"), post_form(text), **HTMX).content.decode()
    assert '<span class="line-ref">Line 8</span>' in html and 'data-error-lines="8"' in html
    assert ("a second &quot;: &quot; on this line (column 18): a value that contains &quot;: &quot; "
            "must be in quotes, as role: &quot;&lt;b&gt;db: x&lt;/b&gt;&quot;") in html
    assert "<b>db" not in html and "while parsing" not in html and "while scanning" not in html


def test_a_tab_and_a_missing_dash_are_said_plainly(client, stage3):
    tab = client.post(url("evaluate"), post_form(stage3.yaml.replace("  policyTypes:", "\tpolicyTypes:")),
                      **HTMX).content.decode()
    assert '<span class="line-ref">Line 9</span>' in tab
    assert "a tab character (column 1); YAML indents with spaces only" in tab
    dashless = stage3.yaml.replace("    - Ingress", "    - Ingress\n    Egress: x")
    html = client.post(url("evaluate"), post_form(dashless), **HTMX).content.decode()
    assert '<span class="line-ref">Line 11</span>' in html
    assert "expected a list item starting with &quot;- &quot;" in html


def test_a_misspelt_field_says_its_path_once_and_what_was_meant(client, stage3):
    text = stage3.yaml.replace("    matchLabels:\n      role: db", "    matchLabel:\n      role: db")
    html = client.post(url("evaluate"), post_form(text), **HTMX).content.decode()
    assert '<span class="where">NetworkPolicy prod/db-policy: spec.podSelector.matchLabel</span>' in html
    assert '<span class="message">unknown field; did you mean <code>matchLabels</code>?</span>' in html
    assert html.count("spec.podSelector.matchLabel") == 1


def test_validation_error_names_field_path_and_line(client, stage3):
    text = stage3.yaml.replace("port: 3306", "port: 70000")
    html = client.post(url("evaluate"), post_form(text), **HTMX).content.decode()
    assert "spec.ingress[0].ports[0].port" in html
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "port: 70000" in t)
    assert f'data-error-lines="{line}"' in html


def test_diff_names_what_changed_since_the_previous_evaluation(client, stage3):
    client.get(url("stage"))
    client.post(url("evaluate"), post_form(stage3.yaml), **HTMX)
    opened = stage3.yaml.replace("name: api-pod", "app: web")
    page = client.post(url("evaluate"), post_form(opened), **HTMX).content.decode()
    assert "opened</span> prod/web → prod/db TCP 3306" in page
    assert "closed</span> prod/api-pod → prod/db TCP 3306" in page


def test_learner_text_is_escaped(client):
    evil = "<script>alert(1)</script>: [\n"
    html = client.post(url("evaluate"), post_form(evil)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_policy_names_and_labels_from_the_learner_are_escaped(client, stage3):
    text = stage3.yaml.replace("name: api-pod", 'name: "<b>x</b>"')
    html = client.post(url("evaluate"), post_form(text), **HTMX).content.decode()
    assert "<b>x</b>" not in html


def test_csrf_is_enforced(csrf_client, stage3):
    response = csrf_client.post(url("evaluate"), post_form(stage3.yaml), **HTMX)
    assert response.status_code == 403
    page = csrf_client.get(url("stage"))
    token = page.cookies["csrftoken"].value
    ok = csrf_client.post(url("evaluate"), post_form(stage3.yaml), HTTP_X_CSRFTOKEN=token, **HTMX)
    assert ok.status_code == 200


@pytest.mark.parametrize("data", [
    {},  # no yaml field at all
    {"yaml": "", "scenario": "nope"},
])
def test_malformed_requests_are_400(client, data):
    assert client.post(url("evaluate"), data, **HTMX).status_code == 400


@pytest.mark.parametrize("text", [
    "a: &a [*a]",  # recursive alias
    "x: " + "[" * 200 + "]" * 200,  # deep nesting
    "a: &a [1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
    "x" * 70_000,  # over the size limit
    "!!python/object/apply:os.system ['true']",
    "\x00\x01",
    "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: {name: p}\n"
    "spec: {podSelector: {matchLabels: {a: [1]}}}",
    "- just\n- a list",
])
def test_hostile_input_gets_a_message_never_a_500(client, text):
    response = client.post(url("evaluate"), post_form(text), **HTMX)
    assert response.status_code == 200
    assert "problem" in response.content.decode()


def test_a_cell_opens_its_explanation_with_the_deciding_lines(client, stage3):
    data = post_form(stage3.yaml, cell="prod/web>prod/db>3306/TCP")
    html = client.post(url("explain"), data, **HTMX).content.decode()
    assert "prod/web → prod/db on TCP 3306" in html and "denied" in html
    assert "ingress rule 1 of prod/db-policy" in html
    lines = re.search(r'data-editor-lines="([\d ]+)"', html).group(1).split()
    assert "12" in lines  # "- from:" of the rule that came nearest
    # quoted beside the explanation, as the learner wrote them (the editor may be scrolled away)
    line_12 = stage3.yaml.splitlines()[11]
    assert f'<span class="n">12</span> {line_12}' in html


def test_a_cell_explanation_without_javascript_renders_the_page(client, stage3):
    data = post_form(stage3.yaml, cell="prod/api-pod>prod/db>3306/TCP")
    html = client.post(url("explain"), data).content.decode()
    assert "<html" in html and "peer 1 (pods name=api-pod in namespace prod)" in html


def test_a_malformed_cell_is_400(client, stage3):
    assert client.post(url("explain"), post_form(stage3.yaml, cell="nonsense"), **HTMX).status_code == 400


@pytest.mark.parametrize("probe, expected", [
    ({"from": "192.168.5.10", "to": "prod/db", "port": "3306", "protocol": "TCP"}, "denied"),
    ({"from": "prod/api-pod", "to": "prod/db", "port": "3306", "protocol": "tcp"}, "allowed"),
    ({"from": "prod/nope", "to": "prod/db", "port": "3306", "protocol": "TCP"}, "Unknown source"),
    ({"from": "prod/web", "to": "prod/db", "port": "http", "protocol": "TCP"}, "must be a number"),
    ({"from": "prod/web", "to": "prod/db", "port": "80", "protocol": "ICMP"}, "protocol must be one of"),
    ({"from": "1.2.3.4", "to": "5.6.7.8", "port": "80", "protocol": "TCP"}, "Both ends are outside"),
])
def test_probe_answers_or_explains_the_mistake(client, stage3, probe, expected):
    data = post_form(stage3.yaml, **{f"probe_{k}": v for k, v in probe.items()})
    response = client.post(url("probe"), data, **HTMX)
    assert response.status_code == 200 and expected in response.content.decode()


def test_download_gives_the_stage_yaml_and_the_edited_text(client, stage3):
    response = client.get(url("download"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="db-policy-stage-3.yaml"'
    assert response.content.decode() == stage3.yaml
    edited = client.post(url("download"), post_form("# mine\n"))
    assert edited.content == b"# mine\n"


def test_get_only_and_post_only_views(client):
    assert client.get(url("evaluate")).status_code == 405
    assert client.post(url("stage"), post_form("")).status_code == 405


def test_a_cell_allowed_where_nothing_listens_says_so(client):
    stage1 = catalog().stage(1)  # nothing isolates the DB yet: TCP 80 is allowed, it declares 3306
    page = client.get(url("stage", 1)).content.decode()
    assert 'aria-label="prod/web to prod/db on TCP 80: allowed, but nothing listens there. Explain"' in page
    assert "allowed, but nothing listens there: the destination declares no such container port" in page
    data = post_form(stage1.yaml, cell="prod/web>prod/db>80/TCP")
    html = client.post(url("explain", 1), data, **HTMX).content.decode()
    assert ("Allowed by the policies, but nothing listens on TCP 80 in prod/db "
            "(it declares TCP 3306 only).") in html
    assert "Who can reach the DB (prod/db) on TCP 3306?" in page  # the headline asks about 3306 still


def test_the_probe_says_when_nothing_listens_on_an_allowed_port(client):
    probe = {"probe_from": "prod/web", "probe_to": "prod/db", "probe_port": "3307", "probe_protocol": "TCP"}
    html = client.post(url("probe", 1), post_form(catalog().stage(1).yaml, **probe), **HTMX).content.decode()
    assert "<strong>allowed</strong>" in html
    assert ("Allowed by the policies, but nothing listens on TCP 3307 in prod/db "
            "(it declares TCP 3306 only).") in html
    # Where the policies deny it, the connection never arrives: nothing to say about listening.
    denied = client.post(url("probe"), post_form(catalog().stage(3).yaml, **probe), **HTMX).content.decode()
    assert "<strong>denied</strong>" in denied and "nothing listens" not in denied
    declared = client.post(url("probe", 1), post_form(catalog().stage(1).yaml, **{
        **probe, "probe_port": "3306"}), **HTMX).content.decode()
    assert "<strong>allowed</strong>" in declared and "nothing listens" not in declared
