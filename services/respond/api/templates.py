"""``/templates``: canned replies in the case's language, with its placeholders filled."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from services.respond import usecases
from services.respond.api.deps import CasesDep, ConfigDep, CurrentUser
from services.respond.domain.templates import placeholder_values, templates_for
from shared.errors import InvalidInput

router = APIRouter(prefix="/templates", tags=["templates"])


class TemplateView(BaseModel):
    id: str = Field(examples=["thanks"])
    name: str = Field(examples=["Thanks, we are on it"])
    language: str = Field(description="The language of ``text``: the case's when there is one.")
    languages: list[str] = Field(description="Every language the template is written in.")
    text: str = Field(examples=["Bonjour Marie, merci : l'équipe Voirie s'en occupe."])


class TemplateList(BaseModel):
    items: list[TemplateView]


@router.get("", response_model=TemplateList, summary="Reply templates")
async def list_templates(
    user: CurrentUser,
    cases: CasesDep,
    config: ConfigDep,
    case_id: Annotated[UUID | None, Query(description="Fill the templates for this case.")] = None,
    language: Annotated[str | None, Query(pattern=r"^[a-z]{2,3}$")] = None,
    agency: Annotated[str | None, Query(description="Needed only for several agencies.")] = None,
) -> TemplateList:
    """Templates of the agency usable by the case's team (or every team), in ``language``,
    else the case's language, else the agency's first; with ``case_id``, ready to send."""
    current = config.current
    if case_id is not None:
        case = (await usecases.get_case(case_id=case_id, user=user, cases=cases)).case
        found = current.agency(case.agency_id)
        if found is None:
            return TemplateList(items=[])
        values = placeholder_values(found, case, responder=user.user)
        chosen = templates_for(
            found,
            team=case.team,
            language=language or case.classification.language,
            values=values,
        )
    else:
        agency_id = agency or (user.agency_ids[0] if len(user.agency_ids) == 1 else None)
        if agency_id is None or agency_id not in user.agency_ids:
            raise InvalidInput("agency", "Name one of your agencies with ?agency=.")
        found = current.agency(agency_id)
        chosen = templates_for(found, team=None, language=language) if found else []
    return TemplateList(
        items=[
            TemplateView(
                id=t.template_id,
                name=t.name,
                language=t.language,
                languages=list(t.languages),
                text=t.text,
            )
            for t in chosen
        ]
    )
