"""The Mastodon entities the adapter reads (docs.joinmastodon.org/entities/); pure."""

from html.parser import HTMLParser
from typing import Any

from pydantic import AwareDatetime

from services.ingest.channels.payloads import Id, Payload


class Account(Payload):
    id: Id
    username: str = ""
    acct: str = ""  # "user" on its own server, "user@domain" elsewhere
    display_name: str = ""


class Mention(Payload):
    id: Id
    username: str = ""
    acct: str = ""


class MediaAttachment(Payload):
    id: Id
    type: str = "unknown"  # image, gifv, video, audio, unknown
    url: str | None = None
    remote_url: str | None = None
    description: str | None = None


class ServerExtras(Payload):
    """Pleroma and Akkoma add a thread id that Mastodon's Status lacks."""

    conversation_id: Id | None = None


class Status(Payload):
    id: Id
    created_at: AwareDatetime
    edited_at: AwareDatetime | None = None
    in_reply_to_id: Id | None = None
    in_reply_to_account_id: Id | None = None
    visibility: str = "public"  # public, unlisted, private, direct
    language: str | None = None
    content: str = ""  # HTML
    spoiler_text: str = ""
    account: Account
    mentions: list[Mention] = []
    media_attachments: list[MediaAttachment] = []
    reblog: dict[str, Any] | None = None
    pleroma: ServerExtras | None = None


class WebhookEvent(Payload):
    """An admin webhook delivery: ``{"event", "created_at", "object"}``."""

    event: str
    created_at: AwareDatetime | None = None
    object: dict[str, Any]


class Notification(Payload):
    id: Id
    type: str  # mention, status, reblog, follow, favourite, poll, update, ...
    created_at: AwareDatetime | None = None
    status: Status | None = None


BLOCKS = frozenset(
    {"p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}
)


class _PlainText(HTMLParser):
    """Status HTML -> text: paragraphs become blank lines, ``<br>`` a line break.

    Every text node is kept, including Mastodon's ``invisible`` spans, so links read whole.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def _break(self, newlines: str) -> None:
        text = "".join(self.parts).rstrip(" ")
        if text and not text.endswith(newlines):
            self.parts = [text.rstrip("\n") + newlines]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag == "li":
            self._break("\n")
        elif tag in BLOCKS:
            self._break("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self._break("\n\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts).strip()
