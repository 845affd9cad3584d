"""The release format as pydantic models: the single source of truth.

The JSON Schema (``presser schema``), the format reference in
``docs/format.md`` and the field names in every message come from here.
Fields are checked one by one here; rules that span fields (quote ids placed
once, embargo before publication, a contact somewhere) are in
:mod:`presser.source.validation`, which knows the organisation and the file.

Values arrive as text from :mod:`presser.source.loading`; pydantic's lax mode turns
``2010-01-28T09:52:00+01:00`` into a datetime, nothing else is coerced.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import phonenumbers
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationInfo,
    field_validator,
    model_validator,
)

from .distribution import Distribution, Slug
from .fields import (
    Email,
    Language,
    Line,
    Text,
    WireStyle,
    _text,
)

ReleaseType = Literal["press-release", "news", "statement", "invitation"]
Status = Literal["draft", "review", "approved", "published"]
QuoteStyle = Literal["dash", "hyphen", "curly", "straight", "guillemets", "low-high"]

#: Every output format (presser.render.pipeline.KNOWN_FORMATS; a test keeps them equal).
OutputFormat = Literal["html", "pdf", "txt", "ninjs", "newsml"]

RELEASE_TYPES: tuple[str, ...] = get_args(ReleaseType)
QUOTE_STYLES: tuple[str, ...] = get_args(QuoteStyle)


_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _identifier(value: str) -> str:
    if not _ID.match(value):
        raise ValueError("use lower-case letters, digits, '-' and '_' (such as knape or quote-1)")
    return value


Identifier = Annotated[str, AfterValidator(_identifier)]


def _phone(value: str, info: ValidationInfo) -> str:
    text = _text(value)
    country = (info.context or {}).get("country")
    local = not text.startswith("+")
    try:
        number = phonenumbers.parse(text, country if local else None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        where = f"for {country}" if country and local else "(international)"
        raise ValueError(f"not a valid phone number {where}{_phone_hint(text, number, country)}")
    return text


def _phone_hint(text: str, number: phonenumbers.PhoneNumber | None, country: str | None) -> str:
    """Why a number is not valid, when that can be told: the usual slips."""
    local = not text.startswith("+")
    if local and country is None and any(ch.isdigit() for ch in text):
        return "; a number without + needs country: in organisation.yaml"
    if number is None:
        return ""
    results = phonenumbers.ValidationResult
    reason = phonenumbers.is_possible_number_with_reason(number)
    fixed_line = phonenumbers.is_possible_number_for_type_with_reason(
        number, phonenumbers.PhoneNumberType.FIXED_LINE
    )
    if reason == results.IS_POSSIBLE and fixed_line == results.TOO_SHORT:
        # Possible somewhere in the country's plan, yet too short for a line with
        # an area code: 45 12 34 in Sweden.
        reason = results.TOO_SHORT
    if reason == results.TOO_LONG:
        return ": too long"
    area_code_missing = ": too short, the area code may be missing"
    if reason == results.IS_POSSIBLE_LOCAL_ONLY:
        return area_code_missing
    if reason != results.TOO_SHORT:
        return ""
    # Written with the trunk prefix (036-…), a local number has its area code.
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(country or "")
    prefix = metadata.national_prefix if metadata else None
    if local and prefix and not phonenumbers.normalize_digits_only(text).startswith(prefix):
        return area_code_missing
    return ": too short"


def _image_path(value: str, info: ValidationInfo) -> str:
    text = _text(value)
    if "://" in text or text.startswith(("/", "\\", "~")) or ":" in text[:3]:
        raise ValueError(
            "must be a path relative to the release file, not an address or absolute path"
        )
    context = info.context or {}
    release_dir, project_root = context.get("release_dir"), context.get("project_root")
    if release_dir is not None and project_root is not None:
        target = Path(release_dir) / text
        if not target.resolve().is_relative_to(project_root):
            raise ValueError("must stay inside the project folder (links followed)")
        if not target.is_file():
            raise ValueError(f"no such file: {text}")
    return text


Phone = Annotated[str, AfterValidator(_phone)]


def _release_name(value: str) -> str:
    text = _text(value)
    if not text or any(c in text for c in "/\\") or text.startswith("."):
        raise ValueError(
            "a release's file name beside this one, with or without .yaml "
            "(such as 2026-03-02-simhall)"
        )
    return text.removesuffix(".yaml").removesuffix(".yml")


ReleaseName = Annotated[str, AfterValidator(_release_name)]

_WEB_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_LINK_URL = re.compile(r"^(https?://[^\s/$.?#][^\s]*|mailto:\S+@\S+|tel:\+?[0-9 ()-]+)$", re.I)


def _web_url(value: str) -> str:
    text = _text(value)
    if not _WEB_URL.match(text):
        raise ValueError("an http:// or https:// address")
    return text


def _link_url(value: str) -> str:
    text = _text(value)
    if not _LINK_URL.match(text):
        raise ValueError("an http://, https://, mailto: or tel: address")
    return text


WebUrl = Annotated[str, AfterValidator(_web_url)]
LinkUrl = Annotated[str, AfterValidator(_link_url)]


class StrictModel(BaseModel):
    """Unknown fields are errors; models are read-only once validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=False)


