"""Hostile inputs, named once and shared by the command-line and the web tests.

Each is (id, text or bytes, a fragment the refusal must contain). Sizes are
chosen to cross the limits the site runs with (64 KiB, depth 64, 100 aliases,
20,000 nodes) and, where it says so, the command line's (4 MiB, 500,000 nodes).
"""

from __future__ import annotations

import random


def billion_laughs() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def merge_bomb() -> str:
    lines = ["m0: &m0 {k0: 0}"]
    for i in range(1, 30):
        lines.append(f"m{i}: &m{i}\n  <<: [*m{i - 1}, *m{i - 1}]\n  k{i}: {i}")
    return "\n".join(lines) + "\n"


def merge_chain(levels: int = 99, width: int = 120) -> str:
    """Each level merges the one before and adds `width` keys: quadratic once expanded."""
    lines = ["m0: &m0 {" + ", ".join(f"k0x{j}: 0" for j in range(width)) + "}"]
    for i in range(1, levels):
        keys = ", ".join(f"k{i}x{j}: {j}" for j in range(width))
        lines.append(f"m{i}: &m{i} {{<<: *m{i - 1}, {keys}}}")
    return "\n".join(lines) + "\n"


def deep_block(levels: int = 200) -> str:
    return "".join("  " * i + f"k{i}:\n" for i in range(levels)) + "  " * levels + "x\n"


def random_binary(size: int = 4096) -> bytes:
    rng = random.Random(7)
    return b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(size))


NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n"

# Refused by the loader, whatever the limits: (id, input, fragment of the message).
REFUSED = [
    ("billion-laughs", billion_laughs(), "expands to more than"),
    ("merge-bomb", merge_bomb(), "expands to more than"),
    ("merge-chain", merge_chain(), "expands to more than"),
    ("deep-block", deep_block(), "nesting deeper than 64 levels"),
    ("deep-flow-seq", "[" * 100_000 + "]" * 100_000, ":1: "),
    ("deep-flow-map", "{a: " * 20_000 + "1" + "}" * 20_000, "nesting deeper than 64 levels"),
    ("unclosed-flow", "[" * 200_000, ":1: "),
    ("recursive-alias", "a: &a [*a]\n", "recursive or undefined"),
    ("undefined-alias", "a: *nowhere\n", "recursive or undefined"),
    ("int-5000-digits", "a: " + "9" * 5000 + "\n", "is too large"),
    ("hex-5000-digits", "a: 0x" + "f" * 5000 + "\n", "is too large"),
    ("float-5000-digits", "a: 1." + "9" * 5000 + "\n", "is too long"),
    ("nul", "a: b\x00c\n", 'invalid character "\\x00"'),
    ("bell", "a: b\x07c\n", 'invalid character "\\x07"'),
    ("escape", "a: \x1b[31mred\n", 'invalid character "\\x1b"'),
    ("invalid-utf8", b"a: \xff\xfe\n", "not UTF-8 text"),
    ("lone-surrogate-bytes", b"a: \xed\xa0\x80\n", "not UTF-8 text"),
    ("lone-surrogate-escape", 'a: "\\ud800"\n', "invalid YAML"),
    ("utf16-bom", (NAMESPACE % "x").encode("utf-16"), "not UTF-8 text"),
    ("bom-mid-stream", "apiVersion: v1\n\ufeffkind: Namespace\n", "invalid YAML"),
    ("tab-indent", "a:\n\tb: c\n", "invalid YAML"),
    ("binary", random_binary(), "not UTF-8 text"),
    ("python-tag", "a: !!python/object/apply:os.system ['true']\n", "is not allowed"),
    ("binary-tag", "a: !!binary aGVsbG8=\n", "is not allowed"),
    ("set-tag", "a: !!set {x, y}\n", "is not allowed"),
    ("custom-tag", "%TAG ! tag:evil.example,2000:\n---\na: !x 1\n", "is not allowed"),
    ("duplicate-key", "a: 1\na: 2\n", "already defined at line 1"),
    ("json-duplicate-key", '{"kind": "Namespace", "kind": "Pod"}', "already defined"),
    ("complex-key", "? [a, b]\n: c\n", "a mapping key must be a plain string"),
    ("scalar-document", "just text\n", "not a Kubernetes object"),
    ("json-array", '[{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}]',
     "document 1 is a list"),
    ("too-many-aliases", "a: &a 1\nb: [" + ", ".join(["*a"] * 500) + "]\n", "more than 100 aliases"),
    ("list-items-not-a-list", "apiVersion: v1\nkind: List\nitems: 5\n", "items must be a list"),
]

# Accepted as they are (what kubectl also reads), each a one-namespace cluster.
ACCEPTED = [
    ("crlf", (NAMESPACE % "x").replace("\n", "\r\n")),
    ("lone-cr", (NAMESPACE % "x").replace("\n", "\r")),
    ("utf8-bom", "\ufeff" + NAMESPACE % "x"),
    ("json", '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}'),
    ("json-bom", '\ufeff{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}'),
    ("comments-only", "# nothing here\n# at all\n"),
    ("empty", ""),
    ("blank-documents", "---\n---\n...\n"),
]

POLICY = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: %s, namespace: prod}\n" \
    "spec:\n  podSelector: {}\n"


def echo_bait(size: int) -> list[tuple[str, str, str]]:
    """(id, input, text that must not come back): names and keys a hostile file echoes.
    `size` is the length of the long ones, below the input limit in force."""
    return [
        ("terminal-escape-name", NAMESPACE % '"x\\e[31mred\\r\\nnext"', "\x1b"),
        ("rtl-override-name", NAMESPACE % '"\\u202eevil\\u200b"', "\u202e"),
        ("newline-in-name", POLICY % '"p\\nFAKE: line"', "\nFAKE"),
        ("long-name", NAMESPACE % ("n" * size), "n" * 1000),
        ("long-unknown-field", POLICY % "p" + "  " + "k" * size + ": 1\n", "k" * 1000),
        ("long-label-key", POLICY % "p" + "  ingress: [{from: [{podSelector: {matchLabels: {"
         + "a" * size + ": b}}}]}]\n", "a" * 1000),
        ("escape-in-unknown-field", POLICY % "p" + '  "\\e]0;owned\\a": 1\n', "\x1b"),
        ("script-in-name", NAMESPACE % '"<script>alert(1)</script>"', "<script>"),
    ]
