"""The agency configuration (``agora.yaml``): pure pydantic models, strict about keys."""

import re
from datetime import date, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from shared.business_hours import parse_business_hours
from shared.config.taxonomy import DEFAULT_TOPICS

ConnectionType = Literal[
    "meta", "telegram", "twilio", "mastodon", "x", "email", "open311", "generic"
]
Priority = Literal["urgent", "high", "normal", "low"]

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}


def parse_duration(value: object) -> timedelta:
    """``"15m"``, ``"4h"``, ``"3d"``, ``"30s"`` or a number of seconds."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    match = _DURATION.match(str(value))
    if not match:
        raise ValueError(f"expected a duration like 15m, 4h or 3d, got {value!r}")
    return timedelta(**{_UNITS[match[2]]: int(match[1])})


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def _as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value


StrOrList = Annotated[list[str], BeforeValidator(_as_list)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# Which secret environment variables each connection type needs.
REQUIRED_SECRETS: dict[str, tuple[str, ...]] = {
    "meta": ("app_secret_env", "verify_token_env"),
    "telegram": ("secret_token_env",),
    "twilio": ("auth_token_env",),
    "mastodon": ("secret_env",),
    "x": ("consumer_secret_env",),
    "email": ("secret_env",),
    "open311": ("api_keys_env",),
    "generic": ("secret_env",),
}


class Connection(Strict):
    """A platform account; secrets are named by environment variable, never written here."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    channel: ConnectionType
    secret_env: str | None = None
    app_secret_env: str | None = None
    verify_token_env: str | None = None
    secret_token_env: str | None = None
    auth_token_env: str | None = None
    consumer_secret_env: str | None = None
    api_keys_env: str | None = None
    public_url: str | None = Field(
        default=None, description="The URL the platform calls (Twilio signs it)."
    )
    account_id: str | None = Field(
        default=None, description="The agency's own account id (page, number, bot, user)."
    )
    account_handle: str | None = Field(
        default=None, description="The agency's own handle, to recognise mentions."
    )
    poll_url: str | None = Field(
        default=None, description="Mastodon without webhooks: the server to poll."
    )
    access_token_env: str | None = Field(
        default=None, description="The token replies are sent with (Graph, bot, server, X)."
    )
    rate_limit_per_s: float = Field(default=50.0, gt=0)
    # Outbound: where and as whom replies are sent.
    api_base_url: str | None = Field(
        default=None, description="The platform's send API base URL (default: the platform's own)."
    )
    sender_id: str | None = Field(
        default=None,
        description="Who replies are sent from: WhatsApp phone number id, Twilio number, e-mail.",
    )
    window_template: str | None = Field(
        default=None,
        description="WhatsApp: the pre-approved template sent outside the 24-hour window.",
    )

    @model_validator(mode="after")
    def _needs_its_secrets(self) -> "Connection":
        missing = [f for f in REQUIRED_SECRETS[self.channel] if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.channel} connection needs {', '.join(missing)}")
        return self


def _member(value: object) -> object:
    return {"id": value} if isinstance(value, str) else value


class Member(Strict):
    """A responder of a team: who auto-assignment may give a case to."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,62}$")
    languages: list[str] = Field(
        default=[], description="Languages this member answers in (default: the team's)."
    )
    capacity: int = Field(default=10, ge=0, description="Open cases this member holds at most.")
    available: bool = Field(default=True, description="False: never auto-assigned (leave, ...).")


class Team(Strict):
    id: str
    name: str
    languages: list[str] = []
    members: list[Annotated[Member, BeforeValidator(_member)]] = []
    reply_approval: bool = Field(
        default=False, description="Replies of responders wait for a supervisor's approval."
    )

    @model_validator(mode="after")
    def _unique_members(self) -> "Team":
        ids = [m.id for m in self.members]
        if len(set(ids)) != len(ids):
            raise ValueError("member ids must be unique within a team")
        return self

    def member(self, member_id: str) -> Member | None:
        return next((m for m in self.members if m.id == member_id), None)

    def languages_of(self, member: Member) -> list[str]:
        return member.languages or self.languages


class SlaPolicy(Strict):
    first_response: Duration
    resolution: Duration
    business_hours: str | None = Field(
        default=None, description='e.g. "Mon-Fri 08:30-18:00"; none: the clock runs 24/7.'
    )
    at_risk: float = Field(
        default=0.8, gt=0, lt=1, description="Share of a target elapsed when a case is at risk."
    )

    @field_validator("business_hours")
    @classmethod
    def _readable_hours(cls, spec: str | None) -> str | None:
        if spec is not None:
            parse_business_hours(spec)
        return spec


# What a reply template may say about its case, filled in when it is used.
TEMPLATE_PLACEHOLDERS = frozenset(
    {"citizen_name", "citizen_handle", "agency_name", "team_name", "case_ref", "responder"}
)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class Template(Strict):
    """A canned reply, in several languages, with ``{placeholders}``."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    name: str
    text: dict[str, str] = Field(min_length=1, description="language -> the reply text")
    teams: list[str] = Field(default=[], description="Teams that use it (default: all).")

    @field_validator("text")
    @classmethod
    def _known_placeholders(cls, texts: dict[str, str]) -> dict[str, str]:
        for language, text in texts.items():
            unknown = set(_PLACEHOLDER.findall(text)) - TEMPLATE_PLACEHOLDERS
            if unknown:
                known = ", ".join(sorted(TEMPLATE_PLACEHOLDERS))
                raise ValueError(
                    f"{language}: unknown placeholder {{{sorted(unknown)[0]}}} (known: {known})"
                )
        return texts


