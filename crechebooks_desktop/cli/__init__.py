"""The ``crechebooks`` command line over the same services as the window."""

from crechebooks_desktop.cli.main import run

__all__ = ["run"]
