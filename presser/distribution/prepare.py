"""Everything checked before a send: the release, its version folder, the names, the recipients.

All of it happens before the first message leaves: a release that may not go
to a list is refused with the reason, and every bad line of every recipients
file is reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..editorial.manifest import SEND_LOG, embargo_folder
from ..editorial.workflow import Refused
from ..errors import Problem, ProblemsFound, UsageProblem, did_you_mean, safe_line
from ..source.distribution import Distribution
from ..source.validation import LoadedRelease
from ..source.workspace import Workspace
from .message import Composers, published_folder, recipients_of
from .plan import Edition, Plan, make_plan
from .recipients import Recipient

if TYPE_CHECKING:
    from ..render.printer import PdfPrinter


@dataclass(frozen=True)
class Prepared:
    """A send ready to run: what goes, from which folder, to whom."""

    loaded: LoadedRelease
    distribution: Distribution
    folder: Path
    names: list[str]
    plan: Plan
    embargoed: bool = False  #: from the copy for recipients under embargo

    def composers(self) -> Composers:
        return Composers(self.loaded, self.folder)


def target_names(loaded: LoadedRelease, lists: tuple[str, ...]) -> tuple[Distribution, list[str]]:
    """The organisation's distribution and the names to send to; a clear refusal otherwise."""
    distribution = loaded.organisation.profile.distribution
    known = distribution.names if distribution else ()
    names = list(dict.fromkeys(lists or loaded.release.distribution or ()))
    if distribution is None:
        raise Refused(
            loaded.workspace.display(loaded.path),
            "send",
            f"{loaded.organisation.slug} has no distribution: in its organisation.yaml, so there "
            "is no one to send to (see docs/format.md, Distribution)",
        )
    if not names:
        raise UsageProblem(
            "name the lists or wires to send to with --list NAME, or distribution: in the "
            f"release; there are: {', '.join(known)}"
        )
    unknown = [name for name in names if name not in known]
    if unknown:
        raise UsageProblem(
            f"no list or wire '{safe_line(unknown[0])}' (there is: {', '.join(known) or 'none'})"
            f"{did_you_mean(unknown[0], known)}"
        )
    return distribution, names


def read_all_recipients(
    distribution: Distribution, names: list[str], workspace: Workspace
) -> dict[str, list[Recipient]]:
    """Each target's recipients; the problems of every list raised together."""
    found: dict[str, list[Recipient]] = {}
    problems: list[Problem] = []
    for name in names:
        target = distribution.target(name)
        assert target is not None
        try:
            found[name] = recipients_of(target, workspace)
        except ProblemsFound as exc:
            problems.extend(exc.problems)
    if problems:
        raise ProblemsFound(problems)
    return found


def under_embargo(loaded: LoadedRelease, now: datetime) -> bool:
    """Approved, not published, and its embargo not lifted: it may go to embargo: true only."""
    release = loaded.release
    return release.status == "approved" and release.embargo is not None and release.embargo > now


def check_embargo(loaded: LoadedRelease, distribution: Distribution, names: list[str]) -> None:
    """Refuse, before anything is sent, every target not allowed the release before its embargo."""
    targets = [(name, distribution.target(name)) for name in names]
    refused = [name for name, target in targets if target is not None and not target.embargo]
    if refused:
        shown = loaded.workspace.display(loaded.path)
        lifts = loaded.release.embargo
        assert lifts is not None
        raise Refused(
            shown,
            "send",
            f"it is under embargo until {lifts.isoformat()}, and {', '.join(refused)} "
            f"{'is' if len(refused) == 1 else 'are'} not marked embargo: true in "
            "distribution:; before the embargo lifts only those lists and wires get it "
            f"(send to them now, and to the others after presser publish {shown})",
        )


@dataclass(frozen=True)
class Source:
    """What a send goes out from and to, checked without reading a recipient."""

    distribution: Distribution
    names: list[str]
    folder: Path  #: ``v<N>/``, or ``v<N>-embargo/`` before the embargo lifts
    embargoed: bool

    @property
    def log_path(self) -> Path:
        return self.folder / SEND_LOG


def send_source(
    loaded: LoadedRelease, lists: tuple[str, ...], *, now: datetime | None = None
) -> Source:
    """The version folder and the targets of a send; refused, with the reason, when it may not go.

    The embargoed copy (see :func:`embargo_source`) is not made here: this only reads.
    """
    embargoed = under_embargo(loaded, now or datetime.now(UTC))
    distribution, names = target_names(loaded, lists)
    if embargoed:
        check_embargo(loaded, distribution, names)
        folder = embargo_folder(loaded.workspace, loaded.stem, loaded.release.version)
    else:
        folder = published_folder(loaded)  # an unpublished release is refused here
    return Source(distribution, names, folder, embargoed)


def published_editions(loaded: LoadedRelease) -> list[Edition]:
    """The release's other language versions that are published, each at its version folder.

    One that is not published, or no longer valid, is not sent: its readers get the
    release named (or its original) until it is.
    """
    from ..editorial.reading import load_release
    from ..source.translations import release_file

    editions = []
    for version in loaded.language_versions:
        path = release_file(loaded.path.parent, version.stem)
        if path is None:
            continue
        try:
            other = load_release(path, loaded.workspace)
            folder = published_folder(other)
        except (ProblemsFound, Refused):
            continue
        editions.append(Edition(other, folder))
    return editions


def source_editions(loaded: LoadedRelease, source: Source) -> list[Edition]:
    """The language versions a send from ``source`` may send instead of the release named.

    Under embargo every recipient gets the release named: its translations' embargoed
    copies are theirs to send.
    """
    return [] if source.embargoed else published_editions(loaded)


def plan_send(
    loaded: LoadedRelease,
    source: Source,
    *,
    resend_unknown: bool = False,
    editions: list[Edition] | None = None,
) -> Prepared:
    """Read every recipient and send log and work out who gets a message; nothing is sent.

    ``editions``: :func:`source_editions`, when the caller has them already (to lock
    their logs too).
    """
    if editions is None:
        editions = source_editions(loaded, source)
    recipients = read_all_recipients(source.distribution, source.names, loaded.workspace)
    plan = make_plan(
        loaded,
        source.folder,
        source.distribution,
        source.names,
        recipients,
        resend_unknown=resend_unknown,
        editions=editions,
    )
    return Prepared(
        loaded, source.distribution, source.folder, source.names, plan, source.embargoed
    )


def prepare_send(
    loaded: LoadedRelease,
    lists: tuple[str, ...],
    *,
    resend_unknown: bool = False,
    now: datetime | None = None,
) -> Prepared:
    """:func:`send_source` then :func:`plan_send`: what ``--status`` and ``--dry-run`` show."""
    source = send_source(loaded, lists, now=now)
    return plan_send(loaded, source, resend_unknown=resend_unknown)


def embargo_source(loaded: LoadedRelease, printer: PdfPrinter | None = None) -> Path:
    """The copy for recipients under embargo, made from the approved release when first needed."""
    from ..editorial.publishing import embargo_copy

    return embargo_copy(loaded, by="presser send", at=datetime.now(UTC), printer=printer)
