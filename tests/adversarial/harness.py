"""The corpus: hostile inputs with their expected outcome, and the machinery that runs them.

Each file in ``corpus/`` starts with comment lines stating what must happen
to it (a few more cases are generated here, being too big to commit):

``# expect: refused`` then one ``# problem: LINE:COLUMN [FIELD] "MESSAGE PART"``
    per problem: ``presser render`` exits 1, prints no traceback, and reports
    exactly these problems (an organisation's file also yields "the
    organisation ... has problems" for the release that uses it).
``# expect: rendered`` then any of
    ``# text: S`` (S is in the HTML page's visible text, literally),
    ``# wire: S`` (S is in the wire copy), ``# absent: S`` (in neither),
    ``# element: TAG[.CLASS][@ATTR] = S`` (the first such element's text, or
    its attribute, is exactly S), ``# pdf-fits: S`` (the PDF's text runs that
    start with S stay on the page). Every rendered page is also checked for
    what content must never become: see :func:`page_dangers`.

``NAME.organisation.yaml`` is an organisation profile: the harness puts it in
``templates/NAME/organisation.yaml`` and renders a plain release that uses it.
``@PORT@`` is replaced by the port of the test's loopback listener.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from ..conftest import ORGANISATION_YAML, REPO

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
GUARDS = HERE / "guards.py"
#: Per file: wall time and address space (RLIMIT_AS) a render may use.
TIME_LIMIT_SECONDS = 10.0
MEMORY_LIMIT_BYTES = 500 * 1024 * 1024
ORG_SUFFIX = ".organisation.yaml"

PROBLEM_LINE = re.compile(
    r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<column>\d+): (?P<field>.+?): (?P<message>.*)$"
)
EXPECTED_PROBLEM = re.compile(
    r'^(?P<line>\d+):(?P<column>\d+)(?:\s+(?P<field>\S+))?\s+"(?P<message>.*)"$'
)
#: Nothing that could steer a terminal may reach one: C0 (but tab and newline), DEL, C1, bidi.
TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


@dataclass
class Problem:
    line: int
    column: int
    field: str | None
    message: str

    def matches(self, reported: dict[str, str]) -> bool:
        return (
            int(reported["line"]) == self.line
            and int(reported["column"]) == self.column
            and (self.field is None or reported["field"] == self.field)
            and self.message in reported["message"]
        )

    def __str__(self) -> str:
        return f'{self.line}:{self.column} {self.field or ""} "{self.message}"'


@dataclass
class Case:
    """One corpus input and what must become of it."""

    name: str
    data: bytes
    expect: str  # "refused" or "rendered"
    problems: list[Problem] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    wires: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    elements: list[tuple[str, str]] = field(default_factory=list)
    pdf_fits: list[str] = field(default_factory=list)
    organisation: bool = False

    @property
    def release_name(self) -> str:
        return f"org-{self.name}.yaml" if self.organisation else f"{self.name}.yaml"

    @property
    def problem_path(self) -> str:
        """The file the problems are reported in, relative to the project."""
        if self.organisation:
            return f"templates/{self.name}/organisation.yaml"
        return f"releases/{self.release_name}"


def decode_header(data: bytes) -> str:
    """The file as text, whatever its (possibly broken) encoding, for reading the header."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    if len(data) > 1 and data[1] == 0:
        return data.decode("utf-16-le", errors="replace")
    return data.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")


def parse_case(name: str, data: bytes, *, organisation: bool = False) -> Case:
    case = Case(name, data, "", organisation=organisation)
    for line in decode_header(data).splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(": ")
        if key == "expect":
            case.expect = value.strip()
        elif key == "problem":
            match = EXPECTED_PROBLEM.match(value.strip())
            assert match, f"{name}: cannot read the expectation {line!r}"
            case.problems.append(
                Problem(int(match["line"]), int(match["column"]), match["field"], match["message"])
            )
        elif key == "text":
            case.texts.append(value)
        elif key == "wire":
            case.wires.append(value)
        elif key == "absent":
            case.absent.append(value)
        elif key == "element":
            selector, _, expected = value.partition(" = ")
            case.elements.append((selector.strip(), expected))
        elif key == "pdf-fits":
            case.pdf_fits.append(value)
    assert case.expect in ("refused", "rendered"), f"{name}: no '# expect:' line"
    assert case.expect == "rendered" or case.problems, f"{name}: refused, but no '# problem:'"
    return case


