"""Publishing: version folders, manifests, frozen releases, scheduling, embargo, --due."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

import presser
from presser.editorial import publishing
from presser.editorial.manifest import content_hash, frozen_problems, verify_manifest
from presser.editorial.workflow import Refused
from presser.source.loading import load_file
from presser.source.validation import load_release
from presser.source.workspace import Workspace, find_workspace

from .conftest import REPO
from .workflow_helpers import (
    FUTURE,
    RELEASE,
    Newsroom,
    approve_it,
    make_newsroom,
    run,
    sha256,
    snapshot,
)


@pytest.fixture
def newsroom(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Newsroom:
    monkeypatch.chdir(tmp_path)
    return make_newsroom(tmp_path)


def published(newsroom: Newsroom, name: str = "r.yaml") -> None:
    approve_it(name)
    result = run("publish", f"releases/{name}", "--by", "Pia Press")
    assert result.exit_code == 0, result.output


def pdf_text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join((page.extract_text() or "") for page in reader.pages)


# --------------------------------------------------------------------------- the version folder


def test_publish_writes_the_version_folder_and_a_manifest_that_verifies(
    newsroom: Newsroom,
) -> None:
    published(newsroom)
    folder = newsroom.version(1)
    assert sorted(snapshot(folder)) == [
        "images/hall.png",
        "manifest.json",
        "r.html",
        "r.pdf",
        "r.txt",
    ]
    manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
    # Every file's hash, checked here independently of presser's own verifier.
    for entry in manifest["files"]:
        assert sha256(folder / entry["path"]) == entry["sha256"]
        assert (folder / entry["path"]).stat().st_size == entry["size"]
    assert verify_manifest(folder) == []
    assert manifest["version"] == 1
    assert manifest["release"] == "releases/r.yaml"
    assert manifest["presser_version"] == presser.__version__
    assert manifest["approved_by"] == "Pia Press"
    assert manifest["published_by"] == "Pia Press"
    assert manifest["template_hash"].startswith("sha256:")
    approval = load_file(newsroom.release()).data["history"][1]
    assert manifest["content_hash"] == approval["content_hash"]
    assert manifest["approved_at"] == approval["at"]
    # The page shows the copy of the image in the version folder, not the source.
    html = (folder / "r.html").read_text("utf-8")
    assert 'src="images/hall.png"' in html
    assert "../" not in html.split("<body", 1)[1]
    assert "Kommunen bygger en ny simhall" in pdf_text(folder / "r.pdf")


def test_a_tampered_output_no_longer_verifies(newsroom: Newsroom) -> None:
    published(newsroom)
    folder = newsroom.version(1)
    (folder / "r.txt").write_text("changed\n", "utf-8")
    assert verify_manifest(folder) == ["r.txt differs from its SHA-256 in the manifest"]
    result = run("validate")
    assert result.exit_code == 1
    assert "published/r/v1/r.txt differs from its SHA-256 in the manifest" in result.output


def test_published_release_is_frozen(newsroom: Newsroom) -> None:
    published(newsroom)
    assert run("validate").exit_code == 0
    newsroom.write("r.yaml", newsroom.text().replace('"Kommunen bygger', '"Kommunen river'))
    result = run("validate")
    assert result.exit_code == 1
    assert (
        "releases/r.yaml:5:1: headline: changed after publishing; a published release is "
        "frozen (its v1 is in published/r/v1/); to change it, run: presser correct "
        "releases/r.yaml --note '…'"
    ) in result.output


def test_frozen_check_ignores_layout_and_comments(newsroom: Newsroom) -> None:
    published(newsroom)
    newsroom.write(
        "r.yaml",
        "# reformatted by hand\n" + newsroom.text().replace("[simhall,   bad]", "[simhall, bad]"),
    )
    assert run("validate").exit_code == 0


def test_frozen_check_sees_a_changed_image(newsroom: Newsroom) -> None:
    published(newsroom)
    image = newsroom.root / "releases" / "images" / "hall.png"
    image.write_bytes(image.read_bytes() + b"\0")
    result = run("validate")
    assert result.exit_code == 1
    assert "images[0].path: the image file changed after publishing" in result.output


def test_seed_releases_are_taken_as_they_are() -> None:
    workspace = find_workspace(REPO)
    for path in sorted((REPO / "releases").glob("*.yaml")):
        assert frozen_problems(load_release(path, workspace)) == []


def test_a_version_folder_is_never_overwritten(newsroom: Newsroom) -> None:
    approve_it()
    squatter = newsroom.version(1)
    squatter.mkdir(parents=True)
    (squatter / "r.html").write_text("someone else's", "utf-8")
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert (
        "releases/r.yaml: publish refused: published/r/v1/ exists; it was not made by this "
        "publish, and a version folder is never overwritten"
    ) in result.output
    assert (squatter / "r.html").read_text("utf-8") == "someone else's"
    assert load_file(newsroom.release()).data["status"] == "approved"


def test_publishing_again_is_refused(newsroom: Newsroom) -> None:
    published(newsroom)
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert "publish refused: it is already published as v1; to change it" in result.output


# --------------------------------------------------------------------------- refusals


def test_changed_since_approval_is_refused(newsroom: Newsroom) -> None:
    approve_it()
    newsroom.write("r.yaml", newsroom.text().replace("En paragraf", "En annan paragraf"))
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert "releases/r.yaml: publish refused: it changed after Pia Press approved it" in (
        result.output
    )
    assert "submit it again for review (presser submit releases/r.yaml)" in result.output
    assert not newsroom.version(1).exists()


def test_a_changed_template_also_needs_a_new_approval(newsroom: Newsroom) -> None:
    approve_it()
    (newsroom.root / "templates" / "exempel" / "style.css").write_text("h1 { color: red }\n")
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert "it changed after Pia Press approved it" in result.output


def test_workflow_settings_are_not_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path)
    approve_it()
    org = newsroom.root / "templates" / "exempel" / "organisation.yaml"
    org.write_text(org.read_text("utf-8") + "workflow:\n  approvers: [Pia Press]\n", "utf-8")
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 0, result.output


def test_publish_refused_while_invalid(newsroom: Newsroom) -> None:
    approve_it()
    newsroom.write("r.yaml", newsroom.text().replace("email: anna.berg@exempel.se", "email: nej"))
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert "contacts[0].email: not a valid e-mail address" in result.output
    assert "publish refused: the release has 1 problem" in result.output


def test_future_publication_time_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(
        tmp_path, releases={"r.yaml": RELEASE.replace("2010-03-02T10:00:00+01:00", FUTURE)}
    )
    approve_it()
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert (
        f"releases/r.yaml: publish refused: its publication time {FUTURE} is in "
    ) in result.output
    assert "use --schedule to have presser publish --due publish it then" in result.output
    assert not (newsroom.root / "published" / "r").exists()


def test_schedule_records_it_for_publish_due(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(
        tmp_path, releases={"r.yaml": RELEASE.replace("2010-03-02T10:00:00+01:00", FUTURE)}
    )
    approve_it()
    result = run("publish", "releases/r.yaml", "--schedule", "--by", "Pia Press")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"releases/r.yaml: scheduled; presser publish --due publishes it from {FUTURE}\n"
    )
    entry = load_file(newsroom.release()).data["history"][-1]
    assert (entry["action"], entry["from"], entry["to"]) == ("schedule", "approved", "approved")
    assert entry["note"] == f"for {FUTURE}"
    again = run("publish", "releases/r.yaml", "--schedule", "--by", "Pia Press")
    assert again.exit_code == 0
    assert "already scheduled" in again.output
    # Not yet due: --due waits; at the time (an injected clock), it publishes.
    waiting = run("publish", "--due")
    assert waiting.exit_code == 0
    assert waiting.output.startswith(f"waiting   releases/r.yaml: due {FUTURE} (in ")
    workspace = Workspace(tmp_path)
    then = datetime.fromisoformat("3000-01-01T00:00:00+00:00")
    outcomes = publishing.publish_due((), workspace, by="cron", now=then)
    assert [(o.outcome, o.detail) for o in outcomes] == [("published", "v1 -> published/r/v1/")]
    assert load_file(newsroom.release()).data["status"] == "published"


def test_embargo_not_lifted_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    embargoed = RELEASE.replace(
        "published: 2010-03-02T10:00:00+01:00",
        f"published: {FUTURE}\nembargo: 2999-03-02T06:00:00+01:00",
    )
    newsroom = make_newsroom(tmp_path, releases={"r.yaml": embargoed})
    approve_it()
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert (
        "releases/r.yaml: publish refused: the embargo lifts at 2999-03-02T06:00:00+01:00 (in "
    ) in result.output
    assert "an embargoed release is not published before then" in result.output
    assert not (newsroom.root / "published" / "r").exists()


# --------------------------------------------------------------------------- corrections


@pytest.mark.parametrize(
    ("language", "notice"),
    [("sv", "Rättelse"), ("en", "Correction"), ("de", "Korrektur vom")],
)
def test_correction_publishes_v2_and_keeps_v1_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, notice: str
) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(
        tmp_path, releases={"r.yaml": RELEASE.replace("language: sv", f"language: {language}")}
    )
    published(newsroom)
    v1 = snapshot(newsroom.version(1))

    result = run(
        "correct", "releases/r.yaml", "--by", "Pia Press", "--note", "Simhallen öppnar 2011."
    )
    assert result.exit_code == 0, result.output
    assert "published -> draft (correct by Pia Press): version 2 started" in result.output
    data = load_file(newsroom.release()).data
    assert data["status"] == "draft"
    assert data["corrections"][0]["note"] == "Simhallen öppnar 2011."
    assert data["history"][-1]["version"] == "2"
    assert run("validate").exit_code == 0  # a draft again: free to edit

    published(newsroom)
    assert snapshot(newsroom.version(1)) == v1
    assert verify_manifest(newsroom.version(1)) == []
    v2 = newsroom.version(2)
    assert verify_manifest(v2) == []
    assert json.loads((v2 / "manifest.json").read_text("utf-8"))["version"] == 2

    corrected_at = datetime.fromisoformat(data["corrections"][0]["at"])
    for output in ("r.txt", "r.html"):
        text = (v2 / output).read_text("utf-8")
        assert notice in text, output
        assert "Simhallen öppnar 2011." in text, output
        assert notice not in (newsroom.version(1) / output).read_text("utf-8")
    assert f"{corrected_at.year}" in (v2 / "r.txt").read_text("utf-8").split(notice, 1)[1]
    assert notice in pdf_text(v2 / "r.pdf")
    html = (v2 / "r.html").read_text("utf-8")
    json_ld = json.loads(
        html.split('<script type="application/ld+json">', 1)[1].split("</script>")[0]
    )
    assert json_ld["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": "Simhallen öppnar 2011.",
            "datePublished": data["corrections"][0]["at"],
        }
    ]
    assert run("validate").exit_code == 0


# --------------------------------------------------------------------------- --due


def test_publish_due_twice_publishes_each_due_release_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(
        tmp_path,
        releases={
            "a.yaml": RELEASE,
            "b.yaml": RELEASE.replace("en ny simhall", "ett nytt bibliotek"),
            "later.yaml": RELEASE.replace("2010-03-02T10:00:00+01:00", FUTURE),
            "draft.yaml": RELEASE,
        },
    )
    for name in ("a.yaml", "b.yaml", "later.yaml"):
        approve_it(name)

    first = run("publish", "--due", "--by", "cron")
    assert first.exit_code == 0, first.output
    lines = first.output.splitlines()
    assert lines[0] == "published releases/a.yaml: v1 -> published/a/v1/"
    assert lines[1] == "published releases/b.yaml: v1 -> published/b/v1/"
    assert lines[2].startswith(f"waiting   releases/later.yaml: due {FUTURE} (in ")
    assert lines[3] == "2 published, 1 waiting, 0 refused."
    before = {stem: snapshot(newsroom.version(1, stem)) for stem in ("a", "b")}

    second = run("publish", "--due", "--by", "cron")
    assert second.exit_code == 0, second.output
    assert "published " not in second.output
    assert second.output.splitlines()[-1] == "0 published, 1 waiting, 0 refused."
    assert {stem: snapshot(newsroom.version(1, stem)) for stem in ("a", "b")} == before
    assert not newsroom.version(2, "a").exists()
    assert load_file(newsroom.release("draft.yaml")).data["status"] == "draft"
    actions = [e["action"] for e in load_file(newsroom.release("a.yaml")).data["history"]]
    assert actions == ["submit", "approve", "publish"]

    quiet = run("publish", "--due", "--quiet", "--by", "cron")
    assert (quiet.exit_code, quiet.output) == (0, "")


def test_publish_due_reports_a_refusal_and_publishes_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    newsroom = make_newsroom(tmp_path, releases={"a.yaml": RELEASE, "b.yaml": RELEASE})
    approve_it("a.yaml")
    approve_it("b.yaml")
    newsroom.write("a.yaml", newsroom.text("a.yaml").replace("En paragraf", "Ändrad"))
    result = run("publish", "--due", "--by", "cron")
    assert result.exit_code == 1
    assert "refused   releases/a.yaml: it changed after Pia Press approved it" in result.output
    assert "published releases/b.yaml: v1 -> published/b/v1/" in result.output
    assert result.output.splitlines()[-1] == "1 published, 0 waiting, 1 refused."


def test_due_requires_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    make_newsroom(tmp_path, workflow="workflow:\n  due_requires_schedule: true\n")
    approve_it()
    result = run("publish", "--due", "--by", "cron")
    assert result.exit_code == 0
    assert "waiting   releases/r.yaml: approved but not scheduled" in result.output
    assert run("publish", "releases/r.yaml", "--schedule", "--by", "Pia").exit_code == 0
    # Its time has come already, so --schedule published it at once.
    assert (tmp_path / "published" / "r" / "v1" / "manifest.json").is_file()


def test_due_and_schedule_do_not_go_together(newsroom: Newsroom) -> None:
    result = run("publish", "--due", "--schedule")
    assert result.exit_code == 2
    assert "--schedule is for one FILE" in result.output


def test_publish_needs_one_file(newsroom: Newsroom) -> None:
    result = run("publish")
    assert result.exit_code == 2
    assert "publish takes one release FILE" in result.output


# --------------------------------------------------------------------------- embargo copies


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("sv", "Embargo: får publiceras tidigast"),
        ("en", "EMBARGOED UNTIL"),
    ],
)
def test_an_embargoed_release_renders_for_recipients_with_the_embargo_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, line: str
) -> None:
    monkeypatch.chdir(tmp_path)
    embargoed = RELEASE.replace(
        "published: 2010-03-02T10:00:00+01:00",
        f"published: {FUTURE}\nembargo: 2999-03-02T06:00:00+01:00",
    ).replace("language: sv", f"language: {language}")
    make_newsroom(tmp_path, releases={"r.yaml": embargoed})
    approve_it()
    result = run("render", "releases/r.yaml", "--out", "embargoed")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "embargoed" / "r.html").read_text("utf-8")
    # At the top of the article, before the headline, marked as a note.
    header = html.split('<header class="release-header">', 1)[1]
    assert header.lstrip().startswith(f'<p class="embargo" role="note"><strong>{line}')
    assert header.index(line) < header.index("<h1>")
    text = (tmp_path / "embargoed" / "r.txt").read_text("utf-8")
    assert text.startswith(line)  # the wire copy's first line, above the masthead
    assert line in pdf_text(tmp_path / "embargoed" / "r.pdf")


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("sv", "Embargo: får publiceras tidigast"),
        ("en", "EMBARGOED UNTIL"),
    ],
)
def test_a_version_published_after_its_embargo_carries_no_embargo_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, line: str
) -> None:
    monkeypatch.chdir(tmp_path)
    lifted = RELEASE.replace(
        "published: 2010-03-02T10:00:00+01:00",
        "published: 2010-03-02T10:00:00+01:00\nembargo: 2010-03-02T06:00:00+01:00",
    ).replace("language: sv", f"language: {language}")
    newsroom = make_newsroom(tmp_path, releases={"r.yaml": lifted})
    # What embargoed recipients got before the time: the embargo line in every output.
    approve_it()
    assert run("render", "releases/r.yaml", "--out", "copies").exit_code == 0
    for name in ("r.html", "r.txt"):
        assert line in (tmp_path / "copies" / name).read_text("utf-8"), name
    published(newsroom)
    v1 = newsroom.version(1)
    for name in ("r.html", "r.txt"):
        assert line not in (v1 / name).read_text("utf-8"), name
    assert 'class="embargo"' not in (v1 / "r.html").read_text("utf-8")
    assert line not in pdf_text(v1 / "r.pdf")
    assert "Kommunen bygger en ny simhall" in pdf_text(v1 / "r.pdf")
    assert verify_manifest(v1) == []


def test_the_embargo_line_goes_when_the_embargo_lifts(newsroom: Newsroom) -> None:
    from dataclasses import replace

    from presser.render.context import build_context

    loaded = load_release(newsroom.release(), find_workspace(newsroom.root))
    lifts = datetime.fromisoformat("2010-03-02T06:00:00+01:00")
    loaded = replace(loaded, release=loaded.release.model_copy(update={"embargo": lifts}))
    just_before = datetime.fromisoformat("2010-03-02T05:59:59+01:00")
    assert build_context(loaded).embargo_line is not None  # render: for recipients
    assert build_context(loaded, published_at=just_before).embargo_line is not None
    assert build_context(loaded, published_at=lifts).embargo_line is None
    assert build_context(loaded, published_at=lifts).embargo is not None  # still a fact


# --------------------------------------------------------------------------- recovery and hashes


def test_a_version_folder_whose_publish_was_never_recorded_is_not_taken_over(
    newsroom: Newsroom,
) -> None:
    approve_it()
    approved = newsroom.release().read_bytes()
    published(newsroom)
    v1 = snapshot(newsroom.version(1))
    # v1/ in place but the release as approved: no record of the publish that made v1/.
    newsroom.release().write_bytes(approved)
    result = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert result.exit_code == 1
    assert "published/r/v1/ exists; it was not made by this publish" in result.output
    assert snapshot(newsroom.version(1)) == v1
    assert newsroom.release().read_bytes() == approved


def test_content_hash_ignores_layout_status_and_history(newsroom: Newsroom, tmp_path: Path) -> None:
    workspace = Workspace(tmp_path)
    before = content_hash(load_release(newsroom.release(), workspace))
    relaid = (
        RELEASE.replace("# A release", "# Another comment\n# A release")
        .replace("status: draft", "status: review")
        .replace("[simhall,   bad]", "[simhall, bad]")
    )
    newsroom.write("r.yaml", relaid + "history: []\n")
    assert content_hash(load_release(newsroom.release(), Workspace(tmp_path))) == before
    newsroom.write("r.yaml", relaid.replace("vid torget", "vid ån"))
    assert content_hash(load_release(newsroom.release(), Workspace(tmp_path))) != before


def test_a_publish_refused_while_recording_leaves_no_version_folder(
    newsroom: Newsroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    approve_it()

    def changed_meanwhile(*args: object, **kwargs: object) -> None:
        raise Refused("releases/r.yaml", "publish", "changed on disk by someone else")

    monkeypatch.setattr(publishing, "record", changed_meanwhile)
    refused = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert refused.exit_code == 1
    assert not newsroom.version(1).exists()
    monkeypatch.undo()
    monkeypatch.chdir(newsroom.root)
    again = run("publish", "releases/r.yaml", "--by", "Pia Press")
    assert again.exit_code == 0, again.output
    assert (newsroom.version(1) / "manifest.json").is_file()


def test_the_workflow_reads_with_the_workspace_limits(newsroom: Newsroom) -> None:
    (newsroom.root / "presser.yaml").write_text(
        "limits:\n  max_file_bytes: 4194304\n", encoding="utf-8"
    )
    padding = "# " + "x" * 1_200_000 + "\n"
    newsroom.write("r.yaml", padding + RELEASE)
    assert run("validate", "releases/r.yaml").exit_code == 0
    submitted = run("submit", "releases/r.yaml", "--by", "Anna Berg")
    assert submitted.exit_code == 0, submitted.output
    assert run("status", "releases/r.yaml").exit_code == 0
