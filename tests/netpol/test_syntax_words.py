"""YAML syntax errors in plain words: each kind with the line to fix and what was expected there.

The parser's own "while parsing a block collection: did not find expected '-' indicator" never
reaches a learner; where no rewrite fits, the parser's problem stays, without its "while ...".
"""

from __future__ import annotations

import pytest
import yaml

from trainer.netpol.loading import parse_yaml
from trainer.netpol.problems import InputError
from trainer.netpol.syntax_words import explain

POLICY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: db-policy
  namespace: prod
spec:
  podSelector:
    matchLabels:
      role: db
  policyTypes:
  - Ingress
  ingress:
  - from:
    - podSelector:
        matchLabels:
          name: api-pod
    ports:
    - protocol: TCP
      port: 3306
"""


def broken(old: str, new: str) -> str:
    assert old in POLICY
    return POLICY.replace(old, new, 1)


def refused(text: str):
    with pytest.raises(InputError) as exc:
        parse_yaml(text, "policy.yaml")
    (problem,) = exc.value.problems
    assert problem.message.startswith("invalid YAML: ")
    return problem.line, problem.message.removeprefix("invalid YAML: ")


TAB = "a tab character (column {}); YAML indents with spaces only: replace the tab with spaces"
INDENT = ("this line is indented differently from the lines above it ({}): the keys of one mapping "
          "line up exactly, and so do the items of one list")


@pytest.mark.parametrize("text, line, message", [
    # A tab: where a line is indented, after spaces, in a block scalar.
    (broken("  policyTypes:", "\tpolicyTypes:"), 10, TAB.format(1)),
    (broken("    ports:", "  \t ports:"), 17, TAB.format(3)),
    ("a: |\n\ttext\n", 2, TAB.format(1)),
    # Indentation: one key more, one key less than its neighbours.
    (broken("  policyTypes:", "   policyTypes:"), 10, INDENT.format("3 spaces here, 2, 4 or 6 above")),
    (broken("    ports:", "     ports:"), 17, INDENT.format("5 spaces here, 2, 4, 8 or 10 above")),
    ("items:\n  - a\n - b\n", 3, INDENT.format("1 space here, 0 or 2 above")),
    # A list item without its "- ", and a dash without its space.
    ("spec:\n  ingress:\n    - from: []\n    ports: []\n", 4,
     'expected a list item starting with "- ": the list that starts on line 3 has its items at this '
     'indentation. Start this line with "- " if it is another item, or indent it under the item above'),
    ("a:\n  - b\n  -c: d\n", 3, 'a list item starts with "- ", a dash and a space: add a space after the '
                                "dash at column 3"),
    (broken("  - from:", "  -from:"), 13, 'a list item starts with "- ", a dash and a space: add a space '
                                          "after the dash at column 3"),
    # A list item where the lines around it are `key: value`: a mapping where a list is expected.
    ("spec:\n  ingress:\n    from: []\n  - ports: []\n", 4,
     'a list item ("- ") where a `key: value` is expected, as in the mapping that starts on line 2. A '
     'list goes under a key of its own (`key:`, then its items below it), and each item starts with "- "'),
    # A line with no colon, on its own or as a list item whose dash is missing.
    (broken("  name: db-policy", "  name db-policy\n  namespace: prod"), 5,
     "line 4 has no ':' after its key, so YAML reads line 4 and this line as one text, where no "
     "`key:` can start: add the ':' on line 4"),
    (broken("      port: 3306", "      port 3306\n      name: x"), 19,
     '"port 3306" has no ":" after it: a line of a mapping is `key: value`'),
    (broken("      role: db", "      role:db\n      tier: x"), 10,
     "line 9 has no space after its ':', so YAML reads line 9 and this line as one text, where no "
     '`key:` can start: write "role: db" on line 9'),
    ("kind: Pod\nname\nx: 1\n", 2, '"name" has no ":" after it: a line of a mapping is `key: value`'),
    ("items:\n  - a\n  b\n", 3, '"b" has no ":" after it: if it is another item of the list above, start '
                               'it with "- "; if it is a key, add ":" after it'),
    # A line indented under a value, and a second ": " on one line.
    ("a: 1\n  b: 2\n", 2, "this line is indented more than line 1, so YAML reads it as the rest of line "
                          "1's value, where no `key:` can start: line it up with the keys above it, or "
                          "leave line 1's value empty if this line belongs under it"),
    (broken("name: db-policy", "name: db: policy"), 4,
     'a second ": " on this line (column 11): a value that contains ": " must be in quotes, as '
     'name: "db: policy"'),
    # Quotes and brackets never closed: the line where they open.
    (broken("role: db", 'role: "db'), 9, 'the quote " at column 13 is never closed: end the value with '
                                          'another "'),
    (broken("role: db", "role: 'db"), 9, "the quote ' at column 13 is never closed: end the value with "
                                          "another ' (inside '...', write '' for an apostrophe)"),
    (broken("role: db", 'role: "db\n-x: y'), 9, 'the quote " at column 13 is never closed: end the '
                                                   'value with another "'),
    (broken("role: db", "role: [db"), 9, "the '[' at column 13 is never closed: end the list with ']'"),
    (broken("  - Ingress", "  - {a: b"), 11, "the '{' at column 5 is never closed: end the mapping with '}'"),
    ("a: [\n", 1, "the '[' at column 4 is never closed: end the list with ']'"),
    ("a: [b c: d: e]\n", 1, "expected ',' or ']' at column 11, in the list opened with '[' on line 1: a "
                            "comma is missing between two items, or the ']' after the last"),
    ("a: [1]]\n", 1, "a ']' at column 7 that closes nothing: remove it, or open it with '['"),
    ("a: {b: - c}\n", 1, 'a list item ("- ", column 8) cannot go inside [ ] or { }: write the items '
                         "between the brackets with commas, as [a, b]"),
    # Text after a quoted value, and characters that start something else in YAML.
    ("a: 'it's'\n", 1, "text after the closing quote, at column 8: put the whole value inside the quotes "
                       "(inside '...', write '' for an apostrophe)"),
    ("a: @b\n", 1, 'a value cannot start with "@" (column 4): put the value in quotes'),
    ("a: &\n", 1, '"&" at column 4 starts an anchor (&name) in YAML: if it is part of the value, put the '
                  "value in quotes"),
    ('a: "x\\qy"\n', 1, 'an escape after "\\" inside double quotes that YAML cannot read (column 6): '
                        "write \\\\ for a backslash, or use single quotes"),
    ("apiVersion: v1\n\ufeffkind: Namespace\n", 2,
     "an invisible byte order mark (U+FEFF) at column 1: delete it"),
])
def test_each_syntax_error_is_said_plainly_with_its_line(text, line, message):
    assert refused(text) == (line, message)


def test_the_cli_shape_is_file_line_message():
    with pytest.raises(InputError) as exc:
        parse_yaml(broken("  policyTypes:", "\tpolicyTypes:"), "policy.yaml")
    assert str(exc.value) == f"policy.yaml:10: invalid YAML: {TAB.format(1)}"


def test_the_issues_example_no_longer_says_block_collection():
    """The issue's own case: a key under a list, where PyYAML said "while parsing a block
    collection: did not find expected '-' indicator"."""
    line, message = refused("spec:\n  ingress:\n    - from: []\n    ports: []\n")
    assert "block collection" not in message and "indicator" not in message
    assert line == 4 and message.startswith('expected a list item starting with "- "')


