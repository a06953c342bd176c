"""What a command module's ``register`` receives, and how handlers are named."""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable

from crechebooks_desktop.domain.text import check_one_line

AddCommand = Callable[[str, str, str], argparse.ArgumentParser]
"""``add(name, help, handler)`` adds a subcommand with the book options and returns its
parser; ``handler`` is ``"module.function"`` within ``crechebooks_desktop.cli``, imported
only when the command runs."""

Handler = Callable[[argparse.Namespace], int]


def one_line_text(text: str) -> str:
    """An option's name, reference or description: one line, without control characters.

    Used as an argument's ``type``, so the message names the option
    (``argument --description: contains a line break; ...``).

    Raises:
        argparse.ArgumentTypeError: a line break, tab or other control character.
    """
    try:
        return check_one_line(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def resolve(handler: str) -> Handler:
    """Import the handler named ``"module.function"`` (e.g. ``book_commands.cmd_init``)."""
    module_name, function = handler.rsplit(".", 1)
    module = importlib.import_module(f"crechebooks_desktop.cli.{module_name}")
    found: Handler = getattr(module, function)
    return found
