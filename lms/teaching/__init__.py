"""Specialties, teaching plans, classes, sessions, attendance and hours."""
