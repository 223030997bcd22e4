"""The responder API through httpx's ASGI transport, on in-memory ports."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from services.respond.api import audit as audit_api
from services.respond.api import cases as cases_api
from services.respond.api import templates as templates_api
from services.respond.commands import CaseCommands
from services.respond.instruments import RespondInstruments
from services.respond.usecases import thread_interaction
from shared.config import ConfigSource
from shared.http import build_http_app
from shared.ids import case_id
from shared.settings import TelemetrySettings
from shared.telemetry import build_telemetry
from tests.handlers.respond.fakes import (
    FakeAuditLog,
    FakeCaseRepository,
    FakeOutbox,
    FakeTokenStore,
)
from tests.unit.respond.builders import CONFIG, at, classified, user

ROADS_CASE = case_id("lyon", "facebook", "post-9", 0)  # voirie, auto-assigned to alice
WATER_CASE = case_id("lyon", "facebook", "post-eau", 0)  # eau: replies need approval
USERS = {
    "alice": user(name="alice"),
    "bob": user(name="bob"),
    "sam": user("supervisor", name="sam", teams=("voirie", "eau")),
    "farid": user(name="farid", teams=("eau",)),
    "ada": user("admin", name="ada", teams=()),
    "audrey": user("auditor", name="audrey", teams=()),
    "ines": user(name="ines", agency_ids=("grenoble",)),
}


def as_(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {name}-token"}


@asynccontextmanager
async def _no_backends(app: FastAPI) -> AsyncIterator[None]:
    yield


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
async def api(
    cases: FakeCaseRepository,
    outbox: FakeOutbox,
    audit: FakeAuditLog,
    commands: CaseCommands,
    registry: CollectorRegistry,
) -> AsyncIterator[httpx.AsyncClient]:
    telemetry = build_telemetry("respond", TelemetrySettings())
    app = build_http_app(
        "respond",
        telemetry=telemetry,
        lifespan=_no_backends,
        routers=[cases_api.router, templates_api.router, audit_api.router],
    )
    app.state.cases = cases
    app.state.commands = commands
    app.state.audit = audit
    app.state.config_source = ConfigSource(Path("no-such-agora.yaml"), CONFIG)
    app.state.instruments = RespondInstruments.register(registry)
    app.state.tokens = FakeTokenStore({f"{name}-token": who for name, who in USERS.items()})
    for event in (
        classified(text="Nid de poule " * 20),
        classified("w1", topic="water", conversation_id="post-eau"),
    ):
        await thread_interaction(event, cases=cases, outbox=outbox, config=CONFIG, now=at(2))
    outbox.published.clear()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://respond") as client:
        yield client


async def post(api: httpx.AsyncClient, path: str, who: str, **body: Any) -> httpx.Response:
    return await api.post(path, json=body, headers=as_(who))


# -- authentication and reading ----------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic YWxpY2UtdG9rZW4="}],
)
async def test_missing_or_unknown_token_is_unauthorized(
    api: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await api.get("/cases", headers=headers)
    assert (response.status_code, response.json()["error"]) == (401, "unauthorized")


async def test_me_tells_who_the_token_is_and_what_they_may_do(api: httpx.AsyncClient) -> None:
    me = (await api.get("/me", headers=as_("audrey"))).json()
    assert me == {
        "user": "audrey",
        "role": "auditor",
        "teams": [],
        "agency_ids": ["lyon"],
        "permissions": ["audit", "read"],
    }


async def test_listing_shows_a_summary_of_the_teams_cases(api: httpx.AsyncClient) -> None:
    page = (await api.get("/cases", headers=as_("alice"))).json()

    assert (page["total"], page["limit"], page["offset"]) == (1, 50, 0)
    (summary,) = page["items"]
    assert (summary["id"], summary["team"], summary["version"]) == (str(ROADS_CASE), "voirie", 1)
    assert (summary["assignee"], summary["message_count"], len(summary["preview"])) == (
        "alice",
        1,
        120,
    )
    assert "thread" not in summary


@pytest.mark.parametrize(
    ("who", "ids"),
    [
        ("alice", [ROADS_CASE]),
        ("farid", [WATER_CASE]),
        ("sam", [ROADS_CASE, WATER_CASE]),
        ("audrey", [ROADS_CASE, WATER_CASE]),
        ("ines", []),
    ],
)
async def test_listing_shows_only_the_users_teams_or_agency(
    api: httpx.AsyncClient, who: str, ids: list[Any]
) -> None:
    page = (await api.get("/cases", headers=as_(who))).json()
    assert sorted(i["id"] for i in page["items"]) == sorted(str(i) for i in ids)


@pytest.mark.parametrize(
    ("params", "total"),
    [
        ({"tag": "pothole"}, 0),
        ({"escalation": "none"}, 2),
        ({"assignee": "farid"}, 1),
        ({"conversation_id": "other"}, 0),
        ({"team": "eau"}, 1),
    ],
)
async def test_listing_filters(api: httpx.AsyncClient, params: dict[str, str], total: int) -> None:
    response = await api.get("/cases", params=params, headers=as_("sam"))
    assert response.json()["total"] == total


@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 201}, {"status": "lost"}, {"escalation": "late"}]
)
async def test_invalid_listing_filters_are_refused(
    api: httpx.AsyncClient, params: dict[str, str | int]
) -> None:
    response = await api.get("/cases", params=params, headers=as_("alice"))
    assert (response.status_code, response.json()["error"]) == (422, "invalid_request")


async def test_case_shows_its_thread_and_suggested_replies(
    api: httpx.AsyncClient, cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    rumour = classified("r1", conversation_id="post-bus", facts=("bus-free",))
    await thread_interaction(rumour, cases=cases, outbox=outbox, config=CONFIG, now=at(3))
    rumour_case = case_id("lyon", "facebook", "post-bus", 0)

    detail = (await api.get(f"/cases/{rumour_case}", headers=as_("alice"))).json()

    (entry,) = detail["thread"]
    assert (entry["direction"], entry["author_handle"]) == ("inbound", "citizen")
    assert [s["text"] for s in detail["suggested_replies"]] == ["Les bus ne sont pas gratuits."]
    assert detail["history"][0]["action"] == "opened"


@pytest.mark.parametrize(
    ("who", "path", "status", "error"),
    [
        ("farid", f"/cases/{ROADS_CASE}", 403, "not_your_team"),
        ("ines", f"/cases/{ROADS_CASE}", 404, "case_not_found"),
        ("alice", f"/cases/{case_id('lyon', 'x', 'nothing', 0)}", 404, "case_not_found"),
    ],
    ids=["other team", "other agency", "unknown"],
)
async def test_a_case_of_another_team_is_forbidden_and_of_another_agency_not_found(
    api: httpx.AsyncClient, who: str, path: str, status: int, error: str
) -> None:
    response = await api.get(path, headers=as_(who))
    assert (response.status_code, response.json()["error"]) == (status, error)


@pytest.mark.parametrize(
    ("who", "status"), [("farid", 403), ("ines", 404)], ids=["other team", "other agency"]
)
async def test_changes_to_a_case_out_of_reach_are_refused_alike(
    api: httpx.AsyncClient, cases: FakeCaseRepository, who: str, status: int
) -> None:
    response = await post(api, f"/cases/{ROADS_CASE}/notes", who, version=1, text="Moi")
    assert response.status_code == status
    assert cases.case(ROADS_CASE).version == 1


# -- claim, assign, transfer -------------------------------------------------------------------


async def test_an_unassigned_case_is_claimed_once(
    api: httpx.AsyncClient, cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    cases.put(cases.case(ROADS_CASE).model_copy(update={"assignee": None}))

    claimed = await post(api, f"/cases/{ROADS_CASE}/claim", "bob", version=1)
    again = await post(api, f"/cases/{ROADS_CASE}/claim", "alice", version=2)

    assert claimed.status_code == 200
    assert (claimed.json()["case"]["assignee"], claimed.json()["case"]["version"]) == ("bob", 2)
    assert [(e["event_type"], e["assignee"], e["by"]) for e in outbox.events] == [
        ("case.assigned", "bob", "bob")
    ]
    assert (again.status_code, again.json()["error"]) == (409, "already_assigned")
    assert again.json()["case"]["assignee"] == "bob"


async def test_a_supervisor_reassigns_a_case_to_a_member(
    api: httpx.AsyncClient, outbox: FakeOutbox
) -> None:
    response = await post(api, f"/cases/{ROADS_CASE}/assign", "sam", version=1, assignee="bob")
    assert response.status_code == 200
    assert response.json()["case"]["assignee"] == "bob"
    assert [(e["event_type"], e["assignee"], e["by"]) for e in outbox.events] == [
        ("case.assigned", "bob", "sam")
    ]


async def test_a_responder_cannot_give_a_case_to_someone_else(
    api: httpx.AsyncClient, cases: FakeCaseRepository, outbox: FakeOutbox
) -> None:
    response = await post(api, f"/cases/{ROADS_CASE}/assign", "alice", version=1, assignee="bob")
    assert (response.status_code, response.json()["error"]) == (403, "supervisor_only")
    assert (cases.case(ROADS_CASE).assignee, outbox.published) == ("alice", [])


async def test_a_responder_cannot_take_a_case_someone_else_holds(
    api: httpx.AsyncClient,
) -> None:
    response = await post(api, f"/cases/{ROADS_CASE}/assign", "bob", version=1, assignee="bob")
    assert (response.status_code, response.json()["error"]) == (403, "supervisor_only")


async def test_a_responder_releases_their_case_to_the_queue(api: httpx.AsyncClient) -> None:
    response = await post(api, f"/cases/{ROADS_CASE}/assign", "alice", version=1, assignee=None)
    assert (response.status_code, response.json()["case"]["assignee"]) == (200, None)


async def test_a_transfer_without_an_assignee_goes_to_a_member_of_the_new_team(
    api: httpx.AsyncClient, outbox: FakeOutbox
) -> None:
    response = await post(api, f"/cases/{ROADS_CASE}/assign", "alice", version=1, team="eau")

    assert response.status_code == 200
    case = response.json()["case"]
    assert (case["team"], case["assignee"], case["history"][-1]["action"]) == (
        "eau",
        "farid",
        "transferred",
    )
    transferred, assigned = outbox.events
    assert (transferred["event_type"], transferred["from_team"], transferred["to_team"]) == (
        "case.transferred",
        "voirie",
        "eau",
    )
    assert (assigned["event_type"], assigned["assignee"]) == ("case.assigned", "farid")


async def test_a_transfer_to_the_queue_of_the_new_team(api: httpx.AsyncClient) -> None:
    response = await post(
        api, f"/cases/{ROADS_CASE}/assign", "alice", version=1, team="eau", assignee=None
    )
    assert (response.json()["case"]["team"], response.json()["case"]["assignee"]) == ("eau", None)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"team": "atlantis"}, "unknown_team"),
        ({"assignee": "carol"}, "not_a_member"),
    ],
)
async def test_an_unknown_team_or_a_stranger_to_the_team_is_422(
    api: httpx.AsyncClient, body: dict[str, str], error: str
) -> None:
    response = await post(api, f"/cases/{ROADS_CASE}/assign", "sam", version=1, **body)
    assert (response.status_code, response.json()["error"]) == (422, error)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"team": "atlantis"}, "unknown_team"),
        ({"assignee": "carol"}, "not_a_member"),
    ],
)
async def test_an_unknown_team_or_a_stranger_to_the_team_is_refused_unchanged(
    api: httpx.AsyncClient, cases: FakeCaseRepository, body: dict[str, str], error: str
) -> None:
    response = await post(api, f"/cases/{ROADS_CASE}/assign", "sam", version=1, **body)
    assert (response.status_code, response.json()["error"]) == (422, error)
    assert cases.case(ROADS_CASE).version == 1


# -- notes, tags, resolve, reopen --------------------------------------------------------------


async def test_a_note_is_added_for_staff_only(api: httpx.AsyncClient, outbox: FakeOutbox) -> None:
    response = await post(api, f"/cases/{ROADS_CASE}/notes", "alice", version=1, text="Vu")
    case = response.json()["case"]
    assert [(n["author_user"], n["text"]) for n in case["notes"]] == [("alice", "Vu")]
    assert (len(case["thread"]), outbox.published) == (1, [])


async def test_tags_are_added_and_removed(api: httpx.AsyncClient) -> None:
    first = await post(api, f"/cases/{ROADS_CASE}/tags", "alice", version=1, add=["a", "b"])
    second = await post(api, f"/cases/{ROADS_CASE}/tags", "alice", version=2, remove=["a"])
    same = await post(api, f"/cases/{ROADS_CASE}/tags", "alice", version=3, add=["b"])

    assert first.json()["case"]["tags"] == ["a", "b"]
    assert second.json()["case"]["tags"] == ["b"]
    assert (same.status_code, same.json()["error"]) == (409, "no_change")
    listed = await api.get("/cases", params={"tag": "b"}, headers=as_("alice"))
    assert listed.json()["total"] == 1


@pytest.mark.parametrize(
    "body", [{"version": 1, "add": ["has space"]}, {"version": 1, "add": ["x"], "bad": 1}]
)
async def test_bad_tags_are_422(api: httpx.AsyncClient, body: dict[str, object]) -> None:
    response = await post(api, f"/cases/{ROADS_CASE}/tags", "alice", **body)
    assert (response.status_code, response.json()["error"]) == (422, "invalid_request")


async def test_a_case_is_resolved_then_reopened(api: httpx.AsyncClient, outbox: FakeOutbox) -> None:
    resolved = await post(api, f"/cases/{ROADS_CASE}/resolve", "alice", version=1)
    twice = await post(api, f"/cases/{ROADS_CASE}/resolve", "alice", version=2)
    reopened = await post(api, f"/cases/{ROADS_CASE}/reopen", "alice", version=2)
    again = await post(api, f"/cases/{ROADS_CASE}/reopen", "alice", version=3)

    assert resolved.json()["case"]["status"] == "resolved"
    assert (twice.status_code, twice.json()["error"]) == (409, "case_resolved")
    assert twice.json()["case"]["status"] == "resolved"
    assert (reopened.json()["case"]["status"], reopened.json()["case"]["reopened"]) == ("open", 1)
    assert (again.status_code, again.json()["error"]) == (409, "case_active")
    assert outbox.event_types == ["case.resolved", "case.reopened", "case.sla_adjusted"]


# -- replies -----------------------------------------------------------------------------------


async def test_reply_is_created_sent_and_counted(
    api: httpx.AsyncClient, outbox: FakeOutbox, registry: CollectorRegistry
) -> None:
    response = await post(api, f"/cases/{ROADS_CASE}/replies", "alice", text="Merci", version=1)

    assert response.status_code == 201
    body = response.json()
    assert (body["held"], body["case"]["version"]) == (False, 2)
    last = body["case"]["thread"][-1]
    assert (last["reply_id"], last["approval"]) == (body["reply_id"], "not_required")
    assert last["delivery"]["status"] == "pending"
    assert outbox.event_types == ["case.reply_posted", "reply.send"]
    assert outbox.events[0]["first_response"] is True
    labels = {"agency": "lyon", "team": "voirie", "held": "false"}
    assert registry.get_sample_value("agora_respond_replies_total", labels) == 1


async def test_a_reply_asking_the_citizen_makes_the_case_wait(api: httpx.AsyncClient) -> None:
    response = await post(
        api,
        f"/cases/{ROADS_CASE}/replies",
        "alice",
        text="Quelle rue ?",
        version=1,
        wait_for_citizen=True,
    )
    case = response.json()["case"]
    assert (case["status"], case["waiting_since"] is not None) == ("waiting", True)


async def test_reply_on_a_stale_version_is_409_with_the_current_case(
    api: httpx.AsyncClient, outbox: FakeOutbox
) -> None:
    url = f"/cases/{ROADS_CASE}/replies"
    await post(api, url, "alice", text="Merci", version=1)
    response = await post(api, url, "bob", text="Encore", version=1)

    assert response.status_code == 409
    assert response.json()["error"] == "stale_version"
    assert response.json()["case"]["version"] == 2
    assert len(response.json()["case"]["thread"]) == 2
    assert len(outbox.published) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"text": "", "version": 1},
        {"text": "   ", "version": 1},
        {"text": "x" * 5001, "version": 1},
        {"text": "Merci"},
        {"text": "Merci", "version": 0},
    ],
)
async def test_invalid_reply_body_is_422(api: httpx.AsyncClient, body: dict[str, object]) -> None:
    response = await post(api, f"/cases/{ROADS_CASE}/replies", "alice", **body)
    assert (response.status_code, response.json()["error"]) == (422, "invalid_request")


async def held_reply(api: httpx.AsyncClient) -> str:
    response = await post(api, f"/cases/{WATER_CASE}/replies", "farid", text="Merci", version=1)
    assert response.status_code == 201
    assert response.json()["held"] is True
    return str(response.json()["reply_id"])


async def test_a_reply_in_a_team_needing_approval_is_held_unsent(
    api: httpx.AsyncClient, outbox: FakeOutbox, registry: CollectorRegistry
) -> None:
    await held_reply(api)
    case = (await api.get(f"/cases/{WATER_CASE}", headers=as_("farid"))).json()
    assert (case["thread"][-1]["approval"], case["first_response_at"]) == ("pending", None)
    assert outbox.published == []
    labels = {"agency": "lyon", "team": "eau", "held": "true"}
    assert registry.get_sample_value("agora_respond_replies_total", labels) == 1


async def test_a_supervisors_reply_is_never_held(
    api: httpx.AsyncClient, outbox: FakeOutbox
) -> None:
    response = await post(api, f"/cases/{WATER_CASE}/replies", "sam", text="Merci", version=1)
    assert response.json()["held"] is False
    assert outbox.event_types == ["case.reply_posted", "reply.send"]


async def test_an_approved_reply_is_published_and_sent(
    api: httpx.AsyncClient, outbox: FakeOutbox
) -> None:
    reply_id = await held_reply(api)

    response = await post(api, f"/cases/{WATER_CASE}/replies/{reply_id}/approve", "sam", version=2)

    assert response.status_code == 200
    entry = response.json()["case"]["thread"][-1]
    assert (entry["approval"], entry["reviewed_by"]) == ("approved", "sam")
    assert response.json()["case"]["first_response_at"] is not None
    posted, send = outbox.events
    assert (posted["event_type"], posted["approved_by"], posted["author_user"]) == (
        "case.reply_posted",
        "sam",
        "farid",
    )
    assert (send["event_type"], send["reply_id"], send["text"]) == ("reply.send", reply_id, "Merci")


async def test_a_rejected_reply_is_never_sent(api: httpx.AsyncClient, outbox: FakeOutbox) -> None:
    reply_id = await held_reply(api)

    response = await post(
        api, f"/cases/{WATER_CASE}/replies/{reply_id}/reject", "sam", version=2, note="Non"
    )

    entry = response.json()["case"]["thread"][-1]
    assert (entry["approval"], entry["review_note"]) == ("rejected", "Non")
    assert outbox.published == []


async def test_a_responder_cannot_approve(api: httpx.AsyncClient, outbox: FakeOutbox) -> None:
    reply_id = await held_reply(api)
    response = await post(
        api, f"/cases/{WATER_CASE}/replies/{reply_id}/approve", "farid", version=2
    )
    assert (response.status_code, response.json()["error"]) == (403, "forbidden")
    assert outbox.published == []


# -- auditors and the audit log ----------------------------------------------------------------


async def test_an_auditor_reads_every_case_but_changes_none(
    api: httpx.AsyncClient, cases: FakeCaseRepository
) -> None:
    assert (await api.get(f"/cases/{WATER_CASE}", headers=as_("audrey"))).status_code == 200
    for path, body in [
        ("replies", {"text": "Merci", "version": 1}),
        ("claim", {"version": 1}),
        ("assign", {"version": 1, "assignee": None}),
        ("assign", {"version": 1, "team": "atlantis"}),
        ("notes", {"text": "Vu", "version": 1}),
        ("tags", {"add": ["x"], "version": 1}),
        ("resolve", {"version": 1}),
    ]:
        response = await post(api, f"/cases/{ROADS_CASE}/{path}", "audrey", **body)
        assert (path, response.status_code) == (path, 403)
    assert cases.case(ROADS_CASE).version == 1


@pytest.mark.parametrize("who", ["alice", "sam"])
async def test_the_audit_log_is_for_auditors_and_admins_only(
    api: httpx.AsyncClient, who: str
) -> None:
    response = await api.get("/audit", headers=as_(who))
    assert (response.status_code, response.json()["error"]) == (403, "forbidden")


async def test_the_audit_log_shows_allowed_and_refused_calls_newest_first(
    api: httpx.AsyncClient, audit: FakeAuditLog
) -> None:
    await post(api, f"/cases/{ROADS_CASE}/replies", "alice", text="Merci", version=1)
    await post(api, f"/cases/{ROADS_CASE}/replies", "bob", text="Encore", version=1)
    await post(api, f"/cases/{ROADS_CASE}/resolve", "audrey", version=2)
    await post(api, f"/cases/{ROADS_CASE}/notes", "farid", text="Moi", version=2)

    for who in ("audrey", "ada"):
        page = (await api.get("/audit", headers=as_(who))).json()
        assert page["total"] == 4
        rows = {
            (
                e["user"],
                e["action"],
                e["outcome"],
                e["status"],
                e["version_before"],
                e["version_after"],
            )
            for e in page["items"]
        }
        assert rows == {
            ("alice", "reply", "ok", 200, 1, 2),
            ("bob", "reply", "stale_version", 409, 2, None),
            ("audrey", "resolve", "forbidden", 403, 2, None),
            ("farid", "note", "not_your_team", 403, None, None),
        }
        assert all(e["case_id"] == str(ROADS_CASE) for e in page["items"])
        ats = [e["at"] for e in page["items"]]
        assert ats == sorted(ats, reverse=True)
    assert len(audit.entries) == 4


async def test_the_audit_log_filters_by_user_and_action(api: httpx.AsyncClient) -> None:
    await post(api, f"/cases/{ROADS_CASE}/replies", "alice", text="Merci", version=1)
    await post(api, f"/cases/{ROADS_CASE}/notes", "alice", text="Vu", version=2)
    await post(api, f"/cases/{ROADS_CASE}/notes", "bob", text="Vu", version=3)

    page = (
        await api.get("/audit", params={"user": "alice", "action": "note"}, headers=as_("ada"))
    ).json()
    assert [(e["user"], e["action"]) for e in page["items"]] == [("alice", "note")]


# -- templates ---------------------------------------------------------------------------------


async def test_templates_for_a_case_are_filled_in_its_language(api: httpx.AsyncClient) -> None:
    response = await api.get(
        "/templates", params={"case_id": str(WATER_CASE)}, headers=as_("farid")
    )
    items = response.json()["items"]
    assert [(t["id"], t["language"]) for t in items] == [("thanks", "fr"), ("water-cut", "fr")]
    assert items[0]["text"].startswith("Bonjour A. Citizen, merci : l'équipe Eau s'en occupe")
    assert items[0]["text"].endswith("farid")
    assert items[1]["text"] == "Coupure d'eau programmée, @citizen."


async def test_templates_without_a_case_are_every_teams_unfilled(api: httpx.AsyncClient) -> None:
    response = await api.get("/templates", params={"language": "en"}, headers=as_("alice"))
    items = response.json()["items"]
    assert [(t["id"], t["language"]) for t in items] == [("thanks", "en"), ("water-cut", "fr")]
    assert "{citizen_name}" in items[0]["text"]
    assert items[0]["languages"] == ["fr", "en"]


async def test_templates_of_a_case_of_another_team_are_forbidden(api: httpx.AsyncClient) -> None:
    response = await api.get(
        "/templates", params={"case_id": str(WATER_CASE)}, headers=as_("alice")
    )
    assert response.status_code == 403


async def test_templates_of_an_agency_not_ones_own_are_refused(api: httpx.AsyncClient) -> None:
    response = await api.get("/templates", params={"agency": "grenoble"}, headers=as_("alice"))
    assert (response.status_code, response.json()["error"]) == (400, "agency")


# -- the API's description ---------------------------------------------------------------------


async def test_openapi_lists_every_route_with_examples_for_each_change(
    api: httpx.AsyncClient,
) -> None:
    spec = (await api.get("/openapi.json")).json()
    routes = {(path, method) for path, item in spec["paths"].items() for method in item}
    assert routes >= {
        ("/cases", "get"),
        ("/cases/{case_id}", "get"),
        ("/cases/{case_id}/replies", "post"),
        ("/cases/{case_id}/replies/{reply_id}/approve", "post"),
        ("/cases/{case_id}/replies/{reply_id}/reject", "post"),
        ("/cases/{case_id}/claim", "post"),
        ("/cases/{case_id}/assign", "post"),
        ("/cases/{case_id}/notes", "post"),
        ("/cases/{case_id}/tags", "post"),
        ("/cases/{case_id}/resolve", "post"),
        ("/cases/{case_id}/reopen", "post"),
        ("/templates", "get"),
        ("/audit", "get"),
        ("/me", "get"),
    }
    for path, item in spec["paths"].items():
        if "post" in item:
            content = item["post"]["requestBody"]["content"]["application/json"]
            assert content.get("examples"), path
            assert "409" in item["post"]["responses"], path
