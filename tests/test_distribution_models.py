"""distribution: in organisation.yaml, a release's distribution:, smtp: in presser.yaml, CSVs."""

from __future__ import annotations

from pathlib import Path

import pytest

from presser.distribution.recipients import Recipient, read_recipients
from presser.errors import ProblemsFound
from presser.source.validation import load_release
from presser.source.workspace import Workspace

from .conftest import ORGANISATION_YAML, RELEASE_YAML, MakeWorkspace

DISTRIBUTION = """\
distribution:
  from: Exempelkommunen <press@exempel.se>
  unsubscribe_url: https://exempel.se/press/unsubscribe
  lists:
    - name: journalists-sv
      recipients: lists/journalists-sv.csv
    - name: trade-press
      recipients: [redaktion@example.se, Anna Berg <anna@example.org>]
      embargo: true
  wires:
    - name: tt-nyhetsbyran
      to: desk@wire.example.se
      wire: nordic
      width: 0
      attach_pdf: true
"""


def problems_of(workspace: Workspace, name: str = "r.yaml") -> list[str]:
    """Each problem as path:line:column: field: message, the path from the workspace root."""
    with pytest.raises(ProblemsFound) as caught:
        load_release(workspace.releases_dir / name, workspace)
    root = f"{workspace.root}/"
    return [str(p).removeprefix(root) for p in caught.value.problems]


def organisation_problems(workspace: Workspace) -> list[str]:
    with pytest.raises(ProblemsFound) as caught:
        workspace.organisation("exempel")
    root = f"{workspace.root}/"
    return [str(p).removeprefix(root) for p in caught.value.problems]


def test_a_distribution_validates(make_workspace: MakeWorkspace) -> None:
    release = RELEASE_YAML + "distribution: [journalists-sv, tt-nyhetsbyran]\n"
    workspace = make_workspace(
        releases={"r.yaml": release}, organisations={"exempel": ORGANISATION_YAML + DISTRIBUTION}
    )
    loaded = load_release(workspace.releases_dir / "r.yaml", workspace)
    distribution = loaded.organisation.profile.distribution
    assert distribution is not None
    assert distribution.names == ("journalists-sv", "trade-press", "tt-nyhetsbyran")
    assert distribution.sender == ("Exempelkommunen", "press@exempel.se")
    assert loaded.release.distribution == ("journalists-sv", "tt-nyhetsbyran")


@pytest.mark.parametrize(
    ("change", "where", "message"),
    [
        ("desk@wire.example.se", "desk@wire", "not a valid e-mail address"),
        ("- name: trade-press\n      recipients: [a@example.se]", "- name: tt-nyhetsbyran", ""),
        ("Exempelkommunen <press@exempel.se>", "Exempelkommunen <press@@exempel.se>", "from"),
        ("https://exempel.se/press", "http://exempel.se/press", "https://"),
        ("name: journalists-sv", "name: Journalists SV", "lower-case letters"),
    ],
    ids=["bad address", "duplicate name", "bad from", "http unsubscribe", "name not a slug"],
)
def test_distribution_problems_are_positioned(
    make_workspace: MakeWorkspace, change: str, where: str, message: str
) -> None:
    if where == "- name: tt-nyhetsbyran":  # a wire named like a list
        broken = DISTRIBUTION.replace("name: tt-nyhetsbyran", "name: trade-press")
        message, line = "already the name of lists[1]", 11  # at wires:
    else:
        broken = DISTRIBUTION.replace(change, where)
        line = next(i for i, text in enumerate(broken.splitlines(), 1) if where in text)
    org = ORGANISATION_YAML + broken
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML}, organisations={"exempel": org})
    found = organisation_problems(workspace)
    offset = ORGANISATION_YAML.count("\n")
    hit = [
        p for p in found if p.startswith("templates/exempel/organisation.yaml:") and message in p
    ]
    assert hit, found
    assert int(hit[0].split(":")[1]) == offset + line, hit


def test_an_address_with_a_line_break_is_refused(make_workspace: MakeWorkspace) -> None:
    org = ORGANISATION_YAML + DISTRIBUTION.replace(
        "from: Exempelkommunen <press@exempel.se>",
        'from: "Exempelkommunen\\r\\nBcc: victim@example.se <press@exempel.se>"',
    )
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML}, organisations={"exempel": org})
    found = organisation_problems(workspace)
    assert any("line break" in p and "distribution.from" in p for p in found), found


def test_an_unknown_name_in_a_release_suggests_the_closest(make_workspace: MakeWorkspace) -> None:
    release = RELEASE_YAML + "distribution: [tt-nyhetsbyran, journalist-sv]\n"
    workspace = make_workspace(
        releases={"r.yaml": release}, organisations={"exempel": ORGANISATION_YAML + DISTRIBUTION}
    )
    (problem,) = problems_of(workspace)
    line = release.count("\n")
    assert problem.startswith(f"releases/r.yaml:{line}:"), problem
    assert "distribution[1]" in problem
    assert "did you mean 'journalists-sv'?" in problem


