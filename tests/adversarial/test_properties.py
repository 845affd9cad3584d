"""Properties over generated releases: what the model accepts, every renderer survives.

- Any release the model accepts (headline, lead, Markdown body, quotes,
  contacts with valid Swedish numbers and e-mail addresses, links, images,
  boilerplate; arbitrary Unicode text) renders to HTML, PDF and every wire
  style without an exception; the text copy contains the headline and every
  contact's e-mail address; the HTML holds no element or attribute outside an
  allow-list taken from the templates (and the few tags Markdown makes).
- Any bytes fed to validation give "valid" or clean problems with positions.

Releases are generated as data and written with PyYAML's emitter, so every
string reaches presser's loader exactly (quoted and escaped as needed).
The hypothesis profiles are the suite's own (tests/test_robustness.py):
``ci`` by default, ``HYPOTHESIS_PROFILE=long`` for a longer hunt. The PDF
property runs a twelfth of the examples: a PDF costs ~0.1-1 s.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import html5lib
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NonInteractiveExampleWarning
from PIL import Image as PillowImage
from pypdf import PdfReader

from presser.errors import ProblemsFound
from presser.render.pipeline import RenderOptions, render_outputs
from presser.render.transliterate import to_ascii
from presser.source.validation import LoadedRelease, load_release
from presser.source.workspace import Workspace

from ..conftest import ORGANISATION_YAML, REPO
from .guards import Guard

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("long", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

#: Examples per property: two thirds of the profile's (100 in ci), a twelfth for the PDF (12).
EXAMPLES = max(10, settings.default.max_examples * 2 // 3)
PDF_EXAMPLES = max(5, settings.default.max_examples // 12)
BOUNDED = {
    "deadline": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        # The guard fixture is meant to span every example: it collects across all of them.
        HealthCheck.function_scoped_fixture,
    ],
}

# --------------------------------------------------------------------- allow-list

# Tags the Markdown renderer can make (presser/source/markdown.py: no raw HTML, no images,
# no tables; headings demoted to h2/h3), with the only attributes it sets.
MARKDOWN_ELEMENTS = {"p", "h2", "h3", "ul", "ol", "li", "blockquote", "em", "strong"}
MARKDOWN_ELEMENTS |= {"a", "code", "pre", "br", "hr"}
MARKDOWN_ATTRIBUTES = {"href", "start"}


def _template_vocabulary() -> tuple[set[str], set[str]]:
    """Every element and attribute name written in the default templates.

    The generated releases belong to an organisation without templates of its
    own, so the default look is all they are rendered through.
    """
    elements: set[str] = {"html", "head", "body"}  # html5lib adds these when implied
    attributes: set[str] = set()
    for template in (REPO / "templates" / "_default").glob("*.j2"):
        source = template.read_text(encoding="utf-8")
        # Comments, Jinja expressions and quoted values hold no names of their own.
        source = re.sub(r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", " ", source, flags=re.S)
        source = re.sub(r'"[^"]*"', '""', source)
        for tag in re.finditer(r"<([a-zA-Z][a-zA-Z0-9]*)([^>]*)>", source):
            elements.add(tag.group(1).lower())
            attributes.update(a.lower() for a in re.findall(r"\s([a-zA-Z][\w:-]*)=", tag.group(2)))
    return elements, attributes


TEMPLATE_ELEMENTS, TEMPLATE_ATTRIBUTES = _template_vocabulary()
ALLOWED_ELEMENTS = TEMPLATE_ELEMENTS | MARKDOWN_ELEMENTS
ALLOWED_ATTRIBUTES = TEMPLATE_ATTRIBUTES | MARKDOWN_ATTRIBUTES


def test_the_allow_list_is_read_from_the_templates() -> None:
    # A guard on the parser above: if it found nothing, every HTML check would be empty.
    assert {"article", "address", "figure", "img", "time", "meta", "script"} <= TEMPLATE_ELEMENTS
    assert {"class", "href", "src", "alt", "datetime", "lang"} <= TEMPLATE_ATTRIBUTES
    assert not {"onerror", "onload", "iframe", "object", "svg"} & (
        ALLOWED_ELEMENTS | ALLOWED_ATTRIBUTES
    )


# --------------------------------------------------------------------- strategies

# Any character the loader keeps: no surrogates, and none of its refused control characters.
_CHARACTERS = st.characters(
    blacklist_categories=("Cs", "Cc"),
    blacklist_characters="\ufffe\uffff",
)
TEXT = st.text(_CHARACTERS, min_size=1, max_size=40).filter(lambda s: s.strip())
WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzåäöéüß"), min_size=1, max_size=12)
LOWER = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789"), min_size=1, max_size=10)

IDENTIFIER = st.builds(lambda a, b: a + b, st.sampled_from("abcdefghij"), LOWER)

PHONE = st.one_of(
    st.sampled_from(["08-452 73 22", "036-10 74 24", "031-123 45 67", "+46 8 452 73 22"]),
    # Swedish mobile numbers: 070, 072, 073, 076 or 079 and seven digits.
    st.builds(
        lambda prefix, digits: f"{prefix}-{digits[:3]} {digits[3:5]} {digits[5:]}",
        st.sampled_from(["070", "072", "073", "076", "079"]),
        st.text(st.sampled_from("0123456789"), min_size=7, max_size=7),
    ),
)
DOMAIN = st.builds(
    lambda labels, tld: ".".join([*labels, tld]),
    st.lists(LOWER, min_size=1, max_size=2),
    st.sampled_from(["se", "nu", "com", "org"]),
)
EMAIL = st.builds(
    lambda parts, domain: ".".join(parts) + "@" + domain,
    st.lists(LOWER, min_size=1, max_size=3),
    DOMAIN,
)
URL = st.builds(
    lambda domain, path: f"https://{domain}/{path}", DOMAIN, st.lists(LOWER).map("/".join)
)

# Markdown made of the constructs authors use, around arbitrary text.
_INLINE = st.one_of(
    TEXT,
    WORD,
    WORD.map(lambda w: f"*{w}*"),
    WORD.map(lambda w: f"**{w}**"),
    WORD.map(lambda w: f"`{w}`"),
    st.builds(lambda t, u: f"[{t}]({u})", WORD, URL),
    st.sampled_from(["[x](javascript:alert(1))", "<script>alert(1)</script>", "<b>", "&amp;"]),
    st.sampled_from(["{{ 7*7 }}", "{% raw %}", "![bild](x.png)", "\\", "<!-- -->"]),
)
_PARAGRAPH = st.lists(_INLINE, min_size=1, max_size=6).map(" ".join)
MARKDOWN = st.lists(
    st.one_of(
        _PARAGRAPH,
        _PARAGRAPH.map(lambda p: "## " + p.replace("\n", " ")),
        st.lists(_PARAGRAPH, min_size=1, max_size=3).map(
            lambda items: "\n".join("- " + i.replace("\n", " ") for i in items)
        ),
        _PARAGRAPH.map(lambda p: "> " + p.replace("\n", " ")),
        st.just("1. ett\n2. två"),
        st.just("    kod\n    mer kod"),
    ),
    min_size=1,
    max_size=4,
).map("\n\n".join)

CONTACT = st.fixed_dictionaries(
    {"name": TEXT},
    optional={"role": TEXT, "phone": PHONE, "mobile": PHONE, "organisation": TEXT},
).flatmap(lambda c: EMAIL.map(lambda e: {**c, "email": e}))

QUOTE_FIELDS = st.fixed_dictionaries(
    {"text": TEXT}, optional={"speaker": TEXT, "role": TEXT, "continued": TEXT, "verb": WORD}
)

IMAGE_FIELDS = st.fixed_dictionaries({"alt": TEXT}, optional={"caption": TEXT, "credit": TEXT})


@st.composite
def releases(draw: st.DrawFn) -> dict[str, Any]:
    """A release as data: every field the format has, each present or not."""
    ids = draw(st.lists(IDENTIFIER, max_size=3, unique=True))
    quotes = [{"id": i, **draw(QUOTE_FIELDS)} for i in ids]
    placed = draw(st.lists(st.sampled_from(ids), unique=True)) if ids else []
    blocks: list[Any] = draw(st.lists(MARKDOWN, min_size=0 if placed else 1, max_size=3))
    for ident in placed:
        blocks.insert(draw(st.integers(0, len(blocks))), {"quote": ident})
    # Images: the one PNG the workspace holds, placed in the body or set after it.
    images = [
        {"id": f"bild-{n}", "path": "bild.png", **draw(IMAGE_FIELDS)}
        for n in range(draw(st.integers(0, 2)))
    ]
    for image in images:
        if draw(st.booleans()):
            blocks.insert(draw(st.integers(0, len(blocks))), {"image": image["id"]})
    release: dict[str, Any] = {
        "organisation": "exempel",
        "headline": draw(TEXT),
        "published": "2026-03-02T10:00:00+01:00",
    }
    optional: dict[str, Any] = {
        "language": st.sampled_from(["sv", "en"]),
        "type": st.sampled_from(["press-release", "news", "statement", "invitation"]),
        "subheadline": TEXT,
        "department": TEXT,
        "dateline": TEXT,
        "embargo": st.just("2026-03-01T06:00:00Z"),
        "lead": _PARAGRAPH.map(lambda p: p.replace("\n", " ")),
        "links": st.lists(st.fixed_dictionaries({"text": TEXT, "url": URL}), max_size=3),
        "boilerplate": st.one_of(TEXT, st.lists(TEXT, min_size=1, max_size=2)),
        "tags": st.lists(TEXT, max_size=3),
        "wire": st.sampled_from(["nordic", "us"]),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            release[name] = draw(strategy)
    # A body of one Markdown text may also be written as that text alone.
    one_text = len(blocks) == 1 and isinstance(blocks[0], str)
    release["body"] = blocks[0] if one_text and draw(st.booleans()) else blocks
    if quotes:
        release["quotes"] = quotes
    if images:
        release["images"] = images
    release["contacts"] = draw(st.lists(CONTACT, min_size=1, max_size=3))
    return release


# --------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("properties")
    (root / "templates" / "exempel").mkdir(parents=True)
    (root / "templates" / "exempel" / "organisation.yaml").write_text(
        ORGANISATION_YAML, encoding="utf-8"
    )
    (root / "releases").mkdir()
    picture = io.BytesIO()
    PillowImage.new("RGB", (40, 30), "teal").save(picture, "PNG")
    (root / "releases" / "bild.png").write_bytes(picture.getvalue())
    return Workspace(root)


def accepted(workspace: Workspace, release: dict[str, Any]) -> LoadedRelease:
    """Write the release and load it; examples the model refuses are not this property's."""
    path = workspace.releases_dir / "r.yaml"
    path.write_text(yaml.safe_dump(release, allow_unicode=True, sort_keys=False), "utf-8")
    try:
        return load_release(path, workspace)
    except ProblemsFound:
        assume(False)
        raise  # unreachable: assume(False) ends the example


