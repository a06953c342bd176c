"""The creche and its users: settings, sign-in, checks and backups."""
