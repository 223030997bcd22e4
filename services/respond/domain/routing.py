"""Routing rules: the first rule of the agency whose conditions all match decides (pure)."""

from dataclasses import dataclass

from shared.config import Agency, Match
from shared.config.models import Priority
from shared.events import Classification, Interaction

NO_MATCH_REASON = "no rule matched; default rule"

# Conditions compared with a classification label, in the order a reason names them.
_LABEL_CONDITIONS = (
    "topic",
    "intent",
    "urgency",
    "sentiment",
    "language",
    "toxicity",
    "misinformation",
)


@dataclass(frozen=True)
class RoutingDecision:
    """Where a case goes, and a reason a responder can read."""

    rule_index: int
    rule_name: str
    team: str
    priority: Priority
    sla_policy: str
    tags: tuple[str, ...]
    reason: str


def _one_of(wanted: list[str], value: str) -> bool:
    folded = value.casefold()
    return any(w.casefold() == folded for w in wanted)


def _facts(interaction: Interaction, classification: Classification) -> dict[str, str]:
    facts = {name: getattr(classification, name).label for name in _LABEL_CONDITIONS}
    facts["channel"] = str(interaction.channel)
    facts["connection"] = interaction.connection_id
    return facts


def match_reasons(
    match: Match, interaction: Interaction, classification: Classification
) -> list[str] | None:
    """The conditions that matched (``["topic=roads"]``), or None when one condition fails.

    Every condition given must match; a list of values means any of them; keywords match
    when any of them occurs in the text, ignoring case.
    """
    facts = _facts(interaction, classification)
    reasons = []
    for name, value in facts.items():
        wanted: list[str] | None = getattr(match, name)
        if wanted is None:
            continue
        if not _one_of(wanted, value):
            return None
        reasons.append(f"{name}={value}")
    if match.keywords is not None:
        text = interaction.text.casefold()
        found = next((k for k in match.keywords if k.casefold() in text), None)
        if found is None:
            return None
        reasons.append(f"keyword {found!r}")
    return reasons


def route(
    agency: Agency, interaction: Interaction, classification: Classification
) -> RoutingDecision:
    """First matching rule wins; the agency's configuration guarantees a last default rule."""
    for index, rule in enumerate(agency.routing):
        if rule.when is None:  # the default rule (configuration: conditions or default)
            reason = NO_MATCH_REASON
        else:
            reasons = match_reasons(rule.when, interaction, classification)
            if reasons is None:
                continue
            matched = ", ".join(reasons) or "no condition"
            reason = f"{matched} matched rule {rule.label(index)!r}"
        return RoutingDecision(
            rule_index=index,
            rule_name=rule.label(index),
            team=rule.team,
            priority=rule.priority,
            sla_policy=rule.sla or rule.priority,
            tags=tuple(rule.tags),
            reason=reason,
        )
    raise LookupError(f"agency {agency.id!r} has no default routing rule")
