"""Per-language typography: quotations, dates, labels and language fallback.

Every user-facing word an output prints comes from :class:`Labels`, read from the gettext
catalogs in ``presser/locale/<lang>/LC_MESSAGES/presser.po``. The ``.po`` files are the
source of truth; they are parsed at runtime with Babel, so no compiled ``.mo`` files are kept.
Languages are discovered from the folders, so adding one needs no code change.

Catalog workflow (run from the repository root)::

    # after adding or changing an N_("...") message below
    pybabel extract --no-location --add-comments=TRANSLATORS: -w 100 \\
        --project=presser --version=0.1.0 --copyright-holder="presser contributors" \\
        -o presser/locale/presser.pot presser/render/text_style.py
    pybabel update -D presser -d presser/locale -i presser/locale/presser.pot -w 100
    # translate the new, empty or fuzzy entries of each presser.po, then check:
    pytest tests/test_text_style.py

    # a new language (then translate it; labels_for() finds it by its folder)
    pybabel init -D presser -d presser/locale -i presser/locale/presser.pot -w 100 -l pt

Messages whose translation is empty or fuzzy fall back to the English msgid at runtime, as
gettext does; the test suite refuses both.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from ..source.model import QUOTE_STYLES, RELEASE_TYPES

__all__ = [
    "DOMAIN",
    "MESSAGE_IDS",
    "NORDIC_LANGUAGES",
    "QUOTE_STYLES",
    "RELEASE_TYPES",
    "Labels",
    "QuoteSegment",
    "available_languages",
    "babel_locale",
    "catalog_language",
    "default_quote_style",
    "format_date",
    "format_datetime",
    "iso_local",
    "labels_for",
    "language_fallbacks",
    "normalize_tag",
    "primary_subtag",
    "set_quote",
    "us_dateline_date",
]

DOMAIN = "presser"
NORDIC_LANGUAGES = frozenset({"sv", "nb", "nn", "no", "da", "fi", "is"})

NBSP = "\u00a0"


# --------------------------------------------------------------------------- language tags


def normalize_tag(tag: str) -> str:
    """Canonical BCP 47 casing with hyphens: ``sv_fi`` -> ``sv-FI``, ``sr-latn`` -> ``sr-Latn``."""
    parts = [p for p in re.split(r"[-_]", tag.strip()) if p]
    if not parts:
        raise ValueError(f"empty language tag: {tag!r}")
    out = [parts[0].lower()]
    for part in parts[1:]:
        if len(part) == 4 and part.isalpha():
            out.append(part.title())
        elif (len(part) == 2 and part.isalpha()) or (len(part) == 3 and part.isdigit()):
            out.append(part.upper())
        else:
            out.append(part.lower())
    return "-".join(out)


def primary_subtag(tag: str) -> str:
    """The language part of a tag: ``sv-FI`` -> ``sv``."""
    return normalize_tag(tag).split("-", 1)[0]


# Norwegian has two written standards plus the macrolanguage code; content in one is the
# best stand-in for the other. Nynorsk readers read bokmål, not necessarily the reverse.
_NORWEGIAN_CHAIN = {"nn": ("nb", "no"), "nb": ("no",), "no": ("nb",)}


def _expand(tag: str) -> list[str]:
    norm = normalize_tag(tag)
    primary = primary_subtag(norm)
    return [norm, primary, *_NORWEGIAN_CHAIN.get(primary, ())]


def language_fallbacks(language: str, default: str) -> list[str]:
    """The order in which to try language-keyed content (boilerplate, labels).

    Exact tag, primary subtag, the Norwegian chain (nn -> nb -> no, nb <-> no), then the same
    for ``default`` (the organisation's language). Tags are normalised; no duplicates.
    """
    return list(dict.fromkeys([*_expand(language), *_expand(default)]))


# --------------------------------------------------------------------------- catalogs


def N_(message: str) -> str:  # the name is a default keyword of pybabel extract
    """Mark a message for extraction by ``pybabel extract``; translation happens later."""
    return message


# Field name of Labels -> msgid. The comments become extracted comments in the .pot.
_MESSAGES: dict[str, str] = {
    # TRANSLATORS: release type, printed above the headline.
    "press_release": N_("Press release"),
    # TRANSLATORS: release type: a news item, less formal than a press release.
    "news": N_("News"),
    # TRANSLATORS: release type: an official statement by the organisation.
    "statement": N_("Statement"),
    # TRANSLATORS: release type: an invitation to the media (press conference, event).
    "invitation": N_("Invitation"),
    # TRANSLATORS: heading above the contacts who can answer questions.
    "more_information": N_("For more information"),
    # TRANSLATORS: heading above the organisation's press office contacts.
    "press_contact": N_("Press contact"),
    # TRANSLATORS: heading of the boilerplate; keep {organisation} (the organisation's name).
    "about": N_("About {organisation}"),
    # TRANSLATORS: short label before a (landline) phone number in a contact line.
    "phone": N_("tel."),
    # TRANSLATORS: short label before a mobile phone number in a contact line.
    "mobile": N_("mobile"),
    # TRANSLATORS: label before an e-mail address in a contact line.
    "email": N_("email"),
    # TRANSLATORS: default verb of a quote attribution ("..., said Anna Berg, CEO.").
    "said": N_("said"),
    # TRANSLATORS: embargo notice; keep {datetime} (date and time with zone).
    "embargo": N_("EMBARGOED UNTIL {datetime}"),
    # TRANSLATORS: wire notice that a release may be published at once.
    "for_immediate_release": N_("FOR IMMEDIATE RELEASE"),
    # TRANSLATORS: label before a photo credit.
    "photo": N_("Photo"),
    # TRANSLATORS: heading above a list of links.
    "links": N_("Links"),
    # TRANSLATORS: page number label in print ("Page 2").
    "page": N_("Page"),
    # TRANSLATORS: word between page numbers in print ("Page 1 of 2").
    "page_of": N_("of"),
    # TRANSLATORS: heading of a table of contents.
    "contents": N_("Contents"),
    # TRANSLATORS: heading of the correction notices of a corrected release.
    "correction": N_("Correction"),
    # TRANSLATORS: notice on a corrected release; keep {date} (the day) and {note} (what changed).
    "correction_notice": N_("Correction {date}: {note}"),
    # TRANSLATORS: name of the list of links to the same release in other languages (for
    # screen readers).
    "languages": N_("Languages"),
    # TRANSLATORS: line naming the release's version in another language; keep {language}
    # (that language's name in this one: "Swedish") and {headline} (that version's headline).
    "also_in": N_("Also in {language}: {headline}"),
}

MESSAGE_IDS: frozenset[str] = frozenset(_MESSAGES.values())


def _locale_root() -> resources.abc.Traversable:
    return resources.files("presser") / "locale"


def _catalog_path(language: str) -> resources.abc.Traversable:
    # gettext folder names use underscores: sv_FI
    return _locale_root() / language.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def available_languages() -> frozenset[str]:
    """Languages that have a catalog, as normalised tags."""
    root = _locale_root()
    return frozenset(
        normalize_tag(entry.name)
        for entry in root.iterdir()
        if entry.is_dir() and (entry / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
    )


@functools.lru_cache(maxsize=64)
def _catalog(language: str) -> Catalog:
    with _catalog_path(language).open("rb") as handle:
        catalog: Catalog = read_po(handle, locale=language.replace("-", "_"), domain=DOMAIN)
    return catalog


def _translate(catalog: Catalog, msgid: str) -> str:
    message = catalog.get(msgid)
    # Like gettext: a missing, empty or fuzzy translation shows the English msgid.
    if message is None or message.fuzzy or not isinstance(message.string, str):
        return msgid
    return message.string or msgid


# --------------------------------------------------------------------------- labels


@dataclass(frozen=True)
class Labels:
    """Every user-facing word of the outputs, in one language."""

    language: str
    press_release: str
    news: str
    statement: str
    invitation: str
    more_information: str
    press_contact: str
    about: str
    phone: str
    mobile: str
    email: str
    said: str
    embargo: str
    for_immediate_release: str
    photo: str
    links: str
    page: str
    page_of: str
    contents: str
    correction: str
    correction_notice: str
    languages: str
    also_in: str

    def release_type(self, type_: str) -> str:
        """The label of a release type: ``press-release`` -> ``Pressmeddelande``."""
        if type_ not in RELEASE_TYPES:
            raise ValueError(f"unknown release type {type_!r}; expected one of {RELEASE_TYPES}")
        value: str = getattr(self, type_.replace("-", "_"))
        return value

    def about_organisation(self, organisation: str) -> str:
        """The boilerplate heading: ``Om Regionförbundet``."""
        return self.about.replace("{organisation}", organisation)

    def embargo_until(self, when: str) -> str:
        """The embargo notice with the formatted date and time filled in."""
        return self.embargo.replace("{datetime}", when)

    def correction_line(self, date: str, note: str) -> str:
        """The correction notice: ``Rättelse 24 november 2026: …``."""
        # {note} last, so braces in the note's own text are never read as placeholders.
        return self.correction_notice.replace("{date}", date).replace("{note}", note)

    def also_in_prefix(self, language: str) -> str:
        """``Även på engelska:``, the line's words before the headline (every catalog puts
        the headline last), for a page that marks the headline's own language."""
        return self.also_in.replace("{language}", language).split("{headline}")[0].rstrip()

    def also_in_line(self, language: str, headline: str) -> str:
        """The line naming another language version: ``Även på engelska: …``."""
        # {headline} last, so braces in the headline are never read as placeholders.
        return self.also_in.replace("{language}", language).replace("{headline}", headline)