class Contact(StrictModel):
    """A person (or a function such as a press office) to contact."""

    name: Line | None = Field(None, description="The person's name.")
    role: Line | None = Field(
        None, description="Title or function, as it should be printed after the name."
    )
    organisation: Line | None = Field(
        None, description="The contact's organisation or unit, when it is worth printing."
    )
    phone: Phone | None = Field(
        None,
        description="Phone number as people write it (036-10 74 24); checked for the "
        "organisation's country unless it starts with +.",
    )
    mobile: Phone | None = Field(None, description="Mobile number, written and checked as phone.")
    email: Email | None = Field(None, description="E-mail address (checked, never looked up).")

    @model_validator(mode="after")
    def _reachable(self) -> Contact:
        if not (self.name or self.role):
            raise ValueError("a contact needs a name (or, for a function, a role)")
        if not (self.phone or self.mobile or self.email):
            raise ValueError("a contact needs at least one of phone, mobile, email")
        return self


class Quote(StrictModel):
    """Something said, kept as data so each output sets it in its language's house style."""

    id: Identifier | None = Field(
        None,
        description="Name used to place the quote in the body (quote: ID); "
        "without one, the quote is set after the body.",
    )
    text: Text = Field(description="What is said before the attribution.")
    continued: Text | None = Field(
        None, description="What the speaker goes on to say after the attribution."
    )
    speaker: Line | None = Field(None, description="Who says it.")
    role: Line | None = Field(None, description="The speaker's title, printed after the name.")
    verb: Text | None = Field(
        None, description="Verb of saying; default per language (säger / said / sagt)."
    )
    attribution: Text | None = Field(
        None,
        description="Free text replacing '{verb} {speaker}, {role}', for a house style "
        "that words it otherwise (said Subversion Corporation President Hyrum Wright).",
    )
    lang: Language | None = Field(
        None,
        description="The language of what is said when it is not the release's (such as en "
        "in a Swedish release): the page marks the words so that screen readers speak them "
        "right; the attribution stays in the release's language.",
    )


class Link(StrictModel):
    """A link listed after the body (» Läs mer …)."""

    text: Line = Field(description="The link's text, as the reader sees it.")
    url: LinkUrl = Field(description="An http(s), mailto: or tel: address.")


class Image(StrictModel):
    """A picture that goes with the release."""

    id: Identifier = Field(description="Name used to place the image in the body (image: ID).")
    path: Annotated[str, AfterValidator(_image_path)] = Field(
        description="File path relative to the release file; must stay inside the project. "
        "A PNG, JPEG or WebP image (checked by content) within the image limits."
    )
    alt: Text = Field(description="Text alternative for readers who cannot see the image.")
    caption: Text | None = Field(None, description="Caption printed with the image.")
    credit: Text | None = Field(None, description="Photographer or source, printed with it.")


class QuoteRef(StrictModel):
    """A body block that places a quote: ``- quote: ID``."""

    quote: Identifier = Field(description="The id of a quote in quotes:.")


class ImageRef(StrictModel):
    """A body block that places an image: ``- image: ID``."""

    image: Identifier = Field(description="The id of an image in images:.")


def _block_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        if "quote" in value:
            return "quote"
        if "image" in value:
            return "image"
    if isinstance(value, QuoteRef | ImageRef):
        return "quote" if isinstance(value, QuoteRef) else "image"
    return None


BodyBlock = Annotated[
    Annotated[Annotated[str, AfterValidator(_text)], Tag("text")]
    | Annotated[QuoteRef, Tag("quote")]
    | Annotated[ImageRef, Tag("image")],
    Discriminator(
        _block_kind,
        custom_error_type="body_block",
        custom_error_message="a body block is Markdown text, 'quote: ID' or 'image: ID'",
    ),
]


