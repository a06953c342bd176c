"""Handlers of the chart commands: ``accounts list``, ``accounts add``, ``accounts archive``."""

from __future__ import annotations

import argparse

from crechebooks_desktop.cli.common import as_actor, open_book, print_json, reading
from crechebooks_desktop.cli.table import print_table, text
from crechebooks_desktop.domain.chart import AccountRecord
from crechebooks_desktop.domain.enums import AccountType, VatType
from crechebooks_desktop.services.reconciliation import chart


def vat_type(word: str | None) -> VatType | None:
    """``zero-rated`` as ``VatType.ZERO_RATED`` (None stays None)."""
    return None if word is None else VatType(word.upper().replace("-", "_"))


def vat_word(vat: VatType) -> str:
    """``VatType.ZERO_RATED`` as ``zero-rated``."""
    return vat.value.lower().replace("_", "-")


def _show(account: AccountRecord) -> str:
    archived = "  (archived)" if account.archived else ""
    return (
        f"{account.code:<8} {account.name:<32} {account.account_type.value.lower():<10} "
        f"{vat_word(account.vat_type)}{archived}"
    )


def cmd_list(args: argparse.Namespace) -> int:
    """``accounts list [--all] [--json]``."""
    with open_book(args) as book, reading(book, args) as uow:
        accounts = chart.list_accounts(uow, include_archived=args.all)
    if args.json:
        print_json({"accounts": [a.as_json() for a in accounts]})
        return 0
    print_table(
        (
            text("code", lambda a: a.code),
            text("name", lambda a: a.name),
            text("type", lambda a: a.account_type.value.lower()),
            text("vat", lambda a: f"{vat_word(a.vat_type)}{' (archived)' if a.archived else ''}"),
        ),
        accounts,
    )
    print(f"{len(accounts)} account(s)")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """``accounts add --code CODE --name NAME --type TYPE [--vat VAT]``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        added = chart.add_account(
            uow, actor, args.code, args.name, AccountType(args.type.upper()), vat_type(args.vat)
        )
    if args.json:
        print_json(added.as_json())
    else:
        print(f"added account {_show(added)}")
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    """``accounts archive CODE``."""
    with open_book(args) as book, as_actor(book, args) as (uow, actor):
        archived = chart.archive_account(uow, actor, args.code)
    if args.json:
        print_json(archived.as_json())
    else:
        print(f"archived account {archived.label}; it is no longer offered")
    return 0
