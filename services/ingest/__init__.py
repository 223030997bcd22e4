"""Ingest: verifies platform webhooks, stores each interaction durably, publishes it."""
