"""Organisation templates from an untrusted agency: every known sandbox escape is a clean error.

Each template below is a known way out of Jinja's sandbox, or a way to make
presser read, fetch or compute something it must not. Run through the CLI
(``presser render``), each ends with exit 1 and one message naming the
template file and line, never a traceback; the guard sees no outside read,
no connection and no program started.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from presser.cli import cli

from ..conftest import ORGANISATION_YAML, RELEASE_YAML
from .guards import Guard

TEMPLATE = "release.html.j2"

#: (id, template line 3) -> part of the message. Lines 1-2 are harmless, so the
#: reported line proves the position is the payload's.
ESCAPES = {
    "subclasses": (
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "access to attribute '__class__' of 'str' object is unsafe",
    ),
    "mro-via-release": ("{{ release.__class__.__mro__ }}", "'__class__'"),
    "globals-of-lipsum": ("{{ lipsum.__globals__['os'].popen('id').read() }}", "'__globals__'"),
    "globals-of-cycler": ("{{ cycler.__init__.__globals__.os }}", "'__init__'"),
    "globals-of-namespace": ("{{ namespace.__init__.__globals__ }}", "'__init__'"),
    "self-context": ("{{ self._TemplateReference__context }}", "unsafe"),
    "dict-of-context": ("{{ release.__dict__ }}", "'__dict__'"),
    "str-format": ("{{ '{0.__class__.__mro__}'.format(release) }}", "'format'"),
    "str-format-map": ("{{ '{a.__class__}'.format_map({'a': release}) }}", "'format_map'"),
    "attr-format": ("{{ ('{0.__class__}' | attr('format'))(release) }}", "'format'"),
    "attr-dunder": ("{{ release | attr('__class__') }}", "'__class__'"),
    "method-call": ("{{ release.headline.upper() }}", "'upper'"),
    "markup-html": ("{{ release.json_ld.__html__() }}", "'__html__'"),
    "xmlattr-key-injection": (
        "<p{{ {'onclick=\"window.__pwned=1\" x': 1} | xmlattr }}></p>",
        "Invalid character in attribute name",
    ),
    "xmlattr-space-key": ("<p{{ {'a b': 1} | xmlattr }}></p>", "Invalid character"),
    "range-huge": ("{{ range(10**9) | list }}", "Range too big"),
    "repeat-huge": ("{{ 'x' * 10**11 }}", "templates may make at most 1,000,000"),
    "list-repeat-huge": ("{{ [0] * 10**9 }}", "templates may make at most 1,000,000"),
    "power-huge": ("{{ 9 ** (9 ** 9) }}", "'**' would make a number too large"),
    "printf-huge": ("{{ '%999999999s' % 1 }}", "'%' formatting of text is not allowed"),
    "format-filter": ("{{ '%999999999s' | format(1) }}", "the format filter is not allowed"),
    "center-huge": ("{{ 'x' | center(10**9) }}", "the center filter would make a value"),
    "replace-huge": (
        "{{ ('x' * 1000000) | replace('x', 'xx') }}",
        "the replace filter would make a value",
    ),
    "recursion": ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "calls itself without end"),
    "include-absolute": ("{% include '/etc/passwd' %}", "template '/etc/passwd' not found"),
    "include-parent": ("{% include '../../../../../etc/passwd' %}", "not found"),
    "include-default-parent": ("{% include 'default:../../../etc/passwd' %}", "not found"),
    "import-parent": ("{% import '../organisation.yaml' as x %}", "not found"),
    "undefined-config": ("{{ config.items() }}", "'config' is undefined"),
    "syntax-error": ("{% for %}", "Expected an expression"),
}


def _project(root: Path, template: str, *, style: str | None = None) -> Path:
    folder = root / "templates" / "evil"
    folder.mkdir(parents=True)
    (folder / "organisation.yaml").write_text(ORGANISATION_YAML, encoding="utf-8")
    (folder / TEMPLATE).write_text(template, encoding="utf-8")
    if style is not None:
        (folder / "style.css").write_text(style, encoding="utf-8")
    (root / "releases").mkdir()
    release = RELEASE_YAML.replace("organisation: exempel", "organisation: evil")
    (root / "releases" / "r.yaml").write_text(release, encoding="utf-8")
    return root


def _render(
    root: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch, fmt: str = "html"
) -> tuple[int, str]:
    monkeypatch.chdir(root)
    with guard.watching(root):
        result = CliRunner().invoke(
            cli, ["render", "releases/r.yaml", "--format", fmt, "--out", "build"]
        )
    assert isinstance(result.exception, SystemExit), result.exception  # no stray exception
    assert "Traceback" not in result.output
    assert not (root / "build" / f"r.{fmt}").exists(), "a refused render wrote its output"
    return result.exit_code, result.output


@pytest.mark.parametrize(("line", "message"), ESCAPES.values(), ids=ESCAPES.keys())
def test_sandbox_escape_is_a_clean_template_error(
    line: str, message: str, tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = "<!doctype html>\n<title>{{ release.headline }}</title>\n" + line + "\n"
    code, output = _render(_project(tmp_path, template), guard, monkeypatch)
    assert code == 1, output
    assert output.startswith(f"Error: templates/evil/{TEMPLATE}:3: "), output
    assert message in output
    assert len(output.strip().splitlines()) == 1, output


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_a_template_s_output_is_capped_as_it_is_made(
    fmt: str, tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each value and range is within the sandbox's caps; the loop is what runs away
    # (10**10 times 1 MB reached 1.67 GB in 5 s before max_output_bytes).
    template = (
        "<!doctype html>\n<title>{{ release.headline }}</title>\n"
        "{% for i in range(10**5) %}{% for j in range(10**5) %}"
        "{{ 'x' * 10**5 }}{% endfor %}{% endfor %}\n"
    )
    code, output = _render(_project(tmp_path, template), guard, monkeypatch, fmt)
    assert code == 1, output
    assert output.startswith(f"Error: templates/evil/{TEMPLATE}"), output
    assert "larger than 8 MiB (max_output_bytes)" in output, output
    assert len(output.strip().splitlines()) == 1, output


def test_max_output_bytes_is_the_workspace_s_setting(
    tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = "<!doctype html>\n<title>{{ release.headline }}</title>\n{{ 'x' * 200000 }}\n"
    _project(tmp_path, template)
    (tmp_path / "presser.yaml").write_text("limits:\n  max_output_bytes: 100000\n", "utf-8")
    code, output = _render(tmp_path, guard, monkeypatch)
    assert code == 1 and "(max_output_bytes)" in output, output
    (tmp_path / "presser.yaml").write_text("limits:\n  max_output_bytes: 1000000\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["render", "releases/r.yaml", "--format", "html"])
    assert result.exit_code == 0, result.output


def test_extends_outside_the_template_folders(
    tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = "{% extends '../../../../etc/passwd' %}\n"
    code, output = _render(_project(tmp_path, template), guard, monkeypatch)
    assert code == 1
    assert "template '../../../../etc/passwd' not found" in output


def test_a_template_that_links_out_of_its_folder(
    tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path, "x\n")
    (root / "templates" / "evil" / TEMPLATE).unlink()
    (root / "templates" / "evil" / TEMPLATE).symlink_to("/etc/passwd")
    code, output = _render(root, guard, monkeypatch)
    assert code == 1
    assert f"template '{TEMPLATE}' not found" in output


def test_an_organisation_folder_that_links_out_of_the_project(
    tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    _project(outside, "x\n")
    root = tmp_path / "project"
    (root / "templates").mkdir(parents=True)
    (root / "templates" / "evil").symlink_to(outside / "templates" / "evil")
    (root / "releases").mkdir()
    (root / "releases" / "r.yaml").write_bytes((outside / "releases" / "r.yaml").read_bytes())
    monkeypatch.chdir(root)
    with guard.watching(root):
        result = CliRunner().invoke(cli, ["validate", "releases/r.yaml"])
    assert result.exit_code == 1
    assert "leads outside the workspace (a symbolic link)" in result.output


def test_default_templates_folder_that_links_out(
    tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path / "project", "{% extends 'default:release.html.j2' %}\n")
    (tmp_path / "elsewhere").mkdir()
    (root / "templates" / "_default").symlink_to(tmp_path / "elsewhere")
    code, output = _render(root, guard, monkeypatch)
    assert code == 1
    assert "templates/_default leads outside the workspace" in output


# --- resources a template or stylesheet asks WeasyPrint or the browser for ----------------

PDF_RESOURCES = {
    "img-loopback": '<img src="http://127.0.0.1:{port}/x.png">',
    "img-metadata": '<img src="http://169.254.169.254/latest/meta-data/">',
    "img-file": '<img src="file:///etc/passwd">',
    "img-relative-out": '<img src="../../../../../../etc/passwd">',
    "attachment": '<link rel="attachment" href="file:///etc/passwd">',
    "attachment-anchor": '<a rel="attachment" href="file:///etc/passwd">x</a>',
    "stylesheet-link": '<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">',
    "object-data": '<object data="file:///etc/passwd"></object>',
    "svg-image": '<svg><image href="file:///etc/passwd" width="9" height="9"/></svg>',
    "css-url-in-style": '<p style="background: url(http://127.0.0.1:{port}/bg.png)">x</p>',
}


def _port(text: str, guard: Guard) -> str:
    return text.replace("{port}", str(guard.listener_port))


@pytest.mark.parametrize("markup", PDF_RESOURCES.values(), ids=PDF_RESOURCES.keys())
def test_pdf_fetches_nothing_outside(
    markup: str, tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = f"<!doctype html>\n<title>t</title>\n{_port(markup, guard)}\n"
    code, output = _render(_project(tmp_path, template), guard, monkeypatch, "pdf")
    assert code == 1, output
    assert "presser does not fetch" in output or "could not be made" in output, output


def test_pdf_ignores_frames(tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch) -> None:
    """WeasyPrint does not load frames at all: the PDF is made, and nothing is fetched."""
    template = _port('<!doctype html>\n<iframe src="http://127.0.0.1:{port}/"></iframe>\n', guard)
    root = _project(tmp_path, template)
    monkeypatch.chdir(root)
    with guard.watching(root):
        result = CliRunner().invoke(cli, ["render", "releases/r.yaml", "--format", "pdf"])
    assert result.exit_code == 0, result.output


#: (id, stylesheet) -> where and what the refusal says. Each is refused while the
#: stylesheet is read, for the page and the PDF alike, before anything could load it.
STYLESHEETS = {
    "import": ("@import url(http://127.0.0.1:{port}/x.css);", ":1:1: @import is not allowed"),
    "import-escaped": (
        "@\\69mport url(http://127.0.0.1:{port}/x.css);",
        ":1:1: @import is not allowed",
    ),
    "import-string": ("@import '//127.0.0.1:{port}/x.css';", ":1:1: @import is not allowed"),
    "font-face-file": (
        "@font-face { font-family: x; src: url(file:///etc/passwd); }",
        ":1:35: url(file:///etc/passwd) is not a relative address",
    ),
    "font-face-http": (
        '@font-face { font-family: x; src: url("http://127.0.0.1:{port}/f.woff2"); }',
        "is not a relative address",
    ),
    "background-remote": (
        "body { background: url(//127.0.0.1:{port}/bg.png); }",
        "url(//127.0.0.1:",
    ),
    "css-escape": (
        "body { background: url(\\68ttp://127.0.0.1:{port}/bg.png); }",
        "url(http://127.0.0.1:",
    ),
    "css-escape-in-name": (
        'body { background: \\75rl("http://127.0.0.1:{port}/bg.png"); }',
        "url(http://127.0.0.1:",
    ),
    "image-set": (
        'body { background: image-set("http://127.0.0.1:{port}/bg.png" 1x); }',
        ":1:30: url(http://127.0.0.1:",
    ),
    "webkit-image-set": (
        'body { background: -webkit-image-set("//127.0.0.1:{port}/bg.png" 1x); }',
        "url(//127.0.0.1:",
    ),
    "image-set-var": (
        '.a { --u: "http://127.0.0.1:{port}/bg.png"; background: image-set(var(--u) 1x); }',
        "var() inside an address",
    ),
    "src-function": ('body { background: src("http://127.0.0.1:{port}/bg.png"); }', "url(http"),
    "nested-at-rules": (
        "@media screen { @supports (display: grid) { p { cursor: url(//127.0.0.1:{port}/c) } } }",
        "url(//127.0.0.1:",
    ),
    "custom-property": ("p { --x: url(http://127.0.0.1:{port}/x.png); }", "url(http://127.0.0.1:"),
    "javascript": ("p { background: url('javascript:alert(1)'); }", "is not a relative address"),
    "backslash-host": ("p { background: url(\\\\127.0.0.1/x.png); }", "backslash"),
    "bad-url": ("p { background: url(http://127.0.0.1:{port}/a b); }", "not well-formed"),
    "outside-the-folders": ("p { background: url(../../releases/r.yaml); }", "leads outside"),
    "style-end": (
        "p::after { content: '</style><script>window.__pwned=1</script>'; }",
        "'</style'",
    ),
}


@pytest.mark.parametrize(("css", "message"), STYLESHEETS.values(), ids=STYLESHEETS.keys())
@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_an_organisation_stylesheet_cannot_reach_out(
    css: str,
    message: str,
    fmt: str,
    tmp_path: Path,
    guard: Guard,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Refused with the stylesheet's line and column; the guard (the fixture) proves
    nothing was read or fetched."""
    if "'</style'" in message and fmt == "pdf":
        pytest.skip("'</style' only matters inside the page's <style>")
    root = _project(tmp_path, "{% extends 'default:release.html.j2' %}\n", style=_port(css, guard))
    code, output = _render(root, guard, monkeypatch, fmt)
    assert code == 1, output
    assert message in output, output
    if "'</style'" not in message:
        assert output.startswith("Error: templates/evil/style.css:1:"), output
    assert len(output.strip().splitlines()) == 1, output


