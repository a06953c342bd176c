"""Bank reconciliation (issue 11): the chart of accounts, categorising bank lines, reconciling."""
