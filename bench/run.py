"""presser's benchmark: twelve figures, each measured side by side with its baseline.

    .venv/bin/python bench/run.py            # what `make bench` runs: 200 releases, 3 repetitions
    .venv/bin/python bench/run.py --smoke    # 5 releases, 1 repetition: checks the harness only

It builds its own corpus in a temporary workspace (a copy of templates/ and
releases/images/, and releases varied from the two seed releases in
releases/, alternating between their organisations), runs every command as
a fresh process, as a user would, and prints one table. Each figure is a
ratio of two times (or sizes) taken in the same run, so a busy machine
matters less than it would for absolute times; every figure is the median of
the repetitions. The raw numbers go to build/bench.json (--json to change).

A plain harness, not a timed unit test: the test suite runs only --smoke and
checks that the table is complete, never the timings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/send.py

REPO = Path(__file__).resolve().parent.parent
SEEDS = ("2010-01-22-skl-30-miljoner.yaml", "2010-01-28-jonkoping-1-4-miljoner.yaml")
BIN = Path(sys.executable).parent
PRESSER = str(BIN / "presser")
WEASYPRINT = str(BIN / "weasyprint")


# --------------------------------------------------------------------------- the corpus


def plain_tree(path: Path) -> Any:
    """A seed release as presser reads it: every scalar stays text."""
    from presser.source.loading import load_file

    return load_file(path).data


def varied(seed: dict[str, Any], number: int) -> dict[str, Any]:
    """Release ``number`` of the corpus: the seed with another headline, date and length."""
    data = {k: v for k, v in seed.items() if k not in ("history", "corrections")}
    data["status"] = "draft"
    data["headline"] = f"{seed['headline']} ({number})"
    shift = timedelta(days=number, minutes=7 * number)
    for key in ("published", "embargo"):
        if key in data:
            data[key] = (datetime.fromisoformat(data[key]) + shift).isoformat()
    paragraphs = [block for block in seed.get("body", []) if isinstance(block, str)]
    # Every third release is longer (two pages), every third shorter: layouts vary.
    if number % 3 == 1:
        data["body"] = [*seed["body"], *paragraphs, *paragraphs]
    elif number % 3 == 2:
        data["body"] = [b for b in seed["body"] if not isinstance(b, str)] + paragraphs[:1]
    return data


def make_workspace(root: Path, count: int) -> list[Path]:
    """A workspace in ``root`` with ``count`` releases; their paths, sorted."""
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "releases").mkdir()
    shutil.copytree(REPO / "releases" / "images", root / "releases" / "images")
    seeds = [plain_tree(REPO / "releases" / name) for name in SEEDS]
    paths = []
    for number in range(count):
        data = varied(seeds[number % len(seeds)], number)
        day = data["published"][:10]
        path = root / "releases" / f"{day}-{data['organisation']}-{number:04}.yaml"
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return sorted(paths)


def markdown_of(release: Path) -> str:
    """The same content as Markdown, for pandoc: headline, lead, body, quotes, contacts."""
    data = plain_tree(release)
    quotes = {q["id"]: q for q in data.get("quotes", [])}
    parts = [f"# {data['headline']}", f"**{data.get('lead', '')}**"]
    for block in data.get("body", []):
        if isinstance(block, str):
            parts.append(block)
        elif "quote" in block:
            quote = quotes[block["quote"]]
            parts.append(f"> – {quote['text']}, säger {quote['speaker']}.")
    parts.append("## För mer information")
    for contact in data.get("contacts", []):
        parts.append(", ".join(str(v) for v in contact.values()))
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------- timing


@dataclass
class Run:
    """One timed process."""

    seconds: float
    max_rss_kib: int = 0
    stderr: str = ""  #: what the command said on standard error (the build's timeline)


def run(command: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run a command as a fresh process, checked; its wall time and its peak RSS.

    The RSS is that of the largest process of the command's tree (a build's
    workers are waited for by the build, so theirs count), read through a
    small wrapper so that this harness's own children do not mix in.
    """
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)\n"
        "took = time.perf_counter() - start\n"
        "if done.returncode:\n"
        "    sys.exit(done.stderr.decode(errors='replace') or f'exit {done.returncode}')\n"
        "sys.stderr.write(done.stderr.decode(errors='replace'))\n"
        "print(took, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, *command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{done.stderr}")
    seconds, rss = done.stdout.split()
    return Run(float(seconds), int(rss), done.stderr)


