"""Where published releases are sent: ``distribution:`` in organisation.yaml.

Lists of journalists (addresses written out, or a CSV file in the workspace
read only when sending) and newswire desks, each with a name a release may
name in its own ``distribution:``. Addresses are checked as contacts' are
(never looked up); a name may be written as ``Anna Berg <anna@example.org>``.
Nothing here reads a file: :mod:`presser.distribution.recipients` reads the CSVs.
"""

from __future__ import annotations

import re
from email.utils import getaddresses, parseaddr
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from .fields import WIRE_STYLES, Language, _email, _line

_CR_LF = re.compile(r"[\r\n]")
#: An RFC 2047 encoded word (=?charset?q?text?=): mail programs decode one in a header.
ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")


def split_address(text: str) -> tuple[str, str]:
    """``Anna Berg <anna@example.org>`` -> (``Anna Berg``, ``anna@example.org``), checked.

    A line break anywhere is refused before parsing: in a header it would start
    a header of its own.
    """
    if _CR_LF.search(text):
        raise ValueError("an address must be one line; it has a line break")
    # Two addresses in one ("a@x, b@y") would send to both; parseaddr keeps only the first.
    if len(getaddresses([text])) != 1:
        raise ValueError("one address here, not several")
    name, address = parseaddr(text.strip())
    if not address or "@" not in address:
        raise ValueError("an e-mail address such as press@example.se or 'Name <press@example.se>'")
    address = _email(address)
    if name:
        name = _line(name)
        if ENCODED_WORD.search(name):
            # Decoded by the reader's mail program, it could hold a line break: a header.
            raise ValueError("the name holds an encoded word (=?…?=); write the name as it reads")
    return name, address


def _address(value: str) -> str:
    split_address(value)
    return value.strip()


def _plain_address(value: str) -> str:
    name, address = split_address(value)
    if name:
        raise ValueError("write the address alone here (press@example.se), without a name")
    return address


