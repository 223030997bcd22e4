"""Automatic assignment: the least-loaded available member who speaks the case's language (pure)."""

from collections.abc import Mapping
from dataclasses import dataclass

from shared.config import Team

# Labels that say nothing about the language: any member may take the case.
UNKNOWN_LANGUAGES = frozenset({"", "und", "unknown"})


@dataclass(frozen=True)
class AssignmentChoice:
    """Who gets the case (``None``: it stays in the team queue), and why."""

    assignee: str | None
    reason: str


def speaks(team: Team, member_id: str, language: str | None) -> bool:
    member = team.member(member_id)
    if member is None:
        return False
    languages = team.languages_of(member)
    return (
        language is None or language in UNKNOWN_LANGUAGES or not languages or language in languages
    )


def choose_assignee(
    team: Team, *, language: str | None, open_cases: Mapping[str, int]
) -> AssignmentChoice:
    """Among available members under their capacity who speak ``language``, the least loaded.

    Ties go to the member listed first in the team. ``open_cases`` counts the cases each
    member holds now (open or waiting on the citizen).
    """
    wanted = f" speaking {language}" if language and language not in UNKNOWN_LANGUAGES else ""
    candidates = [
        m
        for m in team.members
        if m.available and open_cases.get(m.id, 0) < m.capacity and speaks(team, m.id, language)
    ]
    if not candidates:
        return AssignmentChoice(
            assignee=None,
            reason=f"no available member{wanted} under capacity; left in the {team.id} queue",
        )
    chosen = min(candidates, key=lambda m: open_cases.get(m.id, 0))
    load = open_cases.get(chosen.id, 0)
    return AssignmentChoice(
        assignee=chosen.id,
        reason=(
            f"least loaded of {len(candidates)} available member(s){wanted}"
            f" ({chosen.id}: {load} of {chosen.capacity} open cases)"
        ),
    )
