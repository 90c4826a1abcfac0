"""The registry's import kinds: `roster` (the statistics bureau's list) and `enrolments` (ledgers)."""
