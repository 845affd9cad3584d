"""The newsroom (presser site): built from published/ only, crawled, its feeds read back.

One workspace for the module, published through the real workflow: ``r`` with
an image, published and then corrected (v1, v2); ``e`` in English, published
for a time still to come (its embargo lifts before it); ``s`` marked published
with no version folder (as the transcribed releases are); a draft and an
approved release that must never appear.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from collections import deque
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag

import pytest

from presser.editorial import publishing
from presser.errors import UsageProblem
from presser.render.iptc import release_uri
from presser.site.build import build_site
from presser.site.output import MARKER
from presser.source.workspace import Workspace

from .test_iptc import check_newsml, check_ninjs, newsml_schema, ninjs_validator  # noqa: F401
from .workflow_helpers import RELEASE, approve_it, make_newsroom, run

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
LATER = datetime(3000, 1, 1, tzinfo=UTC)  # after e's time
EMBARGOED = """\
organisation: exempel
language: en
headline: The new pool opens in spring
published: 2999-03-02T10:00:00+01:00
embargo: 2999-03-02T06:00:00+01:00
lead: The municipality opens its new pool in the spring.
body: [A paragraph about the pool.]
contacts:
  - {name: Anna Berg, email: anna.berg@exempel.se}
tags: [bad]
"""
TAKEN_AS_IT_IS = """\
organisation: exempel
status: published
headline: Biblioteket får längre öppettider
published: 2009-05-04T09:00:00+02:00
lead: Biblioteket har öppet till klockan 20 från och med juni.
body: [En paragraf om biblioteket.]
contacts:
  - {name: Anna Berg, email: anna.berg@exempel.se}
"""
TRANSLATION = """\
organisation: exempel
language: en
status: published
headline: The library opens for longer
published: 2009-05-04T09:00:00+02:00
lead: The library is open until eight in the evening from June.
body: [A paragraph about the library.]
contacts:
  - {name: Anna Berg, email: anna.berg@exempel.se}
