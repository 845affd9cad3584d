"""The IPTC exports (ninjs 3.1, NewsML-G2 2.35) against the official schemas.

The schemas are read where they are, in ../shared/standards/ (never copied into
the repository); without that folder (a clean clone elsewhere) the tests that
validate skip, saying so, and the others still run.

jsonschema's FormatChecker checks ``uri`` and ``date-time`` only when the
optional rfc3987 and rfc3339-validator packages are installed, and neither is
locked here; so the two checks are added below from the RFCs (3986: a scheme,
then no spaces; 3339: full date, time and offset), else a relative address or
a date without its offset would pass unseen.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from presser.errors import ProblemsFound
from presser.render.context import build_context
from presser.render.iptc import export_facts, release_uri
from presser.render.newsml import NAR, render_newsml
from presser.render.ninjs import render_ninjs
from presser.render.pipeline import RenderOptions, render_release
from presser.source.validation import LoadedRelease, load_release
from presser.source.workspace import Workspace

from .conftest import ORGANISATION_YAML, REPO, MakeWorkspace

STANDARDS = REPO.parent / "shared" / "standards"
NINJS_SCHEMA = STANDARDS / "ninjs" / "ninjs-schema_3.1.json"
NEWSML_XSD = STANDARDS / "newsml-g2" / "NewsML-G2_2.35-spec-All-Power.xsd"
NS = {"n": NAR}

SCHEMAS_ABSENT = f"the official IPTC schemas are not in {STANDARDS} (outside this repository)"


def _needs_schemas() -> None:
    if not (NINJS_SCHEMA.is_file() and NEWSML_XSD.is_file()):
        pytest.skip(SCHEMAS_ABSENT)


_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def ninjs_validator() -> Any:
    _needs_schemas()
    import jsonschema

    checker = jsonschema.FormatChecker()

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return not isinstance(value, str) or bool(_URI.match(value))

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _DATE_TIME.match(value):
            return False
        datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        return True

    schema = json.loads(NINJS_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema, format_checker=checker)


@pytest.fixture(scope="module")
def newsml_schema() -> Any:
    _needs_schemas()
    from lxml import etree

    # Offline: the XSD imports xml.xsd beside it, nothing from the network.
    parser = etree.XMLParser(no_network=True)
    return etree.XMLSchema(etree.parse(str(NEWSML_XSD), parser))


def check_ninjs(validator: Any, data: bytes) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(data)
    errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(document)]
    assert not errors, "\n".join(errors)
    return document


def check_newsml(schema: Any, data: bytes) -> Any:
    from lxml import etree

    tree = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
    assert schema.validate(tree), "\n".join(str(e) for e in schema.error_log)
    return tree


def exports(loaded: LoadedRelease, **kwargs: Any) -> tuple[bytes, bytes]:
    base_url = kwargs.pop("base_url", None)
    context = build_context(loaded, **kwargs)
    facts = export_facts(loaded, context, base_url=base_url)
    return render_ninjs(context, facts), render_newsml(context, facts)


RELEASES = sorted((REPO / "releases").glob("*.yaml"))


@pytest.mark.parametrize("path", RELEASES, ids=[p.stem for p in RELEASES])
def test_every_release_validates(
    path: Path, repo_workspace: Workspace, ninjs_validator: Any, newsml_schema: Any
) -> None:
    loaded = load_release(path, repo_workspace)
    ninjs, newsml = exports(loaded)
    item = check_ninjs(ninjs_validator, ninjs)
    tree = check_newsml(newsml_schema, newsml)
    release = loaded.release
    assert item["uri"] == tree.get("guid") == release_uri(loaded.organisation.slug, loaded.stem)
    assert item["headlines"][0]["value"] == release.headline
    assert tree.findtext("n:contentMeta/n:headline", namespaces=NS) == release.headline
    assert item["genres"][0]["uri"] == "http://cv.iptc.org/newscodes/genre/Press_Release"
    assert tree.find("n:contentMeta/n:genre", NS).get("qcode") == "genre:Press_Release"
    assert item["language"] == tree.find("n:contentMeta/n:language", NS).get("tag")
    # Every press contact reaches the agency with a number or address to use.
    press = release.press_contacts
    if press is None:
        press = loaded.organisation.profile.press_contacts
    info = item["organisations"][0].get("contactInfo", [])
    for contact in press:
        assert any(entry.get("name") == contact.name for entry in info)
    notes = [n.text for n in tree.iterfind(".//n:infoSource//n:contactInfo/n:note", NS)]
    assert len(notes) == len(press)
    assert [s["name"] for s in item.get("subjects", [])] == list(release.tags)


def test_the_embargo_is_stated_until_it_lifts(
    repo_workspace: Workspace, ninjs_validator: Any, newsml_schema: Any
) -> None:
    path = REPO / "releases" / "2010-02-08-jonkoping-addiction-care-conference.yaml"
    loaded = load_release(path, repo_workspace)
    embargo = loaded.release.embargo
    assert embargo is not None
    ninjs, newsml = exports(loaded)
    assert check_ninjs(ninjs_validator, ninjs)["embargoedUntil"] == "2010-02-08T06:00:00+01:00"
    tree = check_newsml(newsml_schema, newsml)
    assert tree.findtext("n:itemMeta/n:embargoed", namespaces=NS) == "2010-02-08T06:00:00+01:00"
    # The copy published after the embargo (presser publish) has no embargo left to state.
    ninjs, newsml = exports(loaded, published_at=embargo)
    assert "embargoedUntil" not in check_ninjs(ninjs_validator, ninjs)
    assert check_newsml(newsml_schema, newsml).find("n:itemMeta/n:embargoed", NS) is None


CORRECTED = """\
organisation: exempel
status: published
headline: En rubrik
published: 2026-03-02T10:00:00+01:00
lead: En ingress.
body: [En paragraf.]
contacts:
  - {name: Anna Berg, email: anna.berg@exempel.se}
