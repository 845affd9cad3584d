"""The send itself: each delivery of a plan handed to the relay, recorded before and after.

For each message, in order: ``pending`` in the log (on disk), the message
handed to the relay, then ``sent`` or ``failed`` in the log. A temporary
failure (a 4xx reply, a connection lost before the message was handed over)
is tried again after 1, 2, 4 … seconds (at most a minute apart), while the
other recipients go on, until ``max_retry_seconds`` after its first failure;
then it is recorded as a temporary failure that the next run tries again. A
permanent failure (5xx) marks only that recipient. A connection lost after the
message was handed over leaves the ``pending`` as it is: unknown.

A stop asked for (Ctrl-C, SIGTERM) takes effect between messages: the one in
flight is finished and recorded first.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from .log import Entry, SendLog, now_text
from .message import Composers, message_id
from .plan import Delivery, Plan
from .relay import Answer, Relay
from .signing import Signer

#: The longest wait between two tries of one recipient.
MAX_BACKOFF_SECONDS = 60.0


class SendProgress(Protocol):
    """How a send shows itself (the CLI's bar or lines; nothing below the CLI prints)."""

    def start(self, total: int) -> None: ...

    def done(self, delivery: Delivery, answer: Answer, retry_in: float | None) -> None: ...

    def finish(self) -> None: ...


@dataclass
class SendReport:
    """What one run did."""

    sent: int = 0
    failed: list[tuple[Delivery, Answer]] = field(default_factory=list)
    gave_up: list[tuple[Delivery, Answer]] = field(default_factory=list)
    unknown: list[tuple[Delivery, Answer]] = field(default_factory=list)
    not_tried: int = 0  #: left when the run was stopped
    stopped: bool = False


@dataclass(order=True)
class _Retry:
    due: float
    order: int
    first_failure: float = field(compare=False)
    tries: int = field(compare=False)
    delivery: Delivery = field(compare=False)


def send_plan(
    plan: Plan,
    composers: Composers,
    relay: Relay,
    log: SendLog,
    progress: SendProgress,
    *,
    max_retry_seconds: float,
    signer: Signer | None = None,
    stop_requested: Callable[[], bool] = lambda: False,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> SendReport:
    """Send every delivery of the plan; the relay already connected (``relay.connect()``)."""
    report = SendReport()
    queue = deque((delivery, 0, 0.0) for delivery in plan.deliveries)
    retries: list[_Retry] = []
    order = itertools.count()
    domain = composers.sender.rpartition("@")[2]
    progress.start(len(plan.deliveries))
    while queue or retries:
        if stop_requested():
            report.stopped = True
            break
        if retries and (not queue or retries[0].due <= clock()):
            retry = heapq.heappop(retries)
            wait = retry.due - clock()
            if wait > 0 and not _wait(wait, sleep, stop_requested):
                heapq.heappush(retries, retry)
                report.stopped = True
                break
            delivery, tries, first_failure = retry.delivery, retry.tries, retry.first_failure
        else:
            delivery, tries, first_failure = queue.popleft()
        recipient = delivery.recipient
        at = datetime.now(UTC)
        composer = composers.of(delivery.edition)
        message = composer.compose(delivery.target, recipient, at)
        sent = composer.loaded
        ident = message_id(sent.stem, sent.release.version, recipient.address, domain)
        base = Entry(
            "pending",
            recipient.address,
            delivery.target.name,
            now_text(at),
            name=recipient.name,
            message_id=ident,
            release=delivery.edition.stem if delivery.edition else "",
        )
        log.append(base)
        data = message.as_bytes()  # what --dry-run writes: the same bytes
        if signer is not None:
            data = signer.sign(data)
        utf8 = not (composer.sender + recipient.address).isascii()
        del message
        answer = relay.hand_over(data, composer.sender, recipient.address, utf8=utf8)
        del data
        at_text = now_text(datetime.now(UTC))
        retry_in: float | None = None
        if answer.kind == "accepted":
            log.append(_outcome(base, "sent", answer, at_text))
            report.sent += 1
        elif answer.kind == "permanent":
            log.append(_outcome(base, "failed", answer, at_text, permanent=True))
            report.failed.append((delivery, answer))
        elif answer.kind == "temporary":
            log.append(_outcome(base, "failed", answer, at_text))
            now = clock()
            first_failure = first_failure or now
            delay = min(2.0**tries, MAX_BACKOFF_SECONDS)
            if now + delay - first_failure <= max_retry_seconds:
                retry_in = delay
                entry = _Retry(now + delay, next(order), first_failure, tries + 1, delivery)
                heapq.heappush(retries, entry)
            else:
                report.gave_up.append((delivery, answer))
        else:  # unknown: the pending stays as the record; never tried again by itself
            report.unknown.append((delivery, answer))
        progress.done(delivery, answer, retry_in)
    report.not_tried = len(queue) + len(retries)
    progress.finish()
    return report


def _outcome(base: Entry, state: str, answer: Answer, at: str, *, permanent: bool = False) -> Entry:
    return Entry(
        "sent" if state == "sent" else "failed",
        base.address,
        base.target,
        at,
        name=base.name,
        message_id=base.message_id,
        code=answer.code,
        reply=answer.text,
        permanent=permanent,
        release=base.release,
    )


def _wait(seconds: float, sleep: Callable[[float], None], stop: Callable[[], bool]) -> bool:
    """Wait, a fifth of a second at a time so a stop is seen; False when stopped."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        if stop():
            return False
        sleep(min(left, 0.2))
    return True


class StopFlag:
    """Set by Ctrl-C or SIGTERM while a send runs; the send stops between messages."""

    def __init__(self) -> None:
        self.asked = False

    def __call__(self) -> bool:
        return self.asked

    def __enter__(self) -> StopFlag:
        import signal

        def ask(signum: int, frame: object) -> None:
            self.asked = True

        self._previous = {sig: signal.signal(sig, ask) for sig in (signal.SIGINT, signal.SIGTERM)}
        return self

    def __exit__(self, *exc: object) -> None:
        import signal

        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