def _release_with(**fields: str) -> str:
    lines = {
        "organisation": "exempel",
        "published": "2026-03-02T10:00:00+01:00",
        "headline": "En rubrik",
        "lead": "En ingress.",
        **fields,
    }
    text = "".join(f"{key}: {value}\n" for key, value in lines.items())
    return text + "contacts:\n  - {name: Anna Berg, email: anna.berg@exempel.se}\n"


def generated_cases() -> list[Case]:
    """The inputs too big to commit, each with its expectation stated here."""
    deep_list = "[" * 10_000 + "]" * 10_000
    # Block nesting costs two spaces a level, so 200 levels (40 kB) stand for any depth.
    deep_block = "".join("  " * i + f"k{i}:\n" for i in range(200)) + "  " * 200 + "v\n"
    many = "[" + ", ".join(f"t{i}" for i in range(1_001)) + "]"
    header = "# generated by harness.generated_cases\n"
    cases = {
        # 5 MB of headline: over max_file_bytes (1 MiB), refused before it is read whole.
        "generated-headline-5mb": (
            header + "# expect: refused\n"
            '# problem: 1:1 (file) "the limit is 1 MiB (max_file_bytes"\n'
            + _release_with(headline="x" * 5 * 1024 * 1024)
        ),
        # Under the file limit, over max_string_chars: refused at the field.
        "generated-long-text": (
            header + "# expect: refused\n"
            '# problem: 7:7 lead "200,000 characters; the limit is 100,000 (max_string_chars)"\n'
            + _release_with(lead="å" * 200_000)
        ),
        "generated-many-tags": (
            header + "# expect: refused\n"
            '# problem: 8:5898 tags "more than 1,000 items in one list (max_list_items)"\n'
            + _release_with(tags=many)
        ),
        "generated-yaml-depth-10000-flow": (
            header + "# expect: refused\n"
            '# problem: 8:38 "nested more than 32 levels deep"\n' + _release_with(tags=deep_list)
        ),
        "generated-yaml-depth-200-block": (
            header + "# expect: refused\n"
            '# problem: 42:65 "nested more than 32 levels deep"\n'
            + _release_with()
            + "extra:\n"
            + textwrap.indent(deep_block, "  ")
        ),
        "generated-markdown-quotes-10000": (
            header + "# expect: refused\n"
            '# problem: 8:7 body "Markdown nested 21 levels deep"\n'
            + _release_with(body=json.dumps("> " * 10_000 + "x"))
        ),
        # 20,001 characters without a space: refused as a word before Markdown sees it.
        "generated-markdown-emphasis-10000": (
            header + "# expect: refused\n"
            '# problem: 8:7 body "a word of 20,001 characters without a space"\n'
            + _release_with(body=json.dumps("*" * 10_000 + "x" + "*" * 10_000))
        ),
        # Short enough to be a word, 451 levels of emphasis: refused as Markdown.
        "generated-markdown-emphasis-900": (
            header + "# expect: refused\n"
            '# problem: 8:7 body "Markdown nested 451 levels deep"\n'
            + _release_with(body=json.dumps("*" * 900 + "x" + "*" * 900))
        ),
        # The PDF breaks an over-long word at a cost that grows with its square.
        "generated-word-20000": (
            header + "# expect: refused\n"
            '# problem: 7:7 lead "a word of 20,000 characters without a space (from '
            'character 5); the limit is 2,000 (max_word_chars)"\n'
            + _release_with(lead="Ett " + "x" * 20_000)
        ),
        "generated-markdown-lists-5000": (
            header + "# expect: refused\n"
            '# problem: 8:7 body "the limit is 20 (max_markdown_nesting)"\n'
            + _release_with(body=json.dumps("- " * 5_000 + "a"))
        ),
        # Unclosed brackets and marks are text, however many: legal, and rendered as written.
        "generated-markdown-unclosed-1000": (
            header + "# expect: rendered\n"
            "# text: " + "[ " * 50 + "\n"
            "# text: "
            + "_ " * 50
            + "\n"
            + _release_with(lead=json.dumps("[ " * 1_000 + "_ " * 1_000 + "x"))
        ),
    }
    return [parse_case(name, text.encode()) for name, text in cases.items()]


def corpus_cases() -> list[Case]:
    cases = []
    for path in sorted(CORPUS.glob("*.yaml")):
        organisation = path.name.endswith(ORG_SUFFIX)
        name = path.name.removesuffix(ORG_SUFFIX if organisation else ".yaml")
        cases.append(parse_case(name, path.read_bytes(), organisation=organisation))
    return cases + generated_cases()


