"""Respond's Kafka subscribers, one module per subscribed topic."""
