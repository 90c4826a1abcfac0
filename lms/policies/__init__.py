"""Versioned policies per cohort: every number the rules use (lms/rules holds the logic)."""