def median_run(
    times: int, command: Sequence[str], cwd: Path, env: dict[str, str] | None = None
) -> tuple[float, list[Run]]:
    runs = [run(command, cwd, env) for _ in range(times)]
    return statistics.median(r.seconds for r in runs), runs


def median_pair(
    times: int,
    first: Sequence[str],
    second: Sequence[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    second_cwd: Path | None = None,
) -> tuple[float, list[Run], float, list[Run]]:
    """The medians of two commands run in turn (first, second, first, ...): a ratio of
    the two then holds when the machine's speed drifts during the run (a virtual
    machine's neighbours), where all of one and then all of the other would not."""
    runs_first: list[Run] = []
    runs_second: list[Run] = []
    for _ in range(times):
        runs_first.append(run(first, cwd, env))
        runs_second.append(run(second, second_cwd or cwd, env))
    return (
        statistics.median(r.seconds for r in runs_first),
        runs_first,
        statistics.median(r.seconds for r in runs_second),
        runs_second,
    )


# --------------------------------------------------------------------------- the figures


@dataclass
class Figure:
    number: int
    name: str
    presser: str
    baseline: str
    ratio: float | None
    target: str
    holds: bool | None
    raw: dict[str, Any] = field(default_factory=dict)


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def verdict(ratio: float | None, test: Callable[[float], bool]) -> bool | None:
    return None if ratio is None else test(ratio)


def print_stylesheet_inputs(workspace: Path, releases: Sequence[Path], folder: Path) -> None:
    """The exact HTML and CSS presser hands WeasyPrint for each release, as files."""
    from presser.render.context import build_context
    from presser.render.html import TEMPLATE
    from presser.render.pdf import print_stylesheet
    from presser.render.templating import environment, render_template
    from presser.source.validation import load_release
    from presser.source.workspace import find_workspace

    space = find_workspace(workspace)
    out = workspace / "build-loop"
    for index, path in enumerate(releases):
        loaded = load_release(path, space)
        context = build_context(loaded, out_dir=out)
        env = environment(space.template_search_path(loaded.organisation.slug))
        html = render_template(env, TEMPLATE, release=context, stylesheet=None, medium="print")
        (folder / f"{index:04}.html").write_text(html, encoding="utf-8")
        (folder / f"{index:04}.css").write_text(print_stylesheet(env).css, encoding="utf-8")


COUNT_PROGRAMS = """
import os, sys
log = os.environ["PRESSER_BENCH_PROGRAMS"]
STARTS = {"subprocess.Popen", "os.posix_spawn", "os.exec", "os.spawn", "os.system"}
def note(event, args):
    if event in STARTS:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {event} {str(args)[:200]}\\n")
sys.addaudithook(note)
from presser.cli import main
sys.argv = ["presser", *sys.argv[1:]]
main()
"""


WEASYPRINT_LOOP = """
import sys
from pathlib import Path
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
folder, base = Path(sys.argv[1]), Path(sys.argv[2]).resolve().as_uri() + "/"
for page in sorted(folder.glob("*.html")):
    fonts = FontConfiguration()
    css = CSS(string=page.with_suffix(".css").read_text(), base_url=base, font_config=fonts)
    HTML(string=page.read_text(), base_url=base).write_pdf(
        stylesheets=[css], font_config=fonts, pdf_tags=True
    )
"""


#: Runs the commands given (a JSON list) at once, and waits for all of them.
AT_ONCE = """
import json, subprocess, sys
running = [subprocess.Popen(command) for command in json.loads(sys.argv[1])]
codes = [process.wait() for process in running]
if any(codes):
    sys.exit(f"exit codes {codes}")
"""


def pdf_pages(pdf: Path) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:  # pragma: no cover - pypdf is a dev dependency
        return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes()))
    return len(PdfReader(pdf).pages)


