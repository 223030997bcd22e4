"""Respond: threads interactions into cases, routes them, serves the responder API."""
