"""Bank reconciliation: linking, categorising, reconciling and locking bank lines (issue 11)."""