def measure(
    count: int, repeat: int, validate_count: int, log: Callable[[str], None]
) -> list[Figure]:
    figures: list[Figure] = []
    pandoc = shutil.which("pandoc")
    with tempfile.TemporaryDirectory(prefix="presser-bench-") as temporary:
        root = Path(temporary) / "workspace"
        releases = make_workspace(root, count)
        one = releases[0]
        # Bytecode for every command, in a folder of the run's own: where
        # PYTHONDONTWRITEBYTECODE is set (containers, CI), presser's editable install
        # would be compiled from source in every timed process, while the baselines'
        # bytecode came with their install. The warm-up runs below write it.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = str(Path(temporary) / "pycache")
        env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
        log(f"corpus: {count} releases in {root}; {repeat} repetition(s)")

        # Warm the disk cache and the bytecode of both tools, untimed.
        run([PRESSER, "render", str(one), "--out", "warm"], root)
        run([PRESSER, "render", str(one), "--format", "html", "--out", "html"], root)
        html = root / "html" / f"{one.stem}.html"
        run([WEASYPRINT, str(html), str(root / "warm" / "w.pdf")], root)

        # 1. One PDF, cold.
        log("1: one PDF, cold process")
        presser_pdf, runs_a, weasy_pdf, runs_b = median_pair(
            repeat,
            [PRESSER, "render", str(one), "--format", "pdf", "--out", "one"],
            [WEASYPRINT, str(html), str(root / "one" / "w.pdf")],
            root,
        )
        ratio = presser_pdf / weasy_pdf
        figures.append(
            Figure(
                1,
                "one PDF, cold: presser render --format pdf / weasyprint in.html out.pdf",
                seconds(presser_pdf),
                seconds(weasy_pdf),
                ratio,
                "≤ 0.90",
                ratio <= 0.90,
                {"presser": [asdict(r) for r in runs_a], "weasyprint": [asdict(r) for r in runs_b]},
            )
        )

        # 2. One release, all formats, cold, against pandoc + WeasyPrint.
        log("2: one release, all formats, cold")
        render_all = [PRESSER, "render", str(one), "--out", "all"]
        markdown = root / "release.md"
        markdown.write_text(markdown_of(one), encoding="utf-8")
        raw2: dict[str, Any] = {}
        if pandoc:
            command = [pandoc, str(markdown), "-o", str(root / "p.pdf"), "--pdf-engine=weasyprint"]
            run(command, root, env)  # warm
            presser_all, runs_a, pandoc_pdf, runs_b = median_pair(
                repeat, render_all, command, root, env
            )
            raw2["pandoc"] = [asdict(r) for r in runs_b]
            ratio2: float | None = presser_all / pandoc_pdf
            shown = seconds(pandoc_pdf)
        else:
            presser_all, runs_a = median_run(repeat, render_all, root)
            ratio2, shown = None, "n/a (no pandoc)"
        raw2["presser"] = [asdict(r) for r in runs_a]
        figures.append(
            Figure(
                2,
                "one release, all formats, cold: presser render / pandoc -o out.pdf (WeasyPrint)",
                seconds(presser_all),
                shown,
                ratio2,
                "≤ 0.95",
                verdict(ratio2, lambda r: r <= 0.95),
                raw2,
            )
        )

        # 4 (and 3, 8). Full builds: one worker, then two.
        log(f"4: {count} releases, --jobs 1 and --jobs 2")
        build1, runs_1, build2, runs_2 = median_pair(
            repeat,
            [PRESSER, "build", "--jobs", "1", "--force", "--out", "out1"],
            [PRESSER, "build", "--jobs", "2", "--force", "--out", "out2"],
            root,
        )

        # 3. Warm per-release time against WeasyPrint alone, on the same HTML, in a loop.
        log("3: WeasyPrint write_pdf alone, in a loop")
        loop_folder = root / "loop"
        loop_folder.mkdir()
        print_stylesheet_inputs(root, releases, loop_folder)
        loop, runs_loop = median_run(
            repeat,
            [sys.executable, "-c", WEASYPRINT_LOOP, str(loop_folder), str(root / "build-loop")],
            root,
        )
        per_presser, per_weasy = build1 / count, loop / count
        ratio3 = per_presser / per_weasy

        # The floor of figures 4 and 9 on this machine: the same loop split in two halves
        # run at once, against it whole. Two busy cores of a virtual machine rarely give
        # twice the work of one (shared caches, memory, the host's other guests).
        log("4: WeasyPrint's loop in two processes at once (the machine's floor)")
        halves = []
        for number in range(2):
            half = root / f"loop-{number}"
            half.mkdir()
            for page in sorted(loop_folder.glob("*.html"))[number::2]:
                shutil.copy(page, half)
                shutil.copy(page.with_suffix(".css"), half)
            halves.append(
                [sys.executable, "-c", WEASYPRINT_LOOP, str(half), str(root / "build-loop")]
            )
        pair, runs_pair = median_run(
            repeat, [sys.executable, "-c", AT_ONCE, json.dumps(halves)], root
        )
        floor = loop / pair
        figures.append(
            Figure(
                3,
                "warm, per release: presser build --jobs 1 / WeasyPrint write_pdf in a loop",
                f"{per_presser * 1000:.0f} ms",
                f"{per_weasy * 1000:.0f} ms",
                ratio3,
                "≤ 1.05",
                ratio3 <= 1.05,
                {"loop": [asdict(r) for r in runs_loop]},
            )
        )
        ratio4 = build1 / build2
        figures.append(
            Figure(
                4,
                f"parallel: {count} releases, --jobs 1 / --jobs 2 ({os.cpu_count()} cores)",
                seconds(build1),
                seconds(build2),
                ratio4,
                "≥ 1.8",
                ratio4 >= 1.8,
                {
                    "jobs1": [asdict(r) for r in runs_1],
                    "jobs2": [asdict(r) for r in runs_2],
                    "floor": floor,
                    "weasyprint_loop_halves_at_once": [asdict(r) for r in runs_pair],
                },
            )
        )

        # 5. Nothing changed: the rebuild against the full build.
        log("5: a rebuild with nothing changed")
        rebuild, runs_5 = median_run(
            repeat, [PRESSER, "build", "--jobs", "2", "--out", "out2"], root
        )
        ratio5 = rebuild / build2
        figures.append(
            Figure(
                5,
                f"incremental: no-change rebuild / full build ({count} releases, --jobs 2)",
                seconds(rebuild),
                seconds(build2),
                ratio5,
                "≤ 0.03 and < 0.5 s",
                ratio5 <= 0.03 and rebuild < 0.5,
                {"rebuild": [asdict(r) for r in runs_5]},
            )
        )

        # 6. HTML and text only, one build against pandoc per file.
        log("6: HTML and text only")
        html_only, runs_a = median_run(
            repeat,
            [PRESSER, "build", "--format", "html", "--format", "txt", "--force", "--out", "out6"],
            root,
        )
        raw6: dict[str, Any] = {"presser": [asdict(r) for r in runs_a]}
        if pandoc:
            script = (
                "import subprocess, sys\n"
                "for _ in range(int(sys.argv[1])):\n"
                "    subprocess.run([sys.argv[2], sys.argv[3], '-o', sys.argv[4]], check=True)\n"
            )
            command = [sys.executable, "-c", script, str(count), pandoc, str(markdown), "p.html"]
            pandoc_html, runs_b = median_run(repeat, command, root, env)
            raw6["pandoc"] = [asdict(r) for r in runs_b]
            ratio6: float | None = html_only / pandoc_html
            shown = seconds(pandoc_html)
        else:
            ratio6, shown = None, "n/a (no pandoc)"
        figures.append(
            Figure(
                6,
                f"HTML + text, {count} releases: one presser build / {count} pandoc -o out.html",
                seconds(html_only),
                shown,
                ratio6,
                "≤ 0.1",
                verdict(ratio6, lambda r: r <= 0.1),
                raw6,
            )
        )

        # 7. Validate, cold, against importing what it must; then many in one process.
        log("7: validate")
        run([sys.executable, "-c", "import yaml, pydantic"], root)  # warm
        validate_one, runs_a, imports, runs_b = median_pair(
            repeat,
            [PRESSER, "validate", str(one)],
            [sys.executable, "-c", "import yaml, pydantic"],
            root,
        )
        many = root / "many"
        (many / "releases").mkdir(parents=True)
        shutil.copytree(root / "templates", many / "templates")
        for index in range(validate_count):
            source = releases[index % len(releases)]
            (many / "releases" / f"{index:05}-{source.name}").write_bytes(source.read_bytes())
        validate_many, runs_c = median_run(repeat, [PRESSER, "validate"], many)
        per_release_ms = (validate_many - validate_one) / max(1, validate_count - 1) * 1000
        ratio7 = validate_one / imports
        figures.append(
            Figure(
                7,
                "validate one release, cold / python -c 'import yaml, pydantic'"
                f"; {validate_count:,} in one process: {per_release_ms:.2f} ms each",
                seconds(validate_one),
                seconds(imports),
                ratio7,
                "≤ 2.0",
                ratio7 <= 2.0,
                {
                    "validate_one": [asdict(r) for r in runs_a],
                    "imports": [asdict(r) for r in runs_b],
                    "validate_many": [asdict(r) for r in runs_c],
                    "validate_many_count": validate_count,
                    "ms_per_release": per_release_ms,
                },
            )
        )

        # 9. Forty releases, one worker against two, and where the second core idles.
        few = min(count, 40)
        log(f"9: {few} releases, --jobs 1 and --jobs 2, with the timeline")
        forty = root / "forty"
        (forty / "releases").mkdir(parents=True)
        shutil.copytree(root / "templates", forty / "templates")
        if (root / "releases" / "images").is_dir():
            shutil.copytree(root / "releases" / "images", forty / "releases" / "images")
        for source in releases[:few]:
            (forty / "releases" / source.name).write_bytes(source.read_bytes())
        few1, runs_9a, few2, runs_9b = median_pair(
            repeat,
            [PRESSER, "build", "--jobs", "1", "--force"],
            [PRESSER, "build", "--jobs", "2", "--force", "--timeline"],
            forty,
        )
        ratio9 = few1 / few2
        timeline = [
            line
            for line in runs_9b[-1].stderr.splitlines()
            if line.startswith(("worker ", "releases validated"))
        ]
        figures.append(
            Figure(
                9,
                f"parallel: {few} releases, --jobs 1 / --jobs 2 ({os.cpu_count()} cores)",
                seconds(few1),
                seconds(few2),
                ratio9,
                "≥ 1.8",
                ratio9 >= 1.8,
                {
                    "jobs1": [asdict(r) for r in runs_9a],
                    "jobs2": [asdict(r) for r in runs_9b],
                    "timeline": timeline,
                },
            )
        )

        # 10. Programs started by a render of one release in all formats (the audit hook
        # sees every program start, in this process and in the printer it forks).
        log("10: programs started by presser render")
        started_log = root / "programs.log"
        run(
            [sys.executable, "-c", COUNT_PROGRAMS, "render", str(one), "--out", "programs"],
            root,
            {**env, "PRESSER_BENCH_PROGRAMS": str(started_log)},
        )
        programs = (
            started_log.read_text(encoding="utf-8").splitlines() if started_log.exists() else []
        )
        figures.append(
            Figure(
                10,
                "programs started by presser render of one release (all formats)",
                str(len(programs)),
                "0",
                None,
                "0",
                not programs,
                {"programs": programs},
            )
        )

        # 11. A send to thousands of recipients through a loopback relay (aiosmtpd).
        from send import measure_send

        recipients = 200 if count <= 5 else 5000
        log(f"11: presser send to {recipients} and {recipients // 10} recipients")
        sent = measure_send(Path(temporary), PRESSER, recipients, run)
        rss_ratio = sent["large_rss_kib"] / max(1.0, sent["small_rss_kib"])
        figures.append(
            Figure(
                11,
                f"presser send to {recipients} recipients over loopback; peak RSS "
                f"{recipients} / {recipients // 10} recipients",
                seconds(sent["large_seconds"]),
                f"{sent['small_rss_kib'] / 1024:.0f} MiB at {recipients // 10}",
                rss_ratio,
                "< 60 s; RSS <= 1.15",
                sent["large_seconds"] < 60 and rss_ratio <= 1.15,
                sent,
            )
        )

        # 12. presser serve: from a save to the new bytes served (bench/serve.py).
        import serve

        rounds = 2 if count <= 5 else 20
        log(f"12: presser serve, {rounds} saves")
        served = serve.measure(rounds)
        html_times, pdf_times = served["html_seconds"], served["pdf_seconds"]
        assert isinstance(html_times, list) and isinstance(pdf_times, list)
        html_median, pdf_median = statistics.median(html_times), statistics.median(pdf_times)
        figures.append(
            Figure(
                12,
                f"presser serve: a save to the new page / PDF served ({served['pages']}-page "
                f"release, median of {rounds} saves)",
                seconds(html_median),
                seconds(pdf_median),
                None,
                "HTML < 0.3 s, PDF < 0.5 s",
                html_median < serve.HTML_TARGET and pdf_median < serve.PDF_TARGET,
                served,
            )
        )

        # 8. Memory and size.
        pdfs = sorted((root / "out2").glob("*.pdf"))
        pages = sum(pdf_pages(p) for p in pdfs)
        pdf_bytes = sum(p.stat().st_size for p in pdfs)
        per_page = pdf_bytes / max(1, pages)
        peak_mib = max(r.max_rss_kib for r in runs_2) / 1024
        figures.append(
            Figure(
                8,
                f"peak RSS of a worker ({count} releases, --jobs 2); PDF bytes per page",
                f"{peak_mib:.0f} MiB",
                f"{per_page / 1024:.1f} KiB/page",
                None,
                "page < 60 KiB",
                per_page < 60 * 1024,
                {"pdfs": len(pdfs), "pages": pages, "pdf_bytes": pdf_bytes},
            )
        )
    return sorted(figures, key=lambda f: f.number)


