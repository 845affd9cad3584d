"""presser init and presser new for a first-day user: the country, the organisation, the name."""

from __future__ import annotations

import zoneinfo
from importlib import resources
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from presser import scaffold
from presser.cli import cli
from presser.cli import project as cli_module
from presser.source.workspace import Workspace

from .conftest import ORGANISATION_YAML, REPO, MakeWorkspace


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _init(runner: CliRunner, *options: str, answers: str | None = None) -> Result:
    return runner.invoke(
        cli, ["init", "ws", "--org", "acme", "--name", "Acme Inc.", *options], input=answers
    )


def _draft_with_phone(runner: CliRunner, root: Path, phone: str) -> Result:
    """``presser new`` in ``root``, a local phone number added, then ``presser validate``."""
    made = runner.invoke(cli, ["new", "first", "--org", "acme"])
    assert made.exit_code == 0, made.output
    (draft,) = (root / "releases").glob("*-first.yaml")
    text = draft.read_text(encoding="utf-8")
    assert text.endswith("    email: press@example.org\n")
    draft.write_text(text + f'    phone: "{phone}"\n', encoding="utf-8")
    return runner.invoke(cli, ["validate", str(draft)])


def _profile(root: Path) -> tuple[str, str | None]:
    """The organisation file's text, and its country as presser reads it."""
    text = (root / "templates" / "acme" / "organisation.yaml").read_text(encoding="utf-8")
    return text, Workspace(root).organisation("acme").profile.country


# The country from the time zone


def test_tzdata_ships_the_country_tables() -> None:
    zones = resources.files("tzdata.zoneinfo")
    assert zones.joinpath("zone.tab").is_file()
    assert zones.joinpath("zone1970.tab").is_file()


@pytest.mark.parametrize(
    ("timezone", "country"),
    [
        ("Europe/Stockholm", "SE"),
        ("Europe/Oslo", "NO"),
        ("Europe/Copenhagen", "DK"),
        # zone1970.tab lists DE,DK,NO,SE,SJ for Berlin; zone.tab says DE.
        ("Europe/Berlin", "DE"),
        ("Europe/Helsinki", "FI"),
        ("America/New_York", "US"),
        ("UTC", None),
        ("Etc/GMT-3", None),
    ],
)
def test_country_for_timezone(timezone: str, country: str | None) -> None:
    assert scaffold.country_for_timezone(timezone) == country


def test_zone1970_tab_only_where_zone_tab_lacks_the_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    tables = {
        "zone.tab": "# comment\tx\tEurope/Both\nSE\t+5920+01803\tEurope/Both\n",
        "zone1970.tab": "DE,SE\t+5230+01322\tEurope/Both\nNO,SJ\t+5955+01045\tEurope/Only1970\n",
    }
    monkeypatch.setattr(scaffold, "_zone_table", tables.get)
    assert scaffold.country_for_timezone("Europe/Both") == "SE"
    assert scaffold.country_for_timezone("Europe/Only1970") == "NO"
    assert scaffold.country_for_timezone("Europe/Neither") is None


