"""Classify: adds language, topic, intent, sentiment, urgency and more, each with its reason."""
