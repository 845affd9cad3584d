"""The safe, strict YAML loader: text stays text, and every refusal has a position."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import presser.source.loading
from presser.errors import ProblemsFound
from presser.source.limits import DEFAULT_LIMITS, Limits
from presser.source.loading import load_bytes, load_file

MAX_DEPTH = DEFAULT_LIMITS.max_depth
MAX_FILE_BYTES = DEFAULT_LIMITS.max_file_bytes

#: The event parsers presser can run on: libyaml's (its fast path) and PyYAML's own.
PARSERS = {"libyaml": getattr(yaml, "CSafeLoader", None), "python": yaml.SafeLoader}


@pytest.fixture(autouse=True, params=sorted(PARSERS))
def parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test in this file runs with both parsers: the checks are presser's, not theirs."""
    loader = PARSERS[request.param]
    if loader is None:
        pytest.skip("this PyYAML is built without libyaml")
    monkeypatch.setattr(presser.source.loading, "_EventLoader", loader)
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


DEPTH_MESSAGE = f"nested more than {MAX_DEPTH} levels deep; a release never needs that (max_depth)"


def test_depth_is_bounded_without_recursion() -> None:
    problems = refusal("a: " + "[" * 10_000 + "]" * 10_000 + "\n")
    assert len(problems) == 1
    # At the list that is one level too deep (the root mapping is the first level).
    assert problems[0].startswith("r.yaml:1:35: a[0]")
    assert problems[0].endswith(f": {DEPTH_MESSAGE}")


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("a: " + "{a: " * 2_000 + "}" * 2_000 + "\n", "1:128"),
        ("- " * 2_000 + "x\n", "1:65"),
        ("".join(" " * i + "k:\n" for i in range(1_100)) + " " * 1_100 + "v\n", "33:33"),
    ],
    ids=["flow-mappings", "block-lists", "block-mappings"],
)
def test_deeper_than_libyaml_allows_is_presser_s_refusal_at_its_limit(
    text: str, position: str
) -> None:
    # libyaml refuses 1,000 levels of any kind itself, in its own words and where it stopped.
    (problem,) = refusal(text)
    assert problem.startswith(f"r.yaml:{position}: ")
    assert problem.endswith(f": {DEPTH_MESSAGE}")


def test_a_max_depth_past_libyamls_own_limit_is_honoured() -> None:
    document = load_bytes(
        ("a:\n" + "- " * 1_200 + "x\n").encode(), Path("r.yaml"), limits=Limits(max_depth=1_500)
    )
    assert document.positions[("a", *[0] * 1_199)] == (2, 2_399)


#: libyaml's refusal of deep nesting as its versions word it: (error, context, problem).
LIBYAML_NESTING_REFUSALS = [
    (
        yaml.parser.ParserError,
        "while parsing",
        "Maximum nesting level reached, set with yaml_set_max_nest_level())",
    ),
    (yaml.scanner.ScannerError, "while increasing flow level", "exceeded maximum nesting depth"),
    (yaml.scanner.ScannerError, "while increasing block level", "exceeded maximum nesting depth"),
]


