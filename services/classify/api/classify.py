"""``POST /classify``: a dry run of the pipeline on a text, for admins tuning rules."""

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, Field

from services.classify.pipeline import NO_AGENCY, classify_text
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
    knowledge = request.app.state.knowledge
    if body.agency_id is not None and body.agency_id not in knowledge:
        raise NotFound("unknown_agency", f"No agency {body.agency_id!r} in the configuration.")
    agency = knowledge[body.agency_id] if body.agency_id else NO_AGENCY
    return await asyncio.to_thread(
        classify_text,
        body.text,
        language_hint=body.language_hint,
        agency=agency,
        models=request.app.state.models,
    )
