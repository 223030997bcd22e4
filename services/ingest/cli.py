"""``agora webhooks``: run an adapter on a saved body, and the quarantine from a terminal."""

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import httpx

from services.ingest.channels import PARSERS
from services.ingest.channels.base import ConnectionContext, ParseResult, WebhookRequest
from shared.clock import utc_now
from shared.errors import InvalidInput


def parse_lines(result: ParseResult) -> list[dict[str, Any]]:
    """One JSON object per item, each with a ``type``; only citizen messages are interactions."""
    lines: list[dict[str, Any]] = []
    for interaction in result.interactions:
        data = interaction.model_dump(mode="json")
        author = interaction.author
        data["author_id"] = author.id if author else None
        lines.append({"type": "interaction", **data})
    for edit in result.edits:
        edited = edit.interaction
        lines.append(
            {
                "type": "edit",
                "channel": edited.channel,
                "message_id": edited.message_id,
                "conversation_id": edited.conversation_id,
                "text": edited.text,
                "edited_at": edit.edited_at.isoformat(),
            }
        )
    for deletion in result.deletions:
        lines.append(
            {
                "type": "deletion",
                "channel": deletion.channel,
                "message_id": deletion.message_id,
                "deleted_at": deletion.deleted_at.isoformat(),
            }
        )
    for status in result.statuses:
        lines.append(
            {
                "type": "status",
                "channel": status.channel,
                "platform_message_id": status.platform_message_id,
                "status": status.status,
                "at": status.at.isoformat(),
                "error": status.error,
            }
        )
    lines += [{"type": item.type, "reason": item.reason} for item in result.ignored]
    return lines


def parse_file(args: argparse.Namespace) -> int:
    adapter = PARSERS.get(args.channel)
    if adapter is None:
        return _fail(f"--channel: unknown type {args.channel!r}; choose from {', '.join(PARSERS)}")
    try:
        body = args.file.read_bytes()
    except OSError as error:
        return _fail(f"{args.file}: cannot read: {error.strerror}")
    content_type = args.content_type or adapter.content_types[0]
    request = WebhookRequest(
        method="POST",
        url=args.url or "",
        headers={"content-type": content_type},
        query={},
        body=body,
        content_type=content_type.split(";")[0].strip().lower(),
    )
    ctx = ConnectionContext(
        agency_id=args.agency,
        connection_id="cli",
        secrets={},
        received_at=utc_now(),
        account_id=args.account_id,
        account_handle=args.account_handle,
    )
    try:
        result = adapter.parse(request, ctx)
    except InvalidInput as error:
        return _fail(f"{args.file}: not a valid {args.channel} payload: {error.detail}")
    for line in parse_lines(result):
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    return 0


def _operator(args: argparse.Namespace) -> httpx.Client:
    token = args.token or os.environ.get("AGORA_OPERATOR_TOKEN", "")
    return httpx.Client(base_url=args.url, headers={"Authorization": f"Bearer {token}"}, timeout=30)


def quarantine_list(args: argparse.Namespace) -> int:
    with _operator(args) as client:
        response = client.get("/quarantine", params={"limit": args.limit})
    if response.status_code != 200:
        return _fail(f"{response.status_code}: {response.text}")
    for entry in response.json()["items"]:
        sys.stdout.write(
            f"{entry['id']}  {entry['received_at']}  {entry['connection_id']}  "
            f"{entry['size']} bytes  {entry['error']}\n"
        )
    return 0


def quarantine_replay(args: argparse.Namespace) -> int:
    with _operator(args) as client:
        response = client.post(f"/quarantine/{args.id}/replay")
    sys.stdout.write(response.text + "\n")
    return 0 if response.status_code == 200 else 1


def _fail(message: str) -> int:
    sys.stderr.write(f"agora webhooks: {message}\n")
    return 2


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    webhooks = commands.add_parser("webhooks", help="platform webhook tools for operators")
    sub = webhooks.add_subparsers(dest="webhooks_command", required=True)

    parse = sub.add_parser("parse", help="run a channel adapter on a saved raw body")
    parse.add_argument("--channel", required=True, help=f"connection type: {', '.join(PARSERS)}")
    parse.add_argument("--content-type", help="the body's Content-Type (with its boundary)")
    parse.add_argument("--agency", default="cli", help="agency id used for ids")
    parse.add_argument("--account-id", help="the agency's own account id (echo detection)")
    parse.add_argument("--account-handle", help="the agency's own handle (mentions)")
    parse.add_argument("--url", help="the public URL the platform called")
    parse.add_argument("file", type=Path)
    parse.set_defaults(run=parse_file)

    quarantine = sub.add_parser("quarantine", help="list or replay quarantined payloads")
    quarantine.add_argument("--url", default="http://127.0.0.1:8001", help="ingest's URL")
    quarantine.add_argument("--token", help="operator token (default: $AGORA_OPERATOR_TOKEN)")
    actions = quarantine.add_subparsers(dest="quarantine_command", required=True)
    listing = actions.add_parser("list", help="newest first")
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(run=quarantine_list)
    replay = actions.add_parser("replay", help="parse one again and ingest it")
    replay.add_argument("id")
    replay.set_defaults(run=quarantine_replay)
