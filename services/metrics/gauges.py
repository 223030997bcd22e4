"""Custom Prometheus collectors that answer from snapshots refreshed in the background.

A scrape never touches MongoDB or Kafka: background workers (``Periodic``) read them every
``REFRESH_INTERVAL_S`` and hand the result to a collector, which exports it. A snapshot older
than ``STALE_AFTER_S`` (its source keeps failing) is not exported: no series beats a stale one.

Rules, on the case timelines of this service's ``timelines`` collection:

- **open**: not resolved now, i.e. never resolved or reopened after its latest resolution.
- **at SLA risk**: open, not answered yet, and its first response is due within the last
  ``RISK_SHARE`` (25 %) of its target, or overdue. The target is the time from the opening to
  the first-response due time that respond set when it routed the case; a case without a due
  time (no SLA policy) is never at risk.
- **SLA outcome** (first response, resolution): ``met`` when done by its due time, ``breached``
  when done late or still not done once due; the resolution is the latest one, and only while
  the case stays resolved (as in the reports). A case counts in the window of
  ``SLA_WINDOW`` (the last day) in which its outcome became known: when it was done if met,
  at the due time if breached.
"""

import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, Literal, TypeVar

from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from services.metrics.instruments import label_of
from shared.config import AgoraConfig
from shared.mongo import Database, Document

log = logging.getLogger(__name__)

REFRESH_INTERVAL_S = 15.0
STALE_AFTER_S = 4 * REFRESH_INTERVAL_S
RISK_SHARE = 0.25
SLA_WINDOW = timedelta(days=1)
TIMELINES = "timelines"

SlaKind = Literal["first_response", "resolution"]
Outcome = Literal["met", "breached"]
SLA_KINDS: tuple[SlaKind, ...] = ("first_response", "resolution")
OUTCOMES: tuple[Outcome, ...] = ("met", "breached")


# -- the rules (pure) -------------------------------------------------------------------------


def at_sla_risk(
    *,
    opened_at: datetime | None,
    first_response_due: datetime | None,
    first_response_at: datetime | None,
    now: datetime,
) -> bool:
    """An open case: unanswered and due within the last quarter of its target, or overdue."""
    if first_response_due is None or first_response_at is not None:
        return False
    target = first_response_due - opened_at if opened_at is not None else timedelta(0)
    return now >= first_response_due - max(target, timedelta(0)) * RISK_SHARE


def sla_outcome(
    *, due: datetime | None, done_at: datetime | None, since: datetime, now: datetime
) -> Outcome | None:
    """The outcome if it became known in ``(since, now]``; ``None`` if pending, older or no SLA."""
    if due is None:
        return None
    met = done_at is not None and done_at <= due
    known_at = done_at if met and done_at is not None else due
    if not since < known_at <= now:
        return None
    return "met" if met else "breached"


@dataclass(frozen=True)
class CaseCounts:
    """Cases per (agency, team): open, at SLA risk, and SLA outcomes of the last window."""

    open: Counter[tuple[str, str]] = field(default_factory=Counter)
    at_risk: Counter[tuple[str, str]] = field(default_factory=Counter)
    sla: Counter[tuple[str, str, SlaKind, Outcome]] = field(default_factory=Counter)


def count_cases(docs: Iterable[Document], *, now: datetime) -> CaseCounts:
    """Apply the rules to timeline documents (only the fields ``PROJECTION`` names)."""
    counts = CaseCounts()
    since = now - SLA_WINDOW
    for doc in docs:
        key = (str(doc["agency_id"]), label_of(doc.get("team")))
        if not doc.get("resolved", False):
            counts.open[key] += 1
            if at_sla_risk(
                opened_at=doc.get("opened_at"),
                first_response_due=doc.get("first_response_due"),
                first_response_at=doc.get("first_response_at"),
                now=now,
            ):
                counts.at_risk[key] += 1
        done: dict[SlaKind, tuple[Any, Any]] = {
            "first_response": (doc.get("first_response_due"), doc.get("first_response_at")),
            # As the reports count it: the latest resolution, while the case stays resolved.
            "resolution": (
                doc.get("resolution_due"),
                doc.get("resolved_at") if doc.get("resolved") else None,
            ),
        }
        for kind, (due, done_at) in done.items():
            outcome = sla_outcome(due=due, done_at=done_at, since=since, now=now)
            if outcome is not None:
                counts.sla[(*key, kind, outcome)] += 1
    return counts


# -- reading the timelines --------------------------------------------------------------------

PROJECTION = {
    "agency_id": 1,
    "team": 1,
    "resolved": 1,
    "opened_at": 1,
    "first_response_at": 1,
    "first_response_due": 1,
    "resolved_at": 1,
    "resolution_due": 1,
}
# Timelines saved this long before the previous read started are read again: a write stamped
# just before it may have landed after it.
READ_OVERLAP = timedelta(seconds=30)
# A full read this often drops what the changed-since reads cannot see: deleted timelines.
FULL_READ_EVERY = timedelta(minutes=10)


