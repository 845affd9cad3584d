"""``presser site``: the newsroom of a workspace, built from what was published.

The layout, every address relative (see :mod:`presser.site.pages`)::

    index.html, page/<n>/index.html        every release, newest first
    feed.atom, feed.rss                    the same, as feeds
    <org>/index.html, <org>/page/<n>/…     an organisation's releases
    <org>/contact/index.html               its press contacts
    <org>/feed.atom, <org>/feed.rss        its feeds
    <org>/site.css                         its look (templates/<org>/site/site.css or the default)
    releases/<stem>/index.html             a release: latest version, downloads, earlier ones
    releases/<stem>/v<n>/…                 every published version's files, as they went out
    releases/<stem>/images/…               the latest version's images (the page shows them)
    releases/<stem>/<stem>-press-kit.zip   its images and PDF in one file
    tags/<tag>/index.html, feed.atom, …    the releases of a tag
    sitemap.xml, robots.txt

A release's address is fixed by its file name (its folder in ``published/``),
so it stays the same through every correction. Which releases are shown, and
from what, is :mod:`presser.site.sources`; writing is :mod:`presser.site.output`.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from markupsafe import Markup

import presser

from ..render import text_style
from ..render.templating import (
    PresserEnvironment,
    display_path,
    environment,
    render_template,
)
from ..source.workspace import LoadedOrganisation, Workspace
from . import feeds, pages
from .check import check_site_page, check_site_stylesheet
from .output import MARKER, SiteWriter, WriteReport
from .pages import relative
from .sources import SiteRelease, collect, visible
from .state import SiteState, input_digest, state_bytes, unchanged

#: Releases per page of an index or tag page.
PAGE_SIZE = 20
#: The files of a version offered as downloads, by ending, in this order.
DOWNLOADS = (
    (".pdf", "pdf"),
    (".txt", "text"),
    (".ninjs.json", "ninjs"),
    (".newsml.xml", "newsml"),
)
DEFAULT_BRAND_COLOUR = "#333333"


@dataclass
class SiteResult:
    """What ``presser site`` did."""

    report: WriteReport
    shown: int  #: releases on the site
    held_back: int  #: published releases whose time has not come
    notes: list[str] = field(default_factory=list)  #: files passed over, and why


def build_site(
    workspace: Workspace,
    out: Path,
    *,
    base_url: str | None = None,
    now: datetime | None = None,
    page_size: int = PAGE_SIZE,
) -> SiteResult:
    """Build the newsroom of ``workspace`` into ``out`` (replacing the site there).

    ``now`` is the moment the site is built for (default: the clock): a release
    whose publication time is later is left out, and shows on the first build
    after it.
    """
    workspace.check_output_folder(out)
    moment = now or datetime.now(UTC)
    with _site_lock(out):
        return _build_site(workspace, out, base_url, moment, page_size)


@contextlib.contextmanager
def _site_lock(out: Path) -> Iterator[None]:
    """One build at a time per site: two would swap folders under each other."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    # The folder holding --out is locked, so no lock file lands in the site or beside it.
    handle = os.open(out.parent, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _build_site(
    workspace: Workspace, out: Path, base_url: str | None, moment: datetime, page_size: int
) -> SiteResult:
    writer = SiteWriter(out, workspace.display(out))
    inputs = input_digest(workspace, {"base_url": base_url, "page_size": page_size})
    known = unchanged(out, inputs, moment)
    if known is not None:  # the site there is the one this build would make
        return SiteResult(WriteReport(), known.shown, known.held_back)
    try:
        with tempfile.TemporaryDirectory(prefix="presser-site-") as scratch:
            releases, notes = collect(workspace, Path(scratch))
            shown = visible(releases, moment)
            on_site = {r.stem for r in shown}
            held = [r for r in releases if r.stem not in on_site]
            _Builder(workspace, writer, base_url, page_size).build(shown)
        state = SiteState(
            inputs=inputs,
            layout=writer.layout(),
            shown_until=_latest([r.visible_from for r in shown]),
            hidden_from=_earliest([r.visible_from for r in held]),
            shown=len(shown),
            held_back=len(held),
        )
        writer.put(MARKER, state_bytes(state))
        report = writer.finish()
    except BaseException:
        writer.abandon()
        raise
    return SiteResult(report, len(shown), len(held), notes)


def _latest(times: list[datetime]) -> str | None:
    return max(times).isoformat() if times else None


def _earliest(times: list[datetime]) -> str | None:
    return min(times).isoformat() if times else None


def tag_slug(tag: str) -> str:
    """A tag's folder name: lower-case ASCII letters, digits and hyphens."""
    ascii_text = unicodedata.normalize("NFKD", tag).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if slug:
        return slug
    # Nothing left in ASCII (a tag in Greek, say): a name of its own all the same.
    return "tag-" + hashlib.sha256(tag.casefold().encode("utf-8")).hexdigest()[:10]


class _Builder:
    """One build: the templates per organisation, and every file of the site."""

    def __init__(
        self, workspace: Workspace, writer: SiteWriter, base_url: str | None, page_size: int
    ) -> None:
        self.workspace = workspace
        self.writer = writer
        self.base_url = base_url.rstrip("/") + "/" if base_url else None
        self.page_size = max(1, page_size)
        self.generator = f"presser {presser.__version__}"
        self._envs: dict[str, PresserEnvironment] = {}
        self.sitemap: list[tuple[str, datetime | None]] = []
        slugs = workspace.organisation_slugs()
        self.organisations: dict[str, LoadedOrganisation] = {
            slug: workspace.organisation(slug) for slug in slugs
        }
        self.site_key = str(workspace.resolved_root)
        self.translations: dict[str, list[SiteRelease]] = {}
        self.folders: dict[str, str] = {}

    # ------------------------------------------------------------------ the whole site

    def build(self, releases: list[SiteRelease]) -> None:
        self.translations = _language_versions(releases)
        self.folders = _release_folders(releases)
        first = next(iter(self.organisations.values()), None)
        language = first.profile.language if first else "en"
        name = first.profile.name if len(self.organisations) == 1 and first else "presser"
        for release in releases:
            self._release(release)
        self._stylesheet("site.css", None)
        self._listing(
            "", releases, language, name, None, pages.words(language)["all_releases"], None
        )
        for slug, org in self.organisations.items():
            mine = [r for r in releases if r.organisation == slug]
            self._stylesheet(f"{slug}/site.css", slug)
            profile = org.profile
            heading = f"{profile.name}: {pages.words(profile.language)['releases']}"
            self._listing(f"{slug}/", mine, profile.language, profile.name, slug, heading, None)
            self._contacts(slug, org)
        by_tag: dict[str, tuple[str, list[SiteRelease]]] = {}
        for release in releases:
            for tag in release.latest.page.tags:
                by_tag.setdefault(tag_slug(tag), (tag, []))[1].append(release)
        for slug, (tag, tagged) in sorted(by_tag.items()):
            heading = f"{pages.words(language)['tag']}: {tag}"
            self._listing(f"tags/{slug}/", tagged, language, name, None, heading, tag)
        self.writer.put("sitemap.xml", feeds.sitemap(self.sitemap))
        self.writer.put("robots.txt", feeds.robots(self._absolute("sitemap.xml")))

    # ------------------------------------------------------------------ one release

    def _release(self, release: SiteRelease) -> None:
        folder = self.folders[release.stem]
        here = folder + "index.html"
        for version in release.versions:
            for name in version.files:
                self.writer.copy(
                    f"{folder}v{version.number}/{name}",
                    version.folder / name,
                    by_bytes=version.published_at is None,
                )
        latest = release.latest
        page = latest.page
        by_src = {image.src: image for image in page.images}
        images = []
        kit: list[tuple[str, Path]] = []
        for name in latest.files:
            if not name.startswith("images/"):
                continue
            source = latest.folder / name
            self.writer.copy(folder + name, source, by_bytes=latest.published_at is None)
            shown = by_src.get(name)
            size = source.stat().st_size
            images.append(
                pages.ImageDownload(
                    href=name,
                    file_name=Path(name).name,
                    alt=shown.alt if shown else "",
                    caption=shown.caption if shown else None,
                    credit=shown.credit if shown else None,
                    size=pages.file_size(size),
                )
            )
            kit.append((Path(name).name, source))
        words = pages.words(page.language)
        downloads = []
        for ending, key in DOWNLOADS:
            name = release.stem + ending
            if name in latest.files:
                source = latest.folder / name
                downloads.append(
                    pages.Download(
                        href=f"v{latest.number}/{name}",
                        label=words[key],
                        file_name=name,
                        size=pages.file_size(source.stat().st_size),
                    )
                )
                if key == "pdf":
                    kit.append((name, source))
        press_kit = None
        if images:
            kit_name = f"{release.stem}-press-kit.zip"
            data = _zip(kit, page.published)
            self.writer.put(folder + kit_name, data)
            press_kit = pages.Download(
                kit_name, words["press_kit"], kit_name, pages.file_size(len(data))
            )
        earlier = tuple(
            pages.EarlierVersion(
                href=f"v{v.number}/{release.stem}.html",
                label=f"{words['version']} {v.number}",
                note=page.corrections[v.number - 1].note
                if v.number - 1 < len(page.corrections)
                else None,
            )
            for v in release.versions[:-1]
        )
        org = self.organisations[release.organisation]
        tags = tuple(
            pages.Link(relative(here, f"tags/{tag_slug(t)}/index.html"), t) for t in page.tags
        )
        context = pages.ReleasePage(
            styles=Markup(page.styles),
            article=Markup(page.article),
            version=latest.number,
            downloads=tuple(downloads),
            images=tuple(images),
            press_kit=press_kit,
            earlier=earlier,
            tags=tags,
            organisation=pages.Link(
                relative(here, f"{release.organisation}/index.html"), org.profile.name
            ),
        )
        first_image = images[0].href if images else None
        meta = self._meta(
            here,
            language=page.language,
            title=page.headline,
            description=page.description,
            og_type="article",
            og_image=first_image and folder + first_image,
            slug=release.organisation,
            feed_folder=f"{release.organisation}/",
            alternates=tuple(
                pages.Alternate(
                    href=relative(here, f"{self.folders[other.stem]}index.html"),
                    hreflang=other.latest.page.language,
                    label=text_style.language_autonym(other.latest.page.language),
                )
                for other in self.translations.get(release.stem, ())
            ),
        )
        html = self._render(
            release.organisation, "site/release.html.j2", page=meta, release=context
        )
        self.writer.put(here, html)
        self.sitemap.append((self._address(here), release.updated))

    # ------------------------------------------------------------------ lists and feeds

    def _listing(
        self,
        folder: str,
        releases: Sequence[SiteRelease],
        language: str,
        site_name: str,
        slug: str | None,
        heading: str,
        tag: str | None,
    ) -> None:
        chunks = [
            list(releases[i : i + self.page_size])
            for i in range(0, max(len(releases), 1), self.page_size)
        ]
        page_path: Callable[[int], str] = lambda n: (  # noqa: E731
            f"{folder}index.html" if n == 1 else f"{folder}page/{n}/index.html"
        )
        for number, chunk in enumerate(chunks, start=1):
            here = page_path(number)
            listed = tuple(self._listed(here, r, language) for r in chunk)
            listing = pages.Listing(
                heading=heading,
                releases=listed,
                page_number=number,
                page_count=len(chunks),
                newer=relative(here, page_path(number - 1)) if number > 1 else None,
                older=relative(here, page_path(number + 1)) if number < len(chunks) else None,
                atom=relative(here, f"{folder}feed.atom"),
                rss=relative(here, f"{folder}feed.rss"),
            )
            meta = self._meta(
                here,
                language=language,
                title=heading if number == 1 else f"{heading} ({number})",
                description=None,
                og_type="website",
                og_image=None,
                slug=slug,
                feed_folder=folder,
            )
            template = "site/tag.html.j2" if tag else "site/index.html.j2"
            self.writer.put(here, self._render(slug, template, page=meta, listing=listing))
            self.sitemap.append((self._address(here), None))
        feed = self._feed(folder, releases, language, site_name, heading)
        self.writer.put(f"{folder}feed.atom", feeds.atom(feed, self.generator))
        self.writer.put(f"{folder}feed.rss", feeds.rss(feed, self.generator))

    def _listed(self, here: str, release: SiteRelease, language: str) -> pages.ListedRelease:
        page = release.latest.page
        org = self.organisations[release.organisation]
        return pages.ListedRelease(
            href=relative(here, f"{self.folders[release.stem]}index.html"),
            headline=page.headline,
            date_iso=page.published.isoformat(),
            date=text_style.format_date(
                page.published, timezone=org.profile.timezone, locale=language
            ),
            description=page.description,
            organisation=org.profile.name,
            language=page.language,
            tags=tuple(
                pages.Link(relative(here, f"tags/{tag_slug(t)}/index.html"), t) for t in page.tags
            ),
            corrected=bool(page.corrections),
        )

    def _feed(
        self,
        folder: str,
        releases: Sequence[SiteRelease],
        language: str,
        author: str,
        title: str,
    ) -> feeds.Feed:
        here = f"{folder}feed.atom"
        entries = []
        for release in releases:
            latest = release.latest
            folder_path = self.folders[release.stem]
            page_path = f"{folder_path}index.html"
            pdf = f"{release.stem}.pdf"
            enclosure = None
            if pdf in latest.files:
                enclosure = (
                    self._link(here, f"{folder_path}v{latest.number}/{pdf}"),
                    "application/pdf",
                    (latest.folder / pdf).stat().st_size,
                )
            base = self._absolute(folder_path)
            base = base or relative(here, page_path)[: -len("index.html")]
            entries.append(
                feeds.FeedEntry(
                    id=release.uri,
                    title=latest.page.headline,
                    link=self._link(here, page_path),
                    language=latest.page.language,
                    published=release.visible_from,
                    updated=release.updated,
                    summary=latest.page.description,
                    content=_rebased(latest.page.article, base),
                    categories=latest.page.tags,
                    author=self.organisations[release.organisation].profile.name,
                    enclosure=enclosure,
                )
            )
        return feeds.Feed(
            id=feeds.feed_id(self.site_key, folder or "/"),
            title=title,
            subtitle=None,
            language=language,
            self_atom=self._link(here, f"{folder}feed.atom"),
            self_rss=self._link(here, f"{folder}feed.rss"),
            alternate=self._link(here, f"{folder}index.html"),
            author=author,
            entries=tuple(entries),
        )

    # ------------------------------------------------------------------ contacts, look

    def _contacts(self, slug: str, org: LoadedOrganisation) -> None:
        import phonenumbers

        profile = org.profile
        here = f"{slug}/contact/index.html"
        words = pages.words(profile.language)

        def uri(number: str | None) -> str | None:
            if number is None:
                return None
            parsed = phonenumbers.parse(number, None if number.startswith("+") else profile.country)
            return "tel:" + phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)

        cards = tuple(
            pages.ContactCard(
                name=c.name,
                role=c.role,
                phone=c.phone,
                phone_uri=uri(c.phone),
                mobile=c.mobile,
                mobile_uri=uri(c.mobile),
                email=c.email,
                email_uri=f"mailto:{c.email}" if c.email else None,
            )
            for c in profile.press_contacts
        )
        heading = f"{profile.name}: {words['contacts']}"
        contacts = pages.ContactPage(heading, profile.name, profile.website, cards)
        meta = self._meta(
            here,
            language=profile.language,
            title=heading,
            description=None,
            og_type="website",
            og_image=None,
            slug=slug,
            feed_folder=f"{slug}/",
        )
        self.writer.put(
            here, self._render(slug, "site/contact.html.j2", page=meta, contacts=contacts)
        )
        self.sitemap.append((self._address(here), None))

    def _stylesheet(self, name: str, slug: str | None) -> None:
        env = self._env(slug)
        source, filename, _uptodate = env.search_loader.get_source(env, "site/site.css")
        check_site_stylesheet(source, display_path(filename))
        self.writer.put(name, source.encode("utf-8"))

    # ------------------------------------------------------------------ helpers

    def _meta(
        self,
        here: str,
        *,
        language: str,
        title: str,
        description: str | None,
        og_type: str,
        og_image: str | None,
        slug: str | None,
        feed_folder: str,
        alternates: tuple[pages.Alternate, ...] = (),
    ) -> pages.PageMeta:
        words = pages.words(language)
        org = self.organisations.get(slug) if slug else None
        home = f"{slug}/index.html" if slug else "index.html"
        if slug:
            nav = [
                pages.Link(relative(here, home), words["releases"]),
                pages.Link(relative(here, f"{slug}/contact/index.html"), words["contacts"]),
            ]
            if len(self.organisations) > 1:
                nav.append(pages.Link(relative(here, "index.html"), words["all_releases"]))
        else:  # the whole site's pages lead to each organisation's
            nav = [
                pages.Link(relative(here, f"{other}/index.html"), loaded.profile.name)
                for other, loaded in self.organisations.items()
            ]
        image = None
        if og_image:
            image = self._absolute(og_image) or relative(here, og_image)
        return pages.PageMeta(
            lang=language,
            title=title,
            description=description,
            og_type=og_type,
            og_image=image,
            og_url=self._address(here) if self.base_url else None,
            canonical=self._address(here) if self.base_url else None,
            site_name=org.profile.name if org else "presser",
            stylesheet=relative(here, f"{slug}/site.css" if slug else "site.css"),
            brand_colour=(org.profile.brand_colour if org else None) or DEFAULT_BRAND_COLOUR,
            home=relative(here, home),
            nav=tuple(nav),
            feeds=(
                pages.FeedLink(
                    relative(here, f"{feed_folder}feed.atom"), "application/atom+xml", "Atom"
                ),
                pages.FeedLink(
                    relative(here, f"{feed_folder}feed.rss"), "application/rss+xml", "RSS"
                ),
            ),
            alternates=alternates,
            words=words,
            generator=self.generator,
        )

    def _env(self, slug: str | None) -> PresserEnvironment:
        key = slug or ""
        if key not in self._envs:
            if slug:
                path = self.workspace.template_search_path(slug)
            else:  # the pages of the whole site: the defaults alone
                from ..source.workspace import packaged_default_templates

                folders = [self.workspace.templates_dir / "_default", packaged_default_templates()]
                path = []
                for folder in folders:
                    if folder.is_dir() and folder.resolve() not in {p.resolve() for p in path}:
                        path.append(folder)
            self._envs[key] = environment(path)
        return self._envs[key]

    def _render(self, slug: str | None, template: str, **variables: object) -> bytes:
        env = self._env(slug)
        limit = self.workspace.limits.max_output_bytes
        html = render_template(env, template, output_limit=limit, **variables)
        check_site_page(html, display_path(env.get_template(template).filename))
        return html.encode("utf-8")

    def _absolute(self, path: str) -> str | None:
        return self.base_url + path if self.base_url else None

    def _address(self, path: str) -> str:
        """A page's address for the sitemap and canonical links (folder form for an index)."""
        shown = path.removesuffix("index.html")
        return self.base_url + shown if self.base_url else shown or "./"

    def _link(self, here: str, target: str) -> str:
        return self._absolute(target) or relative(here, target)