#: (id, markup placed in a page) -> what the refusal names. Lines 1-2 of the
#: template are harmless; each payload would make Chromium fetch or run something.
PAGES = {
    "script": ("<script>window.__pwned = 1</script>", "(a <script> that is not JSON-LD data)"),
    "script-src": ('<script src="http://127.0.0.1:{port}/x.js"></script>', "(a <script src>)"),
    "script-typed-like-data": (
        '<script type="application/ld+json" src="http://127.0.0.1:{port}/x"></script>',
        "(a <script src>)",
    ),
    "img-http": ('<img src="http://127.0.0.1:{port}/x.png" alt="">', "(a <img src>)"),
    "img-entity": ('<img src="&#104;ttp://127.0.0.1:{port}/x.png">', "http://127.0.0.1:"),
    "onload": ('<body onload="window.__pwned = 1">', "(an onload attribute on <body>)"),
    "onerror-unquoted": ("<p onerror=x>x</p>", "(an onerror attribute on <p>)"),
    "meta-refresh": (
        '<meta http-equiv="refresh" content="0; url=http://127.0.0.1:{port}/">',
        "(a <meta http-equiv>)",
    ),
    "base-href": ('<base href="http://127.0.0.1:{port}/">', "(<base>: a base address"),
    "srcset": ('<img srcset="http://127.0.0.1:{port}/x.png 1x" alt="">', "(a <img srcset>)"),
    "style-attribute-url": (
        '<p style="background: url(http://127.0.0.1:{port}/bg.png)">x</p>',
        "(a style attribute on <p>)",
    ),
    "style-attribute-escape": (
        '<p style="background: u\\rl(//127.0.0.1:{port}/bg.png)">x</p>',
        "(a style attribute on <p>)",
    ),
    "style-attribute-image-set": (
        "<p style='background: image-set(\"//127.0.0.1:{port}/a.png\" 1x)'>x</p>",
        "(a style attribute on <p>)",
    ),
    "svg-image-href": (
        '<svg><image href="http://127.0.0.1:{port}/x.png" width="9" height="9"/></svg>',
        "(a <image href>)",
    ),
    "svg-xlink": (
        '<svg><use xlink:href="http://127.0.0.1:{port}/s.svg#a"/></svg>',
        "(a <use xlink:href>)",
    ),
    "svg-fill-url": (
        '<svg><rect fill="url(http://127.0.0.1:{port}/p.svg#g)"/></svg>',
        "(a fill attribute on <rect>)",
    ),
    "svg-animate-href": (
        '<svg><a><animate attributeName="href" values="javascript:alert(1)"/></a></svg>',
        "(<animate>: an SVG animation)",
    ),
    "svg-style": (
        "<svg><style>@&#105;mport 'http://127.0.0.1:{port}/x.css';</style></svg>",
        "a <style> after an <svg>",
    ),
    "style-of-its-own": (
        "<style>@import url(http://127.0.0.1:{port}/x.css);</style>",
        "a <style> of its own",
    ),
    "self-closing-style": (
        "<style/>@import url(http://127.0.0.1:{port}/x.css);</style>",
        "a self-closing <style/>",
    ),
    "iframe": ('<iframe src="http://127.0.0.1:{port}/"></iframe>', "(<iframe>: a frame)"),
    "iframe-srcdoc": ('<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>', "<iframe>"),
    "object": ('<object data="http://127.0.0.1:{port}/x"></object>', "(<object>: an embedded"),
    "embed": ('<embed src="http://127.0.0.1:{port}/x">', "(<embed>: an embedded object)"),
    "link-stylesheet": (
        '<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">',
        "(<link>: a linked resource)",
    ),
    "link-prefetch": ('<link rel="dns-prefetch" href="//evil.example">', "(<link>"),
    "video-poster": (
        '<video poster="http://127.0.0.1:{port}/p.png"></video>',
        "(a <video poster>)",
    ),
    "audio-source": (
        '<audio><source src="http://127.0.0.1:{port}/a.mp3"></audio>',
        "(a <source src>)",
    ),
    "input-image": ('<input type="image" src="http://127.0.0.1:{port}/i.png">', "<input src>"),
    "body-background": ('<body background="http://127.0.0.1:{port}/b.png">', "<body background>"),
    "form-action": ('<form action="http://127.0.0.1:{port}/"><button>x</button></form>', "action"),
    "button-formaction": ('<button formaction="http://127.0.0.1:{port}/">x</button>', "formaction"),
    "a-javascript": ('<a href="javascript:window.__pwned=1">x</a>', "(a <a href>)"),
    "a-not-the-releases": ('<a href="https://tracker.example/">x</a>', "(a <a href>)"),
    "a-ping": ('<a href="#top" ping="http://127.0.0.1:{port}/">x</a>', "(a <a ping>)"),
    "script-end-with-attribute": (
        '<script type="application/ld+json">{}</script x><img src="http://127.0.0.1:{port}/">'
        "</script>",
        "an end tag browsers read otherwise",
    ),
    "script-markup-in-svg": (
        '<svg><script type="application/ld+json"><img src=x onerror=alert(1)></script></svg>',
        "'<' inside a <script>",
    ),
    "comment-bang-end": (
        '<!-- --!><img src="http://127.0.0.1:{port}/x.png"> -->',
        "a comment holding '>'",
    ),
    "comment-abrupt": ('<!--><img src="http://127.0.0.1:{port}/x.png"> -->', "comment"),
    "cdata": ('<![CDATA[ x > <img src="http://127.0.0.1:{port}/x.png"> ]]>', "<![CDATA"),
}


