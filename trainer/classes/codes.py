"""Join codes: short, unambiguous when read off a projector, and shown as a QR code."""

from __future__ import annotations

import secrets

import segno
from django.utils.safestring import mark_safe

# No 0/O, 1/I/L: a code is read aloud and typed from a screen at the back of a room.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8  # 31^8, about 8.5e11: guessing is hopeless at the join rate limit


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """What a learner typed, as stored: capitals, no spaces or dashes, at most a code's length
    plus slack (anything longer cannot be a code)."""
    return "".join(c for c in text.upper()[:40] if c not in " -")


def shown(code: str) -> str:
    """ABCD-EFGH: easier to read aloud."""
    return f"{code[:4]}-{code[4:]}" if len(code) == LENGTH else code


def qr_svg(url: str) -> str:
    """The join link as an inline SVG (no image file, nothing to fetch). Safe to embed: segno
    writes only paths and the fixed title; the link itself is encoded in the modules."""
    return mark_safe(segno.make(url, error="m").svg_inline(
        scale=8, border=2, dark="#111", light="#fff", title="QR code of the join link"))