translation_of: s
"""
DRAFT = TAKEN_AS_IT_IS.replace("status: published", "status: draft").replace(
    "Biblioteket får", "Utkastet om simhallen får"
)
APPROVED = TAKEN_AS_IT_IS.replace("status: published\n", "").replace(
    "Biblioteket får", "Den godkända nyheten får"
)


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("newsroom")
    before = Path.cwd()
    os.chdir(folder)
    try:
        make_newsroom(
            folder,
            releases={
                "r.yaml": RELEASE,
                "e.yaml": EMBARGOED,
                "s.yaml": TAKEN_AS_IT_IS,
                "t.yaml": TRANSLATION,
                "d.yaml": DRAFT,
                "a.yaml": APPROVED,
            },
        )
        # The organisation publishes the IPTC exports too; the newsroom offers them.
        profile = folder / "templates" / "exempel" / "organisation.yaml"
        formats = "formats: [html, pdf, txt, ninjs, newsml]\n"
        profile.write_text(profile.read_text("utf-8") + formats, encoding="utf-8")
        approve_it("r.yaml")
        assert run("publish", "releases/r.yaml", "--by", "Pia Press").exit_code == 0
        note = "Simhallen öppnar 2011, inte 2010."
        corrected = run("correct", "releases/r.yaml", "--by", "Pia Press", "--note", note)
        assert corrected.exit_code == 0, corrected.output
        approve_it("r.yaml")
        assert run("publish", "releases/r.yaml", "--by", "Pia Press").exit_code == 0
        approve_it("e.yaml")
        workspace = Workspace(folder)
        due = datetime(2999, 3, 2, 10, 0, tzinfo=UTC)
        publishing.publish(folder / "releases" / "e.yaml", workspace, by="Pia Press", now=due)
        approve_it("a.yaml")
        # What send gives embargoed recipients before the time (published/<stem>/v<N>-embargo/)
        # is not a published version: never on the site.
        shutil.copytree(
            folder / "published" / "r" / "v1", folder / "published" / "x" / "v1-embargo"
        )
        yield folder
    finally:
        os.chdir(before)


@pytest.fixture(scope="module")
def site(root: Path) -> Path:
    out = root / "build" / "site"
    result = build_site(Workspace(root), out, now=NOW)
    assert result.shown == 3 and result.held_back == 1
    return out


def every_file(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


# --------------------------------------------------------------------------- what is shown


def test_only_published_releases_whose_time_has_come(site: Path) -> None:
    files = every_file(site)
    assert "releases/r/index.html" in files and "releases/s/index.html" in files
    text = b"\n".join(files.values())
    for absent in (b"The new pool opens", b"Utkastet om simhallen", b"Den godk\xc3\xa4nda"):
        assert absent not in text
    hidden = ("releases/e/", "releases/d/", "releases/a/", "releases/x/")
    assert not any(name.startswith(hidden) or "embargo" in name for name in files)
    assert b"releases/e/" not in files["sitemap.xml"]
    assert not any(name.endswith("sent.jsonl") or name.endswith("manifest.json") for name in files)


def test_an_embargoed_release_appears_on_the_first_build_after_its_time(
    root: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    build_site(Workspace(root), out, now=NOW)
    assert not (out / "releases" / "e").exists()
    result = build_site(Workspace(root), out, now=LATER)
    assert result.shown == 4 and result.held_back == 0
    page = (out / "releases" / "e" / "index.html").read_text("utf-8")
    assert "The new pool opens in spring" in page
    assert "EMBARGOED" not in page  # the published copy states no embargo that has lifted
    assert "releases/e/" in (out / "sitemap.xml").read_text("utf-8")


def test_the_release_page_keeps_every_version_and_its_downloads(site: Path) -> None:
    page = (site / "releases" / "r" / "index.html").read_text("utf-8")
    assert (site / "releases" / "r" / "v1" / "r.html").is_file()
    assert (site / "releases" / "r" / "v2" / "r.pdf").is_file()
    assert 'href="v1/r.html"' in page and "Simhallen öppnar 2011, inte 2010." in page
    assert 'href="v2/r.pdf"' in page and 'href="v2/r.txt"' in page
    assert 'src="images/hall.png"' in page and "Foto: Exempelkommunen" in page
    assert 'href="v2/r.ninjs.json"' in page and 'href="v2/r.newsml.xml"' in page
    v1, v2 = (
        json.loads((site / "releases" / "r" / f"v{n}" / "r.ninjs.json").read_text("utf-8"))
        for n in (1, 2)
    )
    assert v1["uri"] == v2["uri"] == release_uri("exempel", "r")
    assert (v1["version"], v2["version"]) == ("1", "2") and "2011" in v2["edNote"]
    # Taken as it is, a release gets what publish would give it.
    assert (site / "releases" / "s" / "v1" / "s.ninjs.json").is_file()
    with zipfile.ZipFile(site / "releases" / "r" / "r-press-kit.zip") as kit:
        assert sorted(kit.namelist()) == ["hall.png", "r.pdf"]
        assert (
            kit.read("hall.png") == (site / "releases" / "r" / "images" / "hall.png").read_bytes()
        )
    contact = (site / "exempel" / "contact" / "index.html").read_text("utf-8")
    assert 'href="tel:+4684527322"' in contact and 'href="mailto:press@exempel.se"' in contact


def test_language_versions_are_linked_both_ways(site: Path) -> None:
    # The translation lives under its original's address, in a folder of its language.
    english = (site / "releases" / "s" / "en" / "index.html").read_text("utf-8")
    swedish = (site / "releases" / "s" / "index.html").read_text("utf-8")
    assert not (site / "releases" / "t").exists()
    assert '<link rel="alternate" hreflang="sv" href="../index.html">' in english
    assert '<link rel="alternate" hreflang="en" href="en/index.html">' in swedish
    assert 'lang="sv">Svenska</a>' in english and 'lang="en">English</a>' in swedish


def test_the_published_exports_validate(
    site: Path,
    ninjs_validator: Any,  # noqa: F811
    newsml_schema: Any,  # noqa: F811
) -> None:
    for version in ("v1", "v2"):
        folder = site / "releases" / "r" / version
        item = check_ninjs(ninjs_validator, (folder / "r.ninjs.json").read_bytes())
        tree = check_newsml(newsml_schema, (folder / "r.newsml.xml").read_bytes())
        assert "embargoedUntil" not in item
        corrected = tree.find(
            "{http://iptc.org/std/nar/2006-10-01/}itemMeta/"
            "{http://iptc.org/std/nar/2006-10-01/}signal"
        )
        assert (corrected is not None) == (version == "v2")


# --------------------------------------------------------------------------- crawl


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.h1 = 0
        self.lang: str | None = None
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "h1":
            self.h1 += 1
        if tag == "meta" and ("property" in found or "name" in found):
            self.meta[found.get("property") or found["name"]] = found.get("content", "")
        for name in ("href", "src"):
            if name in found:
                self.links.append(found[name])


def crawl(site: Path) -> dict[str, _Page]:
    """Every page reachable from index.html; every link must resolve inside the site."""
    import html5lib

    seen: dict[str, _Page] = {}
    queue = deque([site / "index.html"])
    while queue:
        path = queue.popleft()
        key = path.relative_to(site).as_posix()
        if key in seen:
            continue
        text = path.read_text("utf-8")
        html5lib.HTMLParser(strict=True).parse(text)  # raises on any parse error
        page = _Page()
        page.feed(text)
        seen[key] = page
        for link in page.links:
            if link.startswith(("mailto:", "tel:", "https://", "http://")):
                continue
            target = (path.parent / unquote(urldefrag(link)[0])).resolve()
            assert target.is_relative_to(site.resolve()), f"{key}: {link} leaves the site"
            assert target.is_file(), f"{key}: {link} does not resolve"
            if target.suffix == ".html":
                queue.append(target)  # the frozen versions too: their images must resolve
    return seen


def test_every_page_is_reachable_and_every_link_resolves(site: Path) -> None:
    pages = crawl(site)
    for must in ("releases/r/index.html", "exempel/contact/index.html", "tags/bad/index.html"):
        assert must in pages
    assert "releases/r/v1/r.html" in pages  # an earlier version, as it went out
    for key, page in pages.items():
        assert page.lang, key
        assert page.h1 == 1, f"{key}: {page.h1} h1"
        frozen = re.fullmatch(r"releases/[^/]+/v\d+/[^/]+\.html", key)
        assert frozen or (page.meta.get("og:title") and page.meta.get("twitter:card")), key
    release = pages["releases/r/index.html"]
    assert release.meta["og:type"] == "article"
    assert release.meta["og:description"].startswith("Exempelkommunen bygger en ny simhall")
    assert release.meta["og:image"] == "images/hall.png"


def test_pages_of_a_long_list_lead_to_each_other(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(Workspace(root), out, now=NOW, page_size=1)
    pages = crawl(out)
    assert {"page/2/index.html", "page/3/index.html", "exempel/page/3/index.html"} <= set(pages)
    assert 'rel="prev" href="../../index.html"' in (out / "page" / "2" / "index.html").read_text(
        "utf-8"
    )


def test_the_base_url_gives_canonical_and_absolute_addresses(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(Workspace(root), out, now=NOW, base_url="https://news.example.org/kommunen")
    page = (out / "releases" / "r" / "index.html").read_text("utf-8")
    assert '<link rel="canonical" href="https://news.example.org/kommunen/releases/r/">' in page
    assert 'content="https://news.example.org/kommunen/releases/r/images/hall.png"' in page
    assert "Sitemap: https://news.example.org/kommunen/sitemap.xml" in (
        out / "robots.txt"
    ).read_text("utf-8")
    assert "<loc>https://news.example.org/kommunen/releases/r/</loc>" in (
        out / "sitemap.xml"
    ).read_text("utf-8")


# --------------------------------------------------------------------------- feeds


@pytest.mark.parametrize(
    "feed", ["feed.atom", "feed.rss", "exempel/feed.atom", "tags/bad/feed.rss"]
)
def test_feeds_read_back(site: Path, feed: str) -> None:
    import feedparser

    media_type = "application/atom+xml" if feed.endswith(".atom") else "application/rss+xml"
    # Served from an address, as a reader fetches it: relative links resolve against it.
    headers = {"content-location": f"https://site.test/{feed}", "content-type": media_type}
    parsed = feedparser.parse((site / feed).read_bytes(), response_headers=headers)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title
    entries = parsed.entries
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    for entry in entries:
        assert entry.title and entry.link and entry.id
        assert entry.published_parsed
        assert datetime(*entry.published_parsed[:6], tzinfo=UTC) <= NOW
        assert "The new pool opens" not in entry.title
        assert entry.content[0].value if "content" in entry else entry.summary
        assert entry.link.startswith("https://site.test/"), entry.link
        target = site / unquote(entry.link.removeprefix("https://site.test/"))
        assert target.is_file(), entry.link
        # The full text's images resolve as a reader resolves them (xml:base, else the feed).
        for image in re.findall(r'<img[^>]* src="([^"]+)"', entry.content[0].value):
            assert image.startswith("https://site.test/"), image
            assert (site / unquote(image.removeprefix("https://site.test/"))).is_file(), image


def test_a_correction_updates_the_same_entry(site: Path) -> None:
    import feedparser

    parsed = feedparser.parse((site / "feed.atom").read_bytes())
    (entry,) = [e for e in parsed.entries if e.title.startswith("Kommunen bygger")]
    assert entry.id == release_uri("exempel", "r")
    assert entry.updated_parsed > entry.published_parsed
    assert "Simhallen öppnar 2011, inte 2010." in entry.content[0].value
    rss = feedparser.parse((site / "feed.rss").read_bytes())
    assert [e.id for e in rss.entries if e.title.startswith("Kommunen")] == [entry.id]


def test_tag_folders() -> None:
    from presser.site.build import tag_slug

    assert tag_slug("Knowledge to Practice") == "knowledge-to-practice"
    assert tag_slug("missbruksvård") == "missbruksvard"
    assert tag_slug("Ελλάδα") != tag_slug("Κύπρος")
    assert tag_slug("Ελλάδα").startswith("tag-")


# --------------------------------------------------------------------------- writing


def test_a_rebuild_with_no_change_writes_nothing(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(Workspace(root), out, now=NOW)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    result = build_site(Workspace(root), out, now=NOW)
    assert not result.report.changed
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no sibling left


def test_an_unchanged_site_is_known_without_building_it(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from presser.site import build

    out = tmp_path / "site"
    build_site(Workspace(root), out, now=NOW)

    def refuse(*args: object) -> None:
        raise AssertionError("collected again")

    with monkeypatch.context() as patched:
        patched.setattr(build, "collect", refuse)
        result = build_site(Workspace(root), out, now=NOW)
    assert not result.report.changed and result.shown == 3 and result.held_back == 1
    # A page gone from --out is noticed, and put back.
    (out / "tags" / "bad" / "index.html").unlink()
    result = build_site(Workspace(root), out, now=NOW)
    assert result.report.written == ["tags/bad/index.html"]
    # So is a change to a template.
    template = root / "templates" / "_default" / "site" / "tag.html.j2"
    template.parent.mkdir(parents=True)
    template.write_text('{% extends "default:site/index.html.j2" %}\n', encoding="utf-8")
    try:
        result = build_site(Workspace(root), out, now=NOW)
        assert result.report.written == [".presser-site"]  # the pages came out the same
    finally:
        shutil.rmtree(root / "templates" / "_default")


def test_a_change_is_swapped_in_and_nothing_outside_is_touched(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    beside = tmp_path / "keep.txt"
    beside.write_text("mine", encoding="utf-8")
    build_site(Workspace(root), out, now=NOW)
    stray = out / "old-page.html"
    stray.write_text("left from before", encoding="utf-8")
    result = build_site(Workspace(root), out, now=LATER)
    assert "old-page.html" in result.report.removed and not stray.exists()
    assert "releases/e/index.html" in result.report.written
    assert "releases/r/v1/r.pdf" not in result.report.written  # unchanged: linked, not written
    assert beside.read_text("utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt", "site"]


@pytest.mark.parametrize(
    ("file", "text", "said"),
    [
        (
            "index.html.j2",
            '{% extends "default:site/index.html.j2" %}{% block head %}'
            '<script src="https://evil.example/x.js"></script>{% endblock %}',
            "<script>",
        ),
        (
            "index.html.j2",
            '{% extends "default:site/index.html.j2" %}{% block head %}'
            '<img src="https://tracker.example/p.gif">{% endblock %}',
            "loads from outside",
        ),
        (
            "index.html.j2",
            '{% extends "default:site/index.html.j2" %}{% block head %}'
            '<body onload="x()">{% endblock %}',
            "event handler",
        ),
        (
            "index.html.j2",
            '{% extends "default:site/index.html.j2" %}{% block head %}'
            '<fencedframe src="x.html"></fencedframe>{% endblock %}',
            "<fencedframe>",
        ),
        ("site.css", "@import url(https://fonts.example/f.css);", "@import"),
        ("site.css", "body { background: url(https://x.example/b.png) }", "url(https://"),
    ],
)
def test_an_organisation_template_cannot_make_a_page_load_from_outside(
    root: Path, tmp_path: Path, file: str, text: str, said: str
) -> None:
    from presser.errors import TemplateProblem
    from presser.render.templating import _environment

    own = root / "templates" / "exempel" / "site"
    own.mkdir()
    (own / file).write_text(text, encoding="utf-8")
    # Environments (and the templates they found) are kept per process; a file added to
    # shadow a default is seen by the next process, and here after this.
    _environment.cache_clear()
    try:
        with pytest.raises(TemplateProblem, match="may not load from outside") as raised:
            build_site(Workspace(root), tmp_path / "site", now=NOW)
        assert said in str(raised.value)
        assert f"exempel/site/{file}" in str(raised.value)
        assert not (tmp_path / "site").exists()  # nothing was put in place
        assert sorted(tmp_path.iterdir()) == []  # nor left beside it
    finally:
        shutil.rmtree(own)
        _environment.cache_clear()


def test_a_folder_presser_did_not_build_is_refused(root: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageProblem, match="not a site presser built"):
        build_site(Workspace(root), tmp_path, now=NOW)
    assert (tmp_path / "notes.txt").read_text("utf-8") == "mine"
    assert not (tmp_path / MARKER).exists()


def test_a_release_marked_published_that_cannot_be_read_is_named(
    root: Path, tmp_path: Path
) -> None:
    broken = root / "releases" / "b.yaml"
    broken.write_text(TAKEN_AS_IT_IS.replace("headline:", "headlin:"), encoding="utf-8")
    draft = root / "releases" / "w.yaml"
    draft.write_text("organisation: exempel\nheadline: [half written\n", encoding="utf-8")
    try:
        result = build_site(Workspace(root), tmp_path / "site", now=NOW)
    finally:
        broken.unlink()
        draft.unlink()
    assert result.notes == [
        "releases/b.yaml: marked published but not valid (presser validate says why), passed over"
    ]
    assert result.shown == 3


def test_the_site_never_goes_among_sources_or_over_the_workspace(root: Path) -> None:
    for out in (root / "published" / "site", root / "releases", root):
        with pytest.raises(UsageProblem):
            build_site(Workspace(root), out, now=NOW)
    assert (root / "releases" / "r.yaml").is_file() and (root / "published" / "r" / "v1").is_dir()
    assert not (root / "published" / "site").exists()


def test_the_command(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)
    out = tmp_path / "site"
    result = run("site", "--out", str(out), "--now", "2026-12-03T13:00:00+01:00")
    assert result.exit_code == 0, result.output
    assert "3 release(s)" in result.output and "1 not yet due" in result.output
    again = run("site", "--out", str(out), "--now", "2026-12-03T13:00:00+01:00")
    assert "nothing changed" in again.output
    assert run("site", "--now", "yesterday").exit_code == 2
    assert run("site", "--now", "2026-12-03T13:00:00").exit_code == 2  # no offset
    assert run("site", "--base-url", "news.example.org").exit_code == 2
    shutil.rmtree(out)
