"""Canned replies with placeholders, and suggested replies from the fact base (pure)."""

import re
from dataclasses import dataclass

from services.respond.domain.cases import Case
from shared.config import Agency, Template

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class TemplateText:
    template_id: str
    name: str
    language: str
    text: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    """A reply the responder may send as is: the agency's official answer to a known claim."""

    source: str  # "fact:<id>"
    language: str
    text: str
    link: str | None


def pick_language(texts: dict[str, str], wanted: list[str]) -> str:
    """The first of ``wanted`` that ``texts`` has, else its first language."""
    return next((lang for lang in wanted if lang in texts), next(iter(texts)))


def _wanted(agency: Agency, language: str | None) -> list[str]:
    return [lang for lang in (language, *agency.languages) if lang]


def placeholder_values(agency: Agency, case: Case, *, responder: str) -> dict[str, str]:
    first = next((e for e in case.thread if e.direction == "inbound"), None)
    team = agency.team(case.team)
    name = first.author_name if first is not None and first.author_name else ""
    handle = first.author_handle if first is not None and first.author_handle else ""
    return {
        "citizen_name": name or handle,
        "citizen_handle": f"@{handle}" if handle and not handle.startswith("@") else handle,
        "agency_name": agency.name,
        "team_name": team.name if team is not None else case.team,
        "case_ref": str(case.case_id)[:8],
        "responder": responder,
    }


def render(text: str, values: dict[str, str]) -> str:
    """``text`` with each known ``{placeholder}`` filled; unknown ones are left as written."""
    filled = _PLACEHOLDER.sub(lambda m: values.get(m[1], m[0]), text)
    return re.sub(r"[ \t]{2,}", " ", filled).strip()


def templates_for(
    agency: Agency,
    *,
    team: str | None,
    language: str | None,
    values: dict[str, str] | None = None,
) -> list[TemplateText]:
    """The agency's templates usable by ``team``, each in the best language, filled if asked."""
    usable: list[Template] = [
        t for t in agency.templates if team is None or not t.teams or team in t.teams
    ]
    result = []
    for template in usable:
        chosen = pick_language(template.text, _wanted(agency, language))
        text = template.text[chosen]
        result.append(
            TemplateText(
                template_id=template.id,
                name=template.name,
                language=chosen,
                text=render(text, values) if values is not None else text,
                languages=tuple(template.text),
            )
        )
    return result


def suggested_replies(agency: Agency, case: Case) -> list[Suggestion]:
    """The official answers to the known false claims the case's latest message matched."""
    suggestions = []
    for fact_id in case.classification.facts:
        fact = agency.fact(fact_id)
        if fact is None:
            continue
        language = pick_language(fact.answer, _wanted(agency, case.classification.language))
        suggestions.append(
            Suggestion(
                source=f"fact:{fact.id}",
                language=language,
                text=fact.answer[language],
                link=fact.link,
            )
        )
    return suggestions
