"""Users, roles, scopes, login and password management."""
