"""Configuration classes for the LMS (see settings.py)."""
