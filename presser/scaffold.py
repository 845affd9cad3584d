"""New drafts and new workspaces, written so that they validate as they are."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

import phonenumbers
from pydantic import ValidationError

from .errors import UsageProblem
from .source.drafts import DRAFT_TEXT
from .source.model import Organisation
from .source.schema import release_schema_text
from .source.workspace import ORGANISATION_FILE, UnknownOrganisation, Workspace
from .writing import write_atomic

SCHEMA_FILE = Path("schema") / "release.schema.json"
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/release.schema.json"
# Used with fullmatch: "$" would also match before a final newline and let
# "evil\n" through into a file name.
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def _check_slug(slug: str, what: str) -> None:
    if not _SLUG.fullmatch(slug):
        raise UsageProblem(
            f"{what} {slug!r}: use lower-case letters, digits and '-' (such as spring-fair)"
        )


def _next_full_hour(timezone: str) -> datetime:
    now = datetime.now(ZoneInfo(timezone)).replace(minute=0, second=0, microsecond=0)
    return now + timedelta(hours=1)


def _yaml_text(value: str) -> str:
    """A scalar written so YAML reads it back as this exact text."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def draft_yaml(organisation: str, profile: Organisation, published: datetime) -> str:
    """The text of a new draft release for ``organisation``."""
    words = DRAFT_TEXT.get(profile.language.split("-")[0], DRAFT_TEXT["en"])
    lines = [
        SCHEMA_LINE,
        f"organisation: {organisation}",
        f"language: {profile.language}",
        "type: press-release",
        "status: draft",
        f"headline: {_yaml_text(words['headline'])}",
        f"published: {published.isoformat()}",
        "",
        f"lead: {_yaml_text(words['lead'])}",
        "",
        "body:",
        "  - quote: q1",
        f"  - {_yaml_text(words['body'])}",
        "",
        "quotes:",
        "  - id: q1",
        f"    text: {_yaml_text(words['quote'])}",
        f"    speaker: {_yaml_text(words['speaker'])}",
        f"    role: {_yaml_text(words['role'])}",
        "",
    ]
    if profile.press_contacts:
        lines.append("# Press contacts come from the organisation; add contacts: for this release.")
        lines.append("contacts: []")
    else:
        lines += [
            "contacts:",
            f"  - name: {_yaml_text(words['speaker'])}",
            "    email: press@example.org",
        ]
    return "\n".join(lines) + "\n"


def write_schema(workspace_root: Path) -> Path:
    """Keep ``schema/release.schema.json`` current for editors."""
    target = workspace_root / SCHEMA_FILE
    text = release_schema_text()
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        write_atomic(target, text.encode("utf-8"))
    return target


def _only_organisation(workspace: Workspace) -> str:
    """The workspace's organisation when there is exactly one, for ``new`` without --org."""
    known = workspace.organisation_slugs()
    if len(known) == 1:
        return known[0]
    if not known:
        raise UsageProblem(
            "no organisation in templates/ (a folder with organisation.yaml); "
            "add one with: presser init . --org SLUG --name 'Organisation name'"
        )
    raise UsageProblem(
        f"this workspace has several organisations ({', '.join(known)}); choose one with --org"
    )


def new_release(workspace: Workspace, slug: str, organisation: str | None = None) -> Path:
    """Write ``releases/<today>-<slug>.yaml``, a draft that validates; never overwrite.

    Without ``organisation``, the workspace's only organisation.
    """
    _check_slug(slug, "release name")
    if organisation is None:
        organisation = _only_organisation(workspace)
    try:
        profile = workspace.organisation(organisation).profile
    except UnknownOrganisation as exc:
        raise UsageProblem(str(exc)) from None
    published = _next_full_hour(profile.timezone)
    target = workspace.releases_dir / f"{published:%Y-%m-%d}-{slug}.yaml"
    if target.exists():
        raise UsageProblem(f"{workspace.display(target)} already exists; choose another name")
    write_schema(workspace.root)
    write_atomic(target, draft_yaml(organisation, profile, published).encode("utf-8"))
    return target


def _zone_table(name: str) -> str | None:
    """A table of the tz database: the tzdata package's copy, else the system's."""
    try:
        return resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    except (ModuleNotFoundError, OSError):
        pass
    for folder in zoneinfo.TZPATH:
        try:
            return (Path(folder) / name).read_text(encoding="utf-8")
        except OSError:
            continue
    return None


