"""How much presser will read and render: the limits that keep hostile input cheap.

Every limit has a safe default. The person running presser (who is trusted,
unlike release and template authors) may change them for a workspace in an
optional ``presser.yaml`` at its root::

    limits:
      max_file_bytes: 2097152
      render_timeout_seconds: 120

That file is read by the same strict loader as releases, and checked as
strictly: an unknown setting or a value that is not a positive number is a
positioned problem. See SECURITY.md for what each limit guards against.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

SETTINGS_FILE = "presser.yaml"


def _positive(whole: bool) -> BeforeValidator:
    """A limit's value as presser.yaml writes it (text; ``1_048_576`` allowed), checked."""
    kind = "a positive whole number" if whole else "a positive number"

    def parse(raw: object) -> object:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            text = str(raw)  # a value given in code (Limits(max_depth=5)), not from a file
        elif isinstance(raw, str):
            text = raw.strip().replace("_", "")
        else:
            raise ValueError(f"must be {kind}, such as 1048576")
        try:
            value: int | float = int(text) if whole else float(text)
        except ValueError:
            raise ValueError(f"must be {kind}, such as 1048576") from None
        # nan and inf are not limits; 0 or less would refuse everything.
        if value != value or value == float("inf") or value <= 0:
            raise ValueError(f"must be {kind}, such as 1048576")
        return value

    return BeforeValidator(parse)


Count = Annotated[int, _positive(whole=True)]
Seconds = Annotated[float, _positive(whole=False)]


class Limits(BaseModel):
    """The limits in force for one workspace; each field's description says its unit."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="limit")

    max_file_bytes: Count = Field(
        1024 * 1024, description="Size of one release or organisation file, bytes."
    )
    max_address_file_bytes: Count = Field(
        32 * 1024 * 1024,
        description="Size of one recipients CSV or suppression file, bytes (100,000 "
        "addresses are about 5 MB).",
    )
    max_recipients: Count = Field(250_000, description="Recipients in one list.")
    max_depth: Count = Field(32, description="Nesting of YAML mappings and lists.")
    max_string_chars: Count = Field(100_000, description="Characters in one text field (or key).")
    max_list_items: Count = Field(1_000, description="Items in one list.")
    max_word_chars: Count = Field(
        2_000,
        description="Characters in one word (a run without spaces or line breaks). The PDF "
        "breaks a word too long for its line, at a cost that grows with the square of "
        "the word's length.",
    )
    max_markdown_nesting: Count = Field(
        20,
        description="Nesting of Markdown blocks and inline marks (a quote costs 1, a list "
        "level 2, a paragraph 1; emphasis and links inside a paragraph count again).",
    )
    max_image_bytes: Count = Field(20 * 1024 * 1024, description="Size of one image file, bytes.")
    max_image_pixels: Count = Field(
        50_000_000, description="Width x height of one image (decompression bombs)."
    )
    max_output_bytes: Count = Field(
        8 * 1024 * 1024,
        description="Size of what a template makes for one release (the page with its inlined "
        "stylesheet, or the PDF's HTML), bytes; counted as it is made.",
    )
    render_timeout_seconds: Seconds = Field(
        60.0, description="Time to render one release in all formats, seconds."
    )


#: Where the SMTP password comes from: never presser.yaml, which is often committed.
SMTP_PASSWORD_VARIABLE = "PRESSER_SMTP_PASSWORD"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (localhost, 127.0.0.0/8, ::1): no network in between."""
    name = host.strip().rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


class SmtpSettings(BaseModel):
    """The organisation's SMTP relay that presser send sends through: smtp: in presser.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="smtp setting")

    host: str = Field(pattern=r"^[^\s/@]+$", description="The relay's host name or address.")
    port: int = Field(587, ge=1, le=65535, description="The relay's port.")
    security: Literal["starttls", "tls", "none"] = Field(
        "starttls",
        description="starttls (upgrade on connect), tls (implicit TLS, often port 465), or "
        "none (only for a relay on this machine: localhost).",
    )
    username: str | None = Field(
        None,
        description=f"Who to log in as; the password comes from {SMTP_PASSWORD_VARIABLE}, "
        "else from password_file.",
    )
    password_file: str | None = Field(
        None,
        description="A file outside the workspace holding the password (such as "
        f"~/.config/presser/smtp-password), read when {SMTP_PASSWORD_VARIABLE} is not set.",
    )

    @model_validator(mode="before")
    @classmethod
    def _no_password(cls, data: Any) -> Any:
        if isinstance(data, dict) and "password" in data:
            raise ValueError(
                "no password in presser.yaml (a file that is often committed): presser send "
                f"reads it from the environment variable {SMTP_PASSWORD_VARIABLE}"
            )
        return data

    @model_validator(mode="after")
    def _plain_only_on_loopback(self) -> SmtpSettings:
        # Without TLS the password and the releases cross the network in the clear.
        if self.security == "none" and not is_loopback(self.host):
            raise ValueError(
                f"security: none sends in the clear, so only to a relay on this machine "
                f"(localhost, 127.0.0.1, ::1), not {self.host}; use starttls or tls"
            )
        return self


class Settings(BaseModel):
    """``presser.yaml``: the settings of the person running presser, for one workspace."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="setting")

    limits: Limits = Field(
        default_factory=Limits, description="How much presser reads and renders."
    )
    smtp: SmtpSettings | None = Field(
        None, description="The SMTP relay presser send uses; without it, only send --dry-run."
    )


DEFAULT_LIMITS = Limits()


def limit_docs() -> list[tuple[str, object, str]]:
    """(name, default, description) of every limit, for the docs."""
    return [
        (name, info.default, str(info.description)) for name, info in Limits.model_fields.items()
    ]


def human_bytes(size: int) -> str:
    """``1048576`` -> ``1 MiB``; sizes that are not whole KiB/MiB as bytes."""
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor:,} {unit}"
    return f"{size:,} bytes"
