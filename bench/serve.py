"""Figure 12 of the benchmark: presser serve, from a save to the new bytes being served.

A copy of this repository's workspace (its organisations and releases) is
served by a fresh ``presser serve`` on a free port. The two-page release
(``2010-01-28-jonkoping-1-4-miljoner``) is opened as a browser would (its
page and its PDF, so both are views the server renders again on a change);
then, ROUNDS times, its headline is changed on disk (written beside and
renamed into place, as editors save) and the bare page and the PDF are
polled every 5 ms until the new bytes come back. The time counted is from
the rename to the last byte of the first answer that holds the change: the
watcher's poll, the settling, the render and the transfer, all of it.

Run alone on a quiet machine: ``python bench/serve.py [ROUNDS]``.
Targets (issue 15): HTML under 0.3 s, PDF under 0.5 s (medians).
"""

from __future__ import annotations

import http.client
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STEM = "2010-01-28-jonkoping-1-4-miljoner"
HTML_TARGET, PDF_TARGET = 0.3, 0.5


def _get(port: int, target: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", target, headers={"Host": f"localhost:{port}"})
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{target}: {response.status} {body[:300]!r}")
        return body
    finally:
        connection.close()


def _save(path: Path, text: str) -> float:
    """Write ``text`` as an editor does (a temporary file renamed over); the time of the rename."""
    temporary = path.with_name(f".{path.name}.swp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return time.perf_counter()


def _until(port: int, target: str, done: object, since: float) -> float:
    while True:
        body = _get(port, target)
        if done(body):  # type: ignore[operator]
            return time.perf_counter() - since
        time.sleep(0.005)


def measure(rounds: int = 10) -> dict[str, object]:
    """The seconds from each save to the new page and the new PDF, and the PDF's pages."""
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory(prefix="presser-serve-bench-") as folder:
        root = Path(folder)
        shutil.copytree(REPO / "templates", root / "templates")
        shutil.copytree(REPO / "releases", root / "releases")
        release = root / "releases" / f"{STEM}.yaml"
        original = release.read_text(encoding="utf-8")
        headline = re.search(r"^headline: (.*)$", original, re.MULTILINE)
        assert headline is not None
        process = subprocess.Popen(
            [sys.executable, "-m", "presser", "serve", "--port", "0"],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert process.stdout is not None
            found = re.search(r"localhost:(\d+)/", process.stdout.readline())
            assert found, "presser serve did not start"
            port = int(found.group(1))
            page, pdf = f"/releases/{STEM}/build/{STEM}.html", f"/releases/{STEM}/build/{STEM}.pdf"
            _get(port, f"/releases/{STEM}/")
            last_pdf = _get(port, pdf)
            pages = len(PdfReader(io.BytesIO(last_pdf)).pages)
            html_times, pdf_times = [], []
            for number in range(1, rounds + 1):
                marker = f"Runda {number} "
                text = original.replace(headline.group(0), f"headline: {marker}{headline.group(1)}")
                time.sleep(0.3)  # apart, as saves are
                saved = _save(release, text)
                html_times.append(_until(port, page, lambda b, m=marker: m.encode() in b, saved))
                previous = last_pdf
                pdf_times.append(_until(port, pdf, lambda b, p=previous: b != p, saved))
                last_pdf = _get(port, pdf)
        finally:
            process.terminate()
            process.wait(timeout=20)
    return {"html_seconds": html_times, "pdf_seconds": pdf_times, "pages": pages}


def main(rounds: int = 10) -> None:
    found = measure(rounds)
    html_times, pdf_times = found["html_seconds"], found["pdf_seconds"]
    assert isinstance(html_times, list) and isinstance(pdf_times, list)
    pages = found["pages"]
    html, pdf_median = statistics.median(html_times), statistics.median(pdf_times)
    print(f"12  presser serve, save -> new bytes served, {pages}-page release, {rounds} saves")
    print(
        f"    HTML: median {html:.3f} s (max {max(html_times):.3f} s), target < {HTML_TARGET} s: "
        f"{'yes' if html < HTML_TARGET else 'NO'}"
    )
    print(
        f"    PDF:  median {pdf_median:.3f} s (max {max(pdf_times):.3f} s), "
        f"target < {PDF_TARGET} s: {'yes' if pdf_median < PDF_TARGET else 'NO'}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
