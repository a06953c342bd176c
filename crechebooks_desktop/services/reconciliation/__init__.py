"""Bank reconciliation: categorising, linking, reconciling and locking a bank account's lines."""
