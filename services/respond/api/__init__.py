"""Respond's HTTP routes: the responder API."""
