"""The responder's day over HTTP, on the running services, broker and database: routing and
assignment, SLA clocks and escalation, claims and conflicts, approval, delivery to the
platform simulator and its status, role and team scoping, and the audit trail."""

import hashlib
import hmac
import json
import os
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from shared.business_hours import BusinessCalendar, parse_business_hours
from shared.runner.stack import Stack
from tests.conftest import PLATFORM_SECRETS, TEST_SECRET, upcoming_wednesdays
from tests.support import eventually, post_generic_webhook

pytestmark = pytest.mark.e2e

POTHOLE = "Énorme nid de poule devant le {n} rue Garibaldi, dangereux !"
WASTE = "Les poubelles ne sont pas ramassées depuis une semaine rue {n}"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "webhooks"


def _token(
    stack: Stack, user: str, role: str, *, agency: str = "lyon", teams: tuple[str, ...] = ()
) -> dict[str, str]:
    """A bearer header for a new token issued with ``agora token create``."""
    argv = [sys.executable, "-m", "shared.cli", "token", "create", "--user", user, "--role", role]
    argv += ["--agency", agency]
    for team in teams:
        argv += ["--team", team]
    env = {**os.environ, **stack.service_env("respond")}
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=True)
    return {"Authorization": f"Bearer {result.stdout.strip()}"}


@pytest.fixture(scope="module")
def tokens(stack: Stack) -> dict[str, dict[str, str]]:
    return {
        "alice": _token(stack, "alice", "responder", teams=("voirie",)),
        "dina": _token(stack, "dina", "responder", teams=("proprete",)),
        "gaelle": _token(stack, "gaelle", "responder", teams=("accueil",)),
        "sam": _token(stack, "sam", "supervisor", teams=("voirie", "proprete", "mobilite")),
        "audrey": _token(stack, "audrey", "auditor"),
        "ines": _token(stack, "ines", "responder", agency="grenoble", teams=("accueil-grenoble",)),
    }


def _new_case(http: httpx.Client, stack: Stack, auth: dict[str, str], text: str) -> dict[str, Any]:
    conversation = f"conv-{uuid.uuid4()}"
    message = {
        "message_id": f"msg-{uuid.uuid4()}",
        "conversation_id": conversation,
        "text": text,
        "author": {"id": f"citizen-{uuid.uuid4().hex[:8]}", "handle": "lea", "name": "Léa"},
    }
    assert post_generic_webhook(http, stack.url("ingest"), TEST_SECRET, message).status_code == 200

    def found() -> dict[str, Any] | None:
        items = http.get(
            f"{stack.url('respond')}/cases", params={"conversation_id": conversation}, headers=auth
        ).json()["items"]
        return items[0] if items else None

    summary = eventually(found)
    return _case(http, stack, auth, summary["id"])


def _case(http: httpx.Client, stack: Stack, auth: dict[str, str], case_id: str) -> dict[str, Any]:
    response = http.get(f"{stack.url('respond')}/cases/{case_id}", headers=auth)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def _post(
    http: httpx.Client,
    stack: Stack,
    auth: dict[str, str],
    case: dict[str, Any],
    action: str,
    **body: Any,
) -> httpx.Response:
    return http.post(
        f"{stack.url('respond')}/cases/{case['id']}/{action}",
        json={"version": case["version"], **body},
        headers=auth,
    )