def _body_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "blocks"
    return None


Body = Annotated[
    Annotated[Annotated[str, AfterValidator(_text)], Tag("text")]
    | Annotated[tuple[BodyBlock, ...], Tag("blocks")],
    Discriminator(
        _body_kind,
        custom_error_type="body",
        custom_error_message="the body is Markdown text or a list of blocks",
    ),
]

Boilerplate = Annotated[
    Annotated[Annotated[str, AfterValidator(_text)], Tag("text")]
    | Annotated[tuple[Text, ...], Tag("blocks")],
    Discriminator(
        _body_kind,
        custom_error_type="boilerplate",
        custom_error_message="boilerplate is text or a list of paragraphs",
    ),
]


WorkflowAction = Literal["submit", "approve", "reject", "schedule", "publish", "correct"]
WORKFLOW_ACTIONS: tuple[str, ...] = get_args(WorkflowAction)

_CONTENT_HASH = re.compile(r"^sha256:[0-9a-f]{64}$")


def _content_hash(value: str) -> str:
    if not _CONTENT_HASH.match(value):
        raise ValueError("a content hash written as sha256: and 64 hexadecimal digits")
    return value


class HistoryEntry(StrictModel):
    """One step of the editorial workflow, appended by presser (submit, approve, …)."""

    action: WorkflowAction = Field(description="The command that made the step.")
    from_status: Status = Field(alias="from", description="The status before the step.")
    to: Status = Field(description="The status after the step.")
    by: Text = Field(description="Who made the step (--by, else git's user.name or the login).")
    at: AwareDatetime = Field(description="When, with the organisation's UTC offset.")
    note: Text | None = Field(
        None, description="The approval note, rejection reason or correction note."
    )
    version: int | None = Field(
        None, ge=1, description="For publish and correct: the version published or started."
    )
    content_hash: Annotated[str, AfterValidator(_content_hash)] | None = Field(
        None,
        description="For approve, schedule and publish: SHA-256 of the content "
        "(see README: Editorial workflow) at that step.",
    )
    inputs: dict[Text, Text] | None = Field(
        None,
        description="For approve: each file the page and PDF read from the template "
        "folders, by lookup, as 'sha256:<hex> <place on the search path>' or 'missing' "
        "(what the approval covers besides the release; publish names the one that changed).",
    )


class Correction(StrictModel):
    """A correction of a published release; each one starts the next version."""

    at: AwareDatetime = Field(description="When the correction was started.")
    note: Text = Field(description="What was corrected, printed on every output of the release.")
    by: Text | None = Field(None, description="Who started the correction.")


#: What a lint selector may look like: a code (H101), a code prefix (H, H1) or a rule's
#: name (headline-too-long). Which rules exist is the linter's to say, when it runs
#: (:func:`presser.lint.engine.selector_problems`), so reading a release never
#: imports the rules.
_SELECTOR = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,59}")


def _lint_selector(value: str) -> str:
    """A lint rule's code (H101), a code prefix (H) or its name (headline-too-long)."""
    if not _SELECTOR.fullmatch(value.strip()):
        raise ValueError(
            "not a lint rule: write a code (H101), a code's first letters (H) or a rule's "
            "name (headline-too-long); docs/lint.md lists every rule"
        )
    return value


LintSelectors = tuple[Annotated[Text, AfterValidator(_lint_selector)], ...]


class LintSettings(StrictModel):
    """House style for presser lint: lint: in organisation.yaml (see docs/lint.md)."""

    select: LintSelectors | None = Field(
        None,
        description="Rules to run, as codes (H101), prefixes (H) or names "
        "(headline-too-long); default: every rule.",
    )
    ignore: LintSelectors = Field((), description="Rules never to run, written as in select.")
    headline_max_chars: int = Field(
        100, ge=1, description="H101: the longest headline, in characters."
    )
    headline_min_words: int = Field(3, ge=1, description="H105: the fewest words in a headline.")
    headline_min_chars: int = Field(
        15, ge=1, description="H105: the shortest headline, in characters."
    )
    lead_max_words: int = Field(60, ge=1, description="L102: the longest lead, in words.")
    lead_max_sentences: int = Field(3, ge=1, description="L103: the most sentences in the lead.")
    sentence_max_words: int = Field(35, ge=1, description="R103: the longest sentence, in words.")
    lix_max: int = Field(50, ge=1, description="R101: the highest LIX (Nordic languages).")
    flesch_min: int = Field(
        30, ge=0, le=100, description="R102: the lowest Flesch reading ease (English, German)."
    )
    date_span_days: int = Field(
        180, ge=0, description="D102: how many days a full date in the text may lie from published."
    )
    image_min_width: int = Field(
        1200, ge=1, description="I102: the narrowest image fit for print, in pixels."
    )
    image_max_megabytes: int = Field(
        10, ge=1, description="I103: the largest image file, in megabytes (10^6 bytes)."
    )
    acronyms: tuple[Text, ...] = Field(
        (),
        description="H103: words of five or more capitals that are names, not shouting (UNESCO).",
    )


