"""Pure business rules: money, VAT, invoices, allocation, matching, aging.

Nothing here imports Qt or SQLAlchemy or does I/O (docs/ARCHITECTURE.md, Layers).
"""
