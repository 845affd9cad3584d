"""The one warm PDF printer of ``presser serve``, shared by the requests that want a PDF.

A :class:`~presser.render.printer.PdfPrinter` imports WeasyPrint once, at the
start, in a process of its own, so the server never imports it and a PDF that
crashes or exhausts WeasyPrint takes down only the printer. One job at a time
(the printer has one pipe); a job the time limit stops costs the printer, and
the next PDF forks another. Forking from a process that runs threads is safe
here: the child only imports WeasyPrint and reads jobs from its pipe, and
Python holds the import lock across the fork.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from ..render.printer import PdfPrinter

T = TypeVar("T")


class PrinterSlot:
    """The one warm PDF printer, used by one render at a time, replaced when it is lost."""

    def __init__(self, enabled: bool) -> None:
        self._lock = threading.Lock()
        self._printer: PdfPrinter | None = None
        self._enabled = enabled

    def _available(self) -> bool:
        from ..render.printer import PdfPrinter

        return self._enabled and PdfPrinter.available()

    def start(self) -> None:
        """Start the printer now, so WeasyPrint is imported before the first PDF is asked for."""
        with self._lock:
            self._ensure(wait=False)

    def _ensure(self, *, wait: bool = True) -> PdfPrinter | None:
        from ..render.printer import PdfPrinter

        if self._printer is None and self._available():
            self._printer = PdfPrinter()
        if self._printer is not None and wait:
            # A new printer's import of WeasyPrint is not the release's render: waited
            # for here, outside its time limit (a printer replaced after a time-out, on a
            # slow machine, took the next release's whole limit).
            self._printer.wait_ready()
        return self._printer

    def run(self, job: Callable[[PdfPrinter | None], T]) -> T:
        from ..render.printer import PrinterFailed
        from ..render.timeout import RenderTimeout

        with self._lock:
            try:
                try:
                    return job(self._ensure())
                except PrinterFailed:
                    # It had died meanwhile (killed, out of memory): once more, with a new one.
                    self._drop()
                    return job(self._ensure())
            except (RenderTimeout, PrinterFailed):
                # Stopped mid-job (or gone): of no more use; the next PDF starts another.
                self._drop()
                raise

    def _drop(self) -> None:
        if self._printer is not None:
            with contextlib.suppress(Exception):
                self._printer.close(kill=True)
            self._printer = None

    def close(self) -> None:
        """Stop the printer: politely when idle, at once when a PDF is under way (Ctrl-C)."""
        idle = self._lock.acquire(timeout=0.5)
        try:
            printer, self._printer = self._printer, None
            if printer is not None:
                with contextlib.suppress(Exception):
                    printer.close(kill=not idle)
        finally:
            if idle:
                self._lock.release()