def test_a_release_naming_lists_of_an_organisation_without_any(
    make_workspace: MakeWorkspace,
) -> None:
    release = RELEASE_YAML + "distribution: [journalists-sv]\n"
    workspace = make_workspace(releases={"r.yaml": release})
    (problem,) = problems_of(workspace)
    assert "has no lists or wires" in problem


@pytest.mark.parametrize(
    ("smtp", "message"),
    [
        ("  host: mail.exempel.se\n  password: hunter2\n", "PRESSER_SMTP_PASSWORD"),
        ("  host: mail.exempel.se\n  security: none\n", "only to a relay on this machine"),
        ("  host: mail.exempel.se\n  security: ssl\n", "starttls"),
    ],
    ids=["password", "none off loopback", "unknown security"],
)
def test_smtp_settings_problems(make_workspace: MakeWorkspace, smtp: str, message: str) -> None:
    workspace = make_workspace(releases={"r.yaml": RELEASE_YAML})
    (workspace.root / "presser.yaml").write_text("smtp:\n" + smtp, encoding="utf-8")
    found = problems_of(workspace)
    assert any(p.startswith("presser.yaml:") and message in p for p in found), found


def test_smtp_without_tls_on_loopback_is_fine(make_workspace: MakeWorkspace) -> None:
    from presser.source.limits import Settings

    settings = Settings.model_validate({"smtp": {"host": "127.0.0.1", "security": "none"}})
    assert settings.smtp is not None and settings.smtp.port == 587
    Settings.model_validate({"smtp": {"host": "localhost", "security": "none", "port": "25"}})


def _list_workspace(make_workspace: MakeWorkspace, csv_text: str) -> tuple[Workspace, object]:
    workspace = make_workspace(organisations={"exempel": ORGANISATION_YAML + DISTRIBUTION})
    (workspace.root / "lists").mkdir()
    (workspace.root / "lists" / "journalists-sv.csv").write_text(csv_text, encoding="utf-8")
    distribution = workspace.organisation("exempel").profile.distribution
    assert distribution is not None
    return workspace, distribution.lists[0]


def test_a_csv_is_read(make_workspace: MakeWorkspace) -> None:
    workspace, journalists = _list_workspace(
        make_workspace, "email,name,language\nanna@example.se,Anna Berg,sv\nbo@example.se,,\n"
    )
    assert read_recipients(journalists, workspace) == [  # type: ignore[arg-type]
        Recipient("anna@example.se", "Anna Berg", "sv"),
        Recipient("bo@example.se", "", None),
    ]


def test_every_bad_csv_line_at_its_own_path_and_line(make_workspace: MakeWorkspace) -> None:
    csv_text = (
        "email,name\n"
        "anna@example.se,Anna Berg\n"
        "not-an-address,Bo\n"
        "anna@example.se,Anna again\n"
        '"cid@example.se","Eve\r\nBcc: x@example.se"\n'
    )
    workspace, journalists = _list_workspace(make_workspace, csv_text)
    with pytest.raises(ProblemsFound) as caught:
        read_recipients(journalists, workspace)  # type: ignore[arg-type]
    root = f"{workspace.root}/"
    shown = [(p.path.removeprefix(root), p.line, p.column) for p in caught.value.problems]
    assert shown == [("lists/journalists-sv.csv", n, 1) for n in (3, 4, 5)], shown
    assert "line break" in caught.value.problems[2].message


def test_a_csv_without_email_column(make_workspace: MakeWorkspace) -> None:
    workspace, journalists = _list_workspace(make_workspace, "mail,name\na@example.se,A\n")
    with pytest.raises(ProblemsFound, match="needs 'email'"):
        read_recipients(journalists, workspace)  # type: ignore[arg-type]


def test_a_csv_outside_the_workspace_is_refused(
    make_workspace: MakeWorkspace, tmp_path_factory: pytest.TempPathFactory
) -> None:
    workspace, journalists = _list_workspace(make_workspace, "email\na@example.se\n")
    outside = tmp_path_factory.mktemp("outside") / "secret.csv"
    outside.write_text("email\nb@example.se\n", encoding="utf-8")
    link = workspace.root / "lists" / "journalists-sv.csv"
    link.unlink()
    link.symlink_to(outside)
    with pytest.raises(ProblemsFound, match="outside the workspace"):
        read_recipients(journalists, workspace)  # type: ignore[arg-type]


def test_written_out_recipients(make_workspace: MakeWorkspace, tmp_path: Path) -> None:
    workspace = make_workspace(organisations={"exempel": ORGANISATION_YAML + DISTRIBUTION})
    distribution = workspace.organisation("exempel").profile.distribution
    assert distribution is not None
    assert read_recipients(distribution.lists[1], workspace) == [
        Recipient("redaktion@example.se", ""),
        Recipient("anna@example.org", "Anna Berg"),
    ]
