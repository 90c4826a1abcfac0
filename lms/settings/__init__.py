"""School-wide settings the administrator edits (school name, number patterns …)."""
