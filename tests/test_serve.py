"""presser serve over plain HTTP: a real server process on a free port, a real client.

What it serves (the index, each view, the outputs byte for byte as presser
render makes them), what it refuses (another Host, every traversal form, any
file that is not a release's image), and that it stays up: an invalid or a
too-slow release shows its problem in the page, and the others go on.
"""

from __future__ import annotations

import io
import json
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from presser.render.pipeline import RenderOptions, render_outputs
from presser.source.workspace import Workspace

from .serve_helpers import Served, port_is_free, start_serve, wait_until
from .workflow_helpers import RELEASE, make_newsroom

OTHER = RELEASE.replace("Kommunen bygger en ny simhall", "Biblioteket får nya öppettider").replace(
    "En paragraf om simhallen.", "En paragraf, TODO siffrorna."
)


def strict_html(data: bytes) -> None:
    """html5lib in strict mode, as tests/test_html.py parses the page: any error fails."""
    import html5lib

    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    parser.parse(data)
    assert parser.errors == []


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("serve")
    make_newsroom(root, releases={"r.yaml": RELEASE, "other.yaml": OTHER})
    server = start_serve(root)
    yield server
    server.stop()


def sources(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under releases/ and templates/, with its modification time."""
    return {
        str(p): (p.stat().st_mtime_ns, p.read_bytes())
        for folder in ("releases", "templates")
        for p in sorted((root / folder).rglob("*"))
        if p.is_file()
    }


def render(root: Path, name: str, **options: object) -> bytes:
    from presser.editorial.reading import load_release

    workspace = Workspace(root)
    loaded = load_release(root / "releases" / name, workspace)
    fmt = str(options.pop("fmt"))
    rendered = render_outputs(loaded, root / "build", RenderOptions(formats=(fmt,), **options))  # type: ignore[arg-type]
    return rendered[fmt]


# ---------------------------------------------------------------------------- what it serves


def test_the_index_lists_every_release_with_its_state(served: Served) -> None:
    answer = served.get("/")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    strict_html(answer.body)
    page = answer.text
    assert "Kommunen bygger en ny simhall" in page
    assert "Biblioteket får nya öppettider" in page
    assert 'href="/releases/r/"' in page and 'href="/releases/other/"' in page
    assert "draft" in page and "exempel" in page
    assert re.search(r"\d+ errors?, \d+ warnings?", page)  # the lint counts


def test_each_view_is_a_well_formed_page_with_its_tabs(served: Served) -> None:
    for target in ("/releases/r/", "/releases/r/pdf/", "/releases/r/lint/"):
        answer = served.get(target)
        assert answer.status == 200, target
        strict_html(answer.body)
        for tab in ("/releases/r/pdf/", "/releases/r/wire/nordic/", "/releases/r/wire/us/"):
            assert f'href="{tab}"' in answer.text
    for style in ("nordic", "us"):
        answer = served.get(f"/releases/r/wire/{style}/")
        assert answer.status == 200
        strict_html(answer.body)


def test_the_page_is_byte_for_byte_what_presser_render_writes(served: Served) -> None:
    answer = served.get("/releases/r/build/r.html")
    assert answer.status == 200
    assert answer.body == render(served.root, "r.yaml", fmt="html")
    # It loads nothing and runs nothing in the browser either.
    policy = answer.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy


def test_the_page_s_image_is_served_from_its_own_address(served: Served) -> None:
    page = served.get("/releases/r/build/r.html").text
    assert 'src="../releases/images/hall.png"' in page  # as in build/r.html
    image = served.get("/releases/r/releases/images/hall.png")
    assert image.status == 200
    assert image.headers["Content-Type"] == "image/png"
    assert image.body == (served.root / "releases" / "images" / "hall.png").read_bytes()


def test_the_wire_text_in_each_style(served: Served) -> None:
    for style in ("nordic", "us"):
        answer = served.get(f"/releases/r/text/{style}.txt")
        assert answer.status == 200
        assert answer.headers["Content-Type"] == "text/plain; charset=utf-8"
        assert answer.body == render(served.root, "r.yaml", fmt="txt", wire=style)
        shown = served.get(f"/releases/r/wire/{style}/").text
        assert "Kommunen bygger en ny simhall" in shown


def test_the_pdf_parses_and_holds_the_headline(served: Served) -> None:
    from pypdf import PdfReader

    answer = served.get("/releases/r/build/r.pdf")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.headers["Content-Disposition"] == 'inline; filename="r.pdf"'
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.body)).pages)
    assert "simhall" in text


def test_the_pdf_is_laid_out_by_a_printer_not_in_the_server(served: Served) -> None:
    assert served.get("/releases/r/build/r.pdf").status == 200

    def pango(pid: int) -> bool:
        return "libpango" in Path(f"/proc/{pid}/maps").read_text()

    assert not pango(served.process.pid)  # WeasyPrint was never imported here
    assert any(pango(child) for child in served.children())


def test_the_lint_view_lists_the_findings(served: Served) -> None:
    page = served.get("/releases/other/lint/").text
    assert "releases/other.yaml:" in page and "TODO" in page
    assert "No lint findings" in served.get("/releases/r/lint/").text


def test_a_missing_release_is_not_found(served: Served) -> None:
    answer = served.get("/releases/nothing/")
    assert answer.status == 404
    strict_html(answer.body)


# ---------------------------------------------------------------------------- what it refuses


@pytest.mark.parametrize(
    "host",
    [
        "evil.example:{port}",
        "localhost",
        "127.0.0.1",
        "localhost:1",
        "attacker.localhost:{port}",
        "[::1]:{port}",
        "",
    ],
)
def test_another_host_is_refused(served: Served, host: str) -> None:
    # DNS rebinding: a page elsewhere whose name now points at 127.0.0.1.
    answer = served.get("/", host=host.format(port=served.port))
    assert answer.status == 403
    assert b"Kommunen" not in answer.body


def test_both_loopback_names_are_answered(served: Served) -> None:
    assert served.get("/", host=f"127.0.0.1:{served.port}").status == 200
    assert served.get("/", host=f"LOCALHOST:{served.port}").status == 200


def test_a_request_without_a_host_is_refused(served: Served) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as connection:
        connection.sendall(b"GET / HTTP/1.0\r\n\r\n")
        reply = connection.recv(200)
    assert reply.startswith(b"HTTP/1.1 403")


@pytest.mark.parametrize(
    "target",
    [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/releases/r/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/releases/r/..%2f..%2f..%2fetc%2fpasswd",
        "/releases/r/%252e%252e/%252e%252e/etc/passwd",
        "/releases/r/..\\..\\etc\\passwd",
        "/releases/r/%5c..%5c..%5cetc%5cpasswd",
        "//etc/passwd",
        "/etc/passwd",
        "/releases/r//etc/passwd",
        "/releases/r/build/../../../etc/passwd",
        "http://localhost/etc/passwd",
        "/releases/r/releases/images/hall.png%00.txt",
        "/releases/r/%ff%fe",
    ],
)
def test_traversal_is_not_found(served: Served, target: str) -> None:
    answer = served.get(target)
    assert answer.status == 404, target
    assert b"root:" not in answer.body


@pytest.mark.parametrize(
    "target",
    [
        "/releases/r/releases/r.yaml",  # the source itself
        "/releases/r/releases/other.yaml",
        "/releases/r/templates/exempel/organisation.yaml",
        "/releases/r/build/other.html",  # another release's name under this one
        "/releases/other/releases/images/hall.png",  # not an image other places... it does
        "/releases/r/text/fancy.txt",
        "/releases/r/wire/fancy/",
        "/_presser/base.html.j2",
        "/_presser/../preview.css",
        "/releases/",
        "/build/r.html",
    ],
)
def test_files_outside_the_served_set_are_not_found(served: Served, target: str) -> None:
    answer = served.get(target)
    if target == "/releases/other/releases/images/hall.png":
        assert answer.status == 200  # other places the same image: it is its own too
        return
    assert answer.status == 404, target


def test_a_link_out_is_not_followed(served: Served) -> None:
    images = served.root / "releases" / "images"
    link = images / "secret.png"
    link.symlink_to("/etc/passwd")
    try:
        assert served.get("/releases/r/releases/images/secret.png").status == 404
    finally:
        link.unlink()


def test_an_image_replaced_by_a_link_out_is_not_served(
    tmp_path: Path,
) -> None:
    make_newsroom(tmp_path)
    server = start_serve(tmp_path)
    try:
        assert server.get("/releases/r/releases/images/hall.png").status == 200
        image = tmp_path / "releases" / "images" / "hall.png"
        image.unlink()
        image.symlink_to("/etc/passwd")
        assert server.get("/releases/r/releases/images/hall.png").status == 404
    finally:
        server.stop()


def test_only_get_and_head(served: Served) -> None:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    connection.request("POST", "/", body=b"x", headers={"Host": served.host})
    assert connection.getresponse().status == 501
    connection.close()
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    connection.request("HEAD", "/releases/r/build/r.html", headers={"Host": served.host})
    response = connection.getresponse()
    assert response.status == 200 and response.read() == b""
    connection.close()


def test_it_listens_on_loopback_only(served: Served) -> None:
    import socket

    listening = Path("/proc/net/tcp").read_text().splitlines()[1:]
    ours = [line.split() for line in listening if line.split()[1].endswith(f":{served.port:04X}")]
    assert ours and all(fields[1].startswith("0100007F:") for fields in ours)
    addresses = {a[4][0] for a in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    for address in addresses - {"127.0.0.1", "127.0.1.1"}:
        with socket.socket() as probe, pytest.raises(OSError):
            probe.settimeout(2)
            probe.connect((address, served.port))


# ---------------------------------------------------------------------------- changes


def test_a_save_gives_a_new_version_and_the_new_bytes(tmp_path: Path) -> None:
    newsroom = make_newsroom(tmp_path)
    server = start_serve(tmp_path)
    try:
        before = server.token("r")
        assert server.wait("r", before, seconds=0.3) == before  # nothing changed: held, same
        newsroom.write("r.yaml", RELEASE.replace("ny simhall", "ny ishall"))
        after = server.wait("r", before)
        assert after != before
        assert "ny ishall" in server.get("/releases/r/build/r.html").text
        assert server.token("") != ""  # the index has a version of its own
    finally:
        server.stop()


def test_a_save_of_the_same_bytes_changes_nothing(tmp_path: Path) -> None:
    newsroom = make_newsroom(tmp_path)
    server = start_serve(tmp_path)
    try:
        served_first = server.get("/releases/r/").status
        assert served_first == 200
        before = server.token("r")
        path = newsroom.release()
        later = time.time() + 5
        os.utime(path, (later, later))  # touched, as an editor that saves unchanged does
        path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
        assert server.wait("r", before, seconds=1.0) == before
    finally:
        server.stop()


def test_a_template_change_reloads_every_release(tmp_path: Path) -> None:
    make_newsroom(tmp_path, releases={"r.yaml": RELEASE, "other.yaml": OTHER})
    server = start_serve(tmp_path)
    try:
        tokens = {key: server.token(key) for key in ("r", "other")}
        style = tmp_path / "templates" / "exempel" / "style.css"
        style.write_text("h1 { color: #123456; }\n", encoding="utf-8")
        for key, token in tokens.items():
            assert server.wait(key, token) != token
        assert "#123456" in server.get("/releases/other/build/other.html").text
    finally:
        server.stop()


def test_an_invalid_edit_shows_the_problem_with_its_line_and_a_fix_restores_the_page(
    tmp_path: Path,
) -> None:
    newsroom = make_newsroom(tmp_path)
    server = start_serve(tmp_path)
    try:
        token = server.token("r")
        broken = RELEASE.replace("published: 2010-03-02T10:00:00+01:00", "published: tomorrow")
        newsroom.write("r.yaml", broken)
        token = server.wait("r", token)
        page = server.get("/releases/r/")
        assert page.status == 200
        strict_html(page.body)
        line = broken.splitlines().index("published: tomorrow") + 1
        assert f"releases/r.yaml:{line}:12" in page.text
        assert "published: tomorrow" in page.text  # the offending line itself
        assert f"line {line}" in page.text
        assert server.get("/releases/r/build/r.html").status == 422  # the bare page: why not
        newsroom.write("r.yaml", RELEASE)
        server.wait("r", token)
        page = server.get("/releases/r/")
        assert 'class="problems"' not in page.text
        assert "<iframe" in page.text
        assert server.get("/releases/r/build/r.html").status == 200
    finally:
        server.stop()


def test_a_template_error_shows_the_template_line(tmp_path: Path) -> None:
    make_newsroom(tmp_path)
    template = tmp_path / "templates" / "exempel" / "release.html.j2"
    template.write_text(
        '{% extends "default:release.html.j2" %}\n{% block lead %}{{ nope( }}{% endblock %}\n'
    )
    server = start_serve(tmp_path)
    try:
        page = server.get("/releases/r/").text
        assert "templates/exempel/release.html.j2:2" in page
        assert "{% block lead %}" in page.replace("&#34;", '"').replace("&#39;", "'")
    finally:
        server.stop()


def test_it_never_writes_into_the_workspace(tmp_path: Path) -> None:
    make_newsroom(tmp_path)
    before = sources(tmp_path)
    server = start_serve(tmp_path)
    try:
        for target in (
            "/",
            "/releases/r/",
            "/releases/r/build/r.pdf",
            "/releases/r/lint/",
            "/releases/r/wire/us/",
            "/releases/r/text/nordic.txt",
        ):
            assert server.get(target).status == 200
    finally:
        server.stop()
    assert sources(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["releases", "templates"]


# ---------------------------------------------------------------------------- staying up

HEAVY_PARAGRAPH = "Ett stycke med ganska många ord som ska brytas över flera rader. " * 8
HEAVY = (
    "organisation: exempel\nheadline: En tung release\n"
    "published: 2026-03-02T10:00:00+01:00\nlead: Ingress.\nbody:\n"
    + "".join(f"  - |\n    {HEAVY_PARAGRAPH}\n" for _ in range(800))
    + "contacts:\n  - name: Anna Berg\n    email: anna.berg@exempel.se\n"
)


def test_a_release_too_slow_to_render_meets_the_time_limit_and_the_others_go_on(
    tmp_path: Path,
) -> None:
    make_newsroom(tmp_path, releases={"r.yaml": RELEASE, "heavy.yaml": HEAVY})
    (tmp_path / "presser.yaml").write_text("limits:\n  render_timeout_seconds: 1.5\n")
    server = start_serve(tmp_path)
    try:
        started = time.monotonic()
        answer = server.get("/releases/heavy/build/heavy.pdf")
        assert answer.status == 422
        assert "took longer than the limit of 1.5 s" in answer.text
        assert time.monotonic() - started < 15
        strict_html(answer.body)
        # The printer it cost is replaced: the next PDF is made, the pages still served.
        assert server.get("/releases/r/build/r.pdf").body.startswith(b"%PDF")
        assert server.get("/").status == 200
        assert server.get("/releases/r/").status == 200
    finally:
        code, output = server.stop()
    assert code == 0, output
    assert "Traceback" not in output


def test_an_invalid_release_does_not_stop_the_others(tmp_path: Path) -> None:
    make_newsroom(
        tmp_path, releases={"r.yaml": RELEASE, "bad.yaml": "headline: [\n", "empty.yaml": ""}
    )
    server = start_serve(tmp_path)
    try:
        index = server.get("/")
        assert index.status == 200 and "invalid" in index.text
        for key in ("bad", "empty"):
            page = server.get(f"/releases/{key}/")
            assert page.status == 200 and 'class="problems"' in page.text
            assert server.get(f"/releases/{key}/build/{key}.pdf").status == 422
        assert server.get("/releases/r/build/r.html").status == 200
    finally:
        server.stop()


# ---------------------------------------------------------------------------- start and stop


def test_ctrl_c_stops_it_cleanly_with_its_printer(tmp_path: Path) -> None:
    make_newsroom(tmp_path)
    server = start_serve(tmp_path)
    assert server.get("/releases/r/build/r.pdf").status == 200
    printers = server.children()
    assert printers
    # A browser's request for changes, held open by the server, does not hold it up.
    import threading

    token = server.token("r")
    holding = threading.Thread(target=lambda: _quietly(server.wait, "r", token, 20), daemon=True)
    holding.start()
    time.sleep(0.3)
    started = time.monotonic()
    code, output = server.stop()
    assert time.monotonic() - started < 5
    assert code == 0, output
    assert "Stopped." in output and "Traceback" not in output
    assert port_is_free(server.port)

    def gone(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
        except FileNotFoundError:
            return True

    wait_until(lambda: all(gone(pid) for pid in printers))


def _quietly(function: object, *arguments: object) -> None:
    """Call it; the server going away under it is expected."""
    import contextlib

    with contextlib.suppress(Exception):
        function(*arguments)  # type: ignore[operator]


def test_a_busy_port_is_reported_with_another_to_try(served: Served) -> None:
    import subprocess
    import sys

    from .conftest import REPO

    done = subprocess.run(
        [sys.executable, "-m", "presser", "serve", "--port", str(served.port)],
        cwd=served.root,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"port {served.port} is in use" in done.stderr
    assert "try presser serve --port " in done.stderr
    assert "Traceback" not in done.stderr


def test_the_changes_answer_is_json(served: Served) -> None:
    answer = served.get("/_presser/changes?key=r&token=x&wait=nan")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert json.loads(answer.body)["token"] != "x"


def test_a_release_named_oddly_is_served_under_its_quoted_name(tmp_path: Path) -> None:
    from urllib.parse import quote

    name = "ny simhall åäö #1 ?%"
    make_newsroom(tmp_path, releases={f"{name}.yaml": RELEASE})
    server = start_serve(tmp_path)
    try:
        index = server.get("/").text
        address = f"/releases/{quote(name, safe='')}/"
        assert f'href="{address}"' in index
        page = server.get(address)
        assert page.status == 200 and "<iframe" in page.text
        strict_html(page.body)
        bare = server.get(f"{address}build/{quote(name, safe='')}.html")
        assert bare.status == 200 and "Kommunen bygger en ny simhall" in bare.text
        pdf = server.get(f"{address}build/{quote(name, safe='')}.pdf")
        assert pdf.headers["Content-Disposition"] == 'inline; filename="ny_simhall______1___.pdf"'
    finally:
        server.stop()


def test_one_release_named_on_the_command_line(tmp_path: Path) -> None:
    make_newsroom(tmp_path, releases={"r.yaml": RELEASE, "other.yaml": OTHER})
    server = start_serve(tmp_path, "releases/other.yaml")
    try:
        assert server.output[0].rstrip().endswith("/releases/other/")
        index = server.get("/").text
        assert "Biblioteket" in index and "Kommunen bygger" not in index
        assert server.get("/releases/r/").status == 404
    finally:
        server.stop()


def test_a_release_linked_from_outside_is_listed_and_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(RELEASE.replace("simhall", "hemlighet"))
    root = tmp_path / "ws"
    make_newsroom(root)
    (root / "releases" / "linked.yaml").symlink_to(outside / "secret.yaml")
    server = start_serve(root)
    try:
        index = server.get("/")
        assert "outside the workspace" in index.text and "hemlighet" not in index.text
        assert server.get("/releases/linked/").status == 404
    finally:
        server.stop()


def test_the_lint_view_shows_each_finding_s_line(served: Served) -> None:
    page = served.get("/releases/other/lint/").text
    assert "line " in page and "En paragraf, TODO siffrorna." in page
    assert 'class="marker"' in page


def test_only_what_a_release_read_counts_for_it(tmp_path: Path) -> None:
    from .workflow_helpers import organisation

    make_newsroom(tmp_path, releases={"r.yaml": RELEASE})
    annat = tmp_path / "templates" / "annat"
    annat.mkdir()
    (annat / "organisation.yaml").write_text(organisation(), encoding="utf-8")
    (tmp_path / "releases" / "a.yaml").write_text(
        RELEASE.replace("organisation: exempel", "organisation: annat"), encoding="utf-8"
    )
    server = start_serve(tmp_path)
    try:
        for key in ("r", "a"):  # rendered once: what each read is recorded
            assert server.get(f"/releases/{key}/build/{key}.html").status == 200
        mine, theirs = server.token("r"), server.token("a")
        (annat / "style.css").write_text("h1 { color: #654321; }\n", encoding="utf-8")
        assert server.wait("a", theirs) != theirs
        assert server.wait("r", mine, seconds=1.0) == mine  # another organisation's look
        # A file added where a lookup found nothing (shadowing a default) counts.
        (tmp_path / "templates" / "exempel" / "screen.css").write_text("main { margin: 0 }\n")
        assert server.wait("r", mine) != mine
    finally:
        server.stop()


def test_a_printer_killed_meanwhile_is_replaced(tmp_path: Path) -> None:
    import signal

    newsroom = make_newsroom(tmp_path)
    server = start_serve(tmp_path)
    try:
        assert server.get("/releases/r/build/r.pdf").status == 200
        for pid in server.children():
            os.kill(pid, signal.SIGKILL)  # as the kernel's OOM killer would
        token = server.token("r")
        newsroom.write("r.yaml", RELEASE.replace("ny simhall", "ny ishall"))
        server.wait("r", token)
        answer = server.get("/releases/r/build/r.pdf")
        assert answer.status == 200 and answer.body.startswith(b"%PDF")
    finally:
        code, output = server.stop()
    assert code == 0 and "Traceback" not in output, output


def test_many_requests_at_once_while_the_file_changes(tmp_path: Path) -> None:
    import threading

    newsroom = make_newsroom(tmp_path, releases={"r.yaml": RELEASE, "other.yaml": OTHER})
    server = start_serve(tmp_path)
    statuses: list[int] = []
    targets = [
        "/",
        "/releases/r/",
        "/releases/other/",
        "/releases/r/build/r.pdf",
        "/releases/other/lint/",
        "/releases/r/wire/us/",
        "/releases/r/releases/images/hall.png",
    ]

    def ask(offset: int) -> None:
        for number in range(12):
            statuses.append(server.get(targets[(offset + number) % len(targets)]).status)

    try:
        workers = [threading.Thread(target=ask, args=(n,)) for n in range(6)]
        for worker in workers:
            worker.start()
        for number in range(4):
            newsroom.write("r.yaml", RELEASE.replace("ny simhall", f"ny simhall {number}"))
            time.sleep(0.2)
        for worker in workers:
            worker.join(timeout=120)
        assert not any(worker.is_alive() for worker in workers)
        assert len(statuses) == 72 and set(statuses) <= {200}, statuses
        wait_until(lambda: "ny simhall 3" in server.get("/releases/r/build/r.html").text)
    finally:
        server.stop()


def test_an_edit_of_organisation_yaml_shows_in_the_page(tmp_path: Path) -> None:
    make_newsroom(tmp_path)
    server = start_serve(tmp_path)
    try:
        assert "Exempelkommunen" in server.get("/releases/r/build/r.html").text
        token = server.token("r")
        profile = tmp_path / "templates" / "exempel" / "organisation.yaml"
        profile.write_text(profile.read_text().replace("name: Exempelkommunen", "name: Nyköping"))
        server.wait("r", token)
        assert "Nyköping" in server.get("/releases/r/build/r.html").text
    finally:
        server.stop()