def catalog_language(language: str) -> str:
    """The catalog used for ``language``: sv-FI -> sv, nn-NO -> nn, no -> nb, xx -> en."""
    available = available_languages()
    for candidate in language_fallbacks(language, "en"):
        if candidate in available:
            return candidate
    raise LookupError("no English catalog found in presser/locale")


@functools.lru_cache(maxsize=64)
def labels_for(language: str) -> Labels:
    """The labels for a BCP 47 tag, falling back as :func:`catalog_language` does."""
    used = catalog_language(language)
    catalog = _catalog(used)
    words = {field: _translate(catalog, msgid) for field, msgid in _MESSAGES.items()}
    return Labels(language=used, **words)


# --------------------------------------------------------------------------- quotes


@dataclass(frozen=True)
class QuoteSegment:
    """A run of a set quotation: the quoted words, or the attribution between them."""

    kind: Literal["quote", "attribution"]
    text: str


@dataclass(frozen=True)
class _Marks:
    open: str
    close: str
    dash: bool  # a dash opens the quote and nothing closes it; `continued` runs on unmarked


_DASH = _Marks("– ", "", dash=True)
_HYPHEN = _Marks("- ", "", dash=True)
_STRAIGHT = _Marks('"', '"', dash=False)
_LOW_HIGH = _Marks("„", "“", dash=False)
_ENGLISH_CURLY = _Marks("“", "”", dash=False)
# Swedish and Finnish curly quotes are both the closing form (CLDR sv/fi: ”…”).
_NORDIC_CURLY = _Marks("”", "”", dash=False)
_GUILLEMETS = _Marks("«", "»", dash=False)
# Swedish and Finnish set guillemets both pointing right; Danish and German point them inward.
_GUILLEMETS_RIGHT = _Marks("»", "»", dash=False)
_GUILLEMETS_INWARD = _Marks("»", "«", dash=False)
# French sets a no-break space inside guillemets, so they never end up alone on a line.
_GUILLEMETS_FRENCH = _Marks("«" + NBSP, NBSP + "»", dash=False)
# Dutch press mostly follows CLDR's single quotes.
_DUTCH = _Marks("‘", "’", dash=False)

