"""The zygote: one process imports WeasyPrint once, then forks a build's PDF workers.

Workers that each import WeasyPrint take both cores for most of a second,
side by side with this process, which has releases to validate and prepare
meanwhile. A zygote imports it once, on one core, and then forks every
worker warm at the same moment; the other core is this process's.

The workers are the zygote's children, not this process's: the zygote reaps
them and reports each one's process id and exit code over its control pipe,
and forks another on request (the new worker's pipe end passed over that
pipe). :class:`ForkedWorker` gives the pool the parts of a
:class:`multiprocessing.Process` it uses. A worker's own pipe, with this
process at the other end, carries its tasks and results, so that its death
is seen as the end of that pipe; when this process is gone, or closes the
control pipe, the zygote waits for its workers and exits.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from multiprocessing import reduction
from multiprocessing.connection import Connection
from typing import Any

#: How often the zygote looks for workers that ended (their exit codes are reported then).
_REAP_SECONDS = 0.05


class Zygote:
    """A process that runs ``warm_up()`` once, then forks a worker running
    ``serve(end, warm)`` for each pipe end in ``ends``, and more on request."""

    def __init__(
        self,
        warm_up: Callable[[], Any],
        serve: Callable[[Connection, Any], None],
        ends: list[Connection],
        inherited: list[Connection],
    ) -> None:
        """``inherited``: this process's pipe ends, which the zygote and its workers close."""
        context = multiprocessing.get_context("fork")
        self._control, control_end = context.Pipe()
        self.process = context.Process(
            target=_zygote_main,
            args=(control_end, warm_up, serve, ends, [self._control, *inherited]),
            daemon=True,
            name="presser-zygote",
        )
        self.process.start()
        control_end.close()
        self._pids: dict[int, int] = {}  #: worker number -> process id
        self._exits: dict[int, int | None] = {}  #: process id -> exit code
        self._gone = False  #: the zygote's control pipe ended

    def worker(self, number: int) -> ForkedWorker:
        """The handle of the zygote's worker ``number`` (forked now, or soon)."""
        return ForkedWorker(self, number)

    def fork(self, number: int, end: Connection) -> bool:
        """Ask for another worker on ``end``; False when the zygote is gone."""
        if self._gone or not self.process.is_alive():
            return False
        try:
            self._control.send(("fork", number))
            reduction.send_handle(self._control, end.fileno(), self.process.pid or 0)
        except OSError:
            return False
        return True

    def read(self, timeout: float = 0.0) -> None:
        """Take the zygote's reports, waiting up to ``timeout`` seconds for the first."""
        while not self._gone:
            try:
                if not self._control.poll(timeout):
                    return
                kind, key, value = self._control.recv()
            except (EOFError, OSError):
                self._gone = True
                return
            if kind == "started":
                self._pids[key] = value
            else:
                self._exits[key] = value
            timeout = 0.0

    def pid(self, number: int, timeout: float = 0.0) -> int | None:
        deadline = time.monotonic() + timeout
        while number not in self._pids and not self._gone:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self.read(left)
        self.read()
        return self._pids.get(number)

    def exit_code(self, pid: int, timeout: float = 0.0) -> tuple[bool, int | None]:
        """Whether the worker ``pid`` ended, and its exit code (None: not known)."""
        deadline = time.monotonic() + timeout
        while True:
            self.read()
            if pid in self._exits:
                return True, self._exits[pid]
            if self._gone:  # its parent is gone: it was ended with it, or is an orphan now
                return not _running(pid), None
            left = deadline - time.monotonic()
            if left <= 0:
                return False, None
            self.read(min(left, _REAP_SECONDS))

    def close(self, *, kill: bool = False) -> None:
        """Let the zygote wait for its workers and exit (at once, with ``kill``)."""
        if self.process.is_alive():
            if kill:
                self.process.kill()
            else:
                with contextlib.suppress(OSError):
                    self._control.send(None)
            self.process.join(timeout=15)
            if self.process.is_alive():  # pragma: no cover - a hung zygote
                self.process.kill()
                self.process.join()
        self._control.close()


class ForkedWorker:
    """One of the zygote's workers, seen as the pool sees a :class:`~multiprocessing.Process`."""

    #: nothing to wait on: the worker's own pipe ends when it does
    sentinel = None

    def __init__(self, zygote: Zygote, number: int) -> None:
        self.zygote = zygote
        self.number = number

    @property
    def pid(self) -> int | None:
        return self.zygote.pid(self.number)

    @property
    def exitcode(self) -> int | None:
        pid = self.pid
        return None if pid is None else self.zygote.exit_code(pid)[1]

    def is_alive(self) -> bool:
        pid = self.zygote.pid(self.number)
        if pid is None:  # not forked yet (the zygote is importing), or never will be
            return self.zygote.process.is_alive()
        return not self.zygote.exit_code(pid)[0]

    def join(self, timeout: float | None = None) -> None:
        pid = self.zygote.pid(self.number, timeout or 0.0)
        if pid is not None:
            self.zygote.exit_code(pid, 3600.0 if timeout is None else timeout)

    def terminate(self) -> None:
        self._signal(signal.SIGTERM)

    def kill(self) -> None:
        self._signal(signal.SIGKILL)

    def _signal(self, number: int) -> None:
        pid = self.pid
        if pid is not None and self.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, number)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - the id was reused by another user's
        return False
    return True


def _zygote_main(
    control: Connection,
    warm_up: Callable[[], Any],
    serve: Callable[[Connection, Any], None],
    ends: list[Connection],
    inherited: list[Connection],
) -> None:
    for end in inherited:  # see the module: this process's ends, copied by the fork
        end.close()
    # Ctrl-C reaches the whole process group; the build decides what stops, and how.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    warm = warm_up()
    running: set[int] = set()

    def fork(number: int, end: Connection, others: list[Connection]) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                control.close()
                for other in others:
                    other.close()
                serve(end, warm)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            finally:
                os._exit(code)
        end.close()
        running.add(pid)
        control.send(("started", number, pid))

    for index, end in enumerate(ends):
        fork(index, end, ends[index + 1 :])
    try:
        while True:
            _reap(running, control)
            if not control.poll(_REAP_SECONDS):
                continue
            message = control.recv()
            if message is None:
                break
            fd = reduction.recv_handle(control)
            fork(message[1], Connection(fd), [])
    except (EOFError, OSError):
        pass  # this process's parent is gone: its workers see their pipes end too
    deadline = time.monotonic() + 10
    while running and time.monotonic() < deadline:
        _reap(running, control)
        time.sleep(_REAP_SECONDS / 5)
    for pid in running:  # pragma: no cover - a worker that would not stop
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def _reap(running: set[int], control: Connection) -> None:
    """Collect the workers that ended, and say so with their exit codes."""
    while running:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            running.clear()
            return
        if pid == 0:
            return
        running.discard(pid)
        with contextlib.suppress(OSError):  # the build is gone: nobody to tell
            control.send(("exited", pid, os.waitstatus_to_exitcode(status)))
