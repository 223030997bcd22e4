"""Ingest's Prometheus instruments, on the app's own registry."""

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter

from services.ingest.usecases import Accepted


@dataclass(frozen=True)
class IngestInstruments:
    received: Counter
    duplicates: Counter
    other_events: Counter
    rejected: Counter
    quarantined: Counter

    @classmethod
    def register(cls, registry: CollectorRegistry) -> "IngestInstruments":
        return cls(
            received=Counter(
                "agora_ingest_interactions_received_total",
                "New interactions stored and published.",
                ["agency", "channel"],
                registry=registry,
            ),
            duplicates=Counter(
                "agora_ingest_duplicates_total",
                "Platform retries recognised as already stored.",
                ["agency", "channel"],
                registry=registry,
            ),
            other_events=Counter(
                "agora_ingest_platform_events_total",
                "Platform events that are not new messages: edits, deletions, statuses, "
                "reactions, echoes, verification pings.",
                ["agency", "channel", "type"],
                registry=registry,
            ),
            rejected=Counter(
                "agora_ingest_webhooks_rejected_total",
                "Webhook requests refused, by reason.",
                ["channel", "error"],
                registry=registry,
            ),
            quarantined=Counter(
                "agora_ingest_quarantined_total",
                "Verified payloads that could not be parsed, kept raw for replay.",
                ["agency", "channel"],
                registry=registry,
            ),
        )

    def count(self, accepted: Accepted, *, agency: str, channel: str) -> None:
        self.received.labels(agency, channel).inc(
            len(accepted.interaction_ids) - accepted.duplicates
        )
        self.duplicates.labels(agency, channel).inc(accepted.duplicates)
        others = {
            "edit": accepted.edits,
            "status": accepted.statuses,
            "deletion": accepted.deletions,
            **accepted.ignored,
        }
        for kind, count in others.items():
            if count:
                self.other_events.labels(agency, channel, kind).inc(count)
