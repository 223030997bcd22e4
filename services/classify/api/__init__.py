"""Classify's HTTP routes."""