def test_new_cases_go_to_the_least_loaded_member_within_capacity(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    cases = [_new_case(http, stack, auth, POTHOLE.format(n=n)) for n in range(3)]
    for case in cases:
        assert case["team"] == "voirie"
        assert case["assignee"] in {"alice", "bob", None}
        assert case["history"][-1]["action"] in {"assigned", "queued"}
    held_by_bob = http.get(
        f"{stack.url('respond')}/cases",
        params={"team": "voirie", "assignee": "bob", "status": "open"},
        headers=auth,
    ).json()["total"]
    assert held_by_bob <= 1  # bob's capacity
    assert any(c["assignee"] == "alice" for c in cases)
    assigned = next(c for c in cases if c["assignee"] is not None)
    assert "least loaded" in assigned["history"][-1]["detail"]


def test_due_times_count_business_hours_skipping_weekends_and_holidays(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    case = _new_case(http, stack, auth, POTHOLE.format(n=99))
    assert case["sla_policy"] == "normal"  # 4h to answer, 3d to resolve, Mon-Fri 08:30-18:00
    opened = datetime.fromisoformat(case["opened_at"])
    hours = parse_business_hours("Mon-Fri 08:30-18:00")
    paris = ZoneInfo("Europe/Paris")
    expected = BusinessCalendar(hours, paris, frozenset(upcoming_wednesdays())).add
    assert datetime.fromisoformat(case["first_response_due"]) == expected(
        opened, timedelta(hours=4)
    )
    resolution_due = datetime.fromisoformat(case["resolution_due"])
    assert resolution_due == expected(opened, timedelta(days=3))
    # 72 business hours span weekends and the Wednesday holidays: each one pushed the due time.
    assert resolution_due > BusinessCalendar(hours, paris).add(opened, timedelta(days=3))
    all_week = parse_business_hours("Mon-Sun 08:30-18:00")
    assert resolution_due > BusinessCalendar(all_week, paris).add(opened, timedelta(days=3))


def test_claim_reply_conflict_scoping_and_the_audit_trail(
    stack: Stack, http: httpx.Client, auth: dict[str, str], tokens: dict[str, dict[str, str]]
) -> None:
    case = _new_case(http, stack, auth, POTHOLE.format(n=7))
    queued = _post(http, stack, tokens["sam"], case, "assign", assignee=None)
    assert queued.status_code == 200, queued.text
    case = queued.json()["case"]
    assert case["assignee"] is None

    # Another team of the agency: forbidden; another agency: the case does not exist.
    assert (
        http.get(f"{stack.url('respond')}/cases/{case['id']}", headers=tokens["gaelle"]).status_code
        == 403
    )
    assert _post(http, stack, tokens["gaelle"], case, "claim").status_code == 403
    assert (
        http.get(f"{stack.url('respond')}/cases/{case['id']}", headers=tokens["ines"]).status_code
        == 404
    )
    # A responder cannot give a case to someone else.
    assert _post(http, stack, tokens["alice"], case, "assign", assignee="bob").status_code == 403

    claimed = _post(http, stack, tokens["alice"], case, "claim")
    assert claimed.status_code == 200, claimed.text
    case = claimed.json()["case"]
    assert case["assignee"] == "alice"

    def reply(text: str) -> httpx.Response:
        return _post(http, stack, tokens["alice"], case, "replies", text=text)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(reply, ["Merci, nous intervenons.", "Une équipe passe demain."]))
    assert sorted(a.status_code for a in answers) == [201, 409]
    conflict = next(a for a in answers if a.status_code == 409).json()
    assert conflict["error"] == "stale_version"
    assert conflict["case"]["version"] == case["version"] + 1
    assert conflict["case"]["reply_count"] == 1
    case = conflict["case"]

    case = _post(http, stack, tokens["alice"], case, "notes", text="Déjà signalé hier.").json()[
        "case"
    ]
    case = _post(http, stack, tokens["alice"], case, "tags", add=["pothole"]).json()["case"]
    assert (case["tags"], case["notes"][0]["text"]) == (["pothole"], "Déjà signalé hier.")
    assert _post(http, stack, tokens["audrey"], case, "resolve").status_code == 403
    resolved = _post(http, stack, tokens["alice"], case, "resolve")
    assert resolved.json()["case"]["status"] == "resolved"
    reopened = _post(http, stack, tokens["alice"], resolved.json()["case"], "reopen")
    assert reopened.json()["case"]["status"] == "open"

    assert http.get(f"{stack.url('respond')}/audit", headers=tokens["alice"]).status_code == 403
    audit = http.get(
        f"{stack.url('respond')}/audit", params={"case_id": case["id"]}, headers=tokens["audrey"]
    ).json()
    trail = [(e["user"], e["action"], e["outcome"]) for e in reversed(audit["items"])]
    # The two concurrent replies: one stored, one refused, in either order.
    assert sorted(trail[4:6]) == [("alice", "reply", "ok"), ("alice", "reply", "stale_version")]
    assert trail[:4] + trail[6:] == [
        ("sam", "assign", "ok"),
        ("gaelle", "claim", "not_your_team"),
        ("alice", "assign", "supervisor_only"),
        ("alice", "claim", "ok"),
        ("alice", "note", "ok"),
        ("alice", "tag", "ok"),
        ("audrey", "resolve", "forbidden"),
        ("alice", "resolve", "ok"),
        ("alice", "reopen", "ok"),
    ]


def test_transfer_to_another_team_assigns_a_member_there(
    stack: Stack, http: httpx.Client, auth: dict[str, str], tokens: dict[str, dict[str, str]]
) -> None:
    case = _new_case(http, stack, auth, POTHOLE.format(n=21))
    moved = _post(http, stack, tokens["alice"], case, "assign", team="mobilite")
    assert moved.status_code == 200, moved.text
    assert (moved.json()["case"]["team"], moved.json()["case"]["assignee"]) == ("mobilite", "emile")
    unknown = _post(http, stack, tokens["sam"], moved.json()["case"], "assign", team="nowhere")
    assert (unknown.status_code, unknown.json()["error"]) == (422, "unknown_team")


def _simulated(stack: Stack, http: httpx.Client, path_contains: str) -> list[dict[str, Any]]:
    answer = http.get(
        f"{stack.simulator_url}/_simulator/requests", params={"path_contains": path_contains}
    )
    answer.raise_for_status()
    requests: list[dict[str, Any]] = answer.json()
    return requests


def test_held_reply_is_delivered_only_once_a_supervisor_approves_it(
    stack: Stack, http: httpx.Client, auth: dict[str, str], tokens: dict[str, dict[str, str]]
) -> None:
    case = _new_case(http, stack, auth, WASTE.format(n=uuid.uuid4().hex[:6]))
    assert case["team"] == "proprete"  # replies need approval there
    text = f"Merci, la collecte est reprogrammée ({uuid.uuid4().hex[:6]})."
    held = _post(http, stack, tokens["dina"], case, "replies", text=text)
    assert held.status_code == 201, held.text
    assert held.json()["held"] is True
    case, reply_id = held.json()["case"], held.json()["reply_id"]
    assert case["first_response_at"] is None
    assert (
        _post(http, stack, tokens["dina"], case, f"replies/{reply_id}/approve").status_code == 403
    )

    approved = _post(http, stack, tokens["sam"], case, f"replies/{reply_id}/approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["case"]["first_response_at"] is not None

    [sent] = eventually(
        lambda: [
            r
            for r in _simulated(stack, http, "/generic/lyon-demo")
            if text in json.dumps(r["body"], ensure_ascii=False)
        ]
    )
    delivered = eventually(
        lambda: (
            (c := _case(http, stack, auth, case["id"]))["thread"][-1]["delivery"]["status"]
            == "sent"
            and c
        )
    )
    assert delivered["thread"][-1]["approval"] == "approved"
    assert sent["method"] == "POST"


def _meta_post(stack: Stack, http: httpx.Client, payload: dict[str, Any]) -> httpx.Response:
    body = json.dumps(payload).encode()
    secret = PLATFORM_SECRETS["AGORA_TEST_META_SECRET"].encode()
    signature = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return http.post(
        f"{stack.url('ingest')}/webhooks/meta/lyon-meta",
        content=body,
        headers={"content-type": "application/json", "x-hub-signature-256": f"sha256={signature}"},
    )


def test_whatsapp_reply_reaches_the_platform_and_its_delivery_report_comes_back(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    payload = json.loads((FIXTURES / "meta" / "whatsapp_text.json").read_text())
    value = payload["entry"][0]["changes"][0]["value"]
    citizen = f"336{uuid.uuid4().int % 10**8:08d}"
    value["contacts"][0]["wa_id"] = value["messages"][0]["from"] = citizen
    value["messages"][0]["id"] = f"wamid.{uuid.uuid4().hex}"
    value["messages"][0]["timestamp"] = str(int(datetime.now(UTC).timestamp()))
    assert _meta_post(stack, http, payload).status_code == 200

    def whatsapp_case() -> dict[str, Any] | None:
        items = http.get(
            f"{stack.url('respond')}/cases",
            params={"channel": "whatsapp", "limit": 200},
            headers=auth,
        ).json()["items"]
        return next((c for c in items if citizen in c["conversation_id"]), None)

    case = _case(http, stack, auth, eventually(whatsapp_case)["id"])
    text = f"Bonjour, oui, ouverte jusqu'à 18h ({uuid.uuid4().hex[:6]})."
    assert _post(http, stack, auth, case, "replies", text=text).status_code == 201

    [call] = eventually(
        lambda: [
            r
            for r in _simulated(stack, http, "/106540000000001/messages")
            if r["body"].get("to") == citizen
        ]
    )
    assert call["body"]["text"]["body"] == text
    assert call["headers"]["authorization"] == f"Bearer {PLATFORM_SECRETS['AGORA_TEST_META_TOKEN']}"

    def delivery(status: str) -> dict[str, Any] | None:
        thread = _case(http, stack, auth, case["id"])["thread"]
        reply = thread[-1]["delivery"]
        return reply if reply["status"] == status else None

    sent = eventually(lambda: delivery("sent"))
    report = json.loads((FIXTURES / "meta" / "whatsapp_statuses.json").read_text())
    statuses = report["entry"][0]["changes"][0]["value"]["statuses"]
    delivered = {**statuses[1], "id": sent["platform_message_id"], "recipient_id": citizen}
    delivered["timestamp"] = str(int(datetime.now(UTC).timestamp()))
    report["entry"][0]["changes"][0]["value"]["statuses"] = [delivered]
    assert _meta_post(stack, http, report).status_code == 200
    assert (
        eventually(lambda: delivery("delivered"))["platform_message_id"]
        == sent["platform_message_id"]
    )


def test_case_past_its_target_escalates_and_tops_the_queue(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    case = _new_case(http, stack, auth, "sla-drill: merci de me rappeler au sujet de ma demande")
    assert case["sla_policy"] == "drill"  # 2 s to answer

    def breached() -> dict[str, Any] | None:
        current = _case(http, stack, auth, case["id"])
        return current if current["escalation"] == "breached" else None

    escalated = eventually(breached)
    assert ("first_response", "breached") in {
        (e["target"], e["level"]) for e in escalated["escalations"]
    }
    queue = http.get(
        f"{stack.url('respond')}/cases", params={"team": "accueil"}, headers=auth
    ).json()
    assert queue["items"][0]["escalation"] == "breached"

    def counted() -> bool:
        metrics = http.get(f"{stack.url('metrics')}/metrics").text.splitlines()
        return any(
            line.startswith("agora_metrics_sla_breaches_total{") and 'team="accueil"' in line
            for line in metrics
        )

    eventually(counted)


def test_templates_are_filled_for_the_case_in_its_language(
    stack: Stack, http: httpx.Client, auth: dict[str, str]
) -> None:
    case = _new_case(http, stack, auth, POTHOLE.format(n=42))
    answer = http.get(
        f"{stack.url('respond')}/templates", params={"case_id": case["id"]}, headers=auth
    )
    [thanks] = answer.json()["items"]
    assert thanks["language"] == "fr"
    assert thanks["text"] == (
        f"Bonjour Léa, merci : l'équipe Voirie et éclairage s'en occupe (dossier {case['id'][:8]})."
    )


def test_a_revoked_token_is_refused_and_the_cli_names_bad_options(
    stack: Stack, http: httpx.Client
) -> None:
    header = _token(stack, "temp", "responder", teams=("voirie",))
    assert http.get(f"{stack.url('respond')}/me", headers=header).json()["teams"] == ["voirie"]
    env = {**os.environ, **stack.service_env("respond")}
    cli = [sys.executable, "-m", "shared.cli", "token"]
    revoked = subprocess.run(
        [*cli, "revoke", "--user", "temp"], env=env, capture_output=True, text=True, timeout=60
    )
    assert (revoked.returncode, revoked.stdout.strip()) == (0, "revoked 1 token(s)")
    assert http.get(f"{stack.url('respond')}/me", headers=header).status_code == 401

    bad = subprocess.run(
        [*cli, "create", "--user", "x", "--role", "responder", "--agency", "lyon", "--team", "x"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2
    assert bad.stderr.startswith("agora token: --team: no team 'x'")
    assert bad.stdout == ""
