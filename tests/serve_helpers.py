"""A real ``presser serve`` process on a free port, and a plain HTTP client for it."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .conftest import REPO


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


@dataclass
class Served:
    """A ``presser serve`` started in ``root``; stopped with :meth:`stop` (SIGINT)."""

    root: Path
    process: subprocess.Popen[str]
    port: int
    output: list[str] = field(default_factory=list)

    @property
    def host(self) -> str:
        return f"localhost:{self.port}"

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def get(self, target: str, host: str | None = None, timeout: float = 60) -> Answer:
        """GET ``target`` exactly as written (no normalising), with ``Host: host``."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.putrequest("GET", target, skip_host=True, skip_accept_encoding=True)
            connection.putheader("Host", host if host is not None else self.host)
            connection.endheaders()
            response = connection.getresponse()
            return Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()

    def token(self, key: str) -> str:
        """The current version token of ``key`` (held for no time)."""
        answer = self.get(f"/_presser/changes?key={key}&token=&wait=0")
        return str(json.loads(answer.body)["token"])

    def wait(self, key: str, token: str, seconds: float = 5) -> str:
        answer = self.get(f"/_presser/changes?key={key}&token={token}&wait={seconds}")
        return str(json.loads(answer.body)["token"])

    def children(self) -> list[int]:
        """The processes this server started (its PDF printer)."""
        found: list[int] = []
        for task in Path(f"/proc/{self.process.pid}/task").iterdir():
            with contextlib.suppress(FileNotFoundError):  # a thread that just ended
                found += [int(pid) for pid in (task / "children").read_text().split()]
        return found

    def stop(self) -> tuple[int, str]:
        """Ctrl-C, as a terminal sends it; the exit code and everything it printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        out, _ = self.process.communicate(timeout=20)
        return self.process.returncode, "".join(self.output) + out


def start_serve(root: Path, *arguments: str, port: int = 0) -> Served:
    """``presser serve`` in ``root`` on ``port`` (0: a free one), once it is listening."""
    process = subprocess.Popen(
        [sys.executable, "-m", "presser", "serve", "--port", str(port), *arguments],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        found = re.search(r"http://localhost:(\d+)/", line)
        if found:
            return Served(root, process, int(found.group(1)), lines)
    process.kill()
    raise AssertionError("presser serve did not start: " + "".join(lines))


def wait_until(check: object, seconds: float = 10) -> None:
    """Poll ``check()`` until it is true."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("not within the time allowed")


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        # As the server binds: a connection of its last life in TIME_WAIT is no listener.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True
