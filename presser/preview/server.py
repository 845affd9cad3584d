"""The HTTP side of ``presser serve``: loopback only, a closed set of addresses, nothing written.

The standard library's ``ThreadingHTTPServer`` (a thread per connection) is
enough for one writer's browser and needs nothing installed; starlette and
uvicorn would add two dependencies and an event loop for no gain here, since
the work is rendering, not I/O. Safe by construction:

- it binds to 127.0.0.1 only, and answers only requests whose ``Host`` is
  ``localhost:PORT`` or ``127.0.0.1:PORT``: a page elsewhere that points a
  name of its own at 127.0.0.1 (DNS rebinding) is refused;
- an address is never turned into a file name. Each is split into segments,
  each segment decoded once, and one that decodes to ``.``, ``..`` or holds a
  separator ends the request (404); what is left is matched against a fixed
  table (the index, the preview's two assets, the views and outputs of a
  release found by its stem, and that release's own images by the path its
  validated release gives them). Anything else is 404, so no ``%2e%2e``,
  absolute path or link out can name a file;
- it serves bytes presser rendered in memory, or an image the release places
  (checked again by content and size); it writes no file;
- every view renders under the workspace's limits and time limit, a release
  at a time per view, so one release that is slow or hostile delays only
  itself (and, for its PDF, the PDFs queued behind it until the time limit).
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import socket
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

from ..errors import UsageProblem, safe_line
from ..source.fields import WIRE_STYLES
from . import pages
from .session import LINT, PAGE, PDF, WAIT_SECONDS, ReleaseState, Session

HOST = "127.0.0.1"

#: The preview's own pages: scripts and styles only from this server.
FRAME_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
#: The page as it will go out: it loads nothing but its images and runs nothing.
PAGE_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; font-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
)
TEXT_POLICY = "default-src 'none'; frame-ancestors 'self'"
#: A PDF: the browser's viewer must run, so no default-src; framed by the preview only.
PDF_POLICY = "frame-ancestors 'self'"


class PreviewServer(ThreadingHTTPServer):
    """The server, with the session it serves."""

    daemon_threads = True  # a browser's held request never keeps presser from stopping

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet about a browser that went away; anything else is said in one line."""
        import sys

        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        self.notify(safe_line(f"{type(error).__name__}: {error}"))

    def __init__(
        self, port: int, session: Session, notify: Callable[[str], None] | None = None
    ) -> None:
        self.session = session
        #: given a line for the terminal about a failure of the server itself
        self.notify: Callable[[str], None] = notify or (lambda line: None)
        super().__init__((HOST, port), Handler)
        self.port = int(self.server_address[1])
        self.hosts = {f"localhost:{self.port}", f"{HOST}:{self.port}"}


def free_port_near(port: int, tries: int = 20) -> int | None:
    """A port after ``port`` that nothing listens on now, or None."""
    for candidate in range(port + 1, min(port + 1 + tries, 65536)):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((HOST, candidate))
            except OSError:
                continue
            return candidate
    return None


def open_server(
    port: int, session: Session, notify: Callable[[str], None] | None = None
) -> PreviewServer:
    """The server on 127.0.0.1:``port`` (0: any free port).

    A busy port is a :class:`UsageProblem` that names a free one to try.
    """
    try:
        return PreviewServer(port, session, notify)
    except OSError as exc:
        if exc.errno != errno.EADDRINUSE:
            raise UsageProblem(f"cannot listen on {HOST}:{port}: {exc.strerror}") from None
        other = free_port_near(port)
        hint = f"; try presser serve --port {other}" if other else "; choose another with --port"
        raise UsageProblem(
            f"port {port} is in use on {HOST} (another presser serve?){hint}"
        ) from None