def test_country_tables_fall_back_to_the_systems(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def no_tzdata(package: str) -> None:
        raise ModuleNotFoundError(package)

    monkeypatch.setattr(scaffold.resources, "files", no_tzdata)
    (tmp_path / "zone.tab").write_text("FI\t+6010+02458\tEurope/Stockholm\n", encoding="utf-8")
    monkeypatch.setattr(zoneinfo, "TZPATH", (str(tmp_path / "missing"), str(tmp_path)))
    assert scaffold.country_for_timezone("Europe/Stockholm") == "FI"
    monkeypatch.setattr(zoneinfo, "TZPATH", ())
    assert scaffold.country_for_timezone("Europe/Stockholm") is None


# presser init: each way to the country, then a draft with a local number


def test_init_takes_the_country_from_the_time_zone(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _init(runner, "--language", "sv")
    assert result.exit_code == 0, result.output
    text, country = _profile(tmp_path / "ws")
    assert country == "SE"
    assert "from the time zone Europe/Stockholm).\ncountry: SE\n" in text
    monkeypatch.chdir(tmp_path / "ws")
    checked = _draft_with_phone(runner, tmp_path / "ws", "0371-812 34")
    assert checked.exit_code == 0, checked.output


def test_init_in_new_york_reads_american_numbers(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _init(runner, "--language", "en", "--timezone", "America/New_York")
    assert result.exit_code == 0, result.output
    assert _profile(tmp_path / "ws")[1] == "US"
    monkeypatch.chdir(tmp_path / "ws")
    checked = _draft_with_phone(runner, tmp_path / "ws", "(212) 555-0142")
    assert checked.exit_code == 0, checked.output


def test_init_country_option_wins_over_the_time_zone(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _init(runner, "--country", "no")
    assert result.exit_code == 0, result.output
    text, country = _profile(tmp_path / "ws")
    assert country == "NO"
    assert "(given to presser init with --country).\ncountry: NO\n" in text
    monkeypatch.chdir(tmp_path / "ws")
    checked = _draft_with_phone(runner, tmp_path / "ws", "22 12 34 56")
    assert checked.exit_code == 0, checked.output


def test_init_asks_on_a_terminal_when_the_time_zone_names_no_country(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_module, "_stdin_is_terminal", lambda: True)
    result = _init(runner, "--timezone", "UTC", answers="xx\nno\n")
    assert result.exit_code == 0, result.output
    assert "'xx' is not a country code known for phone numbers" in result.output
    assert result.output.count("Country for phone numbers") == 2
    text, country = _profile(tmp_path / "ws")
    assert country == "NO"
    assert "(as answered to presser init).\ncountry: NO\n" in text
    assert "Note:" not in result.output
    monkeypatch.chdir(tmp_path / "ws")
    checked = _draft_with_phone(runner, tmp_path / "ws", "22 12 34 56")
    assert checked.exit_code == 0, checked.output


def test_init_empty_answer_on_a_terminal_means_no_country(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_module, "_stdin_is_terminal", lambda: True)
    result = _init(runner, "--timezone", "UTC", answers="\n")
    assert result.exit_code == 0, result.output
    assert _profile(tmp_path / "ws")[1] is None
    assert "Note: no country for phone numbers" in result.output


def test_init_off_a_terminal_writes_no_country_and_says_so(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = _init(runner, "--timezone", "UTC")
    assert result.exit_code == 0, result.output
    text, country = _profile(tmp_path / "ws")
    assert country is None
    assert "# The time zone UTC gives no country" in text
    notes = [line for line in result.output.splitlines() if line.startswith("Note:")]
    assert notes == [
        "Note: no country for phone numbers; set country: in "
        "ws/templates/acme/organisation.yaml to write them without +"
    ]
    monkeypatch.chdir(tmp_path / "ws")
    checked = _draft_with_phone(runner, tmp_path / "ws", "0371-812 34")
    assert checked.exit_code == 1
    assert "not a valid phone number (international)" in checked.output


def test_init_asks_nothing_before_refusing_a_bad_time_zone(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(cli_module, "_stdin_is_terminal", lambda: True)
    result = _init(runner, "--timezone", "Mars/Olympus", answers="SE\n")
    assert result.exit_code == 2
    assert "Country for phone numbers" not in result.output
    assert not (tmp_path / "ws").exists()


# presser new without --org


def test_new_without_org_uses_the_only_organisation(
    runner: CliRunner,
    make_workspace: MakeWorkspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_workspace()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["new", "spring-fair"])
    assert result.exit_code == 0, result.output
    (draft,) = (tmp_path / "releases").glob("*-spring-fair.yaml")
    assert "organisation: exempel\n" in draft.read_text(encoding="utf-8")
    assert runner.invoke(cli, ["validate", str(draft)]).exit_code == 0


def test_new_without_org_among_several_lists_them(
    runner: CliRunner,
    make_workspace: MakeWorkspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_workspace(organisations={"exempel": ORGANISATION_YAML, "annan": ORGANISATION_YAML})
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["new", "spring-fair"])
    assert result.exit_code == 2
    assert "several organisations (annan, exempel); choose one with --org" in result.output
    assert list((tmp_path / "releases").iterdir()) == []
    misspelled = runner.invoke(cli, ["new", "spring-fair", "--org", "exempl"])
    assert misspelled.exit_code == 2
    assert "(there is: annan, exempel); did you mean 'exempel'?" in misspelled.output


def test_new_without_org_and_no_organisation(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "templates").mkdir()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["new", "spring-fair"])
    assert result.exit_code == 2
    assert "no organisation in templates/" in result.output
    assert "presser init . --org SLUG" in result.output


# Names that become file and folder names


@pytest.mark.parametrize("slug", ["evil\n", "spring-fair\n", "Spring", "-x", "a/b", ""])
def test_new_refuses_a_name_that_is_not_a_slug(
    runner: CliRunner,
    make_workspace: MakeWorkspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    slug: str,
) -> None:
    make_workspace()
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["new", "--org", "exempel", "--", slug])
    assert result.exit_code == 2
    assert "use lower-case letters, digits and '-'" in result.output
    assert list((tmp_path / "releases").iterdir()) == []


def test_init_refuses_an_organisation_name_ending_in_a_newline(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["init", "ws", "--org", "acme\n", "--name", "Acme"])
    assert result.exit_code == 2
    assert "organisation name 'acme\\n'" in result.output
    assert not (tmp_path / "ws").exists()


# The repository's organisations


def _date_locale_files() -> list[Path]:
    return [
        path
        for path in sorted((REPO / "templates").glob("*/organisation.yaml"))
        if "date_locale" in yaml.safe_load(path.read_text(encoding="utf-8"))
    ]


def test_the_repository_has_organisations_with_a_date_locale() -> None:
    assert [p.parent.name for p in _date_locale_files()] == ["regionforbundet-jonkoping", "skl"]


@pytest.mark.parametrize("path", _date_locale_files(), ids=lambda p: p.parent.name)
def test_a_date_locale_says_why(path: Path) -> None:
    """English dates on Swedish releases look like a bug unless the file says why."""
    lines = path.read_text(encoding="utf-8").splitlines()
    (at,) = [i for i, line in enumerate(lines) if line.startswith("date_locale:")]
    comment = lines[at].partition("#")[2]
    above = at - 1
    while above >= 0 and lines[above].startswith("#"):
        comment = lines[above] + "\n" + comment
        above -= 1
    assert "original" in comment and "word for word" in comment, comment