def words(text: str) -> str:
    return " ".join(text.split())


def elements(html: bytes) -> Iterator[Any]:
    tree = html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)
    for element in tree.iter():
        if isinstance(element.tag, str):  # comments and the doctype are not elements
            yield element


# --------------------------------------------------------------------- properties


def test_generated_releases_are_mostly_accepted(workspace: Workspace) -> None:
    # A guard on the strategy: a property over releases the model refuses proves nothing.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        sample = [releases().example() for _ in range(20)]
    loaded = 0
    for release in sample:
        path = workspace.releases_dir / "r.yaml"
        path.write_text(yaml.safe_dump(release, allow_unicode=True, sort_keys=False), "utf-8")
        try:
            load_release(path, workspace)
            loaded += 1
        except ProblemsFound as exc:
            print(exc)
    assert loaded >= 15


@settings(max_examples=EXAMPLES, **BOUNDED)  # type: ignore[arg-type]
@given(release=releases())
def test_accepted_releases_render_to_html_and_every_wire_style(
    workspace: Workspace, release: dict[str, Any], guard: Guard
) -> None:
    loaded = accepted(workspace, release)
    with guard.watching(workspace.root):  # no network, no reads outside, nothing run
        check_html_and_text(workspace, loaded)


def check_html_and_text(workspace: Workspace, loaded: LoadedRelease) -> None:
    out = workspace.root / "build"
    headline = words(loaded.release.headline)
    emails = [c.email for c in loaded.release.contacts if c.email]

    html = render_outputs(loaded, out, RenderOptions(formats=("html",)))["html"]
    found = list(elements(html))
    assert {e.tag for e in found} <= ALLOWED_ELEMENTS
    assert {a for e in found for a in e.attrib} <= ALLOWED_ATTRIBUTES
    scripts = [e for e in found if e.tag == "script"]
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert headline in words("".join(next(e for e in found if e.tag == "h1").itertext()))

    for wire in ("nordic", "us"):
        for ascii_only in (False, True):
            options = RenderOptions(formats=("txt",), wire=wire, ascii_only=ascii_only)
            text = render_outputs(loaded, out, options)["txt"].decode("utf-8")
            assert text.endswith("\n") and "\r" not in text
            expected = words(to_ascii(headline)) if ascii_only else headline
            assert expected in words(text), (wire, ascii_only)
            for email in emails:
                assert email in text
            if ascii_only:
                assert text.isascii()


