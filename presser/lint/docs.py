"""docs/lint.md, generated from the rule registry so it cannot drift.

``python -m presser.lint.docs > docs/lint.md`` (part of ``make docs``); a test
checks the committed file is current.
"""

from __future__ import annotations

import sys

from ..source.model import LintSettings
from .fix import FIXABLE
from .registry import TOPICS, all_rules


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def lint_reference() -> str:
    """The rule table, the settings and how to silence a rule."""
    rules = all_rules()
    out = [
        "# Lint rules",
        "",
        "Generated from `presser/lint/rules/` by `make docs`; do not edit by hand.",
        "",
        "`presser lint PATH...` checks releases against the house style and prints each",
        "finding as `path:line:column: CODE error: message` (or `CODE warning: message`).",
        "Errors are mistakes a wire editor would send back, and `presser submit` refuses",
        "a release with one; warnings are matters of judgement or print quality. The exit",
        "code is 1 when there is an error (with `--strict`, any finding). A release that",
        "does not validate is reported as `presser validate` reports it, and not linted.",
        "`presser lint --explain CODE` tells why a rule exists, with an example.",
        "",
        "| code | name | severity | default | what it checks |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in rules:
        default = "on"
        if rule.setting:
            value = LintSettings.model_fields[rule.setting].default
            shown = "none" if value == () else str(value)
            default = f"`{rule.setting}: {shown}`"
        fixable = " Fixable." if rule.fixable else ""
        out.append(
            f"| {rule.code} | `{rule.name}` | {rule.severity} | {default} | "
            f"{_cell(rule.summary)}{fixable} |"
        )
    topics = ", ".join(f"{letter} {name.lower()}" for letter, name in TOPICS.items())
    out += [
        "",
        f"Codes start with a letter for their topic: {topics}.",
        "",
        "## Settings",
        "",
        "In `templates/<org>/organisation.yaml`, a `lint:` mapping selects, ignores and",
        "tunes the rules for every release of the organisation. Rules are named by code",
        "(`H101`), by a prefix of codes (`H`, `H1`) or by name (`headline-too-long`);",
        "an unknown one is a validation problem with a suggestion.",
        "",
        "```yaml",
        "lint:",
        "  ignore: [B101]            # this organisation prints no boilerplate",
        "  lead_max_words: 50",
        "  acronyms: [UNESCO]",
        "```",
        "",
        "| setting | default | meaning |",
        "| --- | --- | --- |",
    ]
    for name, info in LintSettings.model_fields.items():
        default = "every rule" if name == "select" else info.default
        shown = "none" if default == () else default
        out.append(f"| `{name}` | {shown} | {_cell(info.description or '')} |")
    out += [
        "",
        "## Silencing a rule in one release",
        "",
        "A release may switch rules off for itself with its own `lint:` mapping. Say why",
        "in a comment: the next editor will want to know.",
        "",
        "```yaml",
        "# Both quotes are meant to follow the body, after the facts.",
        "lint:",
        "  ignore: [Q104]",
        "```",
        "",
        "## Fixes",
        "",
        f"`presser lint --fix` repairs {', '.join(sorted(FIXABLE))} in place and nothing else:",
        "straight quotation marks that pair up become the language's own (Swedish ”…”,",
        "English “…”, German „…“, French « … »), a spaced hyphen between words becomes",
        "an en dash, runs of spaces between words become one, and spaces at line ends",
        "go (except inside literal `|` blocks, where two of them are a Markdown line",
        "break). Each fix replaces a span of the original text, so comments, key order,",
        "quoting and line breaks stay byte for byte; a text whose lines are folded is",
        "only fixed within a line. The file is written atomically, and only if it has",
        "not changed on disk since it was read. `--diff` prints the same changes as a",
        "unified diff and writes nothing; its exit code is 1 when there is something to",
        "fix.",
        "",
    ]
    return "\n".join(out)


def main() -> int:
    sys.stdout.write(lint_reference())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