BROKEN = [
    "a:\n\tb: c\n", "a: [1, 2\nb: c\n", "a: {x: 1\n", "a: 'x\n", "a: b: c\n", "items:\n  - a: 1\n  b: 2\n",
    "a: 1\n- b\n", "a:\n  b: 1\n c: 2\n", "a: !x!y b\n", "%FOO\n---\na: 1\n", "a: 1\n--- b: [\n",
    "a: *\n", "- a\nb: c\n", "a: |\n  x\n y: 1\n", "a: `b`\n", "a: [1, {b: 2]\n", "a:\n  - b\n   c: 1\n",
]


@pytest.mark.parametrize("text", BROKEN)
def test_no_message_keeps_the_parsers_while_context(text):
    line, message = refused(text)
    assert line is not None and 1 <= line <= text.count("\n")
    assert not message.startswith("while") and "while parsing" not in message
    assert "while scanning" not in message


@pytest.mark.parametrize("text", [t for t in BROKEN if not t.startswith("%")])  # it ignores %FOO
def test_the_pure_python_parsers_words_are_rewritten_too(text):
    """Without libyaml, PyYAML's own parser says it differently ("expected <block end>, but
    found '-'"): the same rules read it."""
    with pytest.raises(yaml.MarkedYAMLError) as exc:
        list(yaml.parse(text, Loader=yaml.SafeLoader))
    line, message = explain(exc.value, text)
    assert line is not None and "while " not in message and "<block end>" not in message


def test_an_error_no_rule_fits_keeps_the_parsers_problem_with_its_column():
    line, message = refused("%FOO\n---\na: 1\n")
    assert (line, message) == (1, "found unknown directive name (column 5)")


def test_a_rule_that_slips_leaves_the_parsers_words_not_a_traceback(monkeypatch):
    from trainer.netpol import syntax_words

    def slip(self):
        raise IndexError("a bug")

    monkeypatch.setattr(syntax_words._Reading, "_tab", slip)
    assert refused("a: [1]]\n") == (1, "did not find expected key (column 7)")


def test_libyamls_own_nesting_cap_is_nesting():
    line, message = refused("[" * 30_000 + "]" * 30_000)
    assert line == 1 and message.startswith("nesting too deep")


def test_a_duplicate_key_is_said_plainly():
    with pytest.raises(InputError) as exc:
        parse_yaml("spec:\n  podSelector: {}\n  podSelector: {}\n")
    (problem,) = exc.value.problems
    assert (problem.line, problem.message) == (
        3, 'the key "podSelector" is already defined at line 2: a key may appear only once in a mapping')
