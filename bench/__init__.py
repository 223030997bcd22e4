"""Benchmarks: every figure is printed as a ratio to a baseline measured in the same run."""
