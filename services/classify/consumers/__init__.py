"""Classify's subscribers, one module per subscribed topic."""