# The language's own quotation (CLDR delimiters; Babel does not carry them). Keys are
# primary subtags, or a full tag where a region differs.
_DEFAULT_MARKS: dict[str, _Marks] = {
    **dict.fromkeys(NORDIC_LANGUAGES, _DASH),
    "en": _ENGLISH_CURLY,
    "de": _LOW_HIGH,
    "de-CH": _GUILLEMETS,
    "de-LI": _GUILLEMETS,
    "fr": _GUILLEMETS_FRENCH,
    "es": _GUILLEMETS,
    "nl": _DUTCH,
}

# Where the comma before the attribution goes, and whether it survives a ? or !.
_COMMA_INSIDE = frozenset({"en"})  # “We are glad,” said ...
_COMMA_AFTER_QUESTION = frozenset({"de", "es"})  # „Ist das gut?“, sagt ... / «¿Es bueno?», dice ...

# Runs of ordinary whitespace collapse; no-break spaces are the author's typography ("5 000").
_WHITESPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")
_KEEPS_OWN_MARK = ("?", "!", "…", "...")  # a question or exclamation is not turned into a comma
_GIVES_WAY = (".", ",", ";", ":")  # a full stop (or stray comma) yields to the comma
_ENDS_SENTENCE = (".", "?", "!", "…", ":", ";")


def _clean(text: str | None) -> str:
    return _WHITESPACE.sub(" ", text).strip() if text else ""


def _style_language(language: str) -> str:
    """The language whose typography applies: the one its labels come from (xx -> en)."""
    try:
        tag = normalize_tag(language)
    except ValueError:
        return "en"
    if tag in _DEFAULT_MARKS or primary_subtag(tag) in _DEFAULT_MARKS:
        return tag
    return catalog_language(tag)


