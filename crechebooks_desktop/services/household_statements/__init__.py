"""Statements of account and arrears: what each family owes, since when, and what they were told."""
