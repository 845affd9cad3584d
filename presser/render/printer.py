"""A PDF printer process: it imports WeasyPrint while presser validates.

Importing WeasyPrint costs about half a second, presser's own work for one
release (YAML, models, Markdown, Jinja, text) about a third of one, and for a
one-off ``presser render`` they used to run one after the other. The printer
is forked at the start of the command, before presser imports anything heavy,
so the two overlap on separate cores; the parent then hands it plain-string
:class:`~presser.render.pdf.PdfJob` objects and gets the bytes back.
The layout code, the URL fetcher and its confinement are the same as in
process; only where it runs changes.

Where ``fork`` is not available the printer is not used (the caller lays out
in process). The render time limit still applies: the parent waits in short
polls, so the watchdog's exception reaches it, and then stops the printer.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from multiprocessing.connection import Connection
from types import TracebackType
from typing import TYPE_CHECKING

from ..errors import PresserError

if TYPE_CHECKING:
    from .pdf import LaidOut, PdfJob

_POLL_SECONDS = 0.05


class PrinterFailed(PresserError):
    """The printer process ended without answering (killed, or out of memory)."""


class PdfPrinter:
    """Lays out PDFs in a child process that starts importing WeasyPrint at once.

    Use as a context manager; :meth:`lay_out` may be called for many jobs.
    """

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")
        self._connection, child_end = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child_end, self._connection), daemon=True
        )
        self._process.start()
        child_end.close()
        self._ready = False  #: WeasyPrint imported (its "ready" received)

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Wait until the printer has imported WeasyPrint, or has stopped.

        ``presser serve`` waits here before a render, so that a new printer's
        import (most of a second) is not counted in the release's time limit.
        """
        deadline = time.monotonic() + timeout
        while not self._ready and self._process.is_alive():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                if self._connection.poll(min(left, _POLL_SECONDS)):
                    outcome, _ = self._connection.recv()
                    self._ready = outcome == "ready"
            except (EOFError, OSError):
                return  # gone: the render that follows says so

    @staticmethod
    def available() -> bool:
        """Whether this platform can fork (the printer relies on it to start quickly)."""
        return "fork" in multiprocessing.get_all_start_methods()

    def lay_out(self, job: PdfJob) -> LaidOut:
        """The laid-out PDF of ``job``; errors are raised here as the same presser errors."""
        try:
            try:
                self._connection.send(job)
            except OSError:
                raise PrinterFailed(
                    f"the PDF printer stopped (exit code {self._process.exitcode}) "
                    f"before laying out {job.stem}"
                ) from None
            while True:
                # Short polls rather than one blocking recv: the render time limit is an
                # exception delivered between bytecodes, and a blocking read never yields one.
                while not self._connection.poll(_POLL_SECONDS):
                    if not self._process.is_alive():
                        raise PrinterFailed(
                            f"the PDF printer stopped (exit code {self._process.exitcode}) "
                            f"while laying out {job.stem}"
                        )
                outcome, payload = self._connection.recv()
                if outcome != "ready":
                    break
                self._ready = True
        except BaseException:
            self._stop_mid_job()
            raise
        if outcome == "error":
            raise payload
        return payload  # type: ignore[no-any-return]

    def _stop_mid_job(self) -> None:
        """Kill the printer after an interruption (time limit, Ctrl-C): it is of no more use.

        The time limit fires again every few milliseconds until it is disarmed, so
        a second firing can land inside this clean-up; start it over until it is done.
        """
        while True:
            try:
                self.close(kill=True)
                return
            except BaseException:  # a repeated interruption: keep stopping
                continue

    def close(self, *, kill: bool = False) -> None:
        """Stop the printer: politely when idle, at once with ``kill``."""
        if self._process.is_alive():
            if kill:
                self._process.kill()
            else:
                with contextlib.suppress(OSError):  # already gone
                    self._connection.send(None)
            self._process.join(timeout=5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join()
        self._connection.close()

    def __enter__(self) -> PdfPrinter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(kill=exc_type is not None)


def _serve(connection: Connection, parent_end: Connection) -> None:
    """The printer's loop: import WeasyPrint, then lay out each job until told to stop."""
    import signal

    # The fork copied the parent's end of the pipe too: closed here, so that a parent
    # killed outright (SIGKILL) is seen as the end of the pipe, and the printer exits
    # rather than waiting for ever (holding, say, the pipes of whoever started presser).
    parent_end.close()

    # Ctrl-C goes to the whole process group; the parent decides what stops, and how.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from .libraries import library_lookup

    # The point of the printer: WeasyPrint imported while the parent works
    # (its C libraries found without starting a program).
    with library_lookup():
        import weasyprint.text.fonts  # noqa: F401

    from .pdf import lay_out

    with contextlib.suppress(OSError):  # the parent is gone: said by recv below
        connection.send(("ready", None))  # see PdfPrinter.wait_ready

    while True:
        try:
            job = connection.recv()
        except EOFError:  # the parent is gone
            return
        if job is None:
            return
        error: PresserError
        try:
            connection.send(("ok", lay_out(job)))
            continue
        except PresserError as exc:
            error = exc if _travels(exc) else PresserError(str(exc))  # same message, plainer class
        except Exception as exc:  # an unexpected WeasyPrint failure: a message, not a traceback
            error = PresserError(f"the PDF of {job.stem} could not be made: {exc}")
        connection.send(("error", error))


def _travels(error: BaseException) -> bool:
    """Whether an exception survives the pipe (pickling, and unpickling in the parent)."""
    import pickle

    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return False
    return True