class Handler(BaseHTTPRequestHandler):
    """Answers one request from the fixed table of addresses (see the module's docstring)."""

    server: PreviewServer
    protocol_version = "HTTP/1.1"
    timeout = 120  # an idle kept-alive connection is closed after this many seconds
    server_version = "presser-serve"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal is for what presser says, not for every request."""

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    # ----------------------------------------------------------------- answering

    def _answer(self, *, body: bool) -> None:
        self._body = body
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self.server.hosts:
            self._send(
                HTTPStatus.FORBIDDEN,
                b"Refused: this server answers only to "
                b"http://localhost:PORT/ and http://127.0.0.1:PORT/.\n",
                "text/plain; charset=utf-8",
                TEXT_POLICY,
            )
            return
        segments = _segments(self.path)
        if segments is None:
            self._not_found()
            return
        path, query = segments
        # The browser may go away mid-answer (a reload): then there is nothing to answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            try:
                self._route(path, query)
            except (BrokenPipeError, ConnectionResetError):
                raise
            except Exception as exc:  # a bug: said in the page, and the server goes on
                message = safe_line(f"internal error: {type(exc).__name__}: {exc}")
                self._send(
                    HTTPStatus.INTERNAL_SERVER_ERROR,
                    message.encode("utf-8"),
                    "text/plain; charset=utf-8",
                    TEXT_POLICY,
                )

    def _route(self, path: list[str], query: dict[str, list[str]]) -> None:
        session = self.server.session
        if path == [""]:
            self._page(pages.index_page(session))
            return
        if len(path) == 2 and path[0] == "_presser":
            if path[1] == "changes":
                self._changes(query)
                return
            data = pages.asset(path[1])
            if data is not None:
                self._send(HTTPStatus.OK, data, pages.ASSETS[path[1]], FRAME_POLICY)
                return
        if len(path) >= 2 and path[0] == "releases":
            state = session.state(path[1])
            if state is None:
                self._not_found(path[1])
                return
            if len(path) == 2:
                self._redirect(pages.release_url(state.key))
                return
            self._release(state, path[2:])
            return
        self._not_found()

    def _release(self, state: ReleaseState, rest: list[str]) -> None:
        session = self.server.session
        key = state.key
        views = {("",): PAGE, ("pdf", ""): PDF, ("lint", ""): LINT}
        views.update({("wire", style, ""): f"txt:{style}" for style in WIRE_STYLES})
        view = views.get(tuple(rest))
        if view is not None:
            self._page(pages.release_page(session, state, view))
            return
        if rest == ["build", f"{key}.html"]:
            self._output(state, PAGE, "text/html; charset=utf-8", PAGE_POLICY)
            return
        if rest == ["build", f"{key}.pdf"]:
            self._output(state, PDF, "application/pdf", PDF_POLICY)
            return
        if len(rest) == 2 and rest[0] == "text" and rest[1].endswith(".txt"):
            style = rest[1].removesuffix(".txt")
            if style in WIRE_STYLES:
                self._output(state, f"txt:{style}", "text/plain; charset=utf-8", TEXT_POLICY)
                return
        self._image(state, "/".join(rest))

    def _output(self, state: ReleaseState, view: str, kind: str, policy: str) -> None:
        outcome = self.server.session.view(state, view)
        if outcome.error is not None:
            page = pages.problems_page(self.server.session, state, outcome.error)
            self._send(
                HTTPStatus.UNPROCESSABLE_ENTITY, page, "text/html; charset=utf-8", FRAME_POLICY
            )
            return
        extra = {}
        if view == PDF:
            extra["Content-Disposition"] = f'inline; filename="{_ascii_name(state.key)}.pdf"'
        self._send(HTTPStatus.OK, outcome.data, kind, policy, extra)

    def _image(self, state: ReleaseState, relative: str) -> None:
        """One of the release's own images, by its path in the workspace; nothing else."""
        from ..source.images import ImageRefused, check_image_bytes

        session = self.server.session
        _, loaded = session.load(state)
        file = state.images.get(relative)
        if file is None or isinstance(loaded, Exception):
            self._not_found()
            return
        limits = loaded.workspace.limits
        resolved = file.resolve()
        try:
            inside = resolved.is_relative_to(loaded.workspace.resolved_root)
            if (
                not inside
                or not resolved.is_file()
                or resolved.stat().st_size > limits.max_image_bytes
            ):
                self._not_found()
                return
            data = resolved.read_bytes()
            kind = check_image_bytes(data, limits).mime_type
        except (OSError, ImageRefused):
            self._not_found()
            return
        self._send(HTTPStatus.OK, data, kind, TEXT_POLICY)

    def _changes(self, query: dict[str, list[str]]) -> None:
        """Held until what ``key`` shows changes (or a while passes): the new version's token."""
        key = (query.get("key") or [""])[0]
        token = (query.get("token") or [""])[0][:200]
        try:  # how long to hold it (tests ask for less); at most WAIT_SECONDS
            asked = float((query.get("wait") or [str(WAIT_SECONDS)])[0])
        except ValueError:
            asked = WAIT_SECONDS
        held = min(max(asked, 0.0), WAIT_SECONDS) if math.isfinite(asked) else WAIT_SECONDS
        current = self.server.session.wait(key, token, held)
        data = json.dumps({"token": current}).encode("ascii")
        self._send(HTTPStatus.OK, data, "application/json", TEXT_POLICY)

    # ----------------------------------------------------------------- sending

    def _page(self, data: bytes) -> None:
        self._send(HTTPStatus.OK, data, "text/html; charset=utf-8", FRAME_POLICY)

    def _redirect(self, to: str) -> None:
        self._send(HTTPStatus.MOVED_PERMANENTLY, b"", "text/plain", TEXT_POLICY, {"Location": to})

    def _not_found(self, key: str = "") -> None:
        session = self.server.session
        message = "No release of that name." if key else "presser serves nothing at this address."
        data = pages.missing_page(session, message, key)
        self._send(HTTPStatus.NOT_FOUND, data, "text/html; charset=utf-8", FRAME_POLICY)

    def _send(
        self,
        status: HTTPStatus,
        data: bytes,
        kind: str,
        policy: str,
        extra: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Content-Security-Policy", policy)
        if "frame-ancestors 'none'" in policy:
            self.send_header("X-Frame-Options", "DENY")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self._body:
            self.wfile.write(data)


def _segments(target: str) -> tuple[list[str], dict[str, list[str]]] | None:
    """The decoded segments of a request's path and its query, or None to refuse it.

    Only origin-form (``/a/b?c``) is taken. Each segment is decoded exactly
    once; one that decodes to ``.`` or ``..``, or holds ``/``, ``\\`` or NUL, or
    is not UTF-8, refuses the whole request.
    """
    if not target.startswith("/") or target.startswith("//"):
        return None
    path, _, query = target.partition("?")
    path = path.partition("#")[0]
    segments = []
    for raw in path.split("/")[1:]:
        try:
            segment = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return None
        if segment in (".", "..") or any(c in segment for c in "/\\\0"):
            return None
        segments.append(segment)
    try:
        fields = parse_qs(query, errors="strict", max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return None
    return segments, fields


def _ascii_name(key: str) -> str:
    return "".join(c if c.isascii() and (c.isalnum() or c in "-_.") else "_" for c in key)


class Preview:
    """A running preview: the session, its watcher and the server, started and stopped together.

    The order matters: the port is taken first (a busy port fails before
    anything starts), then the printer is forked (before any other thread
    runs), then the background renderer and the watcher start.
    """

    def __init__(
        self,
        root: Path,
        sources: list[Path],
        port: int,
        *,
        printer: bool = True,
        notify: Callable[[str], None] | None = None,
    ) -> None:
        from .watch import Watcher

        self.session = Session(root, sources, printer=printer)
        self.server = open_server(port, self.session, notify)
        self.session.start()
        self.watcher = Watcher(self.session.watched, self.session.refresh)
        self.watcher.start()

    @property
    def url(self) -> str:
        return f"http://localhost:{self.server.port}/"

    def serve(self) -> None:
        """Serve until Ctrl-C (KeyboardInterrupt, raised on) or :meth:`shutdown`."""
        self.server.serve_forever(poll_interval=0.2)

    def shutdown(self) -> None:
        self.server.shutdown()

    def close(self) -> None:
        """Stop watching, close the socket and stop the printer."""
        self.watcher.stop()
        self.server.server_close()
        self.session.close()
