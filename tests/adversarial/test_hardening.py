"""The hardening the corpus relies on, each gap checked on its own.

Loader (never recursing, refusing every tag and alias, escapes in double
quotes, UTF-16), limits from ``presser.yaml``, confined paths and output
folders, a terminal that only ever sees escaped text, e-mail checks without
DNS, and the test harness's own detectors (a guard that sees nothing proves
nothing unless it can see something).
"""

from __future__ import annotations

import codecs
import os
import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from presser.cli import cli
from presser.errors import ProblemsFound
from presser.source.limits import DEFAULT_LIMITS, Limits, limit_docs
from presser.source.loading import load_bytes
from presser.source.validation import load_release
from presser.source.workspace import Workspace

from ..conftest import RELEASE_YAML, REPO, MakeWorkspace
from .guards import Blocked, Guard
from .harness import TERMINAL_UNSAFE, page_dangers, parse_html


def refusal(text: str | bytes, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    with pytest.raises(ProblemsFound) as caught:
        load_bytes(raw, Path("r.yaml"), limits=limits)
    return [str(p) for p in caught.value.problems]


# --- the loader ----------------------------------------------------------------------


def test_depth_is_refused_without_recursion_even_with_a_tiny_stack() -> None:
    # With the recursion limit far below the accepted depth, a recursive builder would die.
    # (Paths are kept per node, so a huge max_depth costs quadratic memory: keep it modest.)
    # libyaml refuses 1,000 levels itself, and the file is then read by PyYAML's own
    # parser, which is slow on deep flow lists: flow stays under that, block goes past it.
    depth = 3_000
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(200)
    try:
        flow = load_bytes(
            ("a: " + "[" * 900 + "]" * 900 + "\n").encode(),
            Path("r.yaml"),
            limits=Limits(max_depth=depth + 1),
        )
        block = load_bytes(
            ("a:\n" + "- " * depth + "x\n").encode(),
            Path("r.yaml"),
            limits=Limits(max_depth=depth + 1),
        )
        (problem,) = refusal("a: " + "[" * 50_000 + "]" * 50_000 + "\n")
    finally:
        sys.setrecursionlimit(old)
    assert isinstance(flow.data["a"], list) and isinstance(block.data["a"], list)
    assert problem.startswith("r.yaml:1:35: a[0]")
    assert problem.endswith(
        ": nested more than 32 levels deep; a release never needs that (max_depth)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('a: "\\e[2J"\n', "control character U+001B (written as an escape)"),
        ('a: "x\\0y"\n', "control character U+0000 (written as an escape)"),
        ('"\\a": x\n', "control character U+0007 (written as an escape)"),
        ('a: "\\x9b"\n', "control character U+009B (written as an escape)"),
    ],
)
def test_control_characters_written_as_escapes_are_refused(text: str, message: str) -> None:
    (problem,) = refusal(text)
    assert message in problem and problem.startswith("r.yaml:1:")


def test_non_specific_and_local_tags_are_refused() -> None:
    assert "tags such as ! are not allowed" in refusal("a: ! x\n")[0]
    assert "tags such as !local are not allowed" in refusal("a: !local\n")[0]


def test_utf16_without_bom_is_refused_with_advice() -> None:
    (problem,) = refusal("headline: Årsskifte\n".encode("utf-16-le"))
    assert problem == (
        "r.yaml:1:1: (file): the file looks like UTF-16 without a BOM; save it as UTF-8"
    )


def test_utf16_big_endian_with_bom_is_the_same_release() -> None:
    raw = codecs.BOM_UTF16_BE + "headline: Årsskifte\n".encode("utf-16-be")
    assert load_bytes(raw, Path("r.yaml")).data == {"headline": "Årsskifte"}


def test_string_and_list_limits_are_positioned() -> None:
    limits = Limits(max_string_chars=5, max_list_items=2)
    assert refusal("a: ok\nb: sixsix\n", limits) == [
        "r.yaml:2:4: b: 6 characters; the limit is 5 (max_string_chars)"
    ]
    assert refusal("tags: [a, b, c]\n", limits) == [
        "r.yaml:1:14: tags: more than 2 items in one list (max_list_items)"
    ]
    assert "the limit is 5" in refusal("longkey: x\n", limits)[0]  # keys count too


def test_file_limit_names_the_setting() -> None:
    (problem,) = refusal(b"a: " + b"x" * 3000 + b"\n", Limits(max_file_bytes=2048))
    assert problem == (
        "r.yaml:1:1: (file): the file is 3,004 bytes; the limit is 2 KiB "
        "(max_file_bytes in presser.yaml)"
    )


# --- limits in presser.yaml -------------------------------------------------------------


def test_presser_yaml_sets_the_limits(make_workspace: MakeWorkspace) -> None:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    (workspace.root / "presser.yaml").write_text(
        "limits:\n  max_string_chars: 5\n  render_timeout_seconds: '2.5'\n", encoding="utf-8"
    )
    workspace = Workspace(workspace.root)
    assert workspace.limits == Limits(max_string_chars=5, render_timeout_seconds=2.5)
    with pytest.raises(ProblemsFound) as caught:
        load_release(workspace.releases_dir / "r.yaml", workspace)
    assert "(max_string_chars)" in str(caught.value)


def test_without_presser_yaml_the_defaults_hold(tmp_path: Path) -> None:
    assert Workspace(tmp_path).limits is DEFAULT_LIMITS


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "limits:\n  max_file_byte: 10\n",
            "presser.yaml:2:3: limits.max_file_byte: unknown limit 'max_file_byte'; "
            "did you mean 'max_file_bytes'?",
        ),
        (
            "limit:\n  max_file_bytes: 10\n",
            "presser.yaml:1:1: limit: unknown setting 'limit'; did you mean 'limits'?",
        ),
        (
            "limits:\n  max_depth: -3\n",
            "presser.yaml:2:14: limits.max_depth: must be a positive whole number, such as 1048576",
        ),
        (
            "limits:\n  max_depth: 1.5\n",
            "presser.yaml:2:14: limits.max_depth: must be a positive whole number, such as 1048576",
        ),
        (
            "limits:\n  render_timeout_seconds: .nan\n",
            "presser.yaml:2:27: limits.render_timeout_seconds: must be a positive number, "
            "such as 1048576",
        ),
        (
            "limits: [1, 2]\n",
            "presser.yaml:1:9: limits: must be a mapping of fields, not a list",
        ),
        ("limits: &a {}\n", "presser.yaml:1:9: limits: anchors (&name) are not allowed"),
    ],
)
def test_presser_yaml_is_checked_strictly(
    text: str, problem: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "presser.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ProblemsFound) as caught:
        Workspace(tmp_path).limits  # noqa: B018 - the property loads the file
    assert [str(p) for p in caught.value.problems] == [problem]


def test_every_limit_is_documented_in_the_format_reference() -> None:
    reference = (REPO / "docs" / "format.md").read_text(encoding="utf-8")
    for name, default, doc in limit_docs():
        assert f"| `{name}` | {default} | {doc} |" in reference, name
    assert "UTF-16" in reference and "U+202E" in reference


def test_markdown_nesting_limit_comes_from_the_workspace(make_workspace: MakeWorkspace) -> None:
    text = RELEASE_YAML.replace("  - En paragraf.", "  - '> > > > > djupt'")
    workspace = make_workspace(releases={"r.yaml": text})
    load_release(workspace.releases_dir / "r.yaml", workspace)  # fine by default
    (workspace.root / "presser.yaml").write_text("limits:\n  max_markdown_nesting: 4\n")
    workspace = Workspace(workspace.root)
    with pytest.raises(ProblemsFound) as caught:
        load_release(workspace.releases_dir / "r.yaml", workspace)
    (problem,) = caught.value.problems
    assert (problem.field, problem.line) == ("body[1]", 7)
    assert "Markdown nested 6 levels deep" in problem.message


# --- names with invisible characters --------------------------------------------------


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\u2060", "\ufeff"])
def test_invisible_characters_are_refused_in_names(
    char: str, make_workspace: MakeWorkspace
) -> None:
    text = RELEASE_YAML.replace("speaker: Anna Berg", f"speaker: Anna{char} Berg")
    workspace = make_workspace(releases={"r.yaml": text})
    with pytest.raises(ProblemsFound) as caught:
        load_release(workspace.releases_dir / "r.yaml", workspace)
    (problem,) = caught.value.problems
    assert problem.field == "quotes[0].speaker"
    assert f"U+{ord(char):04X}" in problem.message and char not in str(problem)


def test_joiners_and_bidi_in_running_text_are_kept(make_workspace: MakeWorkspace) -> None:
    family = "\U0001f469\u200d\U0001f467"  # an emoji sequence needs the zero-width joiner
    text = RELEASE_YAML.replace("headline: En rubrik", f"headline: Familjedag {family}")
    text = text.replace("lead: En ingress.", "lead: 'Citat: \u202bשלום\u202c.'")
    workspace = make_workspace(releases={"r.yaml": text})
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    assert family in loaded.release.headline and "\u202b" in (loaded.release.lead or "")


# --- paths ------------------------------------------------------------------------------


@pytest.mark.parametrize("out", ["releases", "releases/sub", "templates/exempel", "drafts"])
def test_output_folders_among_sources_are_refused(
    out: str, make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    (workspace.root / "drafts").mkdir()
    (workspace.root / "drafts" / "d.yaml").write_text(RELEASE_YAML, encoding="utf-8")
    monkeypatch.chdir(workspace.root)
    source = "drafts/d.yaml" if out == "drafts" else "releases/r.yaml"
    result = CliRunner().invoke(cli, ["render", source, "--format", "txt", "--out", out])
    assert result.exit_code == 2, result.output
    assert "outputs never go among sources" in result.output


def test_an_output_folder_linked_into_the_sources_is_refused(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    (workspace.root / "out").symlink_to(workspace.releases_dir)
    monkeypatch.chdir(workspace.root)
    result = CliRunner().invoke(cli, ["render", "releases/r.yaml", "--out", "out"])
    assert result.exit_code == 2
    assert "inside releases/" in result.output


def test_a_presser_yaml_linked_from_outside_is_refused(tmp_path: Path) -> None:
    (tmp_path / "elsewhere.yaml").write_text("limits: {}\n")
    root = tmp_path / "project"
    root.mkdir()
    (root / "presser.yaml").symlink_to(tmp_path / "elsewhere.yaml")
    with pytest.raises(Exception, match="leads outside the workspace"):
        Workspace(root).limits  # noqa: B018


# --- the terminal -------------------------------------------------------------------------

HOSTILE_NAME = "\x1b]0;pwned\x07\x1b[31mrött\u202e\x9b"


@pytest.mark.parametrize(
    "args",
    [
        ["render", HOSTILE_NAME + ".yaml"],
        ["validate", HOSTILE_NAME],
        ["render", "--format", HOSTILE_NAME, "x.yaml"],
        ["--" + HOSTILE_NAME],
        ["render", "--wire", HOSTILE_NAME],
        [HOSTILE_NAME],
        ["render", "--width", HOSTILE_NAME, "x.yaml"],
    ],
    ids=[
        "missing-file",
        "missing-folder",
        "bad-choice",
        "bad-option",
        "bad-wire",
        "bad-command",
        "bad-int",
    ],
)
def test_usage_errors_reach_the_terminal_escaped(
    args: list[str], make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = make_workspace()
    monkeypatch.chdir(workspace.root)
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert TERMINAL_UNSAFE.search(result.output) is None, repr(result.output)
    assert "\\x1b" in result.output or "x1b" in result.output  # shown, escaped


def test_hostile_file_names_are_echoed_escaped(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = RELEASE_YAML.replace("headline: En rubrik", "headline: ''")
    workspace = make_workspace(releases={f"{HOSTILE_NAME}.yaml": RELEASE_YAML, "b.yaml": bad})
    monkeypatch.chdir(workspace.root)
    runner = CliRunner()
    for args in (["validate"], ["render", "releases", "--format", "txt"]):
        result = runner.invoke(cli, args)
        assert TERMINAL_UNSAFE.search(result.output) is None, repr(result.output)
    (workspace.releases_dir / "b.yaml").unlink()
    result = runner.invoke(cli, ["render", "releases", "--format", "txt"])
    assert result.exit_code == 0, result.output
    assert TERMINAL_UNSAFE.search(result.output) is None, repr(result.output)
    assert "\\x1b" in result.output


def test_an_organisation_name_is_echoed_escaped_by_orgs(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = "name: 'Ex\\e[2Jempel'\nlanguage: sv\ntimezone: Europe/Stockholm\n"
    workspace = make_workspace(organisations={"exempel": org.replace("'", '"')})
    monkeypatch.chdir(workspace.root)
    result = CliRunner().invoke(cli, ["orgs"])
    assert result.exit_code == 1
    assert TERMINAL_UNSAFE.search(result.output) is None, repr(result.output)


# --- e-mail ---------------------------------------------------------------------------------


def test_email_checks_never_touch_the_network(
    make_workspace: MakeWorkspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[object] = []

    def refuse(*args: object, **kwargs: object) -> None:
        looked_up.append(args)
        raise OSError("no network in this test")

    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "create_connection"):
        monkeypatch.setattr(socket, name, refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    try:
        import dns.resolver  # email-validator's resolver, when installed

        monkeypatch.setattr(dns.resolver.Resolver, "resolve", refuse)
        monkeypatch.setattr(dns.resolver, "resolve", refuse)
    except ImportError:  # pragma: no cover - dnspython comes with email-validator
        pass
    text = RELEASE_YAML.replace("anna.berg@exempel.se", "anna@no-such-domain-for-presser-tests.se")
    workspace = make_workspace(releases={"r.yaml": text})
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    assert loaded.release.contacts[0].email == "anna@no-such-domain-for-presser-tests.se"
    assert looked_up == []


# --- the detectors themselves ----------------------------------------------------------------


def test_the_guard_sees_outside_reads_connections_lookups_and_programs(tmp_path: Path) -> None:
    guard = Guard()
    guard.listener_port = 1
    with guard.watching(tmp_path):
        guard.hook("open", ("/etc/hostname", "r", 0))
        guard.hook("open", (str(tmp_path / "inside.yaml"), "r", 0))
        with pytest.raises(Blocked):
            guard.hook("socket.connect", (None, ("10.0.0.1", 80)))
        with pytest.raises(Blocked):
            guard.hook("socket.getaddrinfo", ("example.com", 80, 0, 0, 0))
        with pytest.raises(Blocked):
            guard.hook("subprocess.Popen", ("/bin/sh", ["sh"], None, None))
    guard.hook("open", ("/etc/shadow", "r", 0))  # off: not recorded
    assert set(guard.violations()) == {
        "reads outside the project",
        "network connections",
        "name lookups",
        "programs started",
    }
    assert guard.outside_reads == ["/etc/hostname"]


def test_the_installed_guard_catches_a_real_connection(guard: Guard, tmp_path: Path) -> None:
    with guard.watching(tmp_path), pytest.raises(Blocked):
        socket.create_connection(("192.0.2.1", 9), timeout=0.1)
    assert guard.violations()
    guard.reset()  # the fixture would otherwise (rightly) fail this test


def test_page_dangers_sees_what_it_looks_for() -> None:
    page = (
        b"<html style='color:red'><body><script>x()</script><img src=http://e/x.png>"
        b"<a href='javascript:x()'>a</a><p onclick='x()'>p</p><iframe></iframe></body></html>"
    )
    found = page_dangers(parse_html(page))
    assert len(found) == 6, found


def test_listener_records_connections(loopback: object) -> None:
    from .guards import LoopbackListener

    listener = LoopbackListener()
    try:
        with socket.create_connection(("127.0.0.1", listener.port), timeout=2):
            pass
        for _ in range(50):
            if listener.connections:
                break
            os.sched_yield()
            import time

            time.sleep(0.02)
        assert listener.connections
    finally:
        listener.close()


def test_the_watchdog_stops_a_render_at_the_time_limit(
    make_workspace: MakeWorkspace, tmp_path: Path
) -> None:
    from .harness import run_presser

    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    run = run_presser(
        workspace.root,
        ["render", "releases/r.yaml", "--format", "pdf"],
        port=1,
        report=tmp_path / "report.json",
        timeout=0.2,  # less than Python takes to start
    )
    assert run.timed_out and run.returncode == -9
