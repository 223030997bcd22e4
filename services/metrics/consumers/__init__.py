"""Metrics' subscribers, one module per topic; all in one consumer group."""

GROUP = "metrics"
