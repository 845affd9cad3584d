"""``presser build``: incremental (only what changed), parallel (same bytes), interruptible.

Most tests build HTML and text only: the cache logic is the same for every
format and these need no WeasyPrint. The releases a build rendered are read
from its plain, one-line-per-release output (CliRunner is not a terminal).
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from PIL import Image as PillowImage

import presser.build.cache
import presser.build.pool
import presser.build.run
import presser.build.task
import presser.digest
from presser.build.cache import CACHE_NAME
from presser.cli import cli
from presser.errors import EXIT_INTERRUPTED
from presser.source.workspace import packaged_default_templates

from .conftest import ORGANISATION_YAML, RELEASE_YAML, REPO, MakeWorkspace

FAST = ["--format", "html", "--format", "txt"]

OTHER_ORGANISATION_YAML = ORGANISATION_YAML.replace("Exempelkommunen", "Andra kommunen")

IMAGE_RELEASE_YAML = RELEASE_YAML.replace("body:\n", "body:\n  - image: bild\n") + (
    "images:\n  - id: bild\n    path: images/bild.png\n    alt: En bild.\n"
)


def png(colour: str) -> bytes:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (8, 8), colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def steady_presser_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    """presser's own files are part of every digest; pin them, so that edits made to
    this checkout while the tests run cannot make a "nothing changed" build render."""
    # Patched where run_build looks it up (it is defined in presser.build.cache).
    monkeypatch.setattr(presser.build.run, "presser_digest", lambda workspace: "presser-under-test")


@pytest.fixture
def workspace(
    make_workspace: MakeWorkspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Two organisations, a workspace _default, and four releases (one with an image)."""
    make_workspace(
        releases={
            "a1.yaml": RELEASE_YAML,
            "a2.yaml": RELEASE_YAML.replace("En rubrik", "En annan rubrik"),
            "b1.yaml": RELEASE_YAML.replace("organisation: exempel", "organisation: andra"),
            "img.yaml": IMAGE_RELEASE_YAML,
        },
        organisations={"exempel": ORGANISATION_YAML, "andra": OTHER_ORGANISATION_YAML},
    )
    (tmp_path / "releases" / "images").mkdir()
    (tmp_path / "releases" / "images" / "bild.png").write_bytes(png("teal"))
    (tmp_path / "templates" / "_default").mkdir()
    (tmp_path / "templates" / "_default" / "style.css").write_text(
        ".release { margin: 0; }\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build(*args: str) -> Result:
    result = CliRunner().invoke(cli, ["build", *args])
    assert result.exit_code == 0, result.output
    return result


def rendered(result: Result) -> set[str]:
    """The stems of the releases a build rendered, from its one-line-per-release output."""
    return {
        Path(line.split(" -> ")[0]).stem for line in result.output.splitlines() if " -> " in line
    }


ALL = {"a1", "a2", "b1", "img"}


def test_first_build_renders_everything_and_writes_the_cache(workspace: Path) -> None:
    result = build(*FAST)
    assert rendered(result) == ALL
    assert result.output.splitlines()[-1] == "4 releases rendered into build/."
    cache = json.loads((workspace / "build" / CACHE_NAME).read_text(encoding="utf-8"))
    assert len(cache["releases"]) == 4


def test_nothing_changed_renders_nothing(workspace: Path) -> None:
    build(*FAST)
    result = build(*FAST)
    assert rendered(result) == set()
    assert result.output == "Nothing to render: 4 releases up to date in build/.\n"


def test_one_release_changed(workspace: Path) -> None:
    build(*FAST)
    path = workspace / "releases" / "a2.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("En paragraf.", "Ny."), "utf-8")
    result = build(*FAST)
    assert rendered(result) == {"a2"}
    assert result.output.splitlines()[-1] == "1 release rendered into build/ (3 up to date)."
    assert "Ny." in (workspace / "build" / "a2.txt").read_text(encoding="utf-8")


def test_one_organisation_stylesheet_changed(workspace: Path) -> None:
    build(*FAST)
    (workspace / "templates" / "andra" / "style.css").write_text("h1 { color: red; }\n", "utf-8")
    assert rendered(build(*FAST)) == {"b1"}
    assert "color: red" in (workspace / "build" / "b1.html").read_text(encoding="utf-8")


def test_one_organisation_profile_changed(workspace: Path) -> None:
    build(*FAST)
    profile = workspace / "templates" / "exempel" / "organisation.yaml"
    profile.write_text(ORGANISATION_YAML.replace("är en kommun", "är en stad"), "utf-8")
    assert rendered(build(*FAST)) == {"a1", "a2", "img"}


def test_inherited_default_template_changed(workspace: Path) -> None:
    build(*FAST)
    (workspace / "templates" / "_default" / "style.css").write_text(".x { }\n", "utf-8")
    assert rendered(build(*FAST)) == ALL


def test_image_changed(workspace: Path) -> None:
    build(*FAST)
    (workspace / "releases" / "images" / "bild.png").write_bytes(png("orange"))
    assert rendered(build(*FAST)) == {"img"}


def test_cache_deleted_means_a_full_build(workspace: Path) -> None:
    build(*FAST)
    (workspace / "build" / CACHE_NAME).unlink()
    assert rendered(build(*FAST)) == ALL


@pytest.mark.parametrize(
    ("damage", "why"),
    [
        (b"{not json", "not JSON"),
        (b"", "not JSON"),
        (b"\xff\xfe\x00", "not JSON"),
        (b"[]", "not a presser build cache"),
        (b"[" * 200_000 + b"]" * 200_000, "nested too deeply"),
        (b'{"format": 2, "releases": "nope"}', "its releases are not of the form"),
    ],
)
def test_a_damaged_cache_means_a_full_build_with_a_note(
    workspace: Path, damage: bytes, why: str
) -> None:
    build(*FAST)
    (workspace / "build" / CACHE_NAME).write_bytes(damage)
    result = CliRunner().invoke(cli, ["build", *FAST])
    assert result.exit_code == 0, result.output
    assert rendered(result) == ALL
    notes = [line for line in result.stderr.splitlines() if line.startswith("Note:")]
    assert len(notes) == 1 and why in notes[0], result.stderr
    assert notes[0].startswith(f"Note: build/{CACHE_NAME}: ")
    assert "Traceback" not in result.output
    assert rendered(build(*FAST)) == set()  # and the cache is whole again


@pytest.mark.parametrize(
    "damage", [b'{"format": 999, "releases": {}}', b'{"format": 1, "releases": {}}']
)
def test_a_cache_of_another_format_means_a_quiet_full_build(workspace: Path, damage: bytes) -> None:
    build(*FAST)
    (workspace / "build" / CACHE_NAME).write_bytes(damage)
    result = build(*FAST)
    assert rendered(result) == ALL
    assert "Note:" not in result.stderr


def _edit_entry(workspace: Path, stem: str, edit: Callable[[dict[str, Any]], None]) -> None:
    cache_file = workspace / "build" / CACHE_NAME
    cache = json.loads(cache_file.read_text(encoding="utf-8"))
    edit(cache["releases"][str((workspace / "releases" / f"{stem}.yaml").resolve())])
    cache_file.write_text(json.dumps(cache), encoding="utf-8")


@pytest.mark.parametrize(
    "edit",
    [
        lambda entry: entry.update(outputs={"a1.html": {"size": "big"}}),
        lambda entry: entry.update(organisation="../../.."),
        lambda entry: entry.update(images=["/dev/zero"]),
        lambda entry: entry.update(reads=[]),
        lambda entry: entry.update(reads={"asset:0/x\u0000y": {"where": None, "sha256": None}}),
        lambda entry: entry.update(reads={"/etc/passwd": {"where": None, "sha256": None}}),
        lambda entry: entry.update(reads={"asset:0/x": {"where": ["a"], "sha256": None}}),
    ],
)
def test_a_damaged_entry_renders_its_release_again_with_a_note(
    workspace: Path, edit: Callable[[dict[str, Any]], None]
) -> None:
    build(*FAST)
    _edit_entry(workspace, "a1", edit)
    result = CliRunner().invoke(cli, ["build", *FAST])
    assert result.exit_code == 0, result.output
    assert rendered(result) == {"a1"}
    assert "an entry damaged" in result.stderr and "rendered again" in result.stderr


def test_a_cache_entry_never_leads_outside_the_workspace(workspace: Path, tmp_path: Path) -> None:
    # The cache is a file anyone with the output folder can edit: a read it records
    # is looked for again only inside the template folders, never by a path it gives.
    build(*FAST)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.css"
    outside.write_text("h1 { }\n", encoding="utf-8")
    place = "0/" + "../" * 12 + outside.as_posix().lstrip("/")
    read = {"where": place, "sha256": presser.digest.file_sha256(outside)}
    _edit_entry(workspace, "a1", lambda entry: entry["reads"].update({"asset:" + place: read}))
    assert rendered(build(*FAST)) == {"a1"}


def test_the_organisation_is_taken_from_the_release_not_the_cache(workspace: Path) -> None:
    # An entry's reads copied from another organisation's release say nothing of this
    # one's files: the search path is the one the release names now.
    build(*FAST)
    cache_file = workspace / "build" / CACHE_NAME
    cache = json.loads(cache_file.read_text(encoding="utf-8"))
    entries = cache["releases"]
    key = {stem: str((workspace / "releases" / f"{stem}.yaml").resolve()) for stem in ALL}
    entries[key["b1"]]["reads"] = entries[key["a1"]]["reads"]
    cache_file.write_text(json.dumps(cache), encoding="utf-8")
    (workspace / "templates" / "andra" / "style.css").write_text("h1 { color: red; }\n", "utf-8")
    assert rendered(build(*FAST)) == {"b1"}


def test_a_file_reached_from_a_stylesheet_is_part_of_the_inputs(workspace: Path) -> None:
    organisation = workspace / "templates" / "andra"
    (organisation / "bg.png").write_bytes(png("teal"))
    (organisation / "style.css").write_text("h1 { background: url(bg.png); }\n", "utf-8")
    build(*FAST)
    (organisation / "bg.png").write_bytes(png("orange"))
    assert rendered(build(*FAST)) == {"b1"}


def test_a_template_added_to_shadow_a_default_is_a_change(workspace: Path) -> None:
    build(*FAST)
    default = packaged_default_templates() / "release.html.j2"
    own = workspace / "templates" / "andra" / "release.html.j2"
    own.write_text(default.read_text(encoding="utf-8") + "<!-- own -->\n", "utf-8")
    assert rendered(build(*FAST)) == {"b1"}


def test_a_hidden_template_file_is_part_of_the_inputs(workspace: Path) -> None:
    organisation = workspace / "templates" / "andra"
    default = packaged_default_templates() / "release.html.j2"
    (organisation / "release.html.j2").write_text(
        default.read_text(encoding="utf-8") + '{% include ".extra.html" %}\n', "utf-8"
    )
    (organisation / ".extra.html").write_text("<!-- first -->", "utf-8")
    build(*FAST)
    (organisation / ".extra.html").write_text("<!-- second -->", "utf-8")
    assert rendered(build(*FAST)) == {"b1"}
    assert "second" in (workspace / "build" / "b1.html").read_text(encoding="utf-8")


def test_deleted_output_is_rendered_again(workspace: Path) -> None:
    build(*FAST)
    (workspace / "build" / "a1.txt").unlink()
    assert rendered(build(*FAST)) == {"a1"}
    assert (workspace / "build" / "a1.txt").is_file()


def test_altered_output_is_rendered_again(workspace: Path) -> None:
    build(*FAST)
    target = workspace / "build" / "b1.html"
    original = target.read_bytes()
    target.write_bytes(original.replace(b"<", b">", 1))  # same size, other bytes
    assert rendered(build(*FAST)) == {"b1"}
    assert target.read_bytes() == original


def test_force_renders_everything(workspace: Path) -> None:
    build(*FAST)
    assert rendered(build(*FAST, "--force")) == ALL


def test_other_options_render_again(workspace: Path) -> None:
    build(*FAST)
    assert rendered(build(*FAST, "--wire", "us")) == ALL
    assert rendered(build(*FAST, "--wire", "us")) == set()
    assert rendered(build("--format", "txt", "--wire", "us")) == ALL


def test_another_presser_renders_again(workspace: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(*FAST)
    monkeypatch.setattr(presser.build.run, "presser_digest", lambda workspace: "another presser")
    assert rendered(build(*FAST)) == ALL


def test_presser_digest_covers_the_code_and_the_settings(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the real digest
    from presser.source.workspace import Workspace

    here = Workspace(workspace)
    before = presser.build.cache.presser_digest(here)
    assert presser.build.cache.presser_digest(here) == before
    (workspace / "presser.yaml").write_text("limits:\n  max_depth: 20\n", encoding="utf-8")
    assert presser.build.cache.presser_digest(here) != before


def test_removed_release_leaves_the_cache(workspace: Path) -> None:
    build(*FAST)
    (workspace / "releases" / "a2.yaml").unlink()
    assert build(*FAST).output == "Nothing to render: 3 releases up to date in build/.\n"
    cache = json.loads((workspace / "build" / CACHE_NAME).read_text(encoding="utf-8"))
    assert len(cache["releases"]) == 3


def test_invalid_release_renders_nothing_and_keeps_the_cache(workspace: Path) -> None:
    build(*FAST)
    before = (workspace / "build" / CACHE_NAME).read_bytes()
    (workspace / "releases" / "a1.yaml").write_text("organisation: exempel\n", encoding="utf-8")
    (workspace / "releases" / "a2.yaml").write_text("organisation: nowhere\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", *FAST])
    assert result.exit_code == 1
    assert "a1.yaml:1:1" in result.output and "a2.yaml:1:15" in result.output
    assert "Traceback" not in result.output
    assert (workspace / "build" / CACHE_NAME).read_bytes() == before


def test_plain_progress_is_one_line_per_release(workspace: Path) -> None:
    lines = build(*FAST, "--jobs", "2").output.splitlines()
    assert len(lines) == 5
    for line in lines[:4]:
        stem = Path(line.split(" -> ")[0]).stem
        assert line == f"releases/{stem}.yaml -> build/{stem}.html, build/{stem}.txt"


def test_parallel_output_is_the_sequential_output_byte_for_byte(workspace: Path) -> None:
    sequential = build("--jobs", "1", "--out", "one")
    parallel = build("--jobs", "2", "--out", "two")
    assert rendered(sequential) == rendered(parallel) == ALL
    names = sorted(p.name for p in (workspace / "one").iterdir() if p.name != CACHE_NAME)
    assert len(names) == 12 and names == sorted(
        p.name for p in (workspace / "two").iterdir() if p.name != CACHE_NAME
    )
    for name in names:
        assert (workspace / "one" / name).read_bytes() == (workspace / "two" / name).read_bytes()


def test_template_error_in_one_organisation_fails_only_its_releases(workspace: Path) -> None:
    (workspace / "templates" / "andra" / "release.html.j2").write_text(
        "{{ release.nothing_here }}", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["build", *FAST, "--jobs", "2"])
    assert result.exit_code == 1
    assert rendered(result) == {"a1", "a2", "img"}
    assert "b1.yaml: failed" in result.output
    assert "1 release not rendered; the others were." in result.output
    assert "Traceback" not in result.output
    # The three good ones are recorded; the failed one renders again next time.
    (workspace / "templates" / "andra" / "release.html.j2").unlink()
    assert rendered(build(*FAST)) == {"b1"}


def test_a_worker_that_dies_fails_only_its_release(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    render = presser.build.pool._load_and_render

    def crash_on_a2(task: presser.build.task.Task, *args: object) -> presser.build.task.Result:
        if task.path.stem == "a2":
            os._exit(3)  # as a segfault in a C library or the out-of-memory killer would
        return render(task, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(presser.build.pool, "_load_and_render", crash_on_a2)
    result = CliRunner().invoke(cli, ["build", *FAST, "--jobs", "2"])
    assert result.exit_code == 1
    assert rendered(result) == {"a1", "b1", "img"}
    assert "a2.yaml: the worker rendering it stopped (exit code 3)" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_slow_font_subsetting_is_warned_about_once(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    import weasyprint.pdf.fonts

    import presser.render.pdf

    # As on a machine without libharfbuzz-subset0: WeasyPrint falls back to fontTools.
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    (workspace / "releases" / "img.yaml").unlink()
    # (Forked workers inherit the fallback from this process.)
    result = CliRunner().invoke(cli, ["build", "--jobs", jobs, "--format", "pdf"])
    assert result.exit_code == 0, result.output
    warning = presser.render.pdf.SLOW_SUBSETTING_WARNING
    assert result.output.count(warning) == 1
    assert "libharfbuzz-subset0" in warning


def test_slow_font_subsetting_is_warned_about_once_by_render(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint.pdf.fonts

    import presser.render.pdf

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    result = CliRunner().invoke(
        cli, ["render", "releases/a1.yaml", "releases/a2.yaml", "--format", "pdf"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.count(presser.render.pdf.SLOW_SUBSETTING_WARNING) == 1


def test_no_change_build_imports_no_renderer(workspace: Path) -> None:
    build()  # every format, so that the check below has PDFs to skip
    probe = (
        "import sys\n"
        "import presser.build.run\n"
        "presser.build.run.presser_digest = lambda workspace: 'presser-under-test'\n"
        "from presser.cli import cli\n"
        "try:\n"
        "    cli(['build'], standalone_mode=False)\n"
        "finally:\n"
        "    heavy = ['weasyprint', 'jinja2', 'markdown_it', 'babel']\n"
        "    print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=workspace,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == [
        "Nothing to render: 4 releases up to date in build/.",
        "[]",
    ], done.stdout + done.stderr


def test_ctrl_c_stops_cleanly_and_keeps_only_complete_files(workspace: Path) -> None:
    for number in range(12):
        text = RELEASE_YAML.replace("En rubrik", f"Rubrik {number}")
        (workspace / "releases" / f"many{number:02}.yaml").write_text(text, encoding="utf-8")
    probe = (
        "import sys\n"
        "import presser.build.run\n"
        "presser.build.run.presser_digest = lambda workspace: 'presser-under-test'\n"
        "from presser.cli import main\n"
        "sys.argv = ['presser', 'build', '--jobs', '2']\n"
        "main()\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", probe],
        cwd=workspace,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches
    )
    assert process.stdout is not None
    first = process.stdout.readline()  # the first release is done: stop now
    assert " -> " in first
    os.killpg(process.pid, signal.SIGINT)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, errors
    assert "Traceback" not in errors
    assert errors.startswith("Interrupted: ")
    out = workspace / "build"
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]  # no half files
    # Every entry in the cache describes outputs that are on disk as recorded.
    cache = json.loads((out / CACHE_NAME).read_text(encoding="utf-8"))
    assert cache["releases"]
    for entry in cache["releases"].values():
        for name, record in entry["outputs"].items():
            assert (out / name).stat().st_size == record["size"]
    # No worker outlives the build.
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.killpg(process.pid, 0)
    # The next build renders only what was not finished.
    done = len(entry_names := cache["releases"])
    again = build()
    assert len(rendered(again)) == 16 - done, (entry_names, again.output)


def test_the_benchmark_harness_prints_all_twelve_figures_and_the_timeline(tmp_path: Path) -> None:
    """make bench's harness, bounded (5 releases, 1 repetition): the table, not the timings."""
    report = tmp_path / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "run.py"),
            "--smoke",
            "--quiet",
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    table = done.stdout.split("\n\n")[0].splitlines()
    rows = [line for line in table if line[:1].isdigit()]
    assert [row.split()[0] for row in rows] == [str(n) for n in range(1, 13)], done.stdout
    for row in rows:
        assert row.rstrip().endswith(("yes", "NO", "n/a")), row
    figures = json.loads(report.read_text(encoding="utf-8"))["figures"]
    assert [f["number"] for f in figures] == list(range(1, 13))
    # What the machine allows figures 4 and 9: WeasyPrint alone, in one process and two.
    assert figures[3]["raw"]["floor"] > 0
    assert "Floor of figures 4 and 9 on this machine" in done.stdout
    # The 40-release build's timeline (5 releases here): one line per worker.
    assert "Timeline of figure 9" in done.stdout
    assert done.stdout.count("  worker ") == 2, done.stdout


def test_a_warm_process_compiles_and_loads_everything_once(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a worker does for its second release: no template compiled, no locale data read."""
    import babel.localedata
    import jinja2

    from presser.render.pipeline import RenderOptions, render_outputs
    from presser.source.validation import load_release
    from presser.source.workspace import Workspace

    here = Workspace(workspace)
    options = RenderOptions(formats=("html", "txt"))
    render_outputs(load_release(workspace / "releases" / "a1.yaml", here), workspace, options)
    compiled: list[str] = []
    compile_template = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: str, *args: object, **kwargs: object) -> object:
        compiled.append(str(args[0] if args else kwargs.get("name")))
        return compile_template(self, source, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    loaded_locales = dict(babel.localedata._cache)
    render_outputs(load_release(workspace / "releases" / "a2.yaml", here), workspace, options)
    assert compiled == []
    assert babel.localedata._cache.keys() == loaded_locales.keys()


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_timeline_says_when_each_worker_worked(workspace: Path, jobs: str) -> None:
    result = CliRunner().invoke(cli, ["build", *FAST, "--jobs", jobs, "--timeline"])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith("releases validated at ")
    workers = [line for line in lines if line.startswith("worker ")]
    assert len(workers) == int(jobs), lines
    counts = [int(line.rsplit(", ", 1)[1].split()[0]) for line in workers]
    assert sum(counts) == len(ALL)
    for line in workers:
        seconds = [float(part) for part in re.findall(r"(\d+\.\d+) s", line)]
        assert seconds == sorted(seconds), line  # started <= ready <= first <= last
        assert ("started" in line) == (jobs == "2")