def country_for_timezone(timezone: str) -> str | None:
    """The country whose phone numbers a time zone suggests; None for a zone of none (UTC).

    zone.tab names one country per zone. zone1970.tab lists every country that
    has shared a zone's clocks since 1970 (Europe/Berlin: DE,DK,NO,SE,SJ), so
    its first code is used only for a zone zone.tab lacks.
    """
    for table in ("zone.tab", "zone1970.tab"):
        for line in (_zone_table(table) or "").splitlines():
            fields = line.split("\t")
            if line.startswith("#") or len(fields) < 3 or fields[2] != timezone:
                continue
            code = fields[0].split(",")[0]
            # Antarctica (AQ) and a few islands have zones but no numbering plan.
            if code in phonenumbers.SUPPORTED_REGIONS:
                return code
    return None


def _check_profile(profile_data: dict[str, object]) -> None:
    """The settings given to ``init`` checked by the model, each problem named by its option."""
    try:
        Organisation.model_validate(profile_data)
    except ValidationError as exc:
        details = "; ".join(
            f"--{e['loc'][0]}: {e.get('ctx', {}).get('error', e['msg'])}" for e in exc.errors()
        )
        raise UsageProblem(details) from None


@dataclass(frozen=True)
class NewWorkspace:
    """What ``init_workspace`` wrote, and the country it settled on (None: none)."""

    created: list[Path]
    country: str | None


def init_workspace(
    directory: Path,
    *,
    slug: str,
    name: str,
    language: str,
    timezone: str,
    country: str | None,
    ask_country: Callable[[], str | None] | None = None,
) -> NewWorkspace:
    """Create a workspace with one organisation and one example release.

    The country for local phone numbers is ``country``, else the time zone's,
    else what ``ask_country`` answers (asked only once the other settings are
    known to be good), else none.
    """
    _check_slug(slug, "organisation name")
    profile_data: dict[str, object] = {"name": name, "language": language, "timezone": timezone}
    if country:
        profile_data["country"] = country
    _check_profile(profile_data)
    org_file = directory / "templates" / slug / ORGANISATION_FILE
    if org_file.exists():
        raise UsageProblem(f"{org_file} already exists; nothing was changed")

    source = ""
    if country:
        country, source = country.upper(), "given to presser init with --country"
    elif country := country_for_timezone(timezone):
        source = f"taken by presser init from the time zone {timezone}"
    elif ask_country is not None and (country := ask_country()):
        country, source = country.upper(), "as answered to presser init"
        _check_profile({**profile_data, "country": country})

    org_lines = [
        f"# {name}: the organisation's profile. Every field is described in the",
        "# presser format reference; releases take their defaults from here.",
        f"name: {_yaml_text(name)}",
        f"language: {language}",
        f"timezone: {timezone}",
    ]
    if country:
        org_lines += [
            "# Phone numbers written without + are read as this country's",
            f"# ({source}).",
            f"country: {country}",
        ]
    else:
        org_lines += [
            f"# The time zone {timezone} gives no country, so phone numbers must start",
            "# with +; set the country (ISO 3166) to write local numbers:",
            "# country: SE",
        ]
    org_lines += [
        "# website: https://www.example.org",
        "# boilerplate:",
        f"#   {language}: A paragraph about {name}, printed at the end of every release.",
        "# press_contacts:",
        "#   - name: First Last",
        "#     role: Head of press",
        "#     email: press@example.org",
    ]
    write_atomic(org_file, ("\n".join(org_lines) + "\n").encode("utf-8"))
    created = [org_file]

    workspace = Workspace(directory)
    created.append(write_schema(directory))
    created.append(new_release(workspace, "example", slug))
    readme = directory / "README.md"
    if not readme.exists():
        write_atomic(readme, _workspace_readme(name, slug).encode("utf-8"))
        created.append(readme)
    gitignore = directory / ".gitignore"
    if not gitignore.exists():
        write_atomic(gitignore, b"build/\n")
        created.append(gitignore)
    return NewWorkspace(created, country)


def _workspace_readme(name: str, slug: str) -> str:
    return f"""# {name}: press releases

Releases are YAML files in `releases/`; the organisation's profile is
`templates/{slug}/organisation.yaml`. Put your own `release.html.j2`,
`style.css` or `print.css` beside it to change the look; anything you do not
supply comes from presser's defaults.

    presser validate              # check every release
    presser build                 # render every release into build/
    presser new spring-fair --org {slug}

Editors that understand `# yaml-language-server: $schema=...` (VS Code with the
YAML extension, for one) complete and check fields from `schema/`.
"""
