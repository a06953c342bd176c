"""Scheduled jobs in the window: a bar when some are due as the book opens (issue 12)."""
