"""The Invoices tab: the month's invoices, their lines, and the monthly run."""
