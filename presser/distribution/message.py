"""One e-mail per recipient, made from a published version folder (never a fresh render).

``multipart/alternative``: the wire text first, then the page as a
``multipart/related`` with its images attached and referenced by ``cid:``;
the PDF attached for a wire that asks for it. Every header value goes through
the email package's header machinery, which encodes non-ASCII text and refuses
a line break, so nothing read from a file can add a header.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from ..editorial.manifest import MANIFEST, read_manifest, version_folder
from ..editorial.workflow import Refused
from ..source.distribution import ENCODED_WORD, Distribution, MailingList, WireDesk, split_address
from ..source.validation import LoadedRelease
from ..source.workspace import Workspace
from .plan import Edition
from .recipients import Recipient, read_recipients


@dataclass(frozen=True)
class Outgoing:
    """One message to one recipient of one list or wire."""

    number: int
    target: str
    address: str
    message: EmailMessage

    def file_name(self) -> str:
        safe = re.sub(r"[^A-Za-z0-9@._+-]", "_", self.address)
        return f"{self.number:02d}-{self.target}-{safe}.eml"


def published_folder(loaded: LoadedRelease) -> Path:
    """The version folder of the release as published, or :class:`NotPublished`."""
    shown = loaded.workspace.display(loaded.path)
    release = loaded.release
    if release.status != "published":
        raise Refused(
            shown,
            "send",
            f"it is {release.status}, not published; only a published release is sent "
            "(presser publish first)",
        )
    folder = version_folder(loaded.workspace, loaded.stem, release.version)
    if not (folder / MANIFEST).is_file():
        raise Refused(
            shown,
            "send",
            f"no published v{release.version} with a manifest in "
            f"{loaded.workspace.display(folder)}/; only what presser publish made is sent",
        )
    return folder


class Composers:
    """A :class:`Composer` for the release named and one for each language version sent,
    each made when first needed."""

    def __init__(self, loaded: LoadedRelease, folder: Path) -> None:
        self.named = Composer(loaded, folder)
        self.sender = self.named.sender
        self._editions: dict[Path, Composer] = {}

    def of(self, edition: Edition | None) -> Composer:
        if edition is None:
            return self.named
        if edition.folder not in self._editions:
            self._editions[edition.folder] = Composer(edition.loaded, edition.folder)
        return self._editions[edition.folder]


def recipients_of(target: MailingList | WireDesk, workspace: Workspace) -> list[Recipient]:
    if isinstance(target, WireDesk):
        name, address = split_address(target.to)
        return [Recipient(address, name, target.language)]
    return read_recipients(target, workspace)


class Composer:
    """Makes the message to each recipient from one version folder, one at a time.

    The folder's files are read once; each message is built when asked for
    (and let go once sent), so a send to thousands holds one message at a time.
    """

    def __init__(self, loaded: LoadedRelease, folder: Path) -> None:
        distribution = loaded.organisation.profile.distribution
        assert distribution is not None  # the CLI checks the names first
        self.loaded = loaded
        self.distribution = distribution
        self.folder = folder
        self.sender = distribution.sender[1]
        manifest = read_manifest(folder, loaded.workspace.display(folder))
        self.published_at = manifest.published_at
        files = {entry.path for entry in manifest.files}
        stem = loaded.stem
        self.text = (folder / f"{stem}.txt").read_bytes().decode("utf-8")
        self.html = (
            (folder / f"{stem}.html").read_bytes().decode("utf-8")
            if f"{stem}.html" in files
            else None
        )
        self.pdf = (folder / f"{stem}.pdf").read_bytes() if f"{stem}.pdf" in files else None
        self.images = {
            name: (folder / name).read_bytes()
            for name in sorted(name for name in files if name.startswith("images/"))
        }
        self._texts: dict[str, str] = {}
        self.notice = _correction_notice(loaded)

    def text_for(self, target: MailingList | WireDesk) -> str:
        """The text part: the text copy, a correction's notice above it."""
        if target.name not in self._texts:
            text = self.text
            if isinstance(target, WireDesk):
                text = _wire_text(self.loaded, target, self.text, self.published_at)
            # A reader of a correction sees first what changed, before the text it is in.
            self._texts[target.name] = f"{self.notice}\n\n{text}" if self.notice else text
        return self._texts[target.name]

    def compose(
        self, target: MailingList | WireDesk, recipient: Recipient, now: datetime
    ) -> EmailMessage:
        message = _message(
            self.loaded,
            self.distribution,
            target,
            recipient,
            self.text_for(target),
            self.html,
            self.images,
            now,
        )
        if isinstance(target, WireDesk) and target.attach_pdf and self.pdf is not None:
            message.add_attachment(
                self.pdf,
                maintype="application",
                subtype="pdf",
                filename=f"{self.loaded.stem}.pdf",
            )
        _stable_boundaries(message)
        return message


def _stable_boundaries(message: EmailMessage) -> None:
    """Boundaries from the Message-ID, not random: the same message is the same bytes.

    A digest of the Message-ID cannot occur in the parts (text is encoded, and
    nothing a release holds is that digest), as a boundary must not.
    """
    seed = hashlib.sha256(str(message["Message-ID"]).encode()).hexdigest()[:32]
    for number, part in enumerate(message.walk()):
        if part.is_multipart():
            part.set_boundary(f"presser-{seed}-{number}")