def may_count(doc: Document, *, since: datetime) -> bool:
    """Open, or an SLA due time after ``since``: a case ``count_cases`` may count from ``since``
    on. A case that may not never may again (``since`` only grows) until its timeline changes."""
    dues = (doc.get("first_response_due"), doc.get("resolution_due"))
    return not doc.get("resolved", False) or any(due is not None and due > since for due in dues)


class CaseCountsReader:
    """Keeps the timelines that may count, reading only those saved since the previous read
    (indexed by ``updated_at``), and all of them every ``FULL_READ_EVERY``: a full read scans
    the collection, seconds on SecantusDB at tens of thousands of cases."""

    def __init__(self, db: Database) -> None:
        self.timelines = db[TIMELINES]
        self.docs: dict[str, Document] = {}
        self.read_at: datetime | None = None
        self.full_read_at: datetime | None = None

    async def read(self, *, now: datetime) -> CaseCounts:
        since = now - SLA_WINDOW
        if (
            self.read_at is None
            or self.full_read_at is None
            or (now - self.full_read_at >= FULL_READ_EVERY)
        ):
            query: Document = {
                "$or": [
                    {"resolved": False},
                    {"first_response_due": {"$gt": since}},
                    {"resolution_due": {"$gt": since}},
                ]
            }
            self.docs, self.full_read_at = {}, now
        else:
            query = {"updated_at": {"$gte": self.read_at - READ_OVERLAP}}
        changed = await self.timelines.find(query, PROJECTION).to_list(None)
        self.docs |= {str(doc["_id"]): doc for doc in changed}
        self.docs = {key: doc for key, doc in self.docs.items() if may_count(doc, since=since)}
        self.read_at = now
        return count_cases(self.docs.values(), now=now)


# -- exporting --------------------------------------------------------------------------------


S = TypeVar("S")


class Snapshot(Generic[S]):
    """The latest value a worker read, and when (monotonic clock)."""

    def __init__(self) -> None:
        self._value: S | None = None
        self._taken_at = 0.0

    def update(self, value: S) -> None:
        self._value, self._taken_at = value, time.monotonic()

    def fresh(self) -> S | None:
        if self._value is None or time.monotonic() - self._taken_at > STALE_AFTER_S:
            return None
        return self._value


class CaseGauges(Collector):
    """Open cases, cases at SLA risk and SLA outcomes per team; SLA targets from the config.

    Every team of the configuration is exported, at 0 when it has no case, so dashboards and
    alerts see a value rather than nothing.
    """

    def __init__(self, config: AgoraConfig) -> None:
        self.config = config
        self.snapshot = Snapshot[CaseCounts]()
        self.teams = [(agency.id, team.id) for agency in config.agencies for team in agency.teams]

    def _families(self) -> dict[str, GaugeMetricFamily]:
        team = ["agency", "team"]
        return {
            "open": GaugeMetricFamily(
                "agora_metrics_open_cases",
                "Cases not resolved now (reopened included).",
                labels=team,
            ),
            "at_risk": GaugeMetricFamily(
                "agora_metrics_at_risk_cases",
                "Open unanswered cases due a first response within the last 25% of the "
                "target, or overdue.",
                labels=team,
            ),
            "sla": GaugeMetricFamily(
                "agora_metrics_sla_cases",
                "Cases whose SLA outcome became known in the last 24 hours.",
                labels=[*team, "sla", "outcome"],
            ),
            "target": GaugeMetricFamily(
                "agora_metrics_sla_target_seconds",
                "SLA targets of the configuration, per agency and policy (named after a priority).",
                labels=["agency", "priority", "sla", "business_hours"],
            ),
        }

    def describe(self) -> Iterable[Metric]:
        return list(self._families().values())

    def collect(self) -> Iterator[Metric]:
        families = self._families()
        self._add_targets(families["target"])
        counts = self.snapshot.fresh()
        if counts is not None:
            keys = sorted({*self.teams, *counts.open, *counts.at_risk})
            for key in keys:
                families["open"].add_metric(key, counts.open[key])
                families["at_risk"].add_metric(key, counts.at_risk[key])
            outcomes = {(*key, kind, o) for key in keys for kind in SLA_KINDS for o in OUTCOMES}
            for labels in sorted(outcomes | set(counts.sla)):
                families["sla"].add_metric(labels, counts.sla[labels])
        yield from families.values()

    def _add_targets(self, family: GaugeMetricFamily) -> None:
        for agency in self.config.agencies:
            for name, policy in sorted(agency.sla.items()):
                hours = "true" if policy.business_hours else "false"
                for kind, target in (
                    ("first_response", policy.first_response),
                    ("resolution", policy.resolution),
                ):
                    family.add_metric([agency.id, name, kind, hours], target.total_seconds())
