"""Deterministic identifiers: a redelivered input always yields the same ids downstream."""

from uuid import UUID, uuid5

AGORA_NS = UUID("6f1d8a52-4a0e-5a7e-9c1b-2f7d0b8e4c31")


def interaction_id(agency_id: str, channel: str, platform_message_id: str) -> UUID:
    """Same platform message, same id: a platform retry is recognised anywhere."""
    return uuid5(AGORA_NS, f"{agency_id}:{channel}:{platform_message_id}")


def conversation_key(agency_id: str, channel: str, conversation_id: str) -> str:
    """Kafka key that keeps one conversation in order on one partition."""
    return f"{agency_id}:{channel}:{conversation_id}"


def case_id(agency_id: str, channel: str, conversation_id: str, generation: int = 0) -> UUID:
    """Id of the case opened for a conversation; ``generation`` counts later cases of it."""
    return uuid5(AGORA_NS, f"case:{agency_id}:{channel}:{conversation_id}:{generation}")


def derived_event_id(cause: UUID, event_type: str, discriminator: str = "") -> UUID:
    """Id of an event caused by another: replaying the cause replays the same id."""
    return uuid5(cause, f"{event_type}:{discriminator}")
