"""Persistence: typed tables, engine and sessions, repositories, migrations.

The only layer that imports SQLAlchemy or Alembic (docs/ARCHITECTURE.md, Layers).
"""
