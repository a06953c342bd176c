"""The Sync tab: the creche's Xero connection, what waits to go, what Xero refused (issue 15)."""
