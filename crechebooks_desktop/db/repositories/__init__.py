"""Repositories: the only place queries live; rows in, domain values out."""