@settings(max_examples=PDF_EXAMPLES, **BOUNDED)  # type: ignore[arg-type]
@given(release=releases())
def test_accepted_releases_render_to_pdf(
    workspace: Workspace, release: dict[str, Any], guard: Guard
) -> None:
    loaded = accepted(workspace, release)
    with guard.watching(workspace.root):
        outputs = render_outputs(loaded, workspace.root / "build", RenderOptions(formats=("pdf",)))
    pdf = outputs["pdf"]
    # Parses, with pages. (Its words are not compared: text extraction from a PDF in
    # arbitrary scripts, partly in fallback fonts, is pypdf's guess, not presser's output.)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    assert reader.metadata is not None and reader.metadata.title


def _assert_clean(workspace: Workspace, raw: bytes) -> None:
    path = workspace.releases_dir / "r.yaml"
    path.write_bytes(raw)
    try:
        load_release(path, workspace)
    except ProblemsFound as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.line >= 1 and problem.column >= 1 and problem.message
            assert all(ch.isprintable() for ch in str(problem)), str(problem)


@settings(max_examples=EXAMPLES, **BOUNDED)  # type: ignore[arg-type]
@given(raw=st.binary(max_size=600))
def test_any_bytes_are_valid_or_cleanly_refused(workspace: Workspace, raw: bytes) -> None:
    _assert_clean(workspace, raw)


