"""The JSON API for other systems (/api/v1): API keys, the platform's learning records, status reads."""
