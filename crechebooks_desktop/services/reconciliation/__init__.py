"""Bank reconciliation: chart, categorising and linking lines, reconciling, locking periods."""
