"""Metrics: one timeline per case from every event; Prometheus metrics and reports."""
