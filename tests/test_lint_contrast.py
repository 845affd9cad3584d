"""O102: the brand colour and style.css's text colours against WCAG AA, positioned where written."""

from __future__ import annotations

from pathlib import Path

import pytest

from presser.lint.contrast import contrast, nearest_passing, parse_hex, to_hex

from .workflow_helpers import make_newsroom, run


def test_the_formula_is_wcags() -> None:
    white, black = (1.0, 1.0, 1.0), (0.0, 0.0, 0.0)
    assert contrast(white, black) == pytest.approx(21.0)
    grey = parse_hex("#767676")
    assert grey is not None and contrast(grey, white) == pytest.approx(4.54, abs=0.01)
    light = parse_hex("#bbb")
    assert light is not None
    better = nearest_passing(light, white)
    assert to_hex(better) == "#767676" and contrast(better, white) >= 4.5


def test_a_pale_brand_colour_is_a_warning_in_organisation_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path)
    org = newsroom.root / "templates" / "exempel" / "organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8") + 'brand_colour: "#7fb2e5"\n')
    (newsroom.root / "templates" / "exempel" / "style.css").write_text(
        "h1 { font-weight: 700; }\n.quote {\n  color: #bbbbbb;\n}\n"
        ".ok { color: #fff; background: #1f4e8c; }\n.var { color: var(--brand); }\n",
        encoding="utf-8",
    )
    done = run("lint", "releases/r.yaml")
    lines = [line for line in done.output.splitlines() if "O102" in line]
    line_of_colour = org.read_text(encoding="utf-8").splitlines().index('brand_colour: "#7fb2e5"')
    assert lines == [
        f"templates/exempel/organisation.yaml:{line_of_colour + 1}:15: O102 warning: brand_colour "
        "#7fb2e5 has a contrast of 2.2:1, below WCAG AA's 4.5:1 for text; #2978c8 is the "
        "nearest colour of its hue that passes",
        "templates/exempel/style.css:3:3: O102 warning: color: #bbbbbb on white has a contrast "
        "of 1.9:1, below WCAG AA's 4.5:1 for text; #767676 is the nearest colour of its hue "
        "that passes",
    ], done.output


def test_the_organisations_of_releases_pass(tmp_path: Path) -> None:
    from .conftest import REPO

    done = run("lint", str(REPO / "releases"))
    assert "O102" not in done.output, done.output


def test_an_organisations_warning_is_said_once_for_all_its_releases(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .workflow_helpers import RELEASE

    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path, releases={"r.yaml": RELEASE, "s.yaml": RELEASE})
    org = newsroom.root / "templates" / "exempel" / "organisation.yaml"
    org.write_text(org.read_text(encoding="utf-8") + 'brand_colour: "#7fb2e5"\n')
    done = run("lint", "releases")
    assert [line for line in done.output.splitlines() if "O102" in line] != []
    assert len([line for line in done.output.splitlines() if "O102" in line]) == 1, done.output
