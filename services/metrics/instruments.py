"""Metrics' Prometheus instruments, on the app's own registry; observed only on real changes."""

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram

from services.metrics.ports import Change
from services.metrics.timeline import STAGE_LATENCIES, Stages, Timeline, newly_known
from shared.events import InteractionClassified

MINUTE, HOUR, DAY = 60, 3600, 86400
# Seconds to days: SLA timers run from minutes (urgent) to days (normal, business hours).
FIRST_RESPONSE_BUCKETS = (
    1, 5, 15, 30, MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
    HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR, 12 * HOUR, DAY, 2 * DAY, 3 * DAY, 5 * DAY, 7 * DAY,
)  # fmt: skip
RESOLUTION_BUCKETS = (
    MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR,
    12 * HOUR, DAY, 2 * DAY, 3 * DAY, 5 * DAY, 7 * DAY, 14 * DAY, 30 * DAY,
)  # fmt: skip
# Pipeline hops take milliseconds when healthy and minutes when a consumer lags.
STAGE_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)
CASE_LABELS = ["agency", "team", "channel", "priority"]


def label_of(value: str | None) -> str:
    """A label value for an optional field: ``"none"`` when unset (not routed yet)."""
    return value or "none"


@dataclass(frozen=True)
class MetricsInstruments:
    first_response: Histogram
    resolution: Histogram
    interactions: Counter
    stage_latency: Histogram
    cases_opened: Counter
    breaches: Counter

    @classmethod
    def register(cls, registry: CollectorRegistry) -> "MetricsInstruments":
        return cls(
            first_response=Histogram(
                "agora_metrics_first_response_seconds",
                "Time from a case's first message to its first reply, once per case.",
                CASE_LABELS,
                registry=registry,
                buckets=FIRST_RESPONSE_BUCKETS,
            ),
            resolution=Histogram(
                "agora_metrics_resolution_seconds",
                "Time from a case's first message to its first resolution, once per case.",
                CASE_LABELS,
                registry=registry,
                buckets=RESOLUTION_BUCKETS,
            ),
            interactions=Counter(
                "agora_metrics_interactions_total",
                "Interactions classified, once per interaction.",
                ["agency", "channel", "topic", "intent", "sentiment"],
                registry=registry,
            ),
            stage_latency=Histogram(
                "agora_metrics_stage_latency_seconds",
                "Time an interaction took between two pipeline stages.",
                ["stage"],
                registry=registry,
                buckets=STAGE_BUCKETS,
            ),
            cases_opened=Counter(
                "agora_metrics_cases_opened_total",
                "Cases opened.",
                ["agency", "channel"],
                registry=registry,
            ),
            breaches=Counter(
                "agora_metrics_sla_breaches_total",
                "Cases that breached an SLA target (escalated as breached), once per case.",
                ["agency", "team", "channel", "priority"],
                registry=registry,
            ),
        )

    def record_case(self, change: Change[Timeline]) -> None:
        """Observe what this change made known for the first time: a replay observes nothing."""
        before, after = change.before, change.after
        labels = (after.agency_id, label_of(after.team), after.channel, label_of(after.priority))
        if newly_known(before, after, lambda t: t.opened_at) is not None:
            self.cases_opened.labels(after.agency_id, after.channel).inc()
        first_response = newly_known(before, after, lambda t: t.time_to_first_response_s)
        if first_response is not None:
            self.first_response.labels(*labels).observe(first_response)
        resolution = newly_known(before, after, lambda t: t.time_to_first_resolution_s)
        if resolution is not None:
            self.resolution.labels(*labels).observe(resolution)
        if newly_known(before, after, lambda t: t.breached_at) is not None:
            self.breaches.labels(*labels).inc()

    def record_stages(self, change: Change[Stages]) -> None:
        for stage, latency in STAGE_LATENCIES.items():
            seconds = newly_known(change.before, change.after, latency)
            if seconds is not None:
                self.stage_latency.labels(stage).observe(seconds)

    def record_classified(self, event: InteractionClassified, change: Change[Stages]) -> None:
        """Count the interaction the first time it is known as classified."""
        if newly_known(change.before, change.after, lambda s: s.classified_at) is None:
            return
        verdicts = event.classification
        self.interactions.labels(
            event.agency_id,
            event.interaction.channel,
            verdicts.topic.label,
            verdicts.intent.label,
            verdicts.sentiment.label,
        ).inc()
