"""The Reconciliation tab: a bank account's statement against the book, to a zero difference."""
