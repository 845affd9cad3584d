"""Never a traceback: any bytes given to validate give "valid" or clean, positioned problems.

Hypothesis runs a bounded number of examples here (CI stays fast); set
HYPOTHESIS_PROFILE=long for a longer hunt.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presser.errors import ProblemsFound
from presser.source.validation import load_release

from .conftest import ORGANISATION_YAML, RELEASE_YAML, REPO

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("long", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _workspace(root: Path) -> Path:
    folder = root / "templates" / "exempel"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "organisation.yaml").write_text(ORGANISATION_YAML, encoding="utf-8")
    (root / "releases").mkdir(exist_ok=True)
    return root / "releases" / "r.yaml"


def _check(raw: bytes, tmp: Path) -> None:
    from presser.source.workspace import Workspace

    path = _workspace(tmp)
    path.write_bytes(raw)
    try:
        load_release(path, Workspace(tmp))
    except ProblemsFound as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.line >= 1 and problem.column >= 1
            assert problem.message
            assert all(ch.isprintable() for ch in str(problem)), str(problem)


@given(raw=st.binary(max_size=400))
def test_any_bytes(raw: bytes, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    _check(raw, tmp_path_factory.mktemp("w"))


_YAMLISH = st.text(
    alphabet=st.sampled_from(list("abc:- \n\t'\"[]{}&*!|>#%@`,?~0123456789.+åö\u202e\ufeff")),
    max_size=200,
)


@given(text=_YAMLISH)
def test_yaml_like_text(text: str, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    _check(text.encode("utf-8"), tmp_path_factory.mktemp("w"))


@given(
    cut=st.integers(min_value=0, max_value=len(RELEASE_YAML)),
    insert=st.sampled_from(["", "x", ":", "- ", "\n  ", "&a ", "*a", "!!str ", "[", "'", "\t"]),
)
def test_mutated_valid_release(cut: int, insert: str, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    text = RELEASE_YAML[:cut] + insert + RELEASE_YAML[cut:]
    _check(text.encode("utf-8"), tmp_path_factory.mktemp("w"))


def test_validate_never_imports_weasyprint_or_the_renderers(tmp_path: Path) -> None:
    _workspace(tmp_path).write_text(RELEASE_YAML, encoding="utf-8")
    probe = (
        "import sys\n"
        "from presser.cli import cli\n"
        "try:\n"
        "    cli(['validate'], standalone_mode=False)\n"
        "finally:\n"
        "    heavy = ['weasyprint', 'jinja2', 'markdown_it', 'presser.render.pdf']\n"
        "    print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines()[-1] == "[]", done.stdout + done.stderr
