"""The release format as pydantic models: the single source of truth.

The JSON Schema (``presser schema``), the format reference in
``docs/format.md`` and the field names in every message come from here.
Fields are checked one by one here; rules that span fields (quote ids placed
once, embargo before publication, a contact somewhere) are in
:mod:`presser.validation`, which knows the organisation and the file.

Values arrive as text from :mod:`presser.loading`; pydantic's lax mode turns
``2010-01-28T09:52:00+01:00`` into a datetime, nothing else is coerced.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import phonenumbers
from email_validator import EmailNotValidError, validate_email
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

ReleaseType = Literal["press-release", "news", "statement", "invitation"]
Status = Literal["draft", "review", "approved", "published"]
WireStyle = Literal["nordic", "us"]
QuoteStyle = Literal["dash", "hyphen", "curly", "straight", "guillemets", "low-high"]

RELEASE_TYPES: tuple[str, ...] = get_args(ReleaseType)
WIRE_STYLES: tuple[str, ...] = get_args(WireStyle)
QUOTE_STYLES: tuple[str, ...] = get_args(QuoteStyle)


def _text(value: str) -> str:
    """Text fields: surrounding white space (a YAML block's last newline) dropped, never empty."""
    stripped = value.strip()
    if not stripped:
        raise ValueError("must not be empty")
    return stripped


Text = Annotated[str, AfterValidator(_text)]

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def _identifier(value: str) -> str:
    if not _ID.match(value):
        raise ValueError("use lower-case letters, digits, '-' and '_' (such as knape or quote-1)")
    return value


Identifier = Annotated[str, AfterValidator(_identifier)]

_LANGUAGE = re.compile(r"^[a-zA-Z]{2,3}([-_][a-zA-Z0-9]{2,8})*$")


def _language(value: str) -> str:
    if not _LANGUAGE.match(value):
        raise ValueError("a BCP 47 language tag such as sv, en or en-GB")
    return value.replace("_", "-")


Language = Annotated[str, AfterValidator(_language)]


def _phone(value: str, info: ValidationInfo) -> str:
    text = _text(value)
    country = (info.context or {}).get("country")
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        where = f"for {country}" if country and not text.startswith("+") else "(international)"
        raise ValueError(f"not a valid phone number {where}")
    return text


def _email(value: str) -> str:
    text = _text(value)
    try:
        # Never ask DNS: validation must not touch the network.
        validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid e-mail address: {exc}") from None
    return text


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
Email = Annotated[str, AfterValidator(_email)]

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

    name: Text | None = Field(None, description="The person's name.")
    role: Text | None = Field(
        None, description="Title or function, as it should be printed after the name."
    )
    organisation: Text | None = Field(
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

    id: Identifier = Field(description="Name used to place the quote in the body (quote: ID).")
    text: Text = Field(description="What is said before the attribution.")
    continued: Text | None = Field(
        None, description="What the speaker goes on to say after the attribution."
    )
    speaker: Text | None = Field(None, description="Who says it.")
    role: Text | None = Field(None, description="The speaker's title, printed after the name.")
    verb: Text | None = Field(
        None, description="Verb of saying; default per language (säger / said / sagt)."
    )
    attribution: Text | None = Field(
        None,
        description="Free text replacing '{verb} {speaker}, {role}', for a house style "
        "that words it otherwise (said Subversion Corporation President Hyrum Wright).",
    )


class Link(StrictModel):
    """A link listed after the body (» Läs mer …)."""

    text: Text = Field(description="The link's text, as the reader sees it.")
    url: LinkUrl = Field(description="An http(s), mailto: or tel: address.")


class Image(StrictModel):
    """A picture that goes with the release."""

    id: Identifier = Field(description="Name used to place the image in the body (image: ID).")
    path: Annotated[str, AfterValidator(_image_path)] = Field(
        description="File path relative to the release file; must stay inside the project."
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
    headline: Text = Field(description="The headline.")
    subheadline: Text | None = Field(None, description="Optional line under the headline.")
    department: Text | None = Field(
        None, description="Sending unit, shown under the organisation's name."
    )
    dateline: Text | None = Field(
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
    tags: tuple[Text, ...] = Field((), description="Keywords for archives and newsrooms.")
    wire: WireStyle | None = Field(
        None, description="Wire style of the plain-text copy; default: the organisation's."
    )


class Organisation(StrictModel):
    """An organisation: templates/<org>/organisation.yaml."""

    name: Text = Field(description="The organisation's full name.")
    short_name: Text | None = Field(None, description="The short form used in running text.")
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
    city: Text | None = Field(None, description="Default dateline place for the us wire style.")
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
            from babel.dates import parse_pattern

            try:
                parse_pattern(value)
            except (ValueError, TypeError) as exc:
                raise ValueError(f"not a CLDR date pattern: {exc}") from None
        return value

    @field_validator("date_locale")
    @classmethod
    def _known_locale(cls, value: str | None) -> str | None:
        if value is not None:
            from babel import Locale, UnknownLocaleError

            try:
                Locale.parse(value.replace("-", "_"))
            except (UnknownLocaleError, ValueError):
                raise ValueError("not a locale Babel knows (such as en_GB)") from None
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
    )
    return frozenset(name for model in models for name in model.model_fields)
