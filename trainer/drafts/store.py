"""Drafts: the latest text a learner typed at a place, restored when the page is opened again.

Anonymous learners keep them in the session, at most ANONYMOUS_DRAFT_BYTES of them (the least
recently saved dropped first); signed-in learners in Draft, one row per place. A text longer than
the web editor's limit is not kept, and save() says so. Saving is cheap, since the editor saves on
every pause in typing: one UPDATE that changes nothing when the text is the same, a second query
only when there was no row. At sign-in the session's drafts move onto the account (carry_over).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from trainer.limits import limits
from trainer.ops.outages import OUTAGES

from .models import Draft

SESSION_KEY = "drafts"
MAX_PLACE = 80
UNAVAILABLE = "Not kept as your draft just now: the site's storage is unavailable."
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Text:
    text: str
    cluster: str = ""


def refusal(*texts: str) -> str:
    """Why these texts cannot be kept ("" when they can): each at most the web editor's limit."""
    most = limits().web.max_bytes
    size = max(len(t.encode("utf-8", "surrogatepass")) for t in texts)
    if size <= most:
        return ""
    return (f"Not kept as your draft: the text is {size:,} bytes and a draft keeps at most "
            f"{most:,} ({most // 1024} KiB).")


def load(request, place: str) -> Text | None:
    if request.user.is_authenticated:
        row = Draft.objects.filter(user=request.user, place=place).only("text", "cluster").first()
        return Text(row.text, row.cluster) if row else None
    raw = _session(request.session).get(place)
    if not isinstance(raw, dict) or not isinstance(raw.get("text"), str):
        return None
    return Text(raw["text"], raw.get("cluster") if isinstance(raw.get("cluster"), str) else "")


def save(request, place: str, text: str, cluster: str = "") -> str:
    """Keep this text as the learner's draft at `place`; "" when kept, else why not."""
    problem = refusal(text, cluster)
    if problem:
        return problem
    if request.user.is_authenticated:
        _save_row(request.user, place, Text(text, cluster))
    else:
        current, entry = _session(request.session), {"text": text, "cluster": cluster}
        if current.get(place) == entry:  # an unchanged session is not written
            return ""
        if _size({place: entry}) > settings.ANONYMOUS_DRAFT_BYTES:
            return ("Not kept as your draft: it is more than a session keeps without an account. "
                    "Sign up or sign in to keep it.")
        drafts = {k: v for k, v in current.items() if k != place}  # the latest last
        drafts[place] = entry
        request.session[SESSION_KEY] = _fit(drafts, settings.ANONYMOUS_DRAFT_BYTES)
    return ""


def keep(request, place: str, text: str, starting: str, cluster: str = "", starting_cluster: str = "") -> str:
    """save(), or discard() when the texts are the place's own starting texts again. A database
    outage is said, not raised: the editor's answer needs no database, and the next edit keeps it."""
    try:
        if _same(text, starting) and _same(cluster, starting_cluster):
            discard(request, place)
            return ""
        return save(request, place, text, cluster)
    except OUTAGES as exc:
        return unavailable(exc)


def unavailable(exc: BaseException) -> str:
    """What the note beside the editor says when a draft could not be written, logged once."""
    logger.warning("draft not kept, database unavailable: %s", type(exc).__name__)
    return UNAVAILABLE


def _same(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n").strip() == b.replace("\r\n", "\n").strip()


def discard(request, place: str) -> None:
    if request.user.is_authenticated:
        Draft.objects.filter(user=request.user, place=place).delete()
        return
    drafts = _session(request.session)
    if place in drafts:
        request.session[SESSION_KEY] = {k: v for k, v in drafts.items() if k != place}


def carry_over(request, user) -> None:
    """The session's drafts move onto the account (accounts/handover.py); the session's win,
    being the ones just worked on."""
    drafts = request.session.pop(SESSION_KEY, None)
    if not isinstance(drafts, dict):
        return
    with transaction.atomic():
        for place, raw in drafts.items():
            if (isinstance(place, str) and isinstance(raw, dict) and isinstance(raw.get("text"), str)
                    and isinstance(raw.get("cluster", ""), str)):
                text = Text(raw["text"], raw.get("cluster", ""))
                if not refusal(text.text, text.cluster):
                    _save_row(user, place[:MAX_PLACE], text)


def _save_row(user, place: str, text: Text) -> None:
    changed = (Draft.objects.filter(user=user, place=place).exclude(text=text.text, cluster=text.cluster)
               .update(text=text.text, cluster=text.cluster, updated_at=timezone.now()))
    if not changed:  # the same text again, or no row yet
        Draft.objects.get_or_create(user=user, place=place,
                                    defaults={"text": text.text, "cluster": text.cluster})


def _session(session) -> dict:
    drafts = session.get(SESSION_KEY)
    return drafts if isinstance(drafts, dict) else {}


def _size(drafts: dict) -> int:
    return len(json.dumps(drafts, separators=(",", ":")))


def _fit(drafts: dict, budget: int) -> dict:
    """At most `budget` characters of JSON: the least recently saved drafts go first, never the
    one just saved (the last, which fits alone: save() checked)."""
    drafts = dict(drafts)
    for place in list(drafts)[:-1]:
        if _size(drafts) <= budget:
            break
        del drafts[place]
    return drafts