ALL_CASES = corpus_cases()
PLAIN_RELEASE = _release_with()


def build_project(root: Path, cases: Iterable[Case], port: int) -> Path:
    """A workspace holding every case, the way a user's project would."""
    folder = root / "templates" / "exempel"
    folder.mkdir(parents=True)
    (folder / "organisation.yaml").write_text(ORGANISATION_YAML, encoding="utf-8")
    releases = root / "releases"
    shutil.copytree(CORPUS / "images", releases / "images")
    # A link that leads out of the project; image-symlink-out.yaml names it.
    (releases / "images" / "outside.png").symlink_to("/etc/passwd")
    for case in cases:
        data = case.data.replace(b"@PORT@", str(port).encode())
        if case.organisation:
            org = root / "templates" / case.name
            org.mkdir()
            (org / "organisation.yaml").write_bytes(data)
            text = PLAIN_RELEASE.replace("organisation: exempel", f"organisation: {case.name}")
            (releases / case.release_name).write_text(text, encoding="utf-8")
        else:
            (releases / case.release_name).write_bytes(data)
    return root


def _limit_resources() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@dataclass
class Run:
    """One guarded ``presser`` process: its output, findings, and time per release."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str
    violations: dict[str, list[str]]
    #: Seconds from the start (or the previous release) to each release's "->" line.
    release_seconds: dict[str, float]
    seconds: float
    #: Killed by the watchdog at the timeout.
    timed_out: bool = False

    def problems(self) -> list[dict[str, str]]:
        return [m.groupdict() for m in map(PROBLEM_LINE.match, self.stderr.splitlines()) if m]


def run_presser(
    project: Path,
    args: list[str],
    *,
    port: int,
    report: Path,
    timeout: float,
) -> Run:
    """``presser ARGS`` in ``project`` under the guard, RLIMIT_AS and a timeout."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HERE), str(REPO)]),
        "PRESSER_GUARD_PROJECT": str(project),
        "PRESSER_GUARD_REPORT": str(report),
        "PRESSER_GUARD_PORT": str(port),
        "PYTHONDONTWRITEBYTECODE": "1",
        # Line by line, so that each "->" line is timed as its release finishes.
        "PYTHONUNBUFFERED": "1",
    }
    started = time.monotonic()
    # stderr to a file, so that a chatty child can never block on a full pipe.
    errors = report.with_suffix(".stderr")
    with errors.open("w+", encoding="utf-8", errors="backslashreplace") as stderr_file:
        process = subprocess.Popen(
            [sys.executable, str(GUARDS), *args],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr_file,
            text=True,
            encoding="utf-8",
            errors="backslashreplace",
            preexec_fn=_limit_resources,
        )
        # The watchdog: a process that hangs without a word is killed all the same.
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        seconds: dict[str, float] = {}
        lines: list[str] = []
        last = started
        assert process.stdout is not None
        with process.stdout:
            # Each "releases/x.yaml -> ..." line is printed as that release is done.
            for line in process.stdout:
                now = time.monotonic()
                lines.append(line)
                if " -> " in line:
                    seconds[line.split(" -> ")[0].strip()] = now - last
                    last = now
        process.wait()
        timed_out = not watchdog.is_alive()
        watchdog.cancel()
        stderr_file.seek(0)
        stderr = stderr_file.read()
    violations = (
        json.loads(report.read_text()) if report.is_file() else {"no report": [str(report)]}
    )
    return Run(
        args,
        process.returncode,
        "".join(lines),
        stderr,
        violations,
        seconds,
        time.monotonic() - started,
        timed_out,
    )


@dataclass
class CorpusRun:
    project: Path
    out: Path
    port: int
    runs: dict[str, Run]  # per case name; rendered cases share one Run


