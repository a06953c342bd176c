"""The Ledger tab: household ledgers with running balances, and every entry of the creche."""
