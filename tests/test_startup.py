"""Start-up cost: a command imports only what it uses.

WeasyPrint costs most of a second and ~50 MiB to import, so only a command
that makes a PDF may import it; Jinja2, markdown-it and Babel are imported
when something is rendered. Each command runs in a fresh interpreter here,
in a workspace of its own, and reports ``sys.modules`` as it exits.

Every command of the click group is covered: one that is added without an
entry in :data:`ARGUMENTS` (or in :data:`PDF_COMMANDS`) fails
:func:`test_every_command_is_covered`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from presser.cli import cli

from .conftest import RELEASE_YAML, REPO, MakeWorkspace

RELEASE = "releases/r.yaml"

#: Commands that make PDFs (with their default options): WeasyPrint is theirs to import.
#: serve runs until Ctrl-C; tests/test_serve.py checks that only its printer imports it.
PDF_COMMANDS = {"build", "render", "publish", "serve"}

#: How to run each command in the test workspace; in this order, so that the
#: workflow steps find the release in the state they need.
ARGUMENTS: dict[str, list[str]] = {
    "--help": ["--help"],
    "validate": ["validate"],
    "lint": ["lint"],
    "schema": ["schema"],
    "status": ["status"],
    "orgs": ["orgs"],
    "new": ["new", "spring-fair", "--org", "exempel"],
    "submit": ["submit", RELEASE, "--by", "Anna Berg"],
    "reject": ["reject", RELEASE, "--by", "Pia Press", "--reason", "Not yet."],
    "submit again": ["submit", RELEASE, "--by", "Anna Berg"],
    "approve": ["approve", RELEASE, "--by", "Pia Press"],
    # Approved, not published: refused (exit 1) after loading what a real run loads.
    "send": ["send", RELEASE, "--dry-run"],
    "unsubscribe": ["unsubscribe", "anna@example.se"],
    "correct": ["correct", RELEASE, "--by", "Pia Press", "--note", "A fix."],
    "site": ["site"],
    "init": ["init", "other", "--org", "acme", "--name", "Acme Inc."],
    # The rendering commands, asked for no PDF.
    "render html": ["render", RELEASE, "--format", "html", "--format", "txt"],
    "build html": ["build", "--format", "html", "--format", "txt"],
    "build nothing to do": ["build", "--format", "html", "--format", "txt"],
}

RENDERING_MODULES = {"jinja2", "markdown_it", "babel"}
#: lint (and status, which shows lint's findings) find dates in the text by
#: Babel's CLDR month and weekday names, so they use Babel; never the others.
USES_BABEL = {"lint", "status"}
#: Commands that only read and check: no renderer at all.
CHECKING = {"--help", "validate", "lint", "schema", "status", "orgs"}

PROBE = """
import json, sys
from presser.cli import cli
try:
    cli.main(sys.argv[1:], prog_name="presser")
finally:
    print("MODULES " + json.dumps(sorted(sys.modules)))
"""


def run_command(
    arguments: list[str], cwd: Path, *, submodules: bool = False
) -> tuple[int, str, set[str]]:
    """The command's exit code, output and the modules it imported (top-level names only,
    unless ``submodules``)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *arguments],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert "Traceback" not in done.stderr, done.stderr
    marker = [line for line in done.stdout.splitlines() if line.startswith("MODULES ")]
    assert marker, done.stdout + done.stderr
    modules = set(json.loads(marker[-1][8:]))
    if not submodules:
        modules = {m for m in modules if "." not in m}
    return done.returncode, done.stdout + done.stderr, modules


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, set[str]]]:
    """Each command of :data:`ARGUMENTS`, run once, in order, in one workspace."""
    from .conftest import ORGANISATION_YAML

    root = tmp_path_factory.mktemp("startup")
    (root / "templates" / "exempel").mkdir(parents=True)
    (root / "templates" / "exempel" / "organisation.yaml").write_text(
        ORGANISATION_YAML, encoding="utf-8"
    )
    (root / "releases").mkdir()
    (root / RELEASE).write_text(RELEASE_YAML, encoding="utf-8")
    return {name: run_command(arguments, root) for name, arguments in ARGUMENTS.items()}


