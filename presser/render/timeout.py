"""A time limit on rendering one release (``render_timeout_seconds``).

Rendering cost is the one thing presser cannot promise for hostile input: a
release or template can ask WeasyPrint for a very long layout. The limit stops
such a render cleanly and names the release.

How: a watchdog thread, started per release, raises an exception *inside the
rendering thread* when time is up (``PyThreadState_SetAsyncExc``, the
mechanism behind ``KeyboardInterrupt``-like interruption). It is delivered
between two Python bytecodes, and WeasyPrint's layout loop is Python code, so
it arrives within milliseconds. Compared with the alternatives:

- ``SIGALRM`` works only in the main thread and would clobber any other user
  of the process's single real-time timer (test runners use it);
- rendering in a forked worker that is killed at the deadline really stops
  anything, but every release would then pay WeasyPrint's and fontconfig's
  cold start, which is most of the cost of a small PDF.

The exception derives from :class:`BaseException`, so WeasyPrint's own
``except Exception`` (it swallows image errors and goes on) cannot catch it.
A single C call (Pango shaping one paragraph, Pillow decoding one image) is
not interrupted; the other limits (string length, image pixels) keep each of
those short. A normal render pays for starting one idle thread.
"""

from __future__ import annotations

import ctypes
import math
import threading
from collections.abc import Callable
from typing import TypeVar

from ..errors import PresserError

T = TypeVar("T")
#: How often the watchdog fires again while a render goes on past its limit.
_RETRY_SECONDS = 0.05


class RenderTimeout(PresserError):
    """A release took longer to render than ``render_timeout_seconds``; nothing was written."""


class _Expired(BaseException):
    """Raised in the rendering thread by the watchdog; turned into :class:`RenderTimeout`."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Make ``exception`` pending in the thread; ``None`` clears one not yet delivered."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread_id), ctypes.py_object(exception) if exception else None
    )


def timeout_message(what: str, seconds: float) -> str:
    """What a render of ``what`` stopped at the limit of ``seconds`` says (here, or in a
    build, whose parent stops a worker laying out a PDF past the same limit)."""
    return (
        f"rendering {what} took longer than the limit of {seconds:g} s "
        "(render_timeout_seconds); it was stopped and none of its outputs was written"
    )


def call_with_time_limit(seconds: float, what: str, function: Callable[[], T]) -> T:
    """Return ``function()``, or raise :class:`RenderTimeout` once it has run ``seconds``.

    ``what`` names the work in the message (the release's path). A limit of
    0 or less, or infinity, means no limit. A function, not a context manager:
    between the body's end and the disarming below there must be no frame
    (such as contextlib's) where the exception could still arrive unhandled.
    """
    # Beyond TIMEOUT_MAX a timer cannot be set (OverflowError in its thread): no limit either.
    if seconds <= 0 or math.isinf(seconds) or seconds > threading.TIMEOUT_MAX:
        return function()
    target = threading.get_ident()
    lock = threading.Lock()
    armed = [True]
    fired = [False]  #: whether an exception was ever made pending in the target
    stop = threading.Event()

    def watch() -> None:
        # At the deadline, and again every _RETRY_SECONDS while the work runs: an
        # exception delivered inside a __del__ or a weakref callback is swallowed
        # ("Exception ignored in ..."), so one firing is not enough.
        if stop.wait(seconds):
            return
        while True:
            # Under the lock, so the exception is never made pending after disarming.
            with lock:
                if not armed[0]:
                    return
                fired[0] = True
                _raise_in(target, _Expired)
            if stop.wait(_RETRY_SECONDS):
                return

    def disarm() -> None:
        # Retried when a firing arrives meanwhile; once armed is False under the
        # lock nothing more is raised, and one made pending is cleared here.
        while True:
            try:
                with lock:
                    armed[0] = False
                    # Cleared only when one was raised: a clearing call when none is
                    # pending leaves CPython 3.11 checking for it at every bytecode, and
                    # under a profiler (cProfile, sys.setprofile) it hangs the thread.
                    if fired[0]:
                        _raise_in(target, None)
                stop.set()
                return
            except _Expired:
                continue

    watchdog = threading.Thread(target=watch, name="presser-render-timeout", daemon=True)
    try:
        watchdog.start()
        try:
            return function()
        finally:
            disarm()
    except _Expired:
        # Caught out here, so delivery anywhere above (even in the finally) ends the same way.
        disarm()  # in case it arrived before the finally could disarm
        raise RenderTimeout(timeout_message(what, seconds)) from None
