"""Respond's pure core: cases, routing rules, SLA clock, access rules."""
