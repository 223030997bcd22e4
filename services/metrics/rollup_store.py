"""Roll-up collections: ``rollup_contributions`` (per case and day), ``rollups`` (per agency,
day and labels) and ``rollup_state`` (the refresh watermark). Days are ISO strings."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from pymongo import ASCENDING, DeleteOne, ReplaceOne

from services.metrics.rollups import (
    COUNT_FIELDS,
    LABEL_FIELDS,
    Contribution,
    Counts,
    Labels,
    RollupRow,
)
from shared.mongo import Database, Document

CONTRIBUTIONS = "rollup_contributions"
ROWS = "rollups"
STATE = "rollup_state"
WATERMARK_ID = "refresh"
_FIELDS = ("agency_id", "day", *LABEL_FIELDS, *COUNT_FIELDS)


def _labels(doc: Document) -> Labels:
    return Labels(
        channel=doc["channel"],
        team=doc.get("team"),
        topic=doc.get("topic"),
        priority=doc.get("priority"),
        language=doc.get("language"),
        sentiment=doc.get("sentiment"),
    )


def _counts(doc: Document) -> Counts:
    return Counts(**{field: int(doc.get(field, 0)) for field in COUNT_FIELDS})


def _flat(agency_id: str, day: date, labels: Labels, counts: Counts) -> Document:
    return {
        "agency_id": agency_id,
        "day": day.isoformat(),
        **{field: labels.get(field) for field in LABEL_FIELDS},
        **{field: getattr(counts, field) for field in COUNT_FIELDS},
    }


def _contribution_doc(c: Contribution) -> Document:
    return {"_id": c.id, "case_id": str(c.case_id), **_flat(c.agency_id, c.day, c.labels, c.counts)}


def _contribution(doc: Document) -> Contribution:
    return Contribution(
        case_id=UUID(doc["case_id"]),
        agency_id=doc["agency_id"],
        day=date.fromisoformat(doc["day"]),
        labels=_labels(doc),
        counts=_counts(doc),
    )


def _row(doc: Document) -> RollupRow:
    return RollupRow(
        agency_id=doc["agency_id"],
        day=date.fromisoformat(doc["day"]),
        labels=_labels(doc),
        counts=_counts(doc),
    )


class MongoRollupStore:
    """Writes go in one ``bulk_write`` per call: single-document writes are the slow path."""

    def __init__(self, db: Database) -> None:
        self.contributions = db[CONTRIBUTIONS]
        self.rollups = db[ROWS]
        self.state = db[STATE]

    async def ensure_indexes(self) -> None:
        """Contributions by case (the refresh) and by day (recomputing a row); rows by
        agency and day range (reports), by day alone (all agencies; the purge)."""
        await self.contributions.create_index([("case_id", ASCENDING)])
        await self.contributions.create_index([("agency_id", ASCENDING), ("day", ASCENDING)])
        await self.contributions.create_index([("day", ASCENDING)])
        await self.rollups.create_index([("agency_id", ASCENDING), ("day", ASCENDING)])
        await self.rollups.create_index([("day", ASCENDING)])

    async def contributions_of_cases(self, *, case_ids: Sequence[UUID]) -> list[Contribution]:
        if not case_ids:
            return []
        query = {"case_id": {"$in": [str(case_id) for case_id in case_ids]}}
        cursor = self.contributions.find(query, ("case_id", *_FIELDS))
        return [_contribution(doc) for doc in await cursor.to_list(None)]

    async def save_contributions(
        self, *, put: Sequence[Contribution], delete: Sequence[str]
    ) -> None:
        ops: list[Any] = [ReplaceOne({"_id": c.id}, _contribution_doc(c), upsert=True) for c in put]
        ops += [DeleteOne({"_id": key}) for key in delete]
        if ops:
            await self.contributions.bulk_write(ops, ordered=False)

    async def contributions_of_day(self, *, agency_id: str, day: date) -> list[Contribution]:
        query = {"agency_id": agency_id, "day": day.isoformat()}
        cursor = self.contributions.find(query, ("case_id", *_FIELDS))
        return [_contribution(doc) for doc in await cursor.to_list(None)]

    async def replace_rows(self, *, agency_id: str, day: date, rows: Sequence[RollupRow]) -> None:
        query = {"agency_id": agency_id, "day": day.isoformat()}
        existing = {doc["_id"] for doc in await self.rollups.find(query, ("_id",)).to_list(None)}
        ops: list[Any] = [
            ReplaceOne(
                {"_id": row.id},
                {"_id": row.id, **_flat(row.agency_id, row.day, row.labels, row.counts)},
                upsert=True,
            )
            for row in rows
        ]
        ops += [DeleteOne({"_id": key}) for key in existing - {row.id for row in rows}]
        if ops:
            await self.rollups.bulk_write(ops, ordered=False)

    async def rows(self, *, start: date, end: date, agency_id: str | None) -> list[RollupRow]:
        query: Document = {"day": {"$gte": start.isoformat(), "$lt": end.isoformat()}}
        if agency_id is not None:
            query["agency_id"] = agency_id
        return [_row(doc) for doc in await self.rollups.find(query, _FIELDS).to_list(None)]

    async def watermark(self) -> datetime | None:
        doc = await self.state.find_one({"_id": WATERMARK_ID})
        return None if doc is None else doc["watermark"]

    async def save_watermark(self, *, at: datetime) -> None:
        await self.state.update_one({"_id": WATERMARK_ID}, {"$set": {"watermark": at}}, upsert=True)

    async def purge(self, *, before: date) -> int:
        query = {"day": {"$lt": before.isoformat()}}
        contributions = await self.contributions.delete_many(query)
        rows = await self.rollups.delete_many(query)
        return contributions.deleted_count + rows.deleted_count
