"""E-mail through SendGrid's Inbound Parse webhook, in its parsed and raw ("Send Raw") modes.

Inbound Parse posts ``multipart/form-data`` and does not sign it by default, so the Parse URL
carries HTTP Basic credentials (``https://user:password@host/webhooks/email/<connection>``):
the connection secret (``secret_env``) is ``user:password``, compared in constant time.
File uploads (``attachment1``...) are skipped: attachments are kept as references, never bytes.
Automatic mail (RFC 3834 ``Auto-Submitted``, ``Precedence: bulk``, delivery reports) is ignored,
and so is mail from the connection's own address (``account_id``): an echo.
"""

import base64
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.errors import MessageError
from email.message import EmailMessage
from email.parser import BytesParser, Parser
from email.utils import collapse_rfc2231_value, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

from services.ingest.channels.base import (
    Adapter,
    ConnectionContext,
    Ignored,
    ParseResult,
    WebhookRequest,
    signatures_match,
)
from shared.errors import InvalidInput, Unauthorized
from shared.events import Attachment, Author, Channel, Interaction, Kind

MAX_TEXT = 20_000  # characters: a newsletter or a long quoted thread is cut, not refused
# What stdlib parsing of hostile mail may raise besides a clean defect list.
_MALFORMED = (MessageError, ValueError, IndexError, TypeError, AttributeError, LookupError)
_MSG_ID = re.compile(r"<([^<>\s]+)>")
_BULK = frozenset({"bulk", "junk", "auto_reply"})


@dataclass(frozen=True)
class _Mail:
    """What both modes yield before it becomes an interaction."""

    headers: EmailMessage
    sender: str
    subject: str
    body: str
    attachments: tuple[Attachment, ...]


class EmailAdapter(Adapter):
    content_types: tuple[str, ...] = ("multipart/form-data",)

    def verify(self, request: WebhookRequest, ctx: ConnectionContext) -> None:
        header = request.headers.get("authorization", "").strip()
        if not header:
            raise Unauthorized("missing_signature", "HTTP Basic credentials are required.")
        scheme, _, token = header.partition(" ")
        expected = base64.b64encode(ctx.secrets["secret_env"].encode()).decode()
        if scheme.lower() != "basic" or not signatures_match(expected, token.strip()):
            raise Unauthorized("invalid_signature", "The HTTP Basic credentials do not match.")

    def parse(self, request: WebhookRequest, ctx: ConnectionContext) -> ParseResult:
        fields = form_fields(request.body, request.headers.get("content-type", ""))
        if "email" in fields:
            mail = _raw_mail(fields["email"])
        elif "headers" in fields or "from" in fields:
            mail = _parsed_mail(fields)
        else:
            raise InvalidInput("invalid_payload", "Neither parsed fields nor a raw email field.")
        ignored = _ignored(mail, ctx)
        if ignored is not None:
            return ParseResult(ignored=[ignored])
        return ParseResult(interactions=[to_interaction(mail, ctx)])


def form_fields(body: bytes, content_type: str) -> dict[str, bytes]:
    """The form's text fields by lower-case name; file parts are skipped unread."""
    if "boundary=" not in content_type.lower():
        raise InvalidInput("invalid_payload", "multipart/form-data without a boundary.")
    head = b"Content-Type: " + content_type.encode("latin-1", "replace") + b"\r\n\r\n"
    form = BytesParser(policy=policy.default).parsebytes(head + body)
    if not form.is_multipart():
        raise InvalidInput("invalid_payload", "The body is not multipart/form-data.")
    fields: dict[str, bytes] = {}
    for part in form.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if name is None or part.get_filename() is not None:
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            fields.setdefault(collapse_rfc2231_value(name).lower(), payload)
    if not fields:
        raise InvalidInput("invalid_payload", "The form has no fields.")
    return fields


def _decoded(fields: Mapping[str, bytes], name: str, charsets: Mapping[str, str]) -> str:
    """A text field in the charset Inbound Parse names for it (``charsets``), UTF-8 otherwise."""
    raw = fields.get(name)
    if raw is None:
        return ""
    try:
        return raw.decode(charsets.get(name) or "utf-8", errors="replace")
    except LookupError:
        return raw.decode("utf-8", errors="replace")


def _json_object(raw: bytes | None) -> dict[str, object]:
    """Tolerant: a malformed helper field never costs the citizen's message."""
    try:
        value = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _parsed_mail(fields: Mapping[str, bytes]) -> _Mail:
    charsets = {k: str(v) for k, v in _json_object(fields.get("charsets")).items()}
    headers = Parser(policy=policy.default).parsestr(
        _decoded(fields, "headers", {}), headersonly=True
    )
    body = _decoded(fields, "text", charsets) or html_to_text(_decoded(fields, "html", charsets))
    info = _json_object(fields.get("attachment-info"))
    attachments = tuple(
        Attachment(
            media_type=str(meta.get("type") or "") or None,
            platform_media_id=str(meta.get("content-id") or "") or key,
            caption=str(meta.get("filename") or meta.get("name") or "") or None,
        )
        for key, meta in sorted(info.items(), key=lambda item: _attachment_number(item[0]))
        if isinstance(meta, dict)
    )
    return _Mail(
        headers=headers,
        sender=_decoded(fields, "from", charsets) or _header(headers, "From"),
        subject=_decoded(fields, "subject", charsets) or _header(headers, "Subject"),
        body=body,
        attachments=attachments,
    )


