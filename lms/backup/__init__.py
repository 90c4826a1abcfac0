"""Backups: the database, the data folder and the key material in one archive (`flask lms backup` / `restore`)."""
