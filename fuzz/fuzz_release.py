"""Coverage-guided fuzzing of the untrusted path: YAML bytes -> load -> validate -> text render.

Run it with ``make fuzz`` (FUZZ_SECONDS=300 by default), or directly with
libFuzzer options::

    .venv/bin/python fuzz/fuzz_release.py -max_total_time=60 \\
        -dict=fuzz/release.dict build/fuzz-corpus fuzz/seeds

Each input is one release file. The promise checked: every input is either a
valid release whose wire text renders in every style, or a clean presser
error -- problems with a line and a column, printable, no traceback. Any
other exception (and any input slower than libFuzzer's ``-timeout``) is a
crash; libFuzzer saves it, and ``make fuzz`` saves crashes straight into
``tests/adversarial/fuzz-regressions/``, where ``test_fuzz_regressions.py``
replays every one through :func:`check` for ever after.

Without atheris (it ships wheels for CPython on Linux and macOS; elsewhere it
needs clang), the same entry point falls back to hypothesis: random and
mutated inputs through the same :func:`check`, for the same time budget.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEEDS = HERE / "seeds"
REGRESSIONS = REPO / "tests" / "adversarial" / "fuzz-regressions"

try:
    import atheris
except ImportError:  # the hypothesis fallback below
    atheris = None

if atheris is not None:
    # Coverage feedback from presser's own code (PyYAML's parser is C, pydantic-core Rust).
    with atheris.instrument_imports(include=["presser"]):
        # The render path imports these lazily; imported here, they are instrumented too.
        from presser.errors import PresserError, ProblemsFound
        from presser.render.pipeline import RenderOptions, render_outputs
        from presser.source.validation import load_release
        from presser.source.workspace import Workspace
else:
    from presser.errors import PresserError, ProblemsFound
    from presser.render.pipeline import RenderOptions, render_outputs
    from presser.source.validation import load_release
    from presser.source.workspace import Workspace

# A 1x1 PNG, so that seeds with an image can validate.
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360606060000000050001a5f64540"
    "0000000049454e44ae426082"
)

EXAMPLE_ORGANISATION = """\
name: Exempelkommunen
short_name: Kommunen
language: sv
timezone: Europe/Stockholm
country: SE
boilerplate:
  sv: Exempelkommunen är en kommun.
press_contacts:
  - {name: Pia Press, phone: 08-452 73 22, email: press@exempel.se}
