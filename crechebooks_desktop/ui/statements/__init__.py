"""The Statements tab: households' statements for a period, and the arrears (issue 12)."""
