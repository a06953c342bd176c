"""Command start-up: a fresh ``crechebooks`` process, from launch to exit, per command.

Run: .venv/bin/python bench/cli_startup.py [--runs 7] [--imports]

Every command runs in its own process (as a script, a scheduled job or the
acceptance tests run it), so what a process imports before it does anything is
paid on every command. ``--help`` imports only the grammar; a command that
reads the book also imports SQLAlchemy, the row classes and the services it
uses, and nothing else: the repositories load on first use
(``db/unit_of_work.py``), Alembic only when a book needs upgrading
(``db/migrate.py``), numpy and rapidfuzz only when lines are scored, reportlab
and openpyxl only in the commands that write PDFs or workbooks.

Targets, on the 2-core office PC with the bytecode already compiled (best of
the runs; the demo book: 45 households): ``--help`` under 0.15 s; a command
reading the book under 0.6 s. With ``PYTHONDONTWRITEBYTECODE`` set (and no
``__pycache__``) every start compiles the package again, about 0.08 s more;
the figures say when that is so. Each figure is wall-clock time, with the
process's CPU time beside it: on a machine others are using, the CPU time is
the steadier of the two. ``--imports`` also lists the package's
slowest imports for each command (``python -X importtime``).
"""

import argparse
import datetime as dt
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_HELP_S = 0.15
TARGET_COMMAND_S = 0.6

# (label, arguments after --db BOOK; None: no book), target
COMMANDS = (
    ("--help", None, TARGET_HELP_S),
    ("invoices --help", ["invoices", "--help"], TARGET_HELP_S),
    ("invoices list", ["invoices", "list"], TARGET_COMMAND_S),
    ("balances", ["balances"], TARGET_COMMAND_S),
    ("match list", ["match", "list"], TARGET_COMMAND_S),
    ("arrears", ["arrears"], TARGET_COMMAND_S),
)

_IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def make_demo_book(path: Path) -> None:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.demo.creche import create_demo_creche
    from crechebooks_desktop.settings import settings_for

    book, _ = Book.open(settings_for(str(path)), create=True)
    with book.write() as uow:
        create_demo_creche(uow, dt.date.today())  # noqa: DTZ011 - local "today"
    book.close()


def argv(book: Path, args: list[str] | None) -> list[str]:
    command = [sys.executable, "-m", "crechebooks_desktop"]
    if args is None:
        return [*command, "--help"]
    # Signed in as the demo's administrator: the password on stdin, checked with scrypt
    # at the product's cost (N=2**17), as every command on a real book is.
    return [*command, "--db", str(book), "--password-stdin", *args]


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_once(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one run (the CPU time barely moves on a busy machine)."""
    cpu, start = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, check=False, input="demo\n"
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[3:])} failed ({done.returncode}): {done.stderr}")
    return took, _children_cpu() - cpu


def slowest_imports(command: list[str], env: dict[str, str], cwd: Path, count: int = 8) -> str:
    """The package's modules that took longest to import, with what they imported."""
    done = subprocess.run(
        [command[0], "-X", "importtime", *command[1:]],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        input="demo\n",
    )
    found = sorted(
        ((int(match[2]), match[4]) for match in map(_IMPORT_LINE.match, done.stderr.splitlines())
         if match and match[4].startswith("crechebooks_desktop.")),
        reverse=True,
    )  # fmt: skip
    return "\n".join(f"      {us / 1e6:.3f} s  {name}" for us, name in found[:count])


def password_check_seconds() -> float:
    """The best of three password checks at the product's cost (the sign-in's share)."""
    from crechebooks_desktop.domain.passwords import hash_password, verify_password

    stored = hash_password("demo")
    times = []
    for _ in range(3):
        start = time.perf_counter()
        verify_password("demo", stored)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--imports", action="store_true", help="list the slowest imports")
    options = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = folder / "demo.sqlite"
        make_demo_book(book)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
            "XDG_DATA_HOME": str(folder / "data"),
        }
        env = {k: v for k, v in env.items() if not k.startswith("CRECHEBOOKS_")}
        compiled = (
            "no: PYTHONDONTWRITEBYTECODE is set" if env.get("PYTHONDONTWRITEBYTECODE") else "yes"
        )
        check = password_check_seconds()
        print(f"command start-up, best of {options.runs} runs (bytecode kept: {compiled}):")
        print(
            f"  (a command on a book checks its user's password: scrypt N=2**17 takes "
            f"{check:.3f} s here, by design; the targets are for the rest)"
        )
        for label, args, target in COMMANDS:
            command = argv(book, args)
            run_once(command, env, folder)  # warm the file cache and the bytecode
            runs = [run_once(command, env, folder) for _ in range(options.runs)]
            best, cpu = min(wall for wall, _ in runs), min(cpu for _, cpu in runs)
            rest = best - check if args is not None and args[-1] != "--help" else best
            verdict = "met" if rest < target else "MISSED"
            print(
                f"  {label:<20} {best:.3f} s (CPU {cpu:.3f} s; without the password check "
                f"{rest:.3f} s)   target < {target} s   {verdict}"
            )
            if options.imports:
                print(slowest_imports(command, env, folder))


if __name__ == "__main__":
    main()