"""

STYLES = (
    RenderOptions(formats=("txt",), wire="nordic"),
    RenderOptions(formats=("txt",), wire="us", width=40),
    RenderOptions(formats=("txt",), wire="nordic", ascii_only=True),
)


def make_workspace(root: Path) -> Workspace:
    """The repository's organisations (profiles only) plus ``exempel``, and the seeds' images."""
    for profile in (REPO / "templates").glob("*/organisation.yaml"):
        folder = root / "templates" / profile.parent.name
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(profile, folder / "organisation.yaml")
    (root / "templates" / "exempel").mkdir(parents=True, exist_ok=True)
    (root / "templates" / "exempel" / "organisation.yaml").write_text(
        EXAMPLE_ORGANISATION, encoding="utf-8"
    )
    images = root / "releases" / "images"
    images.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(
        REPO / "releases" / "images" / "jonkoping-county-municipalities.png",
        images / "jonkoping-county-municipalities.png",
    )
    (root / "releases" / "bild.png").write_bytes(PIXEL_PNG)
    return Workspace(root)


def _remove_stale_workspaces() -> None:
    """libFuzzer ends the process without running Python's exit handlers, so a run
    cannot remove its own workspace; the next run removes those of finished runs."""
    for old in Path(tempfile.gettempdir()).glob("presser-fuzz-*-*"):
        pid = old.name.split("-")[2]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(old, ignore_errors=True)


_remove_stale_workspaces()
_ROOT = Path(tempfile.mkdtemp(prefix=f"presser-fuzz-{os.getpid()}-"))
atexit.register(shutil.rmtree, _ROOT, ignore_errors=True)  # the fallback exits normally
_WORKSPACE = make_workspace(_ROOT)
_RELEASE = _ROOT / "releases" / "r.yaml"
_OUT = _ROOT / "build"


def check(data: bytes) -> None:
    """One input: valid and rendered in every wire style, or a clean, positioned refusal.

    Raises (so the fuzzer records a crash) on anything else.
    """
    _RELEASE.write_bytes(data)
    try:
        # One workspace for all inputs: it caches only the organisations, which inputs never change.
        loaded = load_release(_RELEASE, _WORKSPACE)
    except ProblemsFound as exc:
        if not exc.problems:
            raise AssertionError("ProblemsFound without a problem") from exc
        for problem in exc.problems:
            shown = str(problem)
            if problem.line < 1 or problem.column < 1 or not problem.message:
                raise AssertionError(f"a problem without a position: {shown!r}") from exc
            if not shown.isprintable():
                raise AssertionError(f"an unprintable message: {shown!r}") from exc
        return
    for options in STYLES:
        try:
            text = render_outputs(loaded, _OUT, options)["txt"]
        except PresserError as exc:  # a clean error the CLI prints (exit 1)
            if not exc.format_message().strip():
                raise AssertionError("an error without a message") from exc
            continue
        if not text.endswith(b"\n") or b"\r" in text:
            raise AssertionError("the wire text does not end in one LF, or holds a CR")
        if options.ascii_only and not text.isascii():
            raise AssertionError("the --ascii wire text is not ASCII")


def _seeds() -> list[bytes]:
    return [path.read_bytes() for path in sorted(SEEDS.iterdir()) if path.is_file()]


def _fallback(seconds: float, inputs: list[Path]) -> None:
    """Without atheris: hypothesis feeds random and mutated seed bytes to :func:`check`."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    for path in inputs:  # files named on the command line: replay them, as libFuzzer does
        check(path.read_bytes())
    if inputs:
        return
    seeds = _seeds()

    def splice(parts: tuple[bytes, int, bytes, int]) -> bytes:
        seed, at, insert, cut = parts
        at %= len(seed) + 1
        return seed[:at] + insert + seed[at + cut :]

    mutated = st.tuples(
        st.sampled_from(seeds), st.integers(0, 10_000), st.binary(max_size=8), st.integers(0, 8)
    ).map(splice)
    deadline = time.monotonic() + seconds
    runs = 0
    while time.monotonic() < deadline:

        @settings(
            max_examples=200, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(data=st.one_of(st.binary(max_size=2000), mutated))
        def round_(data: bytes) -> None:
            check(data)

        round_()
        runs += 200
    print(f"fuzz (hypothesis fallback): {runs} inputs in {seconds:g} s, no crash", flush=True)


def _libfuzzer_arguments(argv: list[str]) -> list[str]:
    """The command line with this project's defaults added for what it does not say.

    Corpus: build/fuzz-corpus (grows; build/ is not committed), then the seeds,
    which are only read (libFuzzer writes new inputs to the first folder).
    Crashes go to tests/adversarial/fuzz-regressions/, where they become tests.
    """
    options = [a for a in argv[1:] if a.startswith("-")]
    paths = [a for a in argv[1:] if not a.startswith("-")]
    given = {a.split("=", 1)[0] for a in options}
    if not paths:
        corpus = REPO / "build" / "fuzz-corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        paths = [str(corpus), str(SEEDS)]
    defaults = {
        "-dict": str(HERE / "release.dict"),
        "-artifact_prefix": f"{REGRESSIONS}/",
        "-timeout": "10",  # seconds per input: slower is a finding ("timeout-…")
        "-rss_limit_mb": "2048",
        "-max_len": "20000",
    }
    if "-runs" not in given and "-max_total_time" not in given:
        defaults["-max_total_time"] = os.environ.get("FUZZ_SECONDS", "300")
    options += [f"{key}={value}" for key, value in defaults.items() if key not in given]
    return [argv[0], *options, *paths]


def main() -> None:
    if atheris is None:
        print("atheris is not installed: using the hypothesis fallback", file=sys.stderr)
        times = [a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("-max_total_time=")]
        seconds = float(times[-1] if times else os.environ.get("FUZZ_SECONDS", "300"))
        inputs = [Path(a) for a in sys.argv[1:] if not a.startswith("-") and Path(a).is_file()]
        _fallback(seconds, inputs)
        return
    atheris.Setup(_libfuzzer_arguments(sys.argv), check)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
