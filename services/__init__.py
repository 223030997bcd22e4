"""Agora's four services: ingest, classify, respond, metrics."""
