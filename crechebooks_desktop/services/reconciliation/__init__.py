"""Bank reconciliation: the chart of accounts, categorising and linking bank lines, reconciling
and locking a bank account's periods."""