@pytest.mark.parametrize(("error", "context", "problem"), LIBYAML_NESTING_REFUSALS)
def test_libyamls_nesting_refusal_in_any_wording_is_presser_s(
    error: type[yaml.MarkedYAMLError],
    context: str,
    problem: str,
    parser: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "a: b\nc: " + "[" * 100 + "]" * 100 + "\n"
    gave_up = yaml.error.Mark("<unicode string>", 1_000, 1, 1_000, None, None)

    base: Any = PARSERS[parser]

    class GivesUp(base):
        """The parser, stopping a few events in as some libyaml would, with its words."""

        calls = 0

        def check_event(self, *choices: type[yaml.Event]) -> bool:
            GivesUp.calls += 1
            if GivesUp.calls > 8:
                raise error(context, gave_up, problem, gave_up)
            result: bool = super().check_event(*choices)
            return result

    monkeypatch.setattr(presser.source.loading, "_EventLoader", GivesUp)
    assert refusal(text) == [f"r.yaml:2:35: c{'[0]' * 31}: {DEPTH_MESSAGE}"]
    assert GivesUp.calls > 8  # it did give up


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


NOT_CHECKED = "; the rest of the file was not checked"


@pytest.mark.parametrize(
    ("text", "position", "libyaml_says"),
    [
        ("a:\n\tb: 1\n", "2:1", "found character that cannot start any token"),
        ("a: 1\n\tb: 2\n", "2:1", "found a tab character that violates indentation"),
        ("a:\n  b: 1\n  \tc: 2\n", "3:3", "found a tab character that violates indentation"),
        (
            "a: |\n  x\n\ty\n",
            "3:1",
            "found a tab character where an indentation space is expected",
        ),
    ],
)
def test_a_tab_in_the_indentation_is_named_at_the_tab(
    text: str, position: str, libyaml_says: str, parser: str
) -> None:
    # The parsers' own words, so that a new wording shows up here first.
    with pytest.raises(yaml.MarkedYAMLError) as raw:
        list(yaml.parse(text, Loader=PARSERS[parser]))
    python_says = "found character '\\t' that cannot start any token"
    assert raw.value.problem == (libyaml_says if parser == "libyaml" else python_says)
    assert refusal(text) == [
        f"r.yaml:{position}: (file): a tab is used for indentation here; use spaces{NOT_CHECKED}"
    ]


@pytest.mark.parametrize(
    ("text", "position"),
    [("a: @x\n", "1:4"), ("a: b\tc: d\n", {"libyaml": "1:7", "python": "1:5"})],
)
def test_the_same_errors_elsewhere_keep_the_parsers_words(
    text: str, position: str | dict[str, str], parser: str
) -> None:
    where = position if isinstance(position, str) else position[parser]
    (problem,) = refusal(text)
    assert problem.startswith(f"r.yaml:{where}: (file): YAML syntax: ")
    assert "tab is used" not in problem and problem.endswith(NOT_CHECKED)


def test_a_syntax_error_says_the_rest_was_not_checked_and_keeps_what_came_before() -> None:
    problems = refusal("a: 1\na: 2\nb: [x\nc: d\n")
    assert len(problems) == 2
    assert problems[0] == "r.yaml:2:1: a: duplicate key 'a' (first at line 1, column 1)"
    assert problems[1].startswith("r.yaml:4:2: (file): YAML syntax: while parsing a flow sequence")
    assert problems[1].endswith(NOT_CHECKED)


def test_a_syntax_error_at_the_end_of_the_file_leaves_nothing_unchecked() -> None:
    (problem,) = refusal("headline: [\n")
    assert problem.startswith("r.yaml:2:1: (file): YAML syntax: while parsing a flow node")
    assert not problem.endswith(NOT_CHECKED)


#: What the PDF's line breaker cannot break at, so what joins words into one for max_word_chars.
JOINERS = {
    "\u00a0": "NO-BREAK SPACE",
    "\u2007": "FIGURE SPACE",
    "\u202f": "NARROW NO-BREAK SPACE",
    "\u2060": "WORD JOINER",
    "\ufeff": "ZERO WIDTH NO-BREAK SPACE",
    "\u2011": "NON-BREAKING HYPHEN",
}


@pytest.mark.parametrize("joiner", sorted(JOINERS))
def test_words_joined_so_no_line_can_break_count_as_one_word(joiner: str) -> None:
    text = joiner.join(["ord"] * 600)  # 2,399 characters, none a line can break at
    problems = refusal(f"lead: Ett {text} till\n")
    assert problems == [
        "r.yaml:1:7: lead: a word of 2,399 characters without a space (from character 5, "
        f"its parts joined by U+{ord(joiner):04X} {JOINERS[joiner]}, where a line cannot "
        "break); the limit is 2,000 (max_word_chars)"
    ]


def test_no_break_spaces_as_swedish_writes_them_are_no_long_word() -> None:
    # 12 000 kr, 10 %, 08-452 73 22: no-break spaces inside short groups, 6,000 characters.
    sentence = (
        "Priset är 12\u00a0000\u00a0kr, en ökning med 10\u00a0%, ring 08-452\u00a073\u00a022. "
    )
    text = sentence * 100
    assert load(f"lead: {text.strip()}\n") == {"lead": text.strip()}


def test_a_word_just_at_the_limit_is_accepted_whatever_joins_it() -> None:
    word = "\u00a0".join(["x"] * 1_000)  # 1,999 characters
    assert load(f"lead: a {word} b {word}\n") == {"lead": f"a {word} b {word}"}


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
    monkeypatch.setattr(presser.source.loading, "_EventLoader", other)
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