class ReleaseLint(StrictModel):
    """presser lint settings for one release: lint: in the release file."""

    ignore: LintSelectors = Field(
        (),
        description="Rules not to run on this release, as codes, prefixes or names "
        "(such as [Q104] when unplaced quotes are meant to follow the body).",
    )


class Release(StrictModel):
    """One press release: the YAML file in releases/."""

    organisation: Identifier = Field(description="The organisation's folder name under templates/.")
    language: Language | None = Field(
        None, description="BCP 47 language tag; default: the organisation's language."
    )
    type: ReleaseType = Field(
        "press-release", description="Kind of release; sets the label on top."
    )
    status: Status = Field("draft", description="Where the release is in the editorial workflow.")
    headline: Line = Field(description="The headline.")
    subheadline: Line | None = Field(None, description="Optional line under the headline.")
    department: Line | None = Field(
        None, description="Sending unit, shown under the organisation's name."
    )
    dateline: Line | None = Field(
        None, description='Place as the wire should print it ("OAKLAND, Calif.").'
    )
    published: AwareDatetime = Field(
        description="Publication time, ISO 8601 with its UTC offset (2010-01-28T09:52:00+01:00)."
    )
    embargo: AwareDatetime | None = Field(
        None, description="Not to be published before this time; ISO 8601 with offset."
    )
    lead: Text | None = Field(
        None, description="The ingress: first paragraph; inline Markdown (links, emphasis) only."
    )
    body: Body | None = Field(
        None,
        description="Markdown text, or a list of blocks: Markdown text, 'quote: ID' "
        "or 'image: ID'.",
    )
    quotes: tuple[Quote, ...] = Field((), description="Quotes; placed by id or set after the body.")
    links: tuple[Link, ...] = Field((), description="Links listed after the body.")
    images: tuple[Image, ...] = Field((), description="Images; placed by id or set after the body.")
    contacts: tuple[Contact, ...] = Field(
        (), description="For more information: the people to contact about this release."
    )
    press_contacts: tuple[Contact, ...] | None = Field(
        None, description="Press contacts; default: the organisation's. [] for none."
    )
    boilerplate: Boilerplate | None = Field(
        None,
        description="About the organisation; default: the organisation's, in the release "
        "language. A list of paragraphs for a jointly issued release.",
    )
    tags: tuple[Line, ...] = Field((), description="Keywords for archives and newsrooms.")
    translation_of: ReleaseName | None = Field(
        None,
        description="The release this one translates: its file name beside this one, with or "
        "without .yaml (2026-03-02-simhall); pages, feeds and the newsroom link the language "
        "versions both ways.",
    )
    wire: WireStyle | None = Field(
        None, description="Wire style of the plain-text copy; default: the organisation's."
    )
    distribution: tuple[Slug, ...] | None = Field(
        None,
        description="The organisation's lists and wires presser send sends this release to "
        "(their names); default: name them with send --list.",
    )
    lint: ReleaseLint | None = Field(
        None, description="presser lint settings for this release: ignore: [CODE, ...]."
    )
    corrections: tuple[Correction, ...] = Field(
        (),
        description="Corrections since first publication, oldest first (presser correct); "
        "the release's version is one more than their number.",
    )
    history: tuple[HistoryEntry, ...] = Field(
        (), description="The editorial workflow's audit trail, written by presser; oldest first."
    )

    @property
    def version(self) -> int:
        """1 for the first publication; each correction starts the next version."""
        return len(self.corrections) + 1


class WorkflowSettings(StrictModel):
    """Who may approve releases and how publishing is scheduled: workflow: in organisation.yaml."""

    approvers: tuple[Text, ...] = Field(
        (),
        description="Names (as --by or git's user.name gives them) allowed to approve; "
        "empty: anyone.",
    )
    allow_self_approval: bool = Field(
        True, description="Whether the person who last submitted a release may approve it."
    )
    due_requires_schedule: bool = Field(
        False,
        description="Whether publish --due publishes only releases scheduled with "
        "publish --schedule; by default every approved release whose time has come.",
    )


