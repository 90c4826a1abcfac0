"""Divisions (county → township → village) and teaching points."""
