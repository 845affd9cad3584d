"""Contact and boilerplate rules (C, B)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ...render.text_style import language_fallbacks
from ..context import LintContext
from ..findings import Finding
from ..registry import rule


def _contacts(ctx: LintContext) -> list[tuple[tuple[str | int, ...] | None, Any]]:
    """Every contact printed on the release: (field path in the release or None, contact)."""
    release = ctx.release
    found: list[tuple[tuple[str | int, ...] | None, Any]] = [
        (("contacts", i), c) for i, c in enumerate(release.contacts)
    ]
    if release.press_contacts is not None:
        found += [(("press_contacts", i), c) for i, c in enumerate(release.press_contacts)]
    else:
        found += [(None, c) for c in ctx.loaded.organisation.profile.press_contacts]
    return found


@rule(
    "C101",
    "no-complete-contact",
    "error",
    summary="No contact has both a phone number (phone or mobile) and an e-mail address.",
    rationale="A reporter on deadline calls; one who is not writes. At least one person on "
    "the release must be reachable both ways.",
    bad="contacts:\n  - {name: Anna Berg, email: anna@exempel.se}",
    good="contacts:\n  - {name: Anna Berg, phone: 08-452 73 22, email: anna@exempel.se}",
)
def no_complete_contact(ctx: LintContext) -> Iterator[Finding]:
    contacts = [c for _, c in _contacts(ctx)]
    if contacts and not any((c.phone or c.mobile) and c.email for c in contacts):
        where: tuple[str | int, ...] = ("contacts",) if ctx.release.contacts else ()
        yield ctx.finding(
            "C101",
            where,
            "no contact has both a phone number and an e-mail address; give one of them both",
        )


@rule(
    "C102",
    "no-press-contact",
    "warning",
    summary="The release has no press contact (its own press_contacts or the organisation's).",
    rationale="Besides the people quoted, newsrooms look for the press office: for "
    "pictures, interviews and the next release. Set press_contacts in organisation.yaml "
    "once.",
    bad="press_contacts: []",
    good="press_contacts:\n  - {name: Pia Press, role: presschef, phone: …, email: …}",
)
def no_press_contact(ctx: LintContext) -> Iterator[Finding]:
    release = ctx.release
    own = release.press_contacts
    if (own is not None and not own) or (
        own is None and not ctx.loaded.organisation.profile.press_contacts
    ):
        where: tuple[str, ...] = ("press_contacts",) if own is not None else ()
        yield ctx.finding(
            "C102",
            where,
            "the release has no press contact; add press_contacts: here or in "
            f"{ctx.organisation_file}",
        )


@rule(
    "C103",
    "duplicate-contact",
    "error",
    summary="The same person (same name or e-mail) is listed twice among the contacts.",
    rationale="A person printed twice, under 'For more information' and again under "
    "'Press contact', looks careless and wastes the reader's time. The organisation's "
    "press contacts count when the release uses them.",
    bad="contacts:\n  - {name: Pia Press, …}   # and Pia Press is the organisation's press contact",
    good="contacts:\n  - {name: Anna Berg, …}",
)
def duplicate_contact(ctx: LintContext) -> Iterator[Finding]:
    organisation = f"the press contacts of {ctx.organisation_file}"
    seen: dict[str, tuple[str | int, ...] | None] = {}
    for path, contact in _contacts(ctx):
        keys = []
        if contact.name:
            keys.append("name:" + " ".join(contact.name.split()).casefold())
        if contact.email:
            keys.append("email:" + contact.email.casefold())
        earlier = [seen[key] for key in keys if key in seen]
        label = contact.name or contact.email
        if earlier:
            first = earlier[0]
            # An organisation's press contact has no place in the release: report the
            # duplicate where the release names the person.
            at = path if path is not None else first
            other = first if path is not None else path
            yield ctx.finding(
                "C103",
                at or (),
                f"{label!r} is listed twice (also in "
                f"{ctx.where(other) if other else organisation}); list each person once",
            )
        for key in keys:
            seen.setdefault(key, path)


@rule(
    "B101",
    "boilerplate-missing",
    "warning",
    summary="No boilerplate in the release language (in the release or the organisation).",
    rationale="The 'About us' paragraph tells a newsroom who is speaking. A release in "
    "English that falls back to Swedish boilerplate, or gets none, is incomplete.",
    bad="language: en   # and organisation.yaml has boilerplate: {sv: …} only",
    good="boilerplate:\n  sv: …\n  en: Regionförbundet Jönköpings län is …",
)
def boilerplate_missing(ctx: LintContext) -> Iterator[Finding]:
    if ctx.release.boilerplate is not None:
        return
    language = ctx.loaded.language
    accepted = set(language_fallbacks(language, language))
    available = ctx.loaded.organisation.profile.boilerplate
    if not any(key in accepted for key in available):
        where: tuple[str, ...] = ("language",) if "language" in ctx.data else ()
        yield ctx.finding(
            "B101",
            where,
            f"no boilerplate in {language}: add boilerplate: to the release, or {language}: "
            f"under boilerplate: in {ctx.organisation_file}",
        )
