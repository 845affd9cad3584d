"""The safe, strict YAML loader: text stays text, and every refusal has a position."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import presser.loading
from presser.errors import ProblemsFound
from presser.loading import MAX_DEPTH, MAX_FILE_BYTES, load_bytes, load_file

#: The event parsers presser can run on: libyaml's (its fast path) and PyYAML's own.
PARSERS = {"libyaml": getattr(yaml, "CSafeLoader", None), "python": yaml.SafeLoader}


@pytest.fixture(autouse=True, params=sorted(PARSERS))
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test in this file runs with both parsers: the checks are presser's, not theirs."""
    loader = PARSERS[request.param]
    if loader is None:
        pytest.skip("this PyYAML is built without libyaml")
    monkeypatch.setattr(presser.loading, "_EventLoader", loader)
    name: str = request.param
    return name


def load(text: str | bytes) -> object:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return load_bytes(raw, Path("r.yaml")).data


def refusal(text: str | bytes) -> list[str]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(ProblemsFound) as caught:
        load_bytes(raw, Path("r.yaml"))
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    "scalar",
    ["NO", "no", "yes", "on", "off", "1.0", "3.10", "007", "0x1F", "+4670123", "12:30:00", "1e3"],
)
def test_plain_scalars_stay_text(scalar: str) -> None:
    assert load(f"value: {scalar}\n") == {"value": scalar}


def test_null_words_and_empty_values_are_none_but_quoted_null_is_text() -> None:
    assert load("a: null\nb: ~\nc:\nd: 'null'\n") == {"a": None, "b": None, "c": None, "d": "null"}


def test_positions_are_one_based_line_and_column() -> None:
    document = load_bytes(b"a: 1\nlist:\n  - x\n  - {k: v}\n", Path("r.yaml"))
    assert document.positions[("a",)] == (1, 4)
    assert document.positions[("list", 1, "k")] == (4, 9)
    assert document.key_positions[("list",)] == (2, 1)


def test_duplicate_keys_are_refused_with_both_positions() -> None:
    assert refusal("headline: a\nlead: b\nheadline: c\n") == [
        "r.yaml:3:1: headline: duplicate key 'headline' (first at line 1, column 1)"
    ]


def test_duplicate_key_quoted_and_bare_is_the_same_key() -> None:
    assert refusal('headline: a\n"headline": b\n') == [
        "r.yaml:2:1: headline: duplicate key 'headline' (first at line 1, column 1)"
    ]


def test_every_duplicate_is_reported() -> None:
    assert len(refusal("a: 1\na: 2\nb: 1\nb: 2\n")) == 2


def test_anchor_and_alias_are_refused() -> None:
    assert refusal("a: &x [1, 2]\nb: *x\n") == ["r.yaml:1:4: a: anchors (&name) are not allowed"]


def test_alias_bomb_is_refused_before_expansion() -> None:
    bomb = 'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b]\n'
    assert refusal(bomb)[0].endswith("anchors (&name) are not allowed")


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        ("a: !!python/object/apply:os.system ['true']\n", "!!python/object/apply:os.system"),
        ("a: !custom x\n", "!custom"),
        ("a: !!binary aGVsbG8=\n", "!!binary"),
        ("a: !!str x\n", "!!str"),
    ],
)
def test_tags_are_refused(text: str, tag: str) -> None:
    assert refusal(text) == [f"r.yaml:1:4: a: tags such as {tag} are not allowed"]


def test_merge_key_is_refused() -> None:
    assert refusal("a:\n  <<: {b: 1}\n") == ["r.yaml:2:3: a: merge keys (<<) are not allowed"]


