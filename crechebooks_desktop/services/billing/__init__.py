"""Invoices: the monthly run and an invoice's life after it."""
