"""Ingest's HTTP routes."""