def test_depth_is_bounded_without_recursion() -> None:
    problems = refusal("a: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert len(problems) == 1
    assert f"nested more than {MAX_DEPTH} levels deep" in problems[0]


def test_deep_block_nesting_is_bounded() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n"
    assert "levels deep" in refusal(text)[0]


def test_invalid_utf8_reports_the_byte_offset_and_position() -> None:
    assert refusal(b"headline: ok\nlead: caf\xe9\n") == [
        "r.yaml:2:10: (file): invalid UTF-8 at byte 22 (0xE9); save the file as UTF-8"
    ]


def test_utf8_bom_is_accepted() -> None:
    assert load(codecs.BOM_UTF8 + "headline: Årsskifte\n".encode()) == {"headline": "Årsskifte"}


def test_utf16_with_bom_is_read_as_the_same_release() -> None:
    assert load("headline: Årsskifte\r\n".encode("utf-16")) == {"headline": "Årsskifte"}


def test_crlf_line_endings() -> None:
    assert load(b"a: 1\r\nb: two words\r\n") == {"a": "1", "b": "two words"}


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f"])
def test_control_characters_are_refused_with_position(char: str) -> None:
    assert refusal(f"a: ok\nb: x{char}y\n") == [
        f"r.yaml:2:5: (file): control character U+{ord(char):04X} is not allowed in a YAML file"
    ]


def test_tab_indentation_is_a_syntax_error_with_position() -> None:
    (problem,) = refusal("a:\n\tb: 1\n")
    assert problem.startswith("r.yaml:2:1: (file): YAML syntax:")


def test_more_than_one_document_is_refused() -> None:
    assert refusal("a: 1\n---\nb: 2\n") == ["r.yaml:2:1: (root): only one YAML document per file"]


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"headline: " + b"x" * MAX_FILE_BYTES + b"\n")
    with pytest.raises(ProblemsFound) as caught:
        load_file(big, display_path="big.yaml")
    assert str(caught.value.problems[0]).startswith("big.yaml:1:1: (file): the file is ")
    assert "the limit is 1 MiB" in str(caught.value.problems[0])


def test_missing_file_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(ProblemsFound) as caught:
        load_file(tmp_path / "nope.yaml", display_path="nope.yaml")
    assert "cannot read the file" in str(caught.value.problems[0])


# --------------------------------------------------------------------------- both parsers alike

HOSTILE = [
    'a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a]\n',
    "a: *nothing\n",
    "a: !!python/object/apply:os.system ['true']\n",
    "!!map {a: 1}\n",
    "a: !<tag:yaml.org,2002:str> x\n",
    "a:\n  <<: {b: 1}\n",
    "a: 1\nb: 2\na: 3\na: 4\n",
    "a: " + "[" * 100 + "]" * 100 + "\n",
    "? [a, b]\n: c\n",
    "a: 1\n---\nb: 2\n",
    "a: x\x1by\n",
    "a: 'x\u202ey'\nb: \"\\u0000\"\n",
    "headline: Årsskifte\nlead: 'it''s'\nbody:\n  - x\n  - {quote: q}\n",
]


def outcome(raw: bytes) -> tuple[object, ...]:
    try:
        document = load_bytes(raw, Path("r.yaml"))
    except ProblemsFound as exc:
        return ("refused", [str(p) for p in exc.problems])
    return ("loaded", document.data, document.positions, document.key_positions)


@pytest.mark.parametrize("text", HOSTILE)
def test_both_parsers_refuse_hostile_input_alike(
    text: str, parser: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    this = outcome(text.encode("utf-8"))
    other = PARSERS["python" if parser == "libyaml" else "libyaml"]
    if other is None:
        pytest.skip("this PyYAML is built without libyaml")
    monkeypatch.setattr(presser.loading, "_EventLoader", other)
    assert outcome(text.encode("utf-8")) == this


def plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(plain(v) for v in value)
    return value is None or isinstance(value, str)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("ab:- \n\t'\"[]{}&*!|>#%@,?~0.åö\u202e\ufeff")), max_size=120
    )
)
def test_either_parser_gives_plain_data_or_positioned_problems(text: str) -> None:
    # The parsers word syntax errors differently and disagree on a few corners of
    # YAML (a tab after a plain scalar, a U+FEFF inside the text); never on a check.
    result = outcome(text.encode("utf-8"))
    if result[0] == "loaded":
        assert plain(result[1])
    else:
        assert result[1] and all(":" in problem for problem in result[1])  # type: ignore[union-attr]