corrections:
  - {at: 2026-03-03T09:00:00+01:00, note: Summan är 30 miljoner; inte 3.}
"""


def test_a_correction_is_the_same_item_in_its_next_version(
    make_workspace: MakeWorkspace, ninjs_validator: Any, newsml_schema: Any
) -> None:
    first = CORRECTED.split("corrections:")[0]
    workspace = make_workspace(releases={"r.yaml": CORRECTED})
    (workspace.root / "releases" / "first").mkdir()
    (workspace.root / "releases" / "first" / "r.yaml").write_text(first, encoding="utf-8")
    corrected = load_release(workspace.root / "releases" / "r.yaml", workspace)
    ninjs, newsml = exports(corrected)
    item = check_ninjs(ninjs_validator, ninjs)
    tree = check_newsml(newsml_schema, newsml)
    assert item["version"] == "2" and tree.get("version") == "2"
    assert "Summan är 30 miljoner" in item["edNote"]
    assert item["versionCreated"] == "2026-03-03T09:00:00+01:00"
    assert item["firstCreated"] == "2026-03-02T10:00:00+01:00"
    assert tree.find("n:itemMeta/n:signal", NS).get("qcode") == "sig:correction"
    assert "Summan" in tree.findtext("n:itemMeta/n:edNote", namespaces=NS)
    # Version 1 of the same release: the same identifier, no signal.
    original = load_release(workspace.root / "releases" / "first" / "r.yaml", workspace)
    ninjs_v1, newsml_v1 = exports(original)
    assert json.loads(ninjs_v1)["uri"] == item["uri"]
    tree_v1 = check_newsml(newsml_schema, newsml_v1)
    assert tree_v1.get("guid") == tree.get("guid") and tree_v1.get("version") == "1"
    assert tree_v1.find("n:itemMeta/n:signal", NS) is None
    assert "edNote" not in json.loads(ninjs_v1)


def test_images_are_associations_with_their_renditions(
    repo_workspace: Workspace, ninjs_validator: Any, newsml_schema: Any
) -> None:
    path = REPO / "releases" / "2010-02-08-jonkoping-addiction-care-conference.yaml"
    loaded = load_release(path, repo_workspace)
    ninjs, newsml = exports(
        loaded, out_dir=repo_workspace.root / "build", base_url="https://news.example.org/x/"
    )
    item = check_ninjs(ninjs_validator, ninjs)
    (association,) = [a for a in item["associations"] if a["rel"] == "image"]
    assert association["type"] == "picture" and association["by"]
    (rendition,) = association["renditions"]
    assert rendition["contentType"] == "image/png"
    assert rendition["width"] > 0 and rendition["height"] > 0 and rendition["sizeInBytes"] > 0
    assert rendition["href"].startswith("https://news.example.org/x/")
    tree = check_newsml(newsml_schema, newsml)
    (link,) = [link for link in tree.findall("n:itemMeta/n:link", NS) if link.get("href")]
    assert link.get("href") == rendition["href"]


def test_render_writes_the_exports_only_when_asked(make_workspace: MakeWorkspace) -> None:
    from typing import get_args

    from presser.render.pipeline import DEFAULT_FORMATS, KNOWN_FORMATS
    from presser.source.model import OutputFormat

    assert get_args(OutputFormat) == KNOWN_FORMATS  # the organisation's formats: offers all
    assert "ninjs" not in DEFAULT_FORMATS and "newsml" not in DEFAULT_FORMATS
    workspace = make_workspace(releases={"r.yaml": CORRECTED})
    loaded = load_release(workspace.root / "releases" / "r.yaml", workspace)
    out = workspace.root / "build"
    rendered = render_release(loaded, out, RenderOptions(formats=("ninjs", "newsml")))
    assert [p.name for p in rendered.written] == ["r.ninjs.json", "r.newsml.xml"]


def test_build_makes_what_the_organisation_asks_for(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from presser.cli import cli

    profile = ORGANISATION_YAML + "formats: [html, txt, ninjs]\n"
    workspace = make_workspace(releases={"r.yaml": CORRECTED}, organisations={"exempel": profile})
    monkeypatch.chdir(workspace.root)
    first = CliRunner().invoke(cli, ["build"])
    assert first.exit_code == 0, first.output
    made = sorted(p.name for p in (workspace.root / "build").iterdir() if p.name.startswith("r."))
    assert made == ["r.html", "r.ninjs.json", "r.txt"]
    again = CliRunner().invoke(cli, ["build"])
    assert again.exit_code == 0 and "Nothing to render" in again.output, again.output
    # --format is what is asked for, whatever the organisation's formats: say.
    only = CliRunner().invoke(cli, ["render", "releases/r.yaml", "--format", "newsml"])
    assert only.exit_code == 0, only.output
    assert (workspace.root / "build" / "r.newsml.xml").is_file()
    assert not (workspace.root / "build" / "r.pdf").exists()


def test_render_command_writes_both(tmp_path: Path, ninjs_validator: Any) -> None:
    from click.testing import CliRunner

    from presser.cli import cli

    path = str(RELEASES[0])
    result = CliRunner().invoke(
        cli, ["render", path, "--format", "ninjs", "--format", "newsml", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    check_ninjs(ninjs_validator, (tmp_path / f"{RELEASES[0].stem}.ninjs.json").read_bytes())
    assert (tmp_path / f"{RELEASES[0].stem}.newsml.xml").is_file()


# --------------------------------------------------------------------------- generated releases

_TEXT = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=60
).map(str.strip)


@st.composite
def releases(draw: st.DrawFn) -> dict[str, Any]:
    quotes = draw(
        st.lists(
            st.fixed_dictionaries(
                {"text": _TEXT, "speaker": _TEXT}, optional={"role": _TEXT, "continued": _TEXT}
            ),
            max_size=2,
        )
    )
    release: dict[str, Any] = {
        "organisation": "exempel",
        "language": draw(st.sampled_from(["sv", "en", "de"])),
        "status": draw(st.sampled_from(["draft", "approved", "published"])),
        "headline": draw(_TEXT),
        "published": "2026-03-02T10:00:00+01:00",
        "lead": draw(_TEXT),
        "body": draw(st.lists(_TEXT, min_size=1, max_size=3)),
        "quotes": quotes,
        "tags": draw(st.lists(_TEXT, max_size=3, unique=True)),
        "contacts": [{"name": draw(_TEXT), "email": "anna.berg@exempel.se"}],
    }
    if draw(st.booleans()):
        release["subheadline"] = draw(_TEXT)
    if draw(st.booleans()):
        release["dateline"] = draw(_TEXT)
    if draw(st.booleans()):
        release["embargo"] = "2026-03-02T08:00:00+01:00"
    if draw(st.booleans()):
        release["corrections"] = [{"at": "2026-03-04T10:00:00+01:00", "note": draw(_TEXT)}]
    return release


@pytest.fixture(scope="module")
def generated_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("generated")
    (root / "templates" / "exempel").mkdir(parents=True)
    (root / "templates" / "exempel" / "organisation.yaml").write_text(
        ORGANISATION_YAML, encoding="utf-8"
    )
    (root / "releases").mkdir()
    return Workspace(root)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(release=releases())
def test_generated_releases_validate(
    release: dict[str, Any],
    generated_workspace: Workspace,
    ninjs_validator: Any,
    newsml_schema: Any,
) -> None:
    path = generated_workspace.root / "releases" / "g.yaml"
    path.write_text(yaml.safe_dump(release, allow_unicode=True), encoding="utf-8")
    try:
        loaded = load_release(path, generated_workspace)
    except ProblemsFound:
        assume(False)  # not a valid release: the exports are only made of valid ones
        return
    ninjs, newsml = exports(loaded)
    item = check_ninjs(ninjs_validator, ninjs)
    check_newsml(newsml_schema, newsml)
    assert item["version"] == str(1 + len(release.get("corrections", [])))


def test_the_language_versions_name_each_other_by_item_id(
    repo_workspace: Workspace, ninjs_validator: Any, newsml_schema: Any
) -> None:
    original = "2010-02-08-jonkoping-utbildning-riskbruk"
    translation = "2010-02-08-jonkoping-addiction-care-conference"
    slug = "regionforbundet-jonkoping"
    for stem, other, rel, language in (
        (original, translation, "translation", "en"),
        (translation, original, "original", "sv"),
    ):
        loaded = load_release(REPO / "releases" / f"{stem}.yaml", repo_workspace)
        ninjs, newsml = exports(loaded)
        item = check_ninjs(ninjs_validator, ninjs)
        [version] = [a for a in item["associations"] if a["type"] == "text"]
        assert (version["rel"], version["uri"], version["language"]) == (
            rel,
            release_uri(slug, other),
            language,
        )
        tree = check_newsml(newsml_schema, newsml)
        links = [
            link
            for link in tree.iterfind("n:itemMeta/n:link", NS)
            if link.get("residref") == release_uri(slug, other)
        ]
        assert len(links) == 1
        assert links[0].get("{http://www.w3.org/XML/1998/namespace}lang") == language
        assert links[0].get("title") == version["headlines"][0]["value"]