#: A relative address in presser's own HTML: not a scheme, not the site's root, not in-page.
_RELATIVE = re.compile(r'\b(src|href)="(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^"]*)"')


def _rebased(html: str, base: str) -> str:
    """The article for a feed: its relative addresses (its images) made relative to the feed."""
    return _RELATIVE.sub(lambda m: f'{m.group(1)}="{base}{m.group(2)}"', html)


#: A language tag as it may stand in an address (the page's own, read back from it).
_TAG = re.compile(r"[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*")


def _release_folders(releases: list[SiteRelease]) -> dict[str, str]:
    """Each release's folder on the site: ``releases/<stem>/``, and a translation's under
    its original's, by language (``releases/<original>/en/``), so that the language
    versions of a release share one path. Taken from the first version, so that an
    address stays what it was when the release first went out."""
    folders = {}
    for release in releases:
        first = release.versions[0].page
        if first.translation_of and _TAG.fullmatch(first.language):
            folders[release.stem] = f"releases/{first.translation_of}/{first.language}/"
        else:
            folders[release.stem] = f"releases/{release.stem}/"
    return folders


def _language_versions(releases: list[SiteRelease]) -> dict[str, list[SiteRelease]]:
    """Each release's language versions on the site, both ways: naming one links the two."""
    by_stem = {r.stem: r for r in releases}
    linked: dict[str, set[str]] = {}
    for release in releases:
        page = release.latest.page
        named = (*page.translations, *([page.translation_of] if page.translation_of else []))
        for name in named:
            if name in by_stem and name != release.stem:
                linked.setdefault(release.stem, set()).add(name)
                linked.setdefault(name, set()).add(release.stem)
    return {
        stem: sorted((by_stem[o] for o in others), key=lambda r: (r.latest.page.language, r.stem))
        for stem, others in linked.items()
    }


def _zip(files: list[tuple[str, Path]], when: datetime) -> bytes:
    """A press kit: the files under their names, dated by the release (the same bytes each run)."""
    stamp = when.astimezone(UTC).timetuple()[:6]
    date_time = (max(stamp[0], 1980), *stamp[1:])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, source in files:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_STORED  # images and PDFs are compressed already
            info.external_attr = 0o644 << 16
            archive.writestr(info, source.read_bytes())
    return buffer.getvalue()
