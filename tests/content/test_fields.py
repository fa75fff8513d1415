"""The catalog's shared reader: every content file's problems name file, line and field."""

import pytest

from trainer.catalog.fields import FieldReader, parse_path
from trainer.catalog.probes import Probe, parse_port, read_probe
from trainer.netpol.build import load_policies
from trainer.netpol.problems import InputError

POLICY = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
          "metadata: {name: p}\nspec: {podSelector: 7}\n")


def read(tmp_path, content: str | bytes):
    path = tmp_path / "lesson.yaml"
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return FieldReader.read(path, "lessons/lesson.yaml")


def test_a_byte_that_is_not_utf8_is_named_with_its_line(tmp_path):
    reader, data = read(tmp_path, b"title: ok\ngoal: \xff\n")
    assert data is None
    assert reader.problems == ["lessons/lesson.yaml:2: not UTF-8 text (byte 16)"]


def test_a_second_document_is_refused_at_its_line(tmp_path):
    reader, data = read(tmp_path, "title: one\n---\ntitle: two\n")
    assert data is None
    assert reader.problems == ["lessons/lesson.yaml:2: holds 2 YAML documents; it must hold one"]  # its ---


def test_typed_fields_report_file_line_path_and_what_is_wrong(tmp_path):
    reader, data = read(tmp_path, "title: ok\nport: 70000\nprotocol: tcp\ntags: [a, 3, ' ']\ncolour: red\n")
    assert reader.port(data, ("port",)) is None
    assert reader.protocol(data, ("protocol",)) is None
    assert reader.strings(data, ("tags",)) is None  # broken, so the checks that need it are skipped
    assert reader.field(data, ("goal",), str) is None
    reader.unknown_fields(data, (), ("title", "port", "protocol", "tags"))
    assert reader.problems == [
        "lessons/lesson.yaml:2: port: must be a port number from 1 to 65535, not 70000",
        "lessons/lesson.yaml:3: protocol: must be one of TCP, UDP, SCTP",
        "lessons/lesson.yaml:4: tags[1]: must be text, not a number",
        "lessons/lesson.yaml:4: tags[2]: is empty",
        "lessons/lesson.yaml:1: goal: is missing",  # a missing field: on its mapping's line
        'lessons/lesson.yaml:5: colour: unknown field "colour" (expected one of title, port, protocol, tags)',
    ]


def test_a_misspelt_key_is_one_problem_not_also_a_missing_field(tmp_path):
    reader, data = read(tmp_path, "titel: ok\ncolour: red\n")
    reader.unknown_fields(data, (), ("title", "goal"))
    assert reader.field(data, ("title",), str) is None  # "titel" is its typo: said once
    assert reader.field(data, ("goal",), str) is None  # nothing looks like it: missing
    assert reader.problems == [
        'lessons/lesson.yaml:1: titel: unknown field "titel" (expected one of title, goal)',
        'lessons/lesson.yaml:2: colour: unknown field "colour" (expected one of title, goal)',
        "lessons/lesson.yaml:1: goal: is missing",
    ]


def test_absent_optional_fields_and_the_default_protocol(tmp_path):
    reader, data = read(tmp_path, "title: ok\nfocus: {port: 80}\n")
    assert reader.strings(data, ("tags",), required=False) == ()
    assert reader.items(data, ("tags",), str, required=False) == []
    assert reader.protocol(data["focus"], ("focus", "protocol")) == "TCP"  # TCP wherever a protocol is read
    assert not reader.mapping(data["title"], ("title",), ("a", "b"))
    assert reader.mapping(data["focus"], ("focus",), ("pod", "port"))
    assert reader.problems == ["lessons/lesson.yaml:1: title: must be a mapping (a, b), not text"]


def test_an_origin_names_a_field_of_a_loaded_item_as_loading_does(tmp_path):
    reader, _ = read(tmp_path, "questions:\n- slug: a\n  choices:\n  - {text: x, correct: true}\n")
    origin = reader.origin(("questions", 0))
    assert origin.line() == 2
    assert origin.problem(("choices", 0, "correct"), "is wrong") == \
        "lessons/lesson.yaml:4: questions[0].choices[0].correct: is wrong"
    assert origin.audit("choices[0]: the key is wrong") == \
        "lessons/lesson.yaml:4: questions[0].choices[0]: the key is wrong"
    assert origin.audit("no field here") == "lessons/lesson.yaml:2: questions[0]: no field here"


@pytest.mark.parametrize("text, path", [
    ("solution", ("solution",)), ("accepted[0]", ("accepted", 0)),
    ("claims.guide.probes[0].port", ("claims", "guide", "probes", 0, "port")),
    ("[1].cluster", (1, "cluster")), ("", None), ("two words", None), (".x", None), ("a..b", None),
])
def test_a_field_path_reads_back_into_its_parts(text, path):
    assert parse_path(text) == path


@pytest.mark.parametrize("header", ["yaml: |", "yaml: |-  # the stage's policy"])
def test_a_problem_in_an_embedded_block_lands_on_its_line_in_the_file(tmp_path, header):
    layout = f"title: t\n{header}\n" + "".join(f"  {line}\n" for line in POLICY.splitlines())
    reader, data = read(tmp_path, layout)
    with pytest.raises(InputError) as raised:
        load_policies(data["yaml"], "yaml")
    (problem,) = raised.value.problems
    reader.fail_embedded(("yaml",), raised.value)
    spec_line = 2 + problem.line
    assert layout.splitlines()[spec_line - 1] == "  spec: {podSelector: 7}"
    assert reader.problems == [
        f"lessons/lesson.yaml:{spec_line}: yaml: {problem.obj}: {problem.path}: {problem.message}"]


def test_a_probe_mapping_is_checked_field_by_field(tmp_path):
    reader, data = read(tmp_path, "probes:\n- {from: a/x, to: b/y, port: 80, allowed: true}\n"
                                  "- {from: a/x, to: nobody, port: 0, allowed: maybe, via: z}\n")
    known = {"a/x", "b/y"}

    def check_end(name, path):
        if name not in known:
            reader.fail(path, f"{name!r} is unknown")

    good, bad = (read_probe(reader, raw, ("probes", i), check_end) for i, raw in enumerate(data["probes"]))
    assert good == Probe("a/x", "b/y", 80, "TCP", True)
    assert reader.problems == [
        'lessons/lesson.yaml:3: probes[1].via: unknown field "via" '
        "(expected one of from, to, port, protocol, allowed)",
        "lessons/lesson.yaml:3: probes[1].to: 'nobody' is unknown",
        "lessons/lesson.yaml:3: probes[1].port: must be a port number from 1 to 65535, not 0",
        "lessons/lesson.yaml:3: probes[1].allowed: must be true or false, not text",
    ]
    assert (bad.src, bad.dst, bad.port, bad.protocol, bad.allowed) == ("a/x", "nobody", None, "TCP", None)


def test_port_text_is_port_and_protocol_tcp_by_default():
    assert parse_port("3306/TCP") == (3306, "TCP")
    assert parse_port("53/udp") == (53, "UDP")
    assert parse_port("80") == (80, "TCP")
    for bad in ("", "x80/TCP", "70000/TCP", "80/ICMP"):
        with pytest.raises(ValueError):
            parse_port(bad)
    assert Probe.parse("prod/a 192.168.5.10 443").describe() == "prod/a -> 192.168.5.10 on TCP 443"
    assert Probe.parse("prod/a prod/b 53/udp").describe("→") == "prod/a → prod/b on UDP 53"
