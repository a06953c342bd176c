"""Use cases over the book.

Each takes a unit of work, the acting user and plain arguments, does its work in
that one transaction, writes the audit log, and returns plain values (never live
database rows).
"""
