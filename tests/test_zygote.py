"""The zygote (presser.build.zygote): one warm-up, workers forked from it, their exit codes.

Real processes with a trivial warm-up and loop, so that what is tested is the
forking, the pipes, the reports and the clean-up, not WeasyPrint.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.connection import Connection
from typing import Any

import pytest

from presser.build.zygote import Zygote

pytestmark = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="the zygote forks"
)


def warm_up() -> int:
    return os.getpid()  # computed once, in the zygote


def serve(end: Connection, warm: Any) -> None:
    while True:
        try:
            message = end.recv()
        except EOFError:
            return
        if message is None:
            return
        if message == "exit":
            raise SystemExit(7)
        end.send((warm, os.getpid(), os.getppid()))


def pipes(count: int) -> list[tuple[Connection, Connection]]:
    return [multiprocessing.get_context("fork").Pipe() for _ in range(count)]


def test_every_worker_is_forked_from_one_warm_up_and_reported() -> None:
    pairs = pipes(2)
    zygote = Zygote(warm_up, serve, [c for _, c in pairs], [p for p, _ in pairs])
    for _, child in pairs:
        child.close()
    try:
        answers = []
        for parent, _ in pairs:
            parent.send("who")
            answers.append(parent.recv())
        assert {warm for warm, _, _ in answers} == {zygote.process.pid}
        assert {ppid for _, _, ppid in answers} == {zygote.process.pid}
        assert [pid for _, pid, _ in answers] == [zygote.pid(0), zygote.pid(1)]
        workers = [zygote.worker(0), zygote.worker(1)]
        assert all(w.is_alive() for w in workers)

        # One that ends says so, with its exit code; the other goes on.
        pairs[0][0].send("exit")
        workers[0].join(timeout=10)
        assert not workers[0].is_alive() and workers[0].exitcode == 7
        pairs[1][0].send("who")
        assert pairs[1][0].recv()[1] == workers[1].pid

        # Another, forked on request, is as warm as the first two.
        parent, child = multiprocessing.get_context("fork").Pipe()
        assert zygote.fork(5, child)
        child.close()
        parent.send("who")
        warm, pid, ppid = parent.recv()
        assert (warm, ppid) == (zygote.process.pid, zygote.process.pid)
        assert zygote.worker(5).pid == pid
    finally:
        for connection in (pairs[1][0], parent):
            connection.send(None)
        zygote.close()
    assert not zygote.process.is_alive()
    assert zygote.process.exitcode == 0
    for worker in (zygote.worker(1), zygote.worker(5)):
        assert worker.pid is not None
        with pytest.raises(ProcessLookupError):
            os.kill(worker.pid, 0)


def test_a_worker_is_stopped_by_its_handle() -> None:
    pairs = pipes(1)
    zygote = Zygote(warm_up, serve, [pairs[0][1]], [pairs[0][0]])
    pairs[0][1].close()
    worker = zygote.worker(0)
    assert zygote.pid(0, timeout=30) is not None
    worker.terminate()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert worker.exitcode == -15  # SIGTERM, as multiprocessing says it
    with pytest.raises(EOFError):
        pairs[0][0].recv()  # its end of the pipe closed with it
    zygote.close()
    assert not zygote.fork(1, pairs[0][0])  # a closed zygote forks nothing
