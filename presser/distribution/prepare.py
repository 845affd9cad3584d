"""Everything checked before a send: the release, its version folder, the names, the recipients.

All of it happens before the first message leaves: a release that may not go
to a list is refused with the reason, and every bad line of every recipients
file is reported at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem, ProblemsFound, UsageProblem, did_you_mean, safe_line
from ..source.distribution import Distribution
from ..source.validation import LoadedRelease
from ..source.workspace import Workspace
from .message import Composer, published_folder, recipients_of
from .plan import Plan, make_plan
from .recipients import Recipient


@dataclass(frozen=True)
class Prepared:
    """A send ready to run: what goes, from which folder, to whom."""

    loaded: LoadedRelease
    distribution: Distribution
    folder: Path
    names: list[str]
    plan: Plan

    def composer(self) -> Composer:
        return Composer(self.loaded, self.folder)


def target_names(loaded: LoadedRelease, lists: tuple[str, ...]) -> tuple[Distribution, list[str]]:
    """The organisation's distribution and the names to send to; a clear refusal otherwise."""
    distribution = loaded.organisation.profile.distribution
    known = distribution.names if distribution else ()
    names = list(dict.fromkeys(lists or loaded.release.distribution or ()))
    if distribution is None:
        raise UsageProblem(
            f"{loaded.organisation.slug} has no distribution: in its organisation.yaml, so there "
            "is no one to send to (see docs/format.md, distribution)"
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


def prepare_send(
    loaded: LoadedRelease, lists: tuple[str, ...], *, resend_unknown: bool = False
) -> Prepared:
    """Check everything a send needs and work out its plan; nothing is sent or written."""
    folder = published_folder(loaded)  # an unpublished release is refused before anything else
    distribution, names = target_names(loaded, lists)
    recipients = read_all_recipients(distribution, names, loaded.workspace)
    plan = make_plan(loaded, distribution, names, recipients, resend_unknown=resend_unknown)
    return Prepared(loaded, distribution, folder, names, plan)