def _slug(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", value):
        raise ValueError("use lower-case letters, digits and '-' (such as journalists-sv)")
    return value


def _https_url(value: str) -> str:
    text = value.strip()
    if not re.fullmatch(r"https://[^\s/$.?#][^\s]*", text, flags=re.IGNORECASE):
        raise ValueError("an https:// address")
    return text


def _csv_path(value: str) -> str:
    text = value.strip()
    if "://" in text or text.startswith(("/", "\\", "~")) or ":" in text[:3]:
        raise ValueError("a path inside the workspace (such as lists/journalists-sv.csv)")
    if not text.lower().endswith(".csv"):
        raise ValueError("a CSV file (name ending in .csv) or a list of addresses")
    return text


def _text_path(value: str) -> str:
    text = value.strip()
    if "://" in text or text.startswith(("/", "\\", "~")) or ":" in text[:3] or not text:
        raise ValueError("a path inside the workspace (such as suppressed.txt)")
    return text


#: An address, alone or as ``Name <address>``, on one line.
Address = Annotated[str, AfterValidator(_address)]
#: An address without a name (the Reply-To).
PlainAddress = Annotated[str, AfterValidator(_plain_address)]
#: A list's or wire's name: what a release's ``distribution:`` names.
Slug = Annotated[str, AfterValidator(_slug)]
HttpsUrl = Annotated[str, AfterValidator(_https_url)]
CsvPath = Annotated[str, AfterValidator(_csv_path)]
SuppressPath = Annotated[str, AfterValidator(_text_path)]
WireName = Annotated[str, AfterValidator(_line)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MailingList(_Strict):
    """A list of journalists: one message to each recipient."""

    name: Slug = Field(description="The list's name, as a release's distribution: names it.")
    description: WireName | None = Field(None, description="Who is on the list, for people.")
    recipients: CsvPath | tuple[Address, ...] = Field(
        description="A CSV file in the workspace whose header row names its columns (email, "
        "and optionally name, language), read when sending; or a list of addresses."
    )
    language: Language | None = Field(
        None,
        description="The language its recipients read (a CSV row's language column says it "
        "per recipient): a release with a published translation in that language is sent "
        "as the translation; default: the release as named.",
    )
    embargo: bool = Field(
        False, description="Whether the list may receive a release before its embargo lifts."
    )


class WireDesk(_Strict):
    """A newswire desk: one message with the text copy in the wire's own style."""

    name: Slug = Field(description="The desk's name, as a release's distribution: names it.")
    to: Address = Field(description="The desk's address.")
    wire: str = Field("nordic", description="Wire style of the text copy: nordic or us.")
    width: int | None = Field(
        None, ge=0, description="Wrap width of the text copy; 0 unwrapped; default: the wire's."
    )
    ascii: bool = Field(False, description="Whether the text copy is transliterated to ASCII.")
    attach_pdf: bool = Field(False, description="Whether the PDF is attached.")
    language: Language | None = Field(
        None,
        description="The desk's language: a release with a published translation in it is "
        "sent as the translation; default: the release as named.",
    )
    embargo: bool = Field(
        False, description="Whether the desk may receive a release before its embargo lifts."
    )

    @field_validator("wire")
    @classmethod
    def _known_wire(cls, value: str) -> str:
        if value not in WIRE_STYLES:
            raise ValueError(f"a wire style: {' or '.join(WIRE_STYLES)}")
        return value


def _key_file(value: str) -> str:
    text = value.strip()
    if not (text.startswith(("/", "~"))):
        raise ValueError(
            "the private key's path outside the workspace, absolute or from ~ (such as "
            "~/.config/presser/dkim.pem): a key in the workspace is shared and committed"
        )
    return text


def _domain(value: str) -> str:
    text = value.strip().lower()
    if not re.fullmatch(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}", text):
        raise ValueError("a domain name such as exempel.se")
    return text


class Dkim(_Strict):
    """DKIM signing of every message sent: the DNS record's selector and domain, and the key."""

    selector: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")] = Field(
        description="The DKIM record's selector (its key is at <selector>._domainkey.<domain>)."
    )
    domain: Annotated[str, AfterValidator(_domain)] = Field(
        description="The signing domain, usually the from address's."
    )
    key_file: Annotated[str, AfterValidator(_key_file)] = Field(
        description="The RSA private key (PEM), in a file outside the workspace."
    )


class Distribution(_Strict):
    """Who gets published releases by e-mail: distribution: in organisation.yaml."""

    from_address: Address = Field(
        alias="from", description="The sender, as 'Name <address>' or an address."
    )
    reply_to: PlainAddress | None = Field(
        None, description="Where replies go; default: the from address."
    )
    unsubscribe_url: HttpsUrl | None = Field(
        None, description="An https:// page to unsubscribe (one-click unsubscribe)."
    )
    lists: tuple[MailingList, ...] = Field((), description="Lists of journalists.")
    wires: tuple[WireDesk, ...] = Field((), description="Newswire desks.")
    dkim: Dkim | None = Field(
        None, description="DKIM signing of the messages (needs dkimpy: presser[dkim])."
    )
    suppress: SuppressPath = Field(
        "suppressed.txt",
        description="A file in the workspace of addresses that get no more mail (one a line; "
        "presser unsubscribe adds to it); shared by the workspace's organisations by default.",
    )

    @field_validator("lists")
    @classmethod
    def _unique_lists(cls, lists: tuple[MailingList, ...]) -> tuple[MailingList, ...]:
        _check_unique([("lists", i, item.name) for i, item in enumerate(lists)])
        return lists

    @field_validator("wires")
    @classmethod
    def _unique_wires(
        cls, wires: tuple[WireDesk, ...], info: ValidationInfo
    ) -> tuple[WireDesk, ...]:
        lists: tuple[MailingList, ...] = info.data.get("lists", ())
        named = [("lists", i, item.name) for i, item in enumerate(lists)]
        _check_unique(named + [("wires", i, item.name) for i, item in enumerate(wires)])
        return wires

    @property
    def names(self) -> tuple[str, ...]:
        """Every list's and wire's name, lists first."""
        return tuple(t.name for t in self.lists) + tuple(w.name for w in self.wires)

    def target(self, name: str) -> MailingList | WireDesk | None:
        targets: tuple[MailingList | WireDesk, ...] = (*self.lists, *self.wires)
        return next((t for t in targets if t.name == name), None)

    @property
    def sender(self) -> tuple[str, str]:
        """(name, address) of the sender."""
        return split_address(self.from_address)


def _check_unique(named: list[tuple[str, int, str]]) -> None:
    first: dict[str, str] = {}
    for field, index, name in named:
        where = f"{field}[{index}]"
        if name in first:
            # Reported at the later of the two; lists and wires share one set of names.
            raise ValueError(
                f"the name '{name}' of {where} is already the name of {first[name]}; "
                "names are unique across lists and wires"
            )
        first[name] = where
