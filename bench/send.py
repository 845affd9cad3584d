"""Figure 11 of the benchmark: presser send to thousands of recipients through a loopback relay.

The relay is aiosmtpd in this process (a real SMTP server on 127.0.0.1); the
send is a fresh ``presser send`` process, timed with its peak RSS, to a small
list and to a list ten times as long: messages are built one at a time, so the
memory of the two should be about the same.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

RELEASE = """\
organisation: exempel
language: sv
status: draft
headline: "Ny simhall vid torget"
published: 2026-03-02T10:00:00+01:00
lead: "Exempelkommunen öppnar en ny simhall vid torget den 2 mars."
body:
  - quote: q1
  - "Hallen har en 25-metersbassäng och en undervisningsbassäng."
quotes:
  - {id: q1, text: "Alla i kommunen ska kunna simma.", speaker: Anna Berg, role: kommunalråd}
contacts:
  - {name: Anna Berg, role: presschef, phone: "08-452 70 00", email: press@exempel.se}
"""

ORGANISATION = """\
boilerplate:
  sv: Exempelkommunen är en kommun.
press_contacts:
  - {name: Pia Press, email: pia.press@exempel.se, phone: "08-452 70 01"}
distribution:
  from: Exempelkommunen <press@exempel.se>
  lists:
    - name: everyone
      recipients: lists/everyone.csv
"""


class _Handler:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return f"250 2.0.0 Ok: queued as Q{self.count}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _workspace(root: Path, presser: str, port: int) -> Path:
    workspace = root / "send-workspace"
    subprocess.run(
        [presser, "init", str(workspace), "--org", "exempel", "--name", "Exempelkommunen"],
        check=True,
        capture_output=True,
    )
    for example in (workspace / "releases").glob("*.yaml"):
        example.unlink()
    (workspace / "releases" / "hall.yaml").write_text(RELEASE, encoding="utf-8")
    org = workspace / "templates" / "exempel" / "organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8") + ORGANISATION, encoding="utf-8")
    (workspace / "presser.yaml").write_text(
        f"smtp: {{host: 127.0.0.1, port: {port}, security: none}}\n", encoding="utf-8"
    )
    (workspace / "lists").mkdir()
    for step in (["submit", "--by", "Anna Berg"], ["approve", "--by", "Pia Press"]):
        subprocess.run(
            [presser, step[0], "releases/hall.yaml", *step[1:]],
            cwd=workspace,
            check=True,
            capture_output=True,
        )
    subprocess.run(
        [presser, "publish", "releases/hall.yaml", "--by", "Pia Press"],
        cwd=workspace,
        check=True,
        capture_output=True,
    )
    return workspace


def measure_send(
    root: Path, presser: str, recipients: int, run: Callable[..., Any]
) -> dict[str, float]:
    """Seconds and peak RSS (KiB) of sends to ``recipients`` and to a tenth of them."""
    from aiosmtpd.controller import Controller

    handler = _Handler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        workspace = _workspace(root, presser, port)
        results: dict[str, float] = {}
        for label, count in (("small", recipients // 10), ("large", recipients)):
            rows = "".join(f"reporter{n:05d}@example.se,Reporter {n}\n" for n in range(count))
            (workspace / "lists" / "everyone.csv").write_text(
                "email,name\n" + rows, encoding="utf-8"
            )
            for log in (workspace / "published" / "hall").glob("v*/sent.jsonl"):
                log.unlink()
            before = handler.count
            timed = run(
                [presser, "send", "releases/hall.yaml", "--list", "everyone", "--yes"], workspace
            )
            if handler.count - before != count:
                raise SystemExit(f"bench: the relay got {handler.count - before} of {count}")
            results[f"{label}_seconds"] = timed.seconds
            results[f"{label}_rss_kib"] = timed.max_rss_kib
            results[f"{label}_recipients"] = count
        return results
    finally:
        controller.stop()


if __name__ == "__main__":  # a quick look: python bench/send.py 5000
    import tempfile

    sys.path.insert(0, str(Path(__file__).parent))
    from run import PRESSER
    from run import run as timed_run

    with tempfile.TemporaryDirectory() as folder:
        print(
            measure_send(
                Path(folder), PRESSER, int(sys.argv[1]) if sys.argv[1:] else 5000, timed_run
            )
        )
