"""Handlers of ``bank profiles list|add|remove``: saved column mappings (issue 14).

``bank profiles add`` checks everything it can before the book is opened: the
mapping's own problems (an unknown date format, both ``--amount`` and
``--money-in``...) and, with ``--from-file``, that the mapping reads that file
whole. Any refusal is one line and nothing is saved.

Recognition: a mapping is found again from a file's header only when it keeps
that header, and the header is known only from a file; so ``--from-file``
makes a profile that ``bank import`` uses unasked for files with that header,
and without it the profile is used when named (``bank import --profile NAME``).
Column names alone are not taken for the header: a file has columns the
mapping ignores, and a header guessed from the named columns would never
match it.
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from crechebooks_desktop.cli.common import as_actor, open_book, print_json, reading
from crechebooks_desktop.cli.table import print_table, text
from crechebooks_desktop.domain.column_mapping import ColumnMapping, CsvProfileRecord
from crechebooks_desktop.domain.problems import ProblemsError
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank.layouts import builtin_names, file_bytes
from crechebooks_desktop.importers.bank.mapping import read_mapped, sample
from crechebooks_desktop.services.bank import csv_profiles


def _skip_lines(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise UserFacingError(f"--skip-lines: give a number of lines, 0 or more (got {text!r})")
    return value


def mapping_of(args: argparse.Namespace) -> ColumnMapping:
    """The mapping the options give (not yet checked, without a header)."""
    return ColumnMapping(
        date=args.date,
        date_format=" ".join(args.date_format.split()).upper(),
        description=tuple(c.strip() for c in args.description.split(",") if c.strip()),
        amount=args.amount,
        money_in=args.money_in,
        money_out=args.money_out,
        fee=args.fee,
        balance=args.balance,
        reference=args.reference,
        skip_lines=_skip_lines(args.skip_lines),
        has_header=not args.no_header,
    )


def _with_file(name: str, mapping: ColumnMapping, shown: str) -> ColumnMapping:
    """The mapping with the file's header kept, once it has read the file whole.

    Raises:
        UserFacingError: the file cannot be read, or the mapping names a
            column it lacks, or its rows do not read (the first problem said).
    """
    data = file_bytes(Path(shown), shown)
    if mapping.has_header:
        found = sample(data, shown, mapping.skip_lines)
        mapping = dataclasses.replace(mapping, header=found.header_keys)
    try:
        read_mapped(data, shown, mapping, name)
    except ProblemsError as exc:
        count = len(exc.problems)
        raise UserFacingError(
            f"the mapping {name!r} does not read {shown} ({count} problem"
            f"{'' if count == 1 else 's'}; the first: {exc.problems[0]}); nothing was saved"
        ) from None
    return mapping


def _columns(mapping: ColumnMapping) -> str:
    """The mapping in a few words: ``date Date (DD/MM/YYYY), amount Amount, ...``."""
    parts = [f"date {mapping.date} ({mapping.date_format})"]
    if mapping.amount is not None:
        parts.append(f"amount {mapping.amount}")
    else:
        parts.append(f"in {mapping.money_in}, out {mapping.money_out}")
    parts.append(f"description {'+'.join(mapping.description)}")
    named = (("reference", mapping.reference), ("fee", mapping.fee))
    parts += [
        f"{what} {column}" for what, column in (*named, ("balance", mapping.balance)) if column
    ]
    if mapping.skip_lines:
        parts.append(f"skip {mapping.skip_lines}")
    if not mapping.has_header:
        parts.append("no header")
    return ", ".join(parts)


def cmd_add(args: argparse.Namespace) -> int:
    """``bank profiles add NAME --date C --date-format F (--amount C | ...) ...``.

    The full grammar is ``cli.bank_args._profiles``.
    """
    mapping = mapping_of(args)
    csv_profiles.check_mapping(args.name, mapping)
    if args.from_file is not None:
        mapping = _with_file(args.name, mapping, args.from_file)
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        added = csv_profiles.add_profile(uow, actor, args.name, mapping, builtin=builtin_names())
    if args.json:
        print_json(added.as_json())
        return 0
    print(f"saved CSV profile {added.name}: {_columns(added.mapping)}")
    if added.recognised:
        print(f"  files with the header of {args.from_file} are read with it")
    else:
        print(
            f"  use it with: crechebooks bank import FILE --account NAME --profile {added.name!r}"
        )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    """``bank profiles list [--json]``."""
    with open_book(args) as book, reading(book, args) as uow:
        found = csv_profiles.list_profiles(uow)
    builtin = builtin_names()
    if args.json:
        print_json({"profiles": [p.as_json() for p in found], "builtin": list(builtin)})
        return 0

    def recognised(profile: CsvProfileRecord) -> str:
        return "from its header" if profile.recognised else "by name only"

    print_table(
        (
            text("name", lambda p: p.name),
            text("used", recognised),
            text("saved", lambda p: f"{p.created_at:%Y-%m-%d} {p.created_by or ''}".strip()),
            text("columns", lambda p: _columns(p.mapping)),
        ),
        found,
    )
    print(f"{len(found)} saved profile(s); built-in: {', '.join(builtin)}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    """``bank profiles remove NAME``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        removed = csv_profiles.remove_profile(uow, actor, args.name)
    if args.json:
        print_json(removed.as_json())
    else:
        print(f"removed CSV profile {removed.name}; statements imported with it keep their lines")
    return 0
