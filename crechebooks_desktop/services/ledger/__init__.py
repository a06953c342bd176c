"""Households' ledgers: posting, payments, allocations, credit, adjustments, balances."""
