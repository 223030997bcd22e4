"""The local runner: embedded engines and the four services as supervised processes."""
