"""The newsroom at scale: ``presser site`` over a generated corpus of published releases.

    .venv/bin/python bench/site.py                 # 10,000 releases
    .venv/bin/python bench/site.py --count 1000

Builds a temporary workspace (a copy of templates/) with ``--count`` published
releases: each a release file and a version folder ``published/<stem>/v1/``
with its page, wire text, PDF and manifest, as ``presser publish`` leaves
them. The pages are the two seed releases rendered once, each copy with its own
headline, date and tags (rendering 10,000 PDFs would measure WeasyPrint, not
the site); every tenth release has a second, corrected version. Then it times,
as fresh processes: the first ``presser site``, a rebuild with no change
(which must write nothing), and a rebuild after one more release is
published. Prints one line per run; the numbers are wall-clock seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRESSER = str(Path(sys.executable).parent / "presser")
SEEDS = ("2010-01-22-skl-30-miljoner", "2010-01-28-jonkoping-1-4-miljoner")
TAGS = ("missbruksvård", "skola", "trafik", "kultur", "bostäder", "vård", "miljö", "budget")


def rendered_seeds(root: Path) -> dict[str, dict[str, bytes]]:
    """Each seed's html, txt and pdf as publish renders them."""
    out = root / "seed-outputs"
    subprocess.run(
        [PRESSER, "render", *(f"releases/{s}.yaml" for s in SEEDS), "--out", str(out)],
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    return {
        seed: {ext: (out / f"{seed}.{ext}").read_bytes() for ext in ("html", "txt", "pdf")}
        for seed in SEEDS
    }


def write_release(
    root: Path, number: int, seeds: dict[str, dict[str, bytes]], version: int
) -> None:
    seed = SEEDS[number % 2]
    organisation = "skl" if number % 2 == 0 else "regionforbundet-jonkoping"
    stem = f"r{number:05d}"
    when = datetime(2010, 1, 1, 9, 0) + timedelta(hours=number)
    iso = when.isoformat() + "+01:00"
    (root / "releases" / f"{stem}.yaml").write_text(
        f"organisation: {organisation}\nstatus: published\nheadline: Release {number}\n"
        f"published: {iso}\n",
        encoding="utf-8",
    )
    for v in range(1, version + 1):
        folder = root / "published" / stem / f"v{v}"
        folder.mkdir(parents=True)
        html = seeds[seed]["html"].decode("utf-8")
        original = "2010-01-22T13:45:00+01:00" if number % 2 == 0 else "2010-01-28T09:52:00+01:00"
        html = html.replace(original, iso).replace("<h1>", f"<h1>({number}) ", 1)
        html = html.replace('"headline": "', f'"headline": "({number}) ', 1)
        tag = TAGS[number % len(TAGS)]
        html = html.replace('"keywords": [', f'"keywords": [\n    "{tag}",', 1)
        if v > 1:
            html = html.replace(
                '"@context"',
                f'"dateModified": "{iso}", "correction": [{{"@type": "CorrectionComment", '
                f'"text": "Fixed ({number}).", "datePublished": "{iso}"}}], "@context"',
                1,
            )
        files = {
            f"{stem}.html": html.encode("utf-8"),
            f"{stem}.txt": seeds[seed]["txt"],
            f"{stem}.pdf": seeds[seed]["pdf"],
        }
        for name, data in files.items():
            (folder / name).write_bytes(data)
        digest = "sha256:" + "0" * 64
        manifest = {
            "format": 1,
            "release": f"releases/{stem}.yaml",
            "version": v,
            "published": iso,
            "published_at": iso,
            "published_by": "Bench",
            "approved_by": "Bench",
            "approved_at": iso,
            "content_hash": digest,
            "release_hash": digest,
            "template_hash": digest,
            "inputs": {},
            "presser_version": "bench",
            "fields": {},
            "images": {},
            "files": [
                {"path": n, "sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                for n, d in files.items()
            ],
        }
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def timed(root: Path, label: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [PRESSER, "site", "--now", "2030-01-01T00:00:00+00:00"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        print(done.stdout + done.stderr, file=sys.stderr)
        raise SystemExit(1)
    print(f"{label:<28} {elapsed:8.1f} s   {done.stdout.strip()}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="presser-site-bench-") as folder:
        root = Path(folder)
        shutil.copytree(REPO / "templates", root / "templates")
        (root / "releases").mkdir()
        seeds = rendered_seeds(root)
        started = time.perf_counter()
        for number in range(args.count):
            write_release(root, number, seeds, 2 if number % 10 == 0 else 1)
        print(
            f"corpus of {args.count} published releases made in "
            f"{time.perf_counter() - started:.1f} s"
        )
        timed(root, "first build")
        timed(root, "rebuild, no change")
        write_release(root, args.count, seeds, 1)
        timed(root, "rebuild, one more release")
    return 0


if __name__ == "__main__":
    sys.exit(main())
