"""Benchmarks: scenarios, baselines and their driver (see README.md). Not part of the app."""
