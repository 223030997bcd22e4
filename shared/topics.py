"""Kafka topic names, written once: a breaking schema change is a new (``.v2``) topic."""

from enum import StrEnum


class Topic(StrEnum):
    INTERACTIONS_RECEIVED = "agora.interactions.received.v1"
    INTERACTIONS_CLASSIFIED = "agora.interactions.classified.v1"
    CASES_EVENTS = "agora.cases.events.v1"
    RESPONSES_OUTBOUND = "agora.responses.outbound.v1"
    RESPONSES_DELIVERED = "agora.responses.delivered.v1"
    DELIVERY_STATUSES = "agora.responses.statuses.v1"


def dlq_topic(topic: str, group: str) -> str:
    """Dead-letter topic of one consumer group on one topic."""
    return f"{topic}.dlq.{group}"
