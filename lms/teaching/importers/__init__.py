"""Imports of teaching data: plans, attendance sheets, platform and self-study hours (lms.imports runs them)."""
