"""Run a parsed command: open the book, act, print, and map errors to exit codes.

Exit codes: 0 done; 1 a check found problems or the user's input was refused;
2 the command line itself was wrong; 70 a bug (logged with its traceback, never
printed); 130 interrupted by Ctrl-C; 141 the reader of the output went away
(``crechebooks balances | head``), as for any program stopped by SIGPIPE.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from crechebooks_desktop.cli.grammar import resolve
from crechebooks_desktop.crash_log import record_bug
from crechebooks_desktop.errors import UserFacingError

EXIT_REFUSED = 1
EXIT_BUG = 70
EXIT_INTERRUPTED = 128 + 2  # 128 + SIGINT (Ctrl-C)
EXIT_BROKEN_PIPE = 128 + 13  # 128 + SIGPIPE, as a shell reports a program the signal stopped

log = logging.getLogger(__name__)


def run(args: argparse.Namespace) -> int:
    """Run one subcommand; never lets a traceback reach the terminal.

    Args:
        args: parsed by ``cli.parser.build_parser``.

    Returns:
        The process exit status.
    """
    args.creche = args.creche or os.environ.get("CRECHEBOOKS_CRECHE")
    args.user = args.user or os.environ.get("CRECHEBOOKS_USER")
    handler = resolve(args.handler)
    try:
        status = handler(args)
        if sys.stdout is not None:  # None in a windowed bundle
            sys.stdout.flush()  # output still buffered meets a closed pipe here, not at exit
    except BrokenPipeError:
        return _output_closed()
    except KeyboardInterrupt:
        return _interrupted()
    except Exception as exc:  # noqa: BLE001 - the boundary: report bugs without a traceback
        if _raised_by_an_interrupt(exc):
            return _interrupted()
        if isinstance(exc, UserFacingError):
            print(f"crechebooks: error: {exc}", file=sys.stderr)
            return EXIT_REFUSED
        where = record_bug(exc) or os.devnull
        print(
            f"crechebooks: internal error ({type(exc).__name__}: {exc}); details in {where}",
            file=sys.stderr,
        )
        return EXIT_BUG
    return status


def _interrupted() -> int:
    print("crechebooks: interrupted; nothing was changed by the unfinished step", file=sys.stderr)
    return EXIT_INTERRUPTED


def _raised_by_an_interrupt(exc: BaseException) -> bool:
    """True when ``exc`` was raised while Ctrl-C was unwinding the command.

    Ctrl-C can land in the middle of a database driver's call; the clean-up
    that follows (a rollback, the pool's ping) may then fail on the half-used
    connection, and that failure replaces the KeyboardInterrupt. It is the
    interrupt's doing, not a bug nor the user's input: the unfinished
    transaction was never committed.
    """
    seen: set[int] = set()
    waiting: list[BaseException | None] = [exc]
    while waiting:
        current = waiting.pop()
        if current is None or id(current) in seen:
            continue
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        waiting += [current.__cause__, current.__context__]
    return False


def _output_closed() -> int:
    """Stop quietly: whoever read the output has what they wanted.

    As Python's documentation advises (library/signal, "Note on SIGPIPE"),
    standard output is pointed at the null device, so that the flush when
    Python exits does not fail a second time and print an error.
    """
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file (tests, a windowed bundle)
        return EXIT_BROKEN_PIPE
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)
    return EXIT_BROKEN_PIPE
