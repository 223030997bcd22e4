"""One module per dimension; each returns a ``Verdict`` (label, score, by, evidence)."""
