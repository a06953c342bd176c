"""Xero: connect with OAuth 2.0 and PKCE, and send the book's changes through the outbox (issue 15).

Imported only when the person uses Xero; ``requests`` and ``keyring`` are the
optional ``sync`` extra.
"""
