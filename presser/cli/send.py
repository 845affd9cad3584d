"""presser send and presser unsubscribe: a published release by e-mail, and who gets no more.

The library is :mod:`presser.distribution`, imported inside the commands.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import EXIT_INTERRUPTED, PresserError, UsageProblem, safe_line
from .common import SafeCommand, workspace_for

if TYPE_CHECKING:
    from ..distribution.plan import Delivery, Plan
    from ..distribution.prepare import Prepared, Source
    from ..distribution.relay import Answer
    from ..distribution.sending import SendReport
    from ..source.limits import SmtpSettings
    from ..source.validation import LoadedRelease


class SendIncomplete(PresserError):
    """Some recipients were not reached (failed or unknown): exit 1."""

    def show(self, file: object = None) -> None:
        click.echo(self.format_message(), err=True)


class SendStopped(SendIncomplete):
    """Ctrl-C or SIGTERM: the message in flight was finished and recorded; exit 130."""

    exit_code = EXIT_INTERRUPTED


@click.command(cls=SafeCommand)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--list",
    "lists",
    multiple=True,
    metavar="NAME",
    help="A list or wire of the organisation's distribution: to send to (repeatable). "
    "Default: the release's distribution:.",
)
@click.option("--dry-run", is_flag=True, help="Write every message as an .eml file; send nothing.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where --dry-run writes the messages. Default: build/outbox/<name>/v<N>/.",
)
@click.option("--yes", is_flag=True, help="Send without asking (asked only on a terminal).")
@click.option(
    "--resend-unknown",
    is_flag=True,
    help="Send again to recipients whose earlier message may or may not have reached the "
    "relay (the send log's unknowns): at most one extra copy each.",
)
@click.option(
    "--status", "show_status", is_flag=True, help="Say per list who was sent to; send nothing."
)
@click.option(
    "--max-retry-seconds",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="How long a temporary failure (4xx, a lost connection) is tried again.",
)
def send(
    file: Path,
    lists: tuple[str, ...],
    dry_run: bool,
    out: Path | None,
    yes: bool,
    resend_unknown: bool,
    show_status: bool,
    max_retry_seconds: float,
) -> None:
    """Send a published release by e-mail: one message per recipient, each once.

    To the lists of journalists and newswire desks in distribution: of the
    organisation.yaml, through the SMTP relay in presser.yaml's smtp: (the
    password from PRESSER_SMTP_PASSWORD). Every message is recorded in
    published/<name>/v<N>/sent.jsonl before and after it is handed to the relay:
    a rerun sends only to recipients not yet reached, and one whose message
    may have reached the relay (unknown) only with --resend-unknown. After
    presser correct and publish, the new version also goes to everyone who got
    an earlier one. Exit 1 when a recipient was not reached, 130 when stopped.

    \b
    Examples:
      presser send releases/2026-03-02-spring-fair.yaml --list journalists-sv --dry-run
      presser send releases/2026-03-02-spring-fair.yaml --list journalists-sv --list tt
      presser send releases/2026-03-02-spring-fair.yaml --status
    """
    from ..distribution.prepare import embargo_source, prepare_send, send_source
    from ..editorial.reading import load_release

    workspace = workspace_for(file)
    loaded = load_release(file, workspace)
    if show_status or dry_run:
        prepared = prepare_send(loaded, lists, resend_unknown=resend_unknown)
        if show_status:
            _status(prepared.plan)
            return
        if prepared.embargoed:
            embargo_source(loaded)
        _dry_run(prepared, out)
        return
    source = send_source(loaded, lists)  # refused before anything else is read
    from ..distribution.settings import smtp_settings

    smtp = smtp_settings(workspace)
    if smtp is None:
        raise UsageProblem(
            "sending needs smtp: in presser.yaml (host, port, security, username); "
            "presser send --dry-run writes the messages without it"
        )
    if source.embargoed:
        # Recipients under embargo get the approved version, frozen once with its embargo line.
        embargo_source(loaded)
    report, plan = _run(loaded, source, smtp, yes, max_retry_seconds, resend_unknown)
    _report(report, plan)


def _run(
    loaded: LoadedRelease,
    source: Source,
    smtp: SmtpSettings,
    yes: bool,
    max_retry_seconds: float,
    resend_unknown: bool,
) -> tuple[SendReport, Plan]:
    """Under the send log's lock: the plan, the summary and the question, then the send.

    The plan is made under the lock, so what a send that ran before this one did is
    seen and nothing goes twice; the recipients are read once.
    """
    from ..distribution.log import SendLog
    from ..distribution.prepare import plan_send, source_editions
    from ..distribution.relay import Relay, smtp_password
    from ..distribution.sending import SendReport, StopFlag, send_plan
    from ..distribution.signing import Signer
    from ..editorial.manifest import SEND_LOG

    relay = Relay(smtp, smtp_password(smtp))
    editions = source_editions(loaded, source)
    with contextlib.ExitStack() as locks:
        log = locks.enter_context(
            SendLog(source.log_path, loaded.workspace.display(source.log_path))
        )
        # The logs of the language versions a recipient may get instead are locked too:
        # a send of the translation at the same time would not see this one's records.
        for edition in editions:
            other = edition.folder / SEND_LOG
            locks.enter_context(SendLog(other, loaded.workspace.display(other)))
        prepared = plan_send(loaded, source, resend_unknown=resend_unknown, editions=editions)
        plan = prepared.plan
        click.echo(_summary(prepared))
        if not plan.deliveries:
            click.echo("Nothing to send.")
            return SendReport(), plan
        if not yes and sys.stdin.isatty() and sys.stdout.isatty():
            click.confirm(f"Send {len(plan.deliveries)} message(s)?", abort=True)
        composers = prepared.composers()
        dkim = prepared.distribution.dkim
        signer = Signer(dkim, loaded.workspace) if dkim is not None else None
        relay.connect()  # a refused login or TLS stops here, before any message
        try:
            with StopFlag() as stop:
                report = send_plan(
                    plan,
                    composers,
                    relay,
                    log,
                    _progress(len(plan.deliveries)),
                    max_retry_seconds=max_retry_seconds,
                    signer=signer,
                    stop_requested=stop,
                )
                return report, plan
        finally:
            relay.close()


class _Lines:
    """One line per recipient (logs, pipes)."""

    def start(self, total: int) -> None:
        pass

    def done(self, delivery: Delivery, answer: Answer, retry_in: float | None) -> None:
        state = {"accepted": "sent", "permanent": "failed", "unknown": "UNKNOWN"}.get(
            answer.kind, "will retry" if retry_in is not None else "gave up"
        )
        line = f"{delivery.target.name}: {delivery.recipient.address}: {state}: {answer.line}"
        click.echo(safe_line(line))

    def finish(self) -> None:
        pass


class _Bar:
    """A progress bar on a terminal; failures still get a line each."""

    def __init__(self) -> None:
        self._bar: object | None = None

    def start(self, total: int) -> None:
        self._context = click.progressbar(length=total, label="Sending", file=sys.stderr)
        self._bar = self._context.__enter__()

    def done(self, delivery: Delivery, answer: Answer, retry_in: float | None) -> None:
        if answer.kind != "accepted":
            _Lines().done(delivery, answer, retry_in)
        if retry_in is None and self._bar is not None:
            self._bar.update(1)  # type: ignore[attr-defined]

    def finish(self) -> None:
        if self._bar is not None:
            self._context.__exit__(None, None, None)


def _progress(total: int) -> _Lines | _Bar:
    return _Bar() if sys.stderr.isatty() and total > 1 else _Lines()


def _summary(prepared: Prepared) -> str:
    plan = prepared.plan
    loaded = prepared.loaded
    lines = [
        safe_line(
            f"{loaded.workspace.display(loaded.path)}: v{plan.version} "
            f"'{loaded.release.headline}' from {loaded.workspace.display(prepared.folder)}/"
        ),
        f"  to: {', '.join(prepared.names)}"
        + (f", and {plan.earlier} recipient(s) of earlier versions" if plan.earlier else ""),
        f"  {len(plan.deliveries)} to send; {plan.already_sent} sent already"
        + (f"; {plan.suppressed} unsubscribed, skipped" if plan.suppressed else "")
        + (f"; {plan.duplicates} on more than one list, sent once" if plan.duplicates else "")
        + (f"; {plan.failed_permanently} refused earlier" if plan.failed_permanently else ""),
    ]
    if set(plan.languages) - {loaded.language}:
        by_language = ", ".join(f"{n} in {tag}" for tag, n in sorted(plan.languages.items()))
        lines.append(f"  in their language: {by_language}")
    return "\n".join(lines)


def _status(plan: Plan) -> None:
    header = f"{'list or wire':<24} {'recipients':>10} {'sent':>6} {'failed':>6} "
    click.echo(header + f"{'unknown':>7} {'to go':>6}")
    for count in plan.targets.values():
        click.echo(
            safe_line(
                f"{count.name:<24} {count.recipients:>10} {count.sent:>6} {count.failed:>6} "
                f"{count.unknown:>7} {count.to_go:>6}"
            )
        )
    if plan.suppressed:
        click.echo(f"{plan.suppressed} unsubscribed recipient(s) are not sent to.")
    for entry in plan.unknown:
        click.echo(safe_line(f"unknown: {entry.address} ({entry.target}, handed over {entry.at})"))


def _report(report: SendReport, plan: Plan) -> None:
    parts = [f"{report.sent} sent"]
    if report.failed:
        parts.append(f"{len(report.failed)} refused by the relay")
    if report.gave_up:
        parts.append(f"{len(report.gave_up)} failed for now (a rerun tries them again)")
    unknown = len(report.unknown) + len(plan.unknown)
    if unknown:
        parts.append(
            f"{unknown} recipient(s) are unknown: their message may or may not have reached "
            "the relay (presser send --status lists them; check with the relay, then "
            "--resend-unknown sends them one more copy)"
        )
    if report.not_tried:
        parts.append(f"{report.not_tried} not tried")
    line = "; ".join(parts) + f". The log: {plan.log_shown}"
    if report.stopped:
        raise SendStopped(f"Stopped: {line}. Run presser send again to go on.")
    if report.failed or report.gave_up or report.unknown or plan.unknown:
        raise SendIncomplete(line)
    click.echo(line)


def _dry_run(prepared: Prepared, out: Path | None) -> None:
    from datetime import UTC, datetime

    from ..distribution.message import Outgoing
    from ..writing import write_atomic

    loaded = prepared.loaded
    workspace = loaded.workspace
    folder = out or (
        workspace.root / "build" / "outbox" / loaded.stem / f"v{loaded.release.version}"
    )
    folder.mkdir(parents=True, exist_ok=True)
    composers = prepared.composers()
    now = datetime.now(UTC)
    for number, delivery in enumerate(prepared.plan.deliveries, start=1):
        composer = composers.of(delivery.edition)
        message = composer.compose(delivery.target, delivery.recipient, now)
        outgoing = Outgoing(number, delivery.target.name, delivery.recipient.address, message)
        target = folder / outgoing.file_name()
        write_atomic(target, message.as_bytes())
        click.echo(
            safe_line(f"{outgoing.target}: {outgoing.address} -> {workspace.display(target)}")
        )
    count = len(prepared.plan.deliveries)
    click.echo(f"{count} message(s) written, none sent (--dry-run).")


@click.command(cls=SafeCommand)
@click.argument("addresses", nargs=-1, required=True, metavar="ADDRESS...")
@click.option(
    "--org",
    metavar="SLUG",
    default=None,
    help="The organisation whose suppress: file to add to. Default: the workspace's "
    "suppressed.txt.",
)
def unsubscribe(addresses: tuple[str, ...], org: str | None) -> None:
    """Add addresses to the suppression file: presser send never mails them again.

    \b
    Example:
      presser unsubscribe anna@example.org "Per Ek <per@example.se>"
    """
    from ..distribution.suppression import DEFAULT_FILE, suppress, suppression_file

    workspace = workspace_for()
    if org is None:
        path = workspace.root / DEFAULT_FILE
    else:
        organisation = workspace.organisation(org)
        path = suppression_file(workspace, organisation.profile.distribution)
    added = suppress(path, workspace, list(addresses))
    shown = workspace.display(path)
    skipped = len(addresses) - len(added)
    click.echo(
        safe_line(
            f"{len(added)} address(es) added to {shown}"
            + (f"; {skipped} there already" if skipped else "")
        )
    )
