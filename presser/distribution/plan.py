"""Who a send reaches: the lists and wires named, earlier recipients of a correction, less the rest.

Worked out from the organisation's ``distribution:``, the recipients' CSVs,
the suppression file and the send logs, before anything is sent, so that the
summary a press officer confirms is what happens:

- one delivery per address (compared without case), even when it is on two
  lists: the first list or wire that names it wins;
- after a correction, everyone the relay accepted an earlier version for,
  with the list or wire they got it from;
- not: suppressed addresses, addresses this version was sent to, permanent
  failures, and **unknowns** (a message that may have reached the relay)
  unless ``resend_unknown``;
- in their language: a recipient whose language (the CSV row's, else the
  list's or wire's) has a published language version of the release is sent
  that version, one in a language without a version the original, one of no
  stated language the release named. Whoever the relay took any language
  version for (this one's log, or the other versions') is not sent another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..editorial.manifest import SEND_LOG, embargo_folder, published_versions, version_folder
from ..editorial.workflow import Refused
from ..source.distribution import Distribution, MailingList, WireDesk
from ..source.validation import LoadedRelease
from .log import Entry, History, read_log
from .recipients import Recipient
from .suppression import read_suppressed, suppression_file

Target = MailingList | WireDesk


@dataclass(frozen=True)
class Edition:
    """Another language version of the release, as published: what a recipient may get instead."""

    loaded: LoadedRelease
    folder: Path  #: its published version folder

    @property
    def stem(self) -> str:
        return self.loaded.stem


@dataclass(frozen=True)
class Delivery:
    """One message to go: to one recipient, as the list or wire it is on."""

    target: Target
    recipient: Recipient
    earlier: bool = False  #: a recipient of an earlier version (a correction reaches them)
    #: the language version it carries, when not the release named
    edition: Edition | None = None


@dataclass
class TargetCount:
    """What the log says of one list or wire, for the summary and ``--status``."""

    name: str
    recipients: int = 0
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    to_go: int = 0


@dataclass
class Plan:
    """Everything a send will do, counted before it starts."""

    version: int
    log_path: Path
    log_shown: str
    deliveries: list[Delivery] = field(default_factory=list)
    targets: dict[str, TargetCount] = field(default_factory=dict)
    unknown: list[Entry] = field(default_factory=list)
    already_sent: int = 0
    failed_permanently: int = 0
    suppressed: int = 0
    duplicates: int = 0
    earlier: int = 0
    history: History = field(default_factory=History)
    #: how many deliveries go in each language (the release named's included)
    languages: dict[str, int] = field(default_factory=dict)


def send_logs(loaded: LoadedRelease, version: int) -> list[Path]:
    """Every log of one version: its embargoed copy's (sent first), then its published one's."""
    workspace, stem = loaded.workspace, loaded.stem
    return [
        embargo_folder(workspace, stem, version) / SEND_LOG,
        version_folder(workspace, stem, version) / SEND_LOG,
    ]


def read_history(loaded: LoadedRelease, logs: list[Path]) -> History:
    """What the logs say together, the later log's record of an address winning."""
    history = History()
    for path in logs:
        for entry in read_log(path, loaded.workspace.display(path)).last.values():
            history.add(entry)
    return history


def earlier_recipients(loaded: LoadedRelease, version: int) -> list[Entry]:
    """Everyone the relay accepted an earlier version of this release for, first seen first."""
    seen: dict[str, Entry] = {}
    for earlier in published_versions(loaded.workspace, loaded.stem):
        if earlier >= version:
            continue
        for entry in read_history(loaded, send_logs(loaded, earlier)).received():
            seen.setdefault(entry.address.lower(), entry)
    return list(seen.values())


def _tag(language: str) -> str:
    return language.replace("_", "-").lower()


def edition_for(
    language: str | None, loaded: LoadedRelease, editions: Sequence[Edition]
) -> Edition | None:
    """The language version a recipient reading ``language`` gets; None: the release named.

    The same tag first, then the same language (``en-GB`` reads ``en``); a language
    without a version gets the original, a recipient of no stated language the release.
    """
    if language is None or not editions:
        return None
    wanted = _tag(language)
    tags = [(_tag(loaded.language), None), *((_tag(e.loaded.language), e) for e in editions)]
    for whole in (True, False):  # the same tag first, then the same language
        for tag, edition in tags:
            if tag == wanted if whole else tag.split("-")[0] == wanted.split("-")[0]:
                return edition
    if loaded.release.translation_of is None:
        return None  # the release named is the original
    return next((e for e in editions if e.stem == loaded.release.translation_of), None)


def make_plan(
    loaded: LoadedRelease,
    folder: Path,
    distribution: Distribution,
    names: list[str],
    recipients: dict[str, list[Recipient]],
    *,
    resend_unknown: bool = False,
    editions: Sequence[Edition] = (),
) -> Plan:
    """The deliveries of version N from ``folder`` to the targets named (recipients read).

    Its log is ``folder``'s; what the version's other log says counts too (those
    who got the embargoed copy are not sent the published one), and so do the
    logs of the ``editions``, the other language versions a recipient may get.
    """
    version = loaded.release.version
    path = folder / SEND_LOG
    logs = [log for log in send_logs(loaded, version) if log != path] + [path]
    history = History()
    for edition in editions:  # first, so this release's own records win
        for entry in read_history(
            edition.loaded, send_logs(edition.loaded, edition.loaded.release.version)
        ).last.values():
            history.add(entry)
    for entry in read_history(loaded, logs).last.values():
        history.add(entry)
    plan = Plan(version, path, loaded.workspace.display(path), history=history)
    suppressed = read_suppressed(suppression_file(loaded.workspace, distribution), loaded.workspace)
    chosen: set[str] = set()

    def consider(target: Target, recipient: Recipient, earlier: bool) -> None:
        count = plan.targets.setdefault(target.name, TargetCount(target.name))
        key = recipient.address.lower()
        if key in chosen:
            plan.duplicates += not earlier
            return
        chosen.add(key)
        count.recipients += 1
        if key in suppressed:
            plan.suppressed += 1
            return
        outcome = plan.history.outcome(key)
        if outcome == "sent":
            plan.already_sent += 1
            count.sent += 1
            return
        if outcome == "failed":
            plan.failed_permanently += 1
            count.failed += 1
            return
        if outcome == "unknown" and not resend_unknown:
            plan.unknown.append(plan.history.last[key])
            count.unknown += 1
            return
        count.to_go += 1
        language = recipient.language or getattr(target, "language", None)
        edition = edition_for(language, loaded, editions)
        plan.deliveries.append(Delivery(target, recipient, earlier, edition))
        plan.earlier += earlier
        sent_in = (edition.loaded if edition else loaded).language
        plan.languages[sent_in] = plan.languages.get(sent_in, 0) + 1

    for name in names:
        target = distribution.target(name)
        if target is None:
            raise Refused(
                loaded.workspace.display(loaded.path), "send", f"no list or wire '{name}'"
            )
        for recipient in recipients[name]:
            consider(target, recipient, earlier=False)
    for entry in earlier_recipients(loaded, version):
        known = distribution.target(entry.target)
        # A list since removed from organisation.yaml: its recipients still get the correction.
        target = known or MailingList.model_construct(
            name=entry.target, description=None, recipients=(), embargo=False
        )
        consider(target, Recipient(entry.address, entry.name), earlier=True)
    return plan
