"""Delivering documents to households through the outbox in the book (issue 12, DESIGN §4).

``outbox`` queues messages and moves them through their states, one short
transaction per change; ``report`` is what a delivery run tells its caller.
The network side (SMTP) is in ``integrations.smtp``; the password in
``integrations.secrets``.
"""
