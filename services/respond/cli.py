"""``agora token``: issue, revoke and list responder API tokens (stored hashed in respond's
database; every issue and revocation is written to the audit log)."""

import argparse
import asyncio
import getpass
import sys
from typing import Any
from uuid import uuid4

from services.respond.domain.access import ROLES
from services.respond.ports import AuditEntry
from services.respond.settings import RespondSettings
from services.respond.store import MongoAuditLog, MongoTokenStore
from services.respond.tokens import TokenRequestError, new_token, user_for
from shared.clock import utc_now
from shared.config import ConfigError, load_config
from shared.mongo import open_mongo


def _fail(message: str) -> int:
    print(f"agora token: {message}", file=sys.stderr)  # noqa: T201
    return 2


async def _audit(
    log: MongoAuditLog, *, action: str, agency: str | None, detail: dict[str, object]
) -> None:
    await log.record(
        AuditEntry(
            entry_id=uuid4(),
            at=utc_now(),
            agency_id=agency,
            user=f"cli:{getpass.getuser()}",
            role="admin",
            action=action,
            case_id=None,
            outcome="ok",
            status=200,
            detail=detail,
        )
    )


def create(args: argparse.Namespace) -> int:
    settings = RespondSettings()
    try:
        config = load_config(settings.config)
        user = user_for(
            config, user=args.user, role=args.role, agencies=args.agency, teams=args.team or []
        )
    except ConfigError as error:
        return _fail(f"configuration {error.path} is invalid: " + "; ".join(error.problems))
    except TokenRequestError as error:
        return _fail(str(error))
    token = new_token()

    async def save() -> None:
        async with open_mongo(settings.mongo, settings.database_name) as db:
            await MongoTokenStore(db).save(token, user, now=utc_now())
            detail: dict[str, object] = {
                "token_user": user.user,
                "role": user.role,
                "teams": list(user.teams),
            }
            await _audit(
                MongoAuditLog(db), action="token.create", agency=args.agency[0], detail=detail
            )

    asyncio.run(save())
    print(token)  # noqa: T201
    print(  # noqa: T201
        f"token for {user.user} ({user.role}; teams: {', '.join(user.teams) or 'all'};"
        f" agencies: {', '.join(user.agency_ids)}): shown once, stored hashed",
        file=sys.stderr,
    )
    return 0


def revoke(args: argparse.Namespace) -> int:
    if (args.user is None) == (args.token is None):
        return _fail("--user or --token: name exactly one")
    settings = RespondSettings()

    async def run() -> int:
        async with open_mongo(settings.mongo, settings.database_name) as db:
            count = await MongoTokenStore(db).revoke(
                token=args.token, user=args.user, now=utc_now()
            )
            detail = {"token_user": args.user, "by_token": args.token is not None, "count": count}
            await _audit(MongoAuditLog(db), action="token.revoke", agency=None, detail=detail)
            return count

    count = asyncio.run(run())
    if count == 0:
        return _fail("no active token matched (--user/--token)")
    print(f"revoked {count} token(s)")  # noqa: T201
    return 0


def listing(args: argparse.Namespace) -> int:
    settings = RespondSettings()

    async def run() -> list[dict[str, Any]]:
        async with open_mongo(settings.mongo, settings.database_name) as db:
            return await MongoTokenStore(db).users()

    for doc in asyncio.run(run()):
        state = "revoked" if doc.get("revoked_at") else "active"
        teams = ",".join(str(t) for t in doc.get("teams") or []) or "-"
        print(f"{doc['user']}\t{doc['role']}\t{teams}\t{state}")  # noqa: T201
    return 0


def register(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    token = commands.add_parser(
        "token",
        help="issue, revoke or list responder API tokens",
        description="Tokens are stored hashed in respond's MongoDB (AGORA_MONGO__URI).",
    )
    sub = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    new = sub.add_parser("create", help="issue a token (printed once)")
    new.add_argument("--user", required=True, help="who the token is for")
    new.add_argument("--role", required=True, choices=ROLES)
    new.add_argument("--agency", required=True, action="append", help="repeat for several")
    new.add_argument("--team", action="append", help="repeat for several (not for admin/auditor)")
    new.set_defaults(run=create)
    gone = sub.add_parser("revoke", help="revoke one token, or every token of a user")
    gone.add_argument("--user")
    gone.add_argument("--token")
    gone.set_defaults(run=revoke)
    sub.add_parser("list", help="users, roles and teams of every token").set_defaults(run=listing)