class Organisation(StrictModel):
    """An organisation: templates/<org>/organisation.yaml."""

    name: Line = Field(description="The organisation's full name.")
    short_name: Line | None = Field(None, description="The short form used in running text.")
    language: Language = Field(description="The language its releases are written in by default.")
    timezone: Text = Field(
        description="IANA time zone in which dates are shown (Europe/Stockholm)."
    )
    country: Text | None = Field(
        None,
        description="ISO 3166 country code for phone numbers written without +; "
        "without it, numbers must be international.",
    )
    date_format: Text | None = Field(
        None, description="CLDR date pattern; default: the language's long form."
    )
    date_locale: Text | None = Field(
        None, description="Locale for dates when it differs from the release language (en_GB)."
    )
    website: WebUrl | None = Field(None, description="The organisation's website.")
    city: Line | None = Field(None, description="Default dateline place for the us wire style.")
    boilerplate: dict[Language, Boilerplate] = Field(
        default_factory=dict,
        description="About the organisation, per language code; a list of paragraphs allowed.",
    )
    press_contacts: tuple[Contact, ...] = Field(
        (), description="Press contacts printed on every release unless it names its own."
    )
    quote_style: QuoteStyle | None = Field(
        None, description="House style for quotes; default: the language's own."
    )
    wire: WireStyle = Field("nordic", description="Default wire style of the plain-text copy.")
    brand_colour: str | None = Field(
        None, description="Accent colour of pages and PDFs, as #rgb or #rrggbb."
    )
    lint: LintSettings = Field(
        default_factory=LintSettings,
        description="presser lint: rules to select or ignore and their thresholds.",
    )
    workflow: WorkflowSettings = Field(
        default_factory=WorkflowSettings,
        description="Editorial workflow rules: approvers, self-approval, scheduling.",
    )
    distribution: Distribution | None = Field(
        None,
        description="Where presser send sends published releases: from, reply_to, "
        "unsubscribe_url, lists (of journalists) and wires (newswire desks), each named.",
    )
    formats: tuple[OutputFormat, ...] | None = Field(
        None,
        description="What presser publish writes into published/<name>/v<N>/ (and the "
        "newsroom offers for download), and build and render make without --format: html, "
        "pdf, txt, ninjs, newsml; default html, pdf and txt. publish always writes the page "
        "(html): it is the record the newsroom shows.",
    )
    pdf_variant: Literal["tagged", "archive"] = Field(
        "tagged",
        description="The PDF presser makes: tagged (PDF/UA-1: headings, lists, quotes, "
        "images with their alt text, the language and title) or archive (PDF/A-3b, for "
        "archives, carrying the release's YAML inside as its source; tagged too).",
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a known IANA time zone (such as Europe/Stockholm)") from None
        return value

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError("not an ISO 3166 country code known for phone numbers (such as SE)")
        return value.upper() if value else value

    @field_validator("brand_colour")
    @classmethod
    def _hex_colour(cls, value: str | None) -> str | None:
        # Reaches a stylesheet: only a hex colour may pass, nothing that could end a rule.
        if value is not None and not re.fullmatch(r"#(?:[0-9a-fA-F]{3}){1,2}", value):
            raise ValueError("a colour as #rgb or #rrggbb")
        return value

    @field_validator("date_format")
    @classmethod
    def _cldr_pattern(cls, value: str | None) -> str | None:
        if value is not None:
            from .cldr import check_date_pattern  # plain patterns need no Babel import

            check_date_pattern(value)
        return value

    @field_validator("date_locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        if value is not None:
            from .cldr import is_known_locale  # common locales need no Babel import

            if not is_known_locale(value):
                raise ValueError("not a locale Babel knows (such as en_GB)")
        return value


def all_field_names() -> frozenset[str]:
    """Every field name of the format, for "did you mean" suggestions."""
    models: tuple[type[BaseModel], ...] = (
        Release,
        Organisation,
        Contact,
        Quote,
        Link,
        Image,
        QuoteRef,
        ImageRef,
        HistoryEntry,
        Correction,
        WorkflowSettings,
        LintSettings,
        ReleaseLint,
    )
    return frozenset(
        info.alias or name for model in models for name, info in model.model_fields.items()
    )
