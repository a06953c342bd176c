"""Delivering documents to households through the book's outbox (issue 12; docs/RULES.md, Delivery).

``outbox`` queues messages and moves them through their states, one short
transaction per change; ``report`` is what a delivery run tells its caller.
The network side (SMTP) is in ``integrations.smtp``; the password in
``integrations.secrets``.
"""
