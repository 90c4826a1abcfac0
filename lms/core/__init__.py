"""Plumbing with no domain words: database base, clock, errors, privacy masks."""
