"""``presser lint --explain``: a rule told in full, from the registry."""

from __future__ import annotations

import click

from ..errors import UsageProblem
from .registry import Rule, find_rule, unknown_rule_message


def explain_rule(code_or_name: str) -> str:
    """--explain: the rule's code, name, severity, setting, rationale and an example."""
    rule = find_rule(code_or_name)
    if rule is None:
        raise UsageProblem(unknown_rule_message(code_or_name))
    return explanation(rule)


def explanation(rule: Rule) -> str:
    from ..source.model import LintSettings

    head = f"{rule.code} {rule.name} ({rule.severity}"
    if rule.setting:
        default = LintSettings.model_fields[rule.setting].default
        head += f"; lint.{rule.setting}, default {default!r}"
    if rule.fixable:
        head += "; --fix repairs it"
    head += ")"
    indent = "    "
    return "\n".join(
        [
            head,
            "",
            rule.summary,
            "",
            click.wrap_text(rule.rationale, width=78),
            "",
            "Fires on:",
            *(indent + line for line in rule.bad.splitlines()),
            "",
            "Passes:",
            *(indent + line for line in rule.good.splitlines()),
            "",
            f"Silence it in one release with: lint: {{ignore: [{rule.code}]}}",
        ]
    )


__all__ = ["explain_rule", "explanation"]
