"""The preview's own pages: the index of releases, and the frame around each view of one.

They come from presser's own templates (``templates/_default/preview/`` in the
package), never from a workspace: the frame is presser's, and what a release
or an organisation supplies appears only as text, escaped, or inside the
frame as the rendered output itself. The page as it will go out is shown in an
``<iframe>``, byte for byte, so nothing of the preview leaks into it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..errors import safe_line
from ..source.workspace import packaged_default_templates
from .problems import ErrorReport, excerpt
from .session import LINT, PAGE, PDF, TEXT_VIEWS, ReleaseState, Session

if TYPE_CHECKING:
    from jinja2 import Environment

#: The preview's own static files, by the name they are served under.
ASSETS = {
    "preview.css": "text/css; charset=utf-8",
    "reload.js": "text/javascript; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}


def preview_folder() -> Path:
    return packaged_default_templates() / "preview"


@functools.cache
def _environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(preview_folder()),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _render(name: str, **variables: Any) -> bytes:
    return _environment().get_template(name).render(**variables).encode("utf-8")


def asset(name: str) -> bytes | None:
    """A static file of the preview, or None when there is no such asset."""
    if name not in ASSETS:
        return None
    return (preview_folder() / name).read_bytes()


def release_url(key: str, view: str = PAGE) -> str:
    """The address of a view of the release ``key``: ``/releases/<stem>/``, ``…/pdf/``."""
    base = f"/releases/{quote(key, safe='')}/"
    if view == PAGE:
        return base
    if view in TEXT_VIEWS:
        return f"{base}wire/{quote(view.partition(':')[2], safe='')}/"
    return f"{base}{view}/"


def output_url(key: str, view: str) -> str:
    """The address of the bare output a view shows (the page, the PDF, the text)."""
    name = quote(key, safe="")
    if view == PAGE:
        return f"/releases/{name}/build/{name}.html"
    if view == PDF:
        return f"/releases/{name}/build/{name}.pdf"
    return f"/releases/{name}/text/{quote(view.partition(':')[2], safe='')}.txt"


@dataclass(frozen=True)
class Tab:
    label: str
    url: str
    current: bool


def _tabs(key: str, view: str) -> list[Tab]:
    labels = [(PAGE, "Page"), (PDF, "PDF")]
    labels += [(v, f"Wire text ({v.partition(':')[2]})") for v in TEXT_VIEWS]
    labels.append((LINT, "Lint"))
    return [Tab(label, release_url(key, name), name == view) for name, label in labels]


@dataclass(frozen=True)
class IndexRow:
    url: str
    headline: str
    organisation: str
    status: str
    lint: str
    changed: str
    changed_iso: str
    file: str


def _changed(path: Path) -> tuple[str, str]:
    try:
        moment = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    except OSError:
        return "–", ""
    return moment.strftime("%Y-%m-%d %H:%M:%S"), moment.isoformat(timespec="seconds")


def _count(number: int | None, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def index_page(session: Session) -> bytes:
    """The list of every release, each linking to its preview."""
    token = session.token("")
    states, refused, workspace = session.listing()
    rows = []
    for state in states:
        row = session.row(state)
        changed, changed_iso = _changed(state.path)
        file = workspace.display(state.path)
        if isinstance(row, ErrorReport):
            rows.append(
                IndexRow(
                    release_url(state.key), "", "", "invalid", row.title, changed, changed_iso, file
                )
            )
            continue
        if row.status == "invalid":
            lint = _count(row.problems, "problem")
        else:
            lint = f"{_count(row.lint_errors, 'error')}, {_count(row.lint_warnings, 'warning')}"
        rows.append(
            IndexRow(
                release_url(state.key),
                row.headline,
                row.organisation,
                row.status,
                lint,
                changed,
                changed_iso,
                file,
            )
        )
    folders = ", ".join(workspace.display(s) + "/" for s in session.sources)
    return _render(
        "index.html.j2",
        key="",
        token=token,
        title="Releases",
        rows=rows,
        refused=refused,
        folders=folders,
        workspace=safe_line(str(workspace.root.resolve())),
    )


def release_page(session: Session, state: ReleaseState, view: str) -> bytes:
    """One view of a release in the preview's frame: the output, or the problems instead."""
    token = f"{session.boot}.{state.version}"  # taken before the view is made: never too new
    workspace = session.workspace
    variables: dict[str, Any] = {
        "key": state.key,
        "token": token,
        "file": workspace.display(state.path),
        "tabs": _tabs(state.key, view),
        "view": view,
        "report": None,
        "source": output_url(state.key, view),
        "findings": (),
        "text": "",
        "default_wire": "",
    }
    title = state.path.name
    if view == PDF:
        # The frame does not wait for the PDF; a PDF that cannot be made shows why in it.
        _, loaded = session.load(state)
        if not isinstance(loaded, Exception):
            title = loaded.release.headline
        else:
            variables["report"] = session.report(state, loaded)
    else:
        outcome = session.view(state, view)
        variables["report"] = outcome.error
        shown = workspace.display(state.path)
        variables["findings"] = [
            (f, excerpt(state.path, f.line, f.column) if f.path == shown else None)
            for f in outcome.findings
        ]
        variables["default_wire"] = outcome.default_wire
        if view in TEXT_VIEWS:
            variables["text"] = outcome.data.decode("utf-8", errors="replace")
        _, loaded = session.load(state)
        if not isinstance(loaded, Exception):
            title = loaded.release.headline
    return _render("release.html.j2", title=title, **variables)


def problems_page(session: Session, state: ReleaseState, report: ErrorReport) -> bytes:
    """A bare output that could not be made (the PDF in its frame): the problems instead."""
    return _render(
        "release.html.j2",
        key=state.key,
        token=f"{session.boot}.{state.version}",
        title=report.title,
        file=session.workspace.display(state.path),
        tabs=_tabs(state.key, PDF),
        view=PDF,
        report=report,
        source="",
        findings=(),
        text="",
        default_wire="",
    )


def missing_page(session: Session, message: str, key: str = "") -> bytes:
    """Not found: said plainly; a release that comes back reloads the page."""
    return _render(
        "missing.html.j2", key=key, token=session.token(key), title="Not found", message=message
    )