# --------------------------------------------------------------------------- output


def table(figures: Sequence[Figure]) -> str:
    header = ("#", "figure", "presser", "baseline", "ratio", "target", "holds")
    rows = [
        (
            str(f.number),
            f.name,
            f.presser,
            f.baseline,
            "n/a" if f.ratio is None else f"{f.ratio:.3f}",
            f.target,
            "n/a" if f.holds is None else "yes" if f.holds else "NO",
        )
        for f in figures
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in (header, *rows)
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--smoke", action="store_true", help="5 releases, 1 repetition")
    parser.add_argument("--releases", type=int, default=None, help="corpus size (default 200)")
    parser.add_argument("--repeat", type=int, default=None, help="repetitions (default 3)")
    parser.add_argument(
        "--validate",
        type=int,
        default=None,
        help="releases validated in one process (default 1000)",
    )
    parser.add_argument(
        "--json", type=Path, default=REPO / "build" / "bench.json", help="raw numbers"
    )
    parser.add_argument("--quiet", action="store_true", help="print only the table")
    args = parser.parse_args(argv)
    count = args.releases or (5 if args.smoke else 200)
    repeat = args.repeat or (1 if args.smoke else 3)
    validate_count = args.validate or (20 if args.smoke else 1000)

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    started = time.perf_counter()
    figures = measure(count, repeat, validate_count, log)
    took = time.perf_counter() - started
    print(table(figures))
    for figure in figures:
        if "floor" in figure.raw:
            print(
                f"\nFloor of figures 4 and 9 on this machine: WeasyPrint's own loop over the "
                f"{count} pages, in two processes at once, is {figure.raw['floor']:.3f} times "
                "as fast as in one"
            )
    for figure in figures:
        if figure.raw.get("timeline"):
            print(f"\nTimeline of figure {figure.number} (the last --jobs 2 build):")
            for line in figure.raw["timeline"]:
                print(f"  {line}")
    print(f"\n{count} releases, median of {repeat}, {took:.0f} s; raw numbers in {args.json}")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "when": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "releases": count,
        "repeat": repeat,
        "seconds": took,
        "figures": [asdict(f) for f in figures],
    }
    args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