@settings(max_examples=EXAMPLES, **BOUNDED)  # type: ignore[arg-type]
@given(release=releases(), data=st.data())
def test_damaged_releases_are_valid_or_cleanly_refused(
    workspace: Workspace, release: dict[str, Any], data: st.DataObject
) -> None:
    raw = bytearray(yaml.safe_dump(release, allow_unicode=True, sort_keys=False).encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        change = data.draw(st.sampled_from(["insert", "delete", "flip"]))
        if change == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=4))
        elif at < len(raw):
            if change == "delete":
                del raw[at : at + data.draw(st.integers(1, 8))]
            else:
                raw[at] ^= 1 << data.draw(st.integers(0, 7))
    _assert_clean(workspace, bytes(raw))


def test_validate_command_never_shows_a_traceback(workspace: Workspace, tmp_path: Path) -> None:
    # The property tests call the library; this checks that the CLI turns the same into exit 1.
    import subprocess
    import sys

    (workspace.releases_dir / "r.yaml").write_bytes(b"headline: [\xff\x00 &a *a !!python/object")
    done = subprocess.run(
        [sys.executable, "-m", "presser", "validate", "releases/r.yaml"],
        cwd=workspace.root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert re.search(r"r\.yaml:\d+:\d+: ", done.stdout)