def default_quote_style(language: str) -> str | None:
    """The named style a language uses by default, or None when it is its own (fr, nl, es)."""
    marks = _marks_for(language, None)
    for name in QUOTE_STYLES:
        if _marks_for(language, name) == marks:
            return name
    return None


def _marks_for(language: str, style: str | None) -> _Marks:
    tag = _style_language(language)
    primary = primary_subtag(tag)
    if style is None:
        return _DEFAULT_MARKS.get(tag) or _DEFAULT_MARKS.get(primary) or _ENGLISH_CURLY
    if style == "dash":
        return _DASH
    if style == "hyphen":
        return _HYPHEN
    if style == "curly":
        return _NORDIC_CURLY if primary in {"sv", "fi"} else _ENGLISH_CURLY
    if style == "straight":
        return _STRAIGHT
    if style == "low-high":
        return _LOW_HIGH
    if style == "guillemets":
        if primary in {"sv", "fi"}:
            return _GUILLEMETS_RIGHT
        if primary in {"da", "de"} and _DEFAULT_MARKS.get(tag) is not _GUILLEMETS:
            return _GUILLEMETS_INWARD  # Swiss German keeps its own «…»
        if primary == "fr":
            return _GUILLEMETS_FRENCH
        return _GUILLEMETS
    raise ValueError(f"unknown quote style {style!r}; expected one of {QUOTE_STYLES}")


def _with_full_stop(text: str) -> str:
    return text if text.endswith(_ENDS_SENTENCE) else text + "."


def set_quote(
    language: str,
    *,
    text: str,
    speaker: str | None,
    role: str | None = None,
    verb: str | None = None,
    attribution: str | None = None,
    continued: str | None = None,
    style: str | None = None,
) -> tuple[QuoteSegment, ...]:
    """Return the quote as segments; ``" ".join(s.text for s in segments)`` is the sentence.

    ``style`` is one of :data:`QUOTE_STYLES` (an organisation's house style) or None for the
    language's own. ``attribution`` replaces ``{verb} {speaker}, {role}``.
    """
    tag = _style_language(language)
    primary = primary_subtag(tag)
    marks = _marks_for(language, style)
    said = _clean(text)
    if not said:
        raise ValueError("a quote needs text")
    more = _clean(continued)
    attribution_text = _clean(attribution)
    speaker_text = _clean(speaker)

    if not attribution_text and speaker_text:
        words = [_clean(verb) or labels_for(language).said, speaker_text]
        attribution_text = " ".join(words)
        if role_text := _clean(role):
            attribution_text += ", " + role_text

    if not attribution_text:
        # Nothing to interrupt the quotation: one run, with the speaker's own punctuation.
        whole = " ".join(part for part in (said, more) if part)
        return (QuoteSegment("quote", marks.open + whole + marks.close),)

    if said.endswith(_KEEPS_OWN_MARK):
        # German and Spanish still set the comma after the closing mark: „Gut?“, sagt sie.
        keeps_comma = primary in _COMMA_AFTER_QUESTION and not marks.dash
        body, comma = said, "," if keeps_comma else ""
    else:
        body, comma = said.rstrip("".join(_GIVES_WAY)).rstrip(), ","
    if marks.dash:
        opening = marks.open + body + comma
    elif primary in _COMMA_INSIDE:
        opening = marks.open + body + comma + marks.close
    else:
        opening = marks.open + body + marks.close + comma

    segments = [
        QuoteSegment("quote", opening),
        QuoteSegment("attribution", _with_full_stop(attribution_text)),
    ]
    if more:
        rest = more if marks.dash else marks.open + more + marks.close
        segments.append(QuoteSegment("quote", rest))
    return tuple(segments)


# --------------------------------------------------------------------------- dates


