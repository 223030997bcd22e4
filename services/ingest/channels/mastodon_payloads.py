"""The Mastodon entities the adapter reads (docs.joinmastodon.org/entities/); pure."""

from html.parser import HTMLParser
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, ValidationError


def _as_str(value: object) -> object:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# Mastodon sends ids as strings; some compatible servers send numbers.
Id = Annotated[str, BeforeValidator(_as_str)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Account(_Body):
    id: Id
    username: str = ""
    acct: str = ""  # "user" on its own server, "user@domain" elsewhere
    display_name: str = ""


class Mention(_Body):
    id: Id
    username: str = ""
    acct: str = ""


class MediaAttachment(_Body):
    id: Id
    type: str = "unknown"  # image, gifv, video, audio, unknown
    url: str | None = None
    remote_url: str | None = None
    description: str | None = None


class ServerExtras(_Body):
    """Pleroma and Akkoma add a thread id that Mastodon's Status lacks."""

    conversation_id: Id | None = None


class Status(_Body):
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


class WebhookEvent(_Body):
    """An admin webhook delivery: ``{"event", "created_at", "object"}``."""

    event: str
    created_at: AwareDatetime | None = None
    object: dict[str, Any]


class Notification(_Body):
    id: Id
    type: str  # mention, status, reblog, follow, favourite, poll, update, ...
    created_at: AwareDatetime | None = None
    status: Status | None = None


def describe(error: ValidationError, prefix: str = "") -> str:
    """``"<field>: <problem>"`` for the first error, as ``InvalidInput`` details read."""
    first = error.errors()[0]
    path = [prefix] if prefix else []
    where = ".".join([*path, *(str(p) for p in first["loc"])]) or "body"
    return f"{where}: {first['msg']}"


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
