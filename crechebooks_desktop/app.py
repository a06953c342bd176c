"""Composition root: command line -> settings -> book -> services -> main window.

With a subcommand, runs headless (Qt is never imported). Without one, opens
the main window.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from crechebooks_desktop.cli import run
from crechebooks_desktop.cli.parser import build_parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crechebooks`` console script.

    Args:
        argv: arguments without the program name (default: ``sys.argv[1:]``).

    Returns:
        The exit status.
    """
    args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command is not None:
        return run(args)
    from crechebooks_desktop.ui.launch import launch  # noqa: PLC0415 - Qt only for the window

    return launch(args)
