"""``POST /classify``: a dry run of the pipeline on a text, for admins tuning rules."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, Field

from services.classify.pipeline import NO_AGENCY_RULES, classify_text
from shared.errors import NotFound
from shared.events import Classification

router = APIRouter(tags=["classify"])


class ClassifyRequest(BaseModel):
    text: str = Field(min_length=1, max_length=20_000)
    agency_id: str | None = Field(default=None, description="Apply this agency's own rules.")
    language_hint: str | None = None


@router.post("/classify", response_model=Classification)
async def dry_run(
    request: Request,
    body: Annotated[
        ClassifyRequest,
        Body(openapi_examples={"pothole": {"value": {"text": "Nid de poule rue Garibaldi"}}}),
    ],
) -> Any:
    rules = request.app.state.rules
    if body.agency_id is not None and body.agency_id not in rules:
        raise NotFound("unknown_agency", f"No agency {body.agency_id!r} in the configuration.")
    agency = rules.get(body.agency_id, NO_AGENCY_RULES) if body.agency_id else NO_AGENCY_RULES
    return classify_text(body.text, language_hint=body.language_hint, agency=agency)
