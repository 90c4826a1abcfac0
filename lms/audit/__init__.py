"""The audit log: who did what, when, to which record, before and after."""