def _attachment_number(key: str) -> tuple[int, str]:
    digits = key.removeprefix("attachment")
    return (int(digits), key) if digits.isdigit() else (1 << 30, key)


def _raw_mail(raw: bytes) -> _Mail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    return _Mail(
        headers=message,
        sender=_header(message, "From"),
        subject=_header(message, "Subject"),
        body=_body_of(message),
        attachments=tuple(
            Attachment(
                media_type=part.get_content_type(),
                platform_media_id=_first_id(_header(part, "Content-ID")) or None,
                caption=part.get_filename(),
            )
            for part in message.iter_attachments()
        ),
    )


def _body_of(message: EmailMessage) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        if part is None:
            return ""
        content = part.get_content()
    except _MALFORMED:
        return ""
    if not isinstance(content, str):
        return ""
    return html_to_text(content) if part.get_content_subtype() == "html" else content


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except _MALFORMED:
        return ""
    return str(value).strip() if value is not None else ""


def _first_id(value: str) -> str:
    match = _MSG_ID.search(value)
    return match[1] if match else value.strip()


def _ignored(mail: _Mail, ctx: ConnectionContext) -> Ignored | None:
    """Automatic mail (RFC 3834), bounces and the agency's own copies are not citizens."""
    headers = mail.headers
    auto = _header(headers, "Auto-Submitted").lower()
    if auto and auto != "no":
        return Ignored("unsupported", f"auto-submitted: {auto[:40]}")
    if _header(headers, "Precedence").lower() in _BULK:
        return Ignored("unsupported", "bulk precedence")
    if _header(headers, "X-Autoreply") or _header(headers, "X-Autorespond"):
        return Ignored("unsupported", "auto-reply header")
    if headers.get_content_type() == "multipart/report":
        return Ignored("unsupported", "delivery report")
    own = (ctx.account_id or "").lower()
    if own and parseaddr(mail.sender)[1].lower() == own:
        return Ignored("echo", "sent from the agency's own address")
    return None


def _created_at(headers: EmailMessage, ctx: ConnectionContext) -> datetime:
    try:
        sent = parsedate_to_datetime(_header(headers, "Date"))
    except _MALFORMED:
        return ctx.received_at
    # "-0000" means UTC with no claim about the sender's zone (RFC 5322 3.3).
    return (sent if sent.tzinfo else sent.replace(tzinfo=UTC)).astimezone(UTC)


def message_id_of(mail: _Mail) -> str:
    """The Message-ID, else a stable digest, so a redelivered mail keeps its id."""
    found = _first_id(_header(mail.headers, "Message-ID"))
    if found:
        return found[:256]
    parts = [parseaddr(mail.sender)[1].lower(), mail.subject, _header(mail.headers, "Date")]
    digest = hashlib.sha256("\n".join([*parts, mail.body]).encode()).hexdigest()
    return f"sha256-{digest[:40]}"


def to_interaction(mail: _Mail, ctx: ConnectionContext) -> Interaction:
    message_id = message_id_of(mail)
    references = _MSG_ID.findall(_header(mail.headers, "References"))
    parent = _first_id(_header(mail.headers, "In-Reply-To")) or None
    name, address = parseaddr(mail.sender)
    body = mail.body.replace("\r\n", "\n").strip()
    text = f"{mail.subject}\n\n{body}" if mail.subject and body else mail.subject or body
    language = _header(mail.headers, "Content-Language").split(",")[0].strip()
    return ctx.interaction(
        channel=Channel.EMAIL,
        kind=Kind.EMAIL,
        message_id=message_id,
        # The thread's root: the first of References, else what it answers, else itself.
        conversation_id=(references[0] if references else parent or message_id)[:256],
        parent_id=parent,
        author=(
            Author(id=address.lower(), handle=address, display_name=name or None)
            if address
            else None
        ),
        text=text[:MAX_TEXT],
        attachments=mail.attachments,
        language_hint=language[:16] or None,
        created_at=_created_at(mail.headers, ctx),
        received_at=ctx.received_at,
    )


class _HtmlText(HTMLParser):
    _BLOCKS = frozenset(
        {"br", "p", "div", "li", "tr", "table", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"}
    )
    _HIDDEN = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCKS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text of an HTML body: block tags become line breaks, scripts and styles go."""
    if not html:
        return ""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
