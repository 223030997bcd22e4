"""Agora's platform package: contracts between services and the mechanics they share."""
