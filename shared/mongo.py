"""The one MongoDB factory: an ``AsyncMongoClient`` per event loop, opened in a lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, TypeAlias

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase

from shared.settings import MongoSettings

Document: TypeAlias = dict[str, Any]
Database: TypeAlias = AsyncDatabase[Document]


@asynccontextmanager
async def open_mongo(settings: MongoSettings, database: str) -> AsyncIterator[Database]:
    """Yield the service's own database; the client closes when the block ends."""
    client: AsyncMongoClient[Document] = AsyncMongoClient(
        settings.uri.get_secret_value(),
        serverSelectionTimeoutMS=settings.server_selection_timeout_ms,
        tz_aware=True,
        uuidRepresentation="standard",
    )
    try:
        yield client[database]
    finally:
        await client.close()


async def ping(db: Database) -> None:
    """Raise unless the server answers."""
    await db.command("ping")