@pytest.mark.parametrize(("markup", "message"), PAGES.values(), ids=PAGES.keys())
def test_a_template_cannot_make_the_page_fetch_or_run_script(
    markup: str, message: str, tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = "<!doctype html>\n<title>{{ release.headline }}</title>\n" + markup + "\n"
    code, output = _render(_project(tmp_path, _port(template, guard)), guard, monkeypatch)
    assert code == 1, output
    assert output.startswith(f"Error: templates/evil/{TEMPLATE}: the page "), output
    assert message in output, output
    assert output.rstrip().endswith(
        "a template cannot make the page fetch from outside or run script"
    ), output
    assert len(output.strip().splitlines()) == 1, output


def test_the_same_payload_in_a_block_of_the_default_page(
    tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An organisation that overrides one block is checked on the whole page it makes."""
    template = (
        "{% extends 'default:release.html.j2' %}\n"
        '{% block footer %}<img src="http://127.0.0.1:{port}/x.png">{% endblock %}\n'
    )
    code, output = _render(_project(tmp_path, _port(template, guard)), guard, monkeypatch)
    assert code == 1, output
    assert f"templates/evil/{TEMPLATE}: the page would load http://127.0.0.1:" in output


def test_a_harmless_template_renders(
    tmp_path: Path, guard: Guard, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The guard and the checks above are not what fails: a plain template passes."""
    template = textwrap.dedent(
        """\
        {% extends "default:release.html.j2" %}
        {% block masthead %}<p>{{ release.organisation.name | upper }}</p>{% endblock %}
        """
    )
    root = _project(tmp_path, template)
    monkeypatch.chdir(root)
    with guard.watching(root):
        result = CliRunner().invoke(cli, ["render", "releases/r.yaml", "--out", "build"])
    assert result.exit_code == 0, result.output
    assert "EXEMPELKOMMUNEN" in (root / "build" / "r.html").read_text(encoding="utf-8")
