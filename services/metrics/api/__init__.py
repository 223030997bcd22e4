"""Metrics' HTTP routes."""
