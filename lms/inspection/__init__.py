"""督查 (inspection): lists that show where hours may not survive a 明察暗访, a seeded sample of sessions to
spot-check, and the record of each inspection visit."""