def babel_locale(tag: str) -> Locale:
    """The Babel locale for a tag, falling back to its primary subtag, then English."""
    for candidate in language_fallbacks(tag, "en"):
        try:
            return Locale.parse(candidate, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    return Locale.parse("en")


def language_autonym(tag: str) -> str:
    """A language's name in that language, as a language switch shows it ("Svenska")."""
    name = babel_locale(tag).display_name or tag
    return name[:1].upper() + name[1:]


def language_name(tag: str, in_language: str) -> str:
    """A language's name in another language, as running text has it ("engelska")."""
    locale = babel_locale(in_language)
    primary = tag.replace("_", "-").split("-")[0].lower()
    return str(locale.languages.get(tag.replace("-", "_")) or locale.languages.get(primary, tag))


def _localized(moment: datetime, timezone: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no UTC offset; refusing to guess one")
    return moment.astimezone(ZoneInfo(timezone))


_NAMED_FORMATS = ("short", "medium", "long", "full")


def _named_pattern(locale: Locale, name: str, time_name: str | None = None) -> str:
    # CLDR's glue ("{1}, {0}", "{1} 'kl'. {0}") is itself pattern syntax, so splicing the
    # date and time patterns into it yields one pattern whose fields we can then edit.
    glue = str(locale.datetime_formats[name])
    date_pattern = locale.date_formats[name].pattern
    time_pattern = locale.time_formats[time_name or name].pattern
    return glue.replace("{1}", date_pattern).replace("{0}", time_pattern)


def _zone_abbreviation(local: datetime, locale: Locale) -> str:
    """The short zone name: the locale's own when it has one (MEZ in German), else tzname()."""
    babel_name: str = babel_dates.format_datetime(local, "z", locale=locale)
    # Babel falls back to an offset ("+0100", "GMT+1") where CLDR has no abbreviation for the
    # locale; zoneinfo's tzname() knows the real one. Numeric tznames ("-03") mean there is none.
    if not any(ch.isdigit() for ch in babel_name):
        return babel_name
    zone_name = local.tzname() or ""
    if zone_name and zone_name[0] not in "+-":
        return zone_name
    return babel_name


def _replace_short_zone(pattern: str, abbreviation: str) -> str:
    """Replace z, zz and zzz fields (not quoted text) with the abbreviation, quoted.

    Babel's own tokenizer reads the pattern; the pattern is written back here,
    since ``untokenize_pattern`` leaves a literal apostrophe unescaped. Text
    next to text is quoted as one literal: two quoted literals side by side
    would read as an escaped apostrophe.
    """
    out: list[str] = []
    text = ""  # literal text not yet written
    for _kind, value in babel_dates.tokenize_pattern(pattern):
        if isinstance(value, str):  # ("chars", text)
            text += value
            continue
        char, count = value  # ("field", (letter, length))
        if char == "z" and count <= 3:
            text += abbreviation
            continue
        out.append(_literal(text))
        out.append(char * count)
        text = ""
    out.append(_literal(text))
    return "".join(out)


def _literal(text: str) -> str:
    """``text`` as it stands in a CLDR pattern: quoted where it holds letters or '."""
    if any(c.isascii() and c.isalpha() for c in text) or "'" in text:
        return _quoted(text)
    return text


def _quoted(text: str) -> str:
    """``text`` as a CLDR pattern literal (an apostrophe doubled)."""
    return "'" + text.replace("'", "''") + "'"


def format_datetime(
    moment: datetime,
    *,
    timezone: str,
    language: str,
    pattern: str | None = None,
    date_locale: str | None = None,
) -> str:
    """Format an aware datetime in ``timezone`` with a CLDR pattern.

    ``pattern`` may also be ``short``, ``medium``, ``long`` or ``full``; the default is the
    long date with the short time and the zone ("28 januari 2010 09:52 CET"), as a release
    is dated to the minute. Month and day names come from ``date_locale`` or else ``language``.
    """
    local = _localized(moment, timezone)
    locale = babel_locale(date_locale or language)
    if pattern is None:
        chosen = _named_pattern(locale, "long", time_name="short") + " z"
    elif pattern in _NAMED_FORMATS:
        chosen = _named_pattern(locale, pattern)
    else:
        chosen = pattern
    chosen = _replace_short_zone(chosen, _zone_abbreviation(local, locale))
    result: str = babel_dates.format_datetime(
        local, chosen, tzinfo=ZoneInfo(timezone), locale=locale
    )
    return result


def format_date(
    moment: datetime,
    *,
    timezone: str,
    locale: str,
    format: str = "long",  # Babel's own parameter name
) -> str:
    """The calendar date of ``moment`` in ``timezone``, formatted for ``locale``."""
    local_day: date = _localized(moment, timezone).date()
    result: str = babel_dates.format_date(local_day, format, locale=babel_locale(locale))
    return result


def us_dateline_date(moment: datetime, *, timezone: str) -> str:
    """The date of a US wire dateline: ``January 28, 2010``."""
    return format_date(moment, timezone=timezone, locale="en-US", format="MMMM d, y")


def iso_local(moment: datetime, timezone: str) -> str:
    """ISO 8601 with the offset of ``timezone``: ``2010-01-28T09:52:00+01:00``."""
    return _localized(moment, timezone).isoformat()