def test_every_command_is_covered() -> None:
    covered = {arguments[0] for arguments in ARGUMENTS.values()}
    missing = sorted(set(cli.commands) - covered - PDF_COMMANDS)
    assert not missing, (
        f"add the new command(s) {missing} to ARGUMENTS in tests/test_startup.py "
        "(or to PDF_COMMANDS if they make PDFs)"
    )


@pytest.mark.parametrize("name", list(ARGUMENTS))
def test_no_weasyprint_without_a_pdf(
    imported: dict[str, tuple[int, str, set[str]]], name: str
) -> None:
    code, output, modules = imported[name]
    assert code in (0, 1), output  # 1: a workflow step refused, which is fine here
    assert "weasyprint" not in modules, output


@pytest.mark.parametrize("name", sorted(CHECKING))
def test_checking_commands_import_no_renderer(
    imported: dict[str, tuple[int, str, set[str]]], name: str
) -> None:
    code, output, modules = imported[name]
    assert code == 0 or (name == "lint" and code == 1), output  # lint: 1 when it finds an error
    allowed = {"babel"} if name in USES_BABEL else set()
    assert modules & RENDERING_MODULES <= allowed, output


def test_the_workflow_steps_really_ran(imported: dict[str, tuple[int, str, set[str]]]) -> None:
    # Otherwise the import checks above would prove little for them.
    for name in ("new", "submit", "reject", "approve", "init", "render html", "build html"):
        code, output, _ = imported[name]
        assert code == 0, f"{name}: {output}"


def test_a_build_with_nothing_to_do_imports_no_renderer(
    imported: dict[str, tuple[int, str, set[str]]],
) -> None:
    _, output, modules = imported["build nothing to do"]
    assert "Nothing to render" in output, output
    assert not modules & (RENDERING_MODULES | {"weasyprint"}), output


def test_a_pdf_is_laid_out_by_the_printer(make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    make_workspace(releases={"r.yaml": RELEASE_YAML})
    code, output, modules = run_command(["render", RELEASE, "--format", "pdf"], tmp_path)
    assert code == 0, output
    # The PDF printer (a forked process) imports WeasyPrint; this process never needs it.
    assert "weasyprint" not in modules
    assert (tmp_path / "build" / "r.pdf").read_bytes().startswith(b"%PDF")


def test_publish_lays_out_its_pdf_in_the_printer(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    # As presser render: WeasyPrint is imported in the printer while this process checks.
    make_workspace(releases={"r.yaml": RELEASE_YAML})
    for step in (
        ["submit", RELEASE, "--by", "Anna Berg"],
        ["approve", RELEASE, "--by", "Pia Press"],
    ):
        code, output, _ = run_command(step, tmp_path)
        assert code == 0, output
    code, output, modules = run_command(["publish", RELEASE, "--by", "Pia Press"], tmp_path)
    assert code == 0, output
    assert "weasyprint" not in modules
    pdf = next((tmp_path / "published" / "r" / "v1").glob("*.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF")


def test_validate_with_lint_settings_imports_neither_the_rules_nor_babel(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    # The README's own example, in the release and in the organisation: the models
    # check only a selector's form; which rules exist is lint's to say.
    from .conftest import ORGANISATION_YAML

    release = RELEASE_YAML + "lint:\n  ignore: [Q104]\n"
    make_workspace(
        releases={"r.yaml": release},
        organisations={"exempel": ORGANISATION_YAML + "lint:\n  select: [H, headline-full-stop]\n"},
    )
    code, output, modules = run_command(["validate", RELEASE], tmp_path, submodules=True)
    assert code == 0, output
    heavy = {m for m in modules if m.split(".")[0] in RENDERING_MODULES | {"weasyprint"}}
    assert not heavy, sorted(heavy)
    assert not {m for m in modules if m.startswith("presser.lint")}, sorted(modules)
