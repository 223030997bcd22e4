"""Outbound reply delivery: one connector per platform family, and the sender that calls them."""

from services.respond.delivery.base import DeliveryOutcome, RetryPolicy
from services.respond.delivery.sender import deliver

__all__ = ["DeliveryOutcome", "RetryPolicy", "deliver"]