def run_corpus(root: Path, cases: list[Case], port: int) -> CorpusRun:
    """Every case through ``presser render``: refused ones one by one, rendered ones together.

    The rendered cases share one process (one WeasyPrint start instead of a
    dozen), which is then held to the time limit per release and to the
    memory limit for the whole run; the refused ones run three at a time.
    """
    project = build_project(root / "project", cases, port)
    out = project / "build"
    reports = root / "reports"
    reports.mkdir()
    rendered = [c for c in cases if c.expect == "rendered"]
    refused = [c for c in cases if c.expect == "refused"]

    def one(case: Case) -> tuple[str, Run]:
        args = ["render", f"releases/{case.release_name}", "--out", str(out / case.name)]
        report = reports / f"{case.name}.json"
        return case.name, run_presser(
            project, args, port=port, report=report, timeout=TIME_LIMIT_SECONDS
        )

    runs: dict[str, Run] = {}
    with ThreadPoolExecutor(max_workers=3) as pool:
        together = pool.submit(
            run_presser,
            project,
            ["render", *(f"releases/{c.release_name}" for c in rendered), "--out", str(out)],
            port=port,
            report=reports / "rendered.json",
            timeout=TIME_LIMIT_SECONDS * len(rendered),
        )
        for name, run in pool.map(one, refused):
            runs[name] = run
        shared = together.result()
    runs.update({case.name: shared for case in rendered})
    return CorpusRun(project, out, port, runs)


# --- what a rendered page must never contain ------------------------------------------

ALLOWED_SCHEMES = ("http:", "https:", "mailto:", "tel:")
#: Elements only the templates write; content can only ever add text.
FORBIDDEN_ELEMENTS = {
    "iframe", "object", "embed", "frame", "frameset", "form", "input", "button", "textarea",
    "select", "base", "link", "applet", "audio", "video", "source", "track", "math", "template",
    "portal", "noscript",
}  # fmt: skip


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_html(data: bytes) -> Element:
    import html5lib

    tree: Element = html5lib.parse(data, treebuilder="etree", namespaceHTMLElements=False)
    return tree


def page_dangers(tree: Element) -> list[str]:
    """Everything in a page that a payload in the content could have produced."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = local(element.tag)
        if tag == "script" and element.get("type") != "application/ld+json":
            found.append(f"a <script> element: {element.text!r}")
        if tag == "script" and "</" in (element.text or ""):
            found.append("the JSON-LD script holds '</'")
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"a <{tag}> element")
        if tag == "meta" and element.get("http-equiv") is not None:
            found.append("a <meta http-equiv>")
        if tag == "img" and not _local_image(element.get("src", "")):
            found.append(f"an <img> loading {element.get('src')!r}")
        for name, value in element.attrib.items():
            attr = local(name).lower()
            if attr.startswith("on"):
                found.append(f"an event handler {attr}={value!r} on <{tag}>")
            if attr == "style" and not (
                tag == "html" and re.fullmatch(r"--brand: #[0-9a-fA-F]{3,6}", value)
            ):
                found.append(f"a style attribute on <{tag}>: {value!r}")
            if attr in ("href", "src", "action", "formaction", "xlink:href", "srcset"):
                scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*:)", value)
                if tag == "img":
                    continue  # checked above
                if scheme is None or scheme.group(1).lower() not in ALLOWED_SCHEMES:
                    found.append(f"a link {attr}={value!r} on <{tag}>")
    return found


def _local_image(src: str) -> bool:
    return bool(src) and ":" not in src and not src.startswith(("/", "\\"))


def visible_text(tree: Element) -> str:
    """The text a reader sees (no script, style or head), whitespace collapsed."""
    parts: list[str] = []

    def walk(element: Element) -> None:
        tag = local(element.tag) if isinstance(element.tag, str) else ""
        if tag in ("script", "style", "head", "title"):
            pass
        else:
            parts.append(element.text or "")
            for child in element:
                walk(child)
        parts.append(element.tail or "")

    body = next((e for e in tree.iter() if isinstance(e.tag, str) and local(e.tag) == "body"), tree)
    walk(body)
    return " ".join("".join(parts).split())


def find_element(tree: Element, selector: str) -> str | None:
    """``tag``, ``tag.class``, with ``@attr`` for an attribute: the first match's text or value."""
    match = re.fullmatch(r"(\w+)(?:\.([\w-]+))?(?:@([\w-]+))?", selector)
    assert match, selector
    tag, cls, attr = match.groups()
    for element in tree.iter():
        if not isinstance(element.tag, str) or local(element.tag) != tag:
            continue
        classes = (element.get("class") or "").split()
        named = element.get("name")
        if cls and cls not in classes and cls != named:
            continue
        if attr:
            return element.get(attr)
        return " ".join("".join(element.itertext()).split())
    return None


def json_ld(tree: Element) -> Any:
    for element in tree.iter():
        if isinstance(element.tag, str) and element.get("type") == "application/ld+json":
            return json.loads(element.text or "")
    return None