def _wire_text(loaded: LoadedRelease, wire: WireDesk, published: str, at: str) -> str:
    """The published text, unless the desk wants another style, width or ASCII."""
    own = loaded.release.wire or loaded.organisation.profile.wire
    if wire.wire == own and wire.width is None and not wire.ascii:
        return published
    from ..render.pipeline import RenderOptions, render_outputs

    options = RenderOptions(
        formats=("txt",),
        wire=wire.wire,
        width=wire.width,
        ascii_only=wire.ascii,
        published_at=datetime.fromisoformat(at),
    )
    folder = version_folder(loaded.workspace, loaded.stem, loaded.release.version)
    return render_outputs(loaded, folder, options)["txt"].decode("utf-8")


def _correction_notice(loaded: LoadedRelease) -> str:
    """The correction notices as the text copy prints them, one a line; empty for none."""
    if not loaded.release.corrections:
        return ""
    from ..render.context import build_context

    context = build_context(loaded, out_dir=loaded.path.parent)
    return "\n".join(correction.line for correction in context.corrections)


def _subject(loaded: LoadedRelease, now: datetime) -> str:
    from ..render.text_style import labels_for

    release = loaded.release
    labels = labels_for(loaded.language)
    subject = release.headline
    if release.corrections:
        subject = f"{labels.correction}: {subject}"
    if release.embargo is not None and release.embargo > now:
        # The embargo time as the release's own outputs print it (the organisation's
        # time zone and date format, the release's language): 8 februari 2010 06:00 CET.
        from ..render.context import build_context

        context = build_context(loaded, out_dir=loaded.path.parent)
        assert context.embargo is not None
        subject = f"{labels.embargo_until(context.embargo.display)}: {subject}"
    return subject


def message_id(stem: str, version: int, address: str, domain: str) -> str:
    """The same for the same release, version and recipient on every run."""
    digest = hashlib.sha256(f"{stem}\0{version}\0{address.lower()}".encode()).hexdigest()
    return f"<{digest[:40]}@{domain}>"


def _message(
    loaded: LoadedRelease,
    distribution: Distribution,
    target: MailingList | WireDesk,
    recipient: Recipient,
    text: str,
    html: str | None,
    images: dict[str, bytes],
    now: datetime,
) -> EmailMessage:
    sender_name, sender = distribution.sender
    domain = sender.rpartition("@")[2]
    ascii_only = (sender + recipient.address).isascii()
    message = EmailMessage(policy=policy.SMTP if ascii_only else policy.SMTPUTF8)
    _set_text(message, "Subject", _subject(loaded, now))
    # Names are checked for encoded words when read (split_address): plain text here.
    message["From"] = Address(display_name=sender_name, addr_spec=sender)
    message["To"] = Address(display_name=recipient.name, addr_spec=recipient.address)
    message["Reply-To"] = Address(addr_spec=distribution.reply_to or sender)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(
        loaded.stem, loaded.release.version, recipient.address, domain
    )
    message["List-Id"] = f"<{target.name}.{domain}>"
    unsubscribe = f"<mailto:{sender}?subject=unsubscribe>"
    if distribution.unsubscribe_url:
        unsubscribe += f", <{distribution.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["List-Unsubscribe"] = unsubscribe
    message.set_content(text, subtype="plain", charset="utf-8")
    if html is not None:
        cids = {
            name: f"{hashlib.sha256(name.encode()).hexdigest()[:16]}@{domain}" for name in images
        }
        page = _cid_page(html, cids)
        message.add_alternative(page, subtype="html", charset="utf-8")
        related = list(message.iter_parts())[-1]  # the page: becomes multipart/related
        assert isinstance(related, EmailMessage)
        for name, cid in cids.items():
            kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
            maintype, subtype = kind.split("/", 1)
            related.add_related(
                images[name],
                maintype=maintype,
                subtype=subtype,
                cid=f"<{cid}>",
                filename=Path(name).name,
            )
    return message


def _encoded(text: str, name: str) -> str:
    """The text as encoded words only, folded: read back, it is the text, exactly."""
    return Header(text, "utf-8", header_name=name).encode(linesep="\n")


def _set_text(message: EmailMessage, name: str, text: str) -> None:
    """Set a header to text. Python's email package decodes an encoded word (=?…?=) in a
    value it is given and writes out what it decoded as it is, a line break included: a
    header of the text's own. Text holding one is encoded here, whole, and stored so."""
    if ENCODED_WORD.search(text):
        message.set_raw(name, _encoded(text, name))
    else:
        message[name] = text


def _cid_page(html: str, cids: dict[str, str]) -> str:
    """The page with each image address of the version folder as its cid: address."""

    def swap(match: re.Match[str]) -> str:
        address = match.group(2)
        cid = cids.get(address.removeprefix("./"))
        return f"{match.group(1)}cid:{cid}{match.group(3)}" if cid else match.group(0)

    return re.sub(r"""(src=["'])([^"']+)(["'])""", swap, html)