class Match(Strict):
    """Conditions of a routing rule: every key given must match (a list means any of)."""

    topic: StrOrList | None = None
    intent: StrOrList | None = None
    urgency: StrOrList | None = None
    sentiment: StrOrList | None = None
    language: StrOrList | None = None
    channel: StrOrList | None = None
    connection: StrOrList | None = None
    toxicity: StrOrList | None = None
    misinformation: StrOrList | None = None
    keywords: StrOrList | None = None


class RoutingRule(Strict):
    name: str | None = None
    when: Match | None = None
    default: bool = False
    team: str
    priority: Priority = "normal"
    sla: str | None = None
    tags: list[str] = []

    @model_validator(mode="after")
    def _default_or_when(self) -> "RoutingRule":
        if self.default == (self.when is not None):
            raise ValueError("a rule has either 'when' conditions or 'default: true'")
        return self

    def label(self, index: int) -> str:
        return self.name or ("default" if self.default else f"rule {index + 1}")


class KeywordRule(Strict):
    """An agency's own classifier rule: any keyword present sets ``dimension`` to ``label``."""

    dimension: Literal["topic", "intent", "sentiment", "urgency"]
    label: str
    keywords: StrOrList


class Fact(Strict):
    """A false claim the agency has answered: its wording and the official answer per language."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    claim: dict[str, str] = Field(min_length=1, description="language -> the claim, as worded")
    answer: dict[str, str] = Field(min_length=1, description="language -> the official answer")
    link: str | None = None


class TopicDef(Strict):
    """One topic of an agency's taxonomy, described in French and English."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,62}$")
    fr: str
    en: str


def _default_topics() -> list[TopicDef]:
    return [TopicDef(id=t.id, fr=t.fr, en=t.en) for t in DEFAULT_TOPICS]


class Agency(Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    name: str
    languages: list[str] = ["fr", "en"]
    timezone: str = "UTC"
    holidays: list[date] = []  # local dates on which SLA business hours do not run
    connections: list[Connection] = []
    teams: list[Team]
    sla: dict[str, SlaPolicy] = {}
    routing: list[RoutingRule]
    classifier_rules: list[KeywordRule] = []
    facts: list[Fact] = Field(default=[], description="Known false claims and their answers.")
    topics: list[TopicDef] = Field(
        default_factory=_default_topics,
        description="The agency's topic taxonomy (default: Agora's); must include 'other'.",
    )
    templates: list[Template] = Field(default=[], description="Canned replies.")
    reopen_within: Duration = Field(
        default=timedelta(days=7),
        description="A message this soon after resolution reopens the case; later, a new case.",
    )

    @model_validator(mode="after")
    def _references_resolve(self) -> "Agency":
        teams = {t.id for t in self.teams}
        if len(teams) != len(self.teams):
            raise ValueError("team ids must be unique")
        connections = [c.id for c in self.connections]
        if len(set(connections)) != len(connections):
            raise ValueError("connection ids must be unique")
        if not any(rule.default for rule in self.routing):
            raise ValueError("@routing: a default rule is required ({default: true, team: ...})")
        if not self.routing[-1].default:
            raise ValueError(
                f"@routing.{len(self.routing) - 1}: the default rule must come last"
                " (first match wins)"
            )
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"@timezone: unknown time zone {self.timezone!r}") from error
        templates = [t.id for t in self.templates]
        if len(set(templates)) != len(templates):
            raise ValueError("@templates: template ids must be unique")
        for index, template in enumerate(self.templates):
            for team in template.teams:
                if team not in teams:
                    raise ValueError(f"@templates.{index}.teams: unknown team {team!r}")
        topic_ids = {t.id for t in self.topics}
        if "other" not in topic_ids:
            raise ValueError("@topics: the taxonomy must include 'other'")
        for index, keyword_rule in enumerate(self.classifier_rules):
            if keyword_rule.dimension == "topic" and keyword_rule.label not in topic_ids:
                raise ValueError(
                    f"@classifier_rules.{index}.label: {keyword_rule.label!r} is not in topics"
                )
        for index, rule in enumerate(self.routing):
            for topic in (rule.when.topic or []) if rule.when else []:
                if topic not in topic_ids:
                    raise ValueError(f"@routing.{index}.when.topic: {topic!r} is not in topics")
            if rule.team not in teams:
                raise ValueError(f"@routing.{index}.team: unknown team {rule.team!r}")
            policy = rule.sla or rule.priority
            if self.sla and policy not in self.sla:
                raise ValueError(f"@routing.{index}: no SLA policy named {policy!r}")
        return self

    def connection(self, connection_id: str) -> Connection | None:
        return next((c for c in self.connections if c.id == connection_id), None)

    def team(self, team_id: str) -> Team | None:
        return next((t for t in self.teams if t.id == team_id), None)

    def fact(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)


class AgoraConfig(Strict):
    agencies: list[Agency] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> "AgoraConfig":
        ids = [a.id for a in self.agencies]
        if len(set(ids)) != len(ids):
            raise ValueError("agency ids must be unique")
        connections = [c.id for a in self.agencies for c in a.connections]
        if len(set(connections)) != len(connections):
            raise ValueError("connection ids must be unique across agencies")
        return self

    def agency(self, agency_id: str) -> Agency | None:
        return next((a for a in self.agencies if a.id == agency_id), None)

    def find_connection(self, connection_id: str) -> tuple[Agency, Connection] | None:
        for agency in self.agencies:
            if (connection := agency.connection(connection_id)) is not None:
                return agency, connection
        return None
