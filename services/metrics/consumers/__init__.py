"""Metrics' subscribers, one module per topic; all in one consumer group, a fetched batch at a
time (``shared.bus.handle_batch``)."""

GROUP = "metrics"
