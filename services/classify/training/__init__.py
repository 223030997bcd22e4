"""Training and evaluation of the classify heads: data mapping, written examples, split, CLI."""
