"""Share links: made by a POST, opened read-only by anyone, copied into the visitor's own draft."""

from html import escape

import pytest
from django.test import Client
from django.urls import reverse

from trainer.catalog.exercises import all_exercises
from trainer.catalog.stages import catalog
from trainer.drafts.models import Draft
from trainer.limits import limits
from trainer.sharing import snapshots
from trainer.sharing.models import Snapshot

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def edited_stage3():
    return catalog().stage(3).yaml.replace("port: 3306", "port: 3307")


def share_stage(client, text, **extra):
    return client.post(reverse("sharing:stage", args=[3]), {"yaml": text, "scenario": "guide"}, **extra)


def test_sharing_a_stage_without_javascript_opens_its_link(client):
    response = share_stage(client, edited_stage3())
    snap = Snapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/s/{snap.code}/"
    assert len(snap.code) == snapshots.CODE_LENGTH and set(snap.code) <= set(snapshots.ALPHABET)
    assert (snap.kind, snap.item, snap.scenario) == ("stage", "3", "guide")


def test_sharing_with_htmx_puts_the_link_in_a_text_field_beside_the_editor(client):
    response = share_stage(client, edited_stage3(), **HTMX)
    snap = Snapshot.objects.get()
    html = response.content.decode()
    assert response["HX-Retarget"] == "#share-result"
    assert f'value="http://testserver/s/{snap.code}/"' in html and "data-copy" in html


def test_anyone_opens_a_share_read_only_with_the_panel(client, alice):
    client.force_login(alice)
    share_stage(client, edited_stage3())
    code = Snapshot.objects.get().code
    html = Client().get(f"/s/{code}/").content.decode()
    assert "Stage 3:" in html and "port: 3307" in html
    assert "Nothing can: no pod and no outside host reaches prod/db on TCP 3306." in html
    assert "<textarea" not in html and "Edit a copy" in html  # nothing to edit in place
    assert 'id="diff"' not in html  # not an edit: nothing changed since anything


def test_the_cells_and_the_probe_of_a_share_explain_without_changing_it(client):
    share_stage(client, edited_stage3())
    code = Snapshot.objects.get().code
    visitor = Client()
    answer = visitor.post(f"/s/{code}/explain/", {"cell": "prod/api-pod>prod/db>3306/TCP", "yaml": "# x"},
                          **HTMX).content.decode()
    assert "ports (TCP 3307) do not include TCP 3306" in answer
    probe = visitor.post(f"/s/{code}/probe/", {"probe_from": "prod/api-pod", "probe_to": "prod/db",
                                               "probe_port": "3307", "probe_protocol": "TCP"})
    assert probe.status_code == 200 and "allowed</strong>" in probe.content.decode()
    assert visitor.post(f"/s/{code}/explain/", {"cell": "nonsense"}).status_code == 400
    assert Snapshot.objects.get().policies == edited_stage3()


def test_an_unknown_code_is_the_sites_404_page(client):
    response = client.get("/s/nosuchco/")
    assert response.status_code == 404 and "<html" in response.content.decode()


def test_a_snapshot_cannot_be_changed_by_anyone(client, charlie):
    share_stage(client, edited_stage3())
    snap = Snapshot.objects.get()
    other = Client()
    other.force_login(charlie)
    assert other.post(f"/s/{snap.code}/", {"yaml": "# vandalised"}).status_code == 405
    other.post(f"/s/{snap.code}/copy/")
    other.post(reverse("walkthrough:evaluate", args=[3]), {"yaml": "# charlie's own", "scenario": "guide"})
    assert Snapshot.objects.get().policies == edited_stage3()


def test_edit_a_copy_makes_the_snapshot_the_visitors_draft(client, charlie):
    share_stage(client, edited_stage3())
    code = Snapshot.objects.get().code
    visitor = Client()
    visitor.force_login(charlie)
    response = visitor.post(f"/s/{code}/copy/")
    assert response.status_code == 302 and response["Location"] == reverse("walkthrough:stage", args=[3])
    assert Draft.objects.get(user=charlie).text == edited_stage3()
    assert "port: 3307" in visitor.get(response["Location"]).content.decode()


def test_an_exercise_and_the_playground_are_shared_and_copied_too(client):
    exercise = all_exercises()[0]
    client.post(reverse("sharing:exercise", args=[exercise.id]), {"answer": "# my answer\n"})
    client.post(reverse("sharing:playground"), {"cluster": "# my cluster\n", "yaml": "# my policies\n"})
    by_kind = {s.kind: s for s in Snapshot.objects.all()}
    assert by_kind["exercise"].item == exercise.id
    assert escape(exercise.title) in client.get(f"/s/{by_kind['exercise'].code}/").content.decode()
    visitor = Client()
    assert visitor.post(f"/s/{by_kind['playground'].code}/copy/")["Location"] == "/playground/"
    html = visitor.get("/playground/").content.decode()
    assert "# my cluster" in html and "# my policies" in html
    assert visitor.post(f"/s/{by_kind['exercise'].code}/copy/")["Location"] == f"/lab/{exercise.id}/"
    assert "# my answer" in visitor.get(f"/lab/{exercise.id}/").content.decode()


def test_a_share_over_the_web_limit_is_refused_with_a_message(client):
    too_long = "#" * (limits().web.max_bytes + 1)
    html = share_stage(client, too_long, **HTMX).content.decode()
    assert "Not shared: the text is" in html
    assert "Not shared" in share_stage(client, too_long).content.decode()
    assert not Snapshot.objects.exists()


def test_shares_are_rate_limited_per_learner_and_per_address(client, alice, settings):
    from trainer.ops.ratelimit import LIMITS

    settings.RATE_LIMITS_ENABLED = True
    client.force_login(alice)
    statuses = [share_stage(client, "# x\n").status_code for _ in range(LIMITS["share"].per_learner + 1)]
    assert statuses[:-1] == [302] * LIMITS["share"].per_learner and statuses[-1] == 429
    assert Snapshot.objects.count() == LIMITS["share"].per_learner
    assert LIMITS["share"].per_address  # scripts without a session are counted by address


def test_sharing_needs_the_csrf_token(csrf_client):
    assert share_stage(csrf_client, "# x\n").status_code == 403
    assert csrf_client.post(reverse("sharing:playground"), {"cluster": "", "yaml": ""}).status_code == 403
    assert not Snapshot.objects.exists()


def test_a_form_without_its_fields_is_a_400(client):
    assert client.post(reverse("sharing:stage", args=[3]), {"scenario": "guide"}).status_code == 400
    assert client.post(reverse("sharing:playground"), {"yaml": ""}).status_code == 400
    assert client.post(reverse("sharing:stage", args=[9]), {"yaml": ""}).status_code == 404
