"""What a command module's ``register`` receives, and how handlers are named."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

AddCommand = Callable[[str, str, str], argparse.ArgumentParser]
"""``add(name, help, handler)`` adds a subcommand with the book options and returns its
parser; ``handler`` is ``"module.function"`` within ``crechebooks_desktop.cli``, imported
only when the command runs."""

Handler = Callable[[argparse.Namespace], int]


def resolve(handler: str) -> Handler:
    """Import the handler named ``"module.function"`` (e.g. ``book_commands.cmd_init``)."""
    module_name, function = handler.rsplit(".", 1)
    module = importlib.import_module(f"crechebooks_desktop.cli.{module_name}")
    found: Handler = getattr(module, function)
    return found
