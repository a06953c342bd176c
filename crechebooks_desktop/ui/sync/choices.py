"""What the mappings dialog offers from Xero's chart, and what the sync would choose unasked.

The sync chooses codes by meaning (``domain.xero``): the same rules run here
on the organisation's chart, so the dialog can say where each of ours goes
before anything is sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.domain.enums import VatTreatment
from crechebooks_desktop.domain.vat import vat_rate_on
from crechebooks_desktop.domain.xero import (
    MappingProblem,
    choose_account,
    choose_bank_account,
    choose_tax_types,
)
from crechebooks_desktop.ui.sync.jobs import EVERY, MappingRow
from crechebooks_desktop.ui.sync.remote import XeroChart

NO_MATCH = "no clear match in Xero: choose one"


@dataclass(frozen=True, slots=True)
class Option:
    """One of Xero's codes a row may go to, as the list shows it."""

    code: str
    text: str


def options(kind: str, chart: XeroChart) -> list[Option]:
    """Xero's active codes that fit: revenue accounts, bank accounts, revenue tax rates."""
    if kind == "tax":
        return [
            Option(r.tax_type, f"{r.tax_type} · {r.name} ({r.rate.normalize():f}%)")
            for r in chart.tax_rates
            if r.active and r.can_apply_to_revenue
        ]
    wanted = (lambda a: a.is_bank) if kind == "bank_account" else (lambda a: a.is_revenue)
    return [
        Option(a.code, f"{a.code} · {a.name}") for a in chart.accounts if a.active and wanted(a)
    ]


def defaults(rows: Sequence[MappingRow], chart: XeroChart) -> dict[str, str | None]:
    """Where the unmapped rows of each kind go: the ``*`` row's code, mapped or chosen.

    An income account without its own mapping takes the ``*`` mapping, else it is
    chosen by itself; a bank account takes the ``*`` mapping, else Xero's only bank
    account (as the sync does).
    """
    found: dict[str, str | None] = {"account": None, "bank_account": None}
    for row in rows:
        if row.ours != EVERY:
            continue
        if row.mapped:
            found[row.kind] = row.mapped
        elif row.kind == "bank_account":
            chosen = choose_bank_account(EVERY, chart.accounts, {})
            found[row.kind] = chosen if isinstance(chosen, str) else None
    return found


def automatic(
    row: MappingRow, chart: XeroChart, today: dt.date, default: str | None = None
) -> tuple[str, bool]:
    """Where an unmapped row goes, in words; and whether the person must choose.

    Args:
        row: an unmapped row.
        chart: the organisation's chart.
        today: the day (its VAT rate).
        default: where its kind's unmapped rows go (``defaults``), if anywhere.
    """
    named = {option.code: option.text for option in options(row.kind, chart)}
    if row.ours == EVERY and row.kind == "account":
        return "each account is chosen by itself", False
    if row.ours != EVERY and row.kind in {"account", "bank_account"}:
        if default is not None:
            return f"goes to {named.get(default, default)} (the default)", False
        if row.kind == "bank_account":
            return NO_MATCH, True
    chosen = _chosen(row, chart, today)
    if isinstance(chosen, MappingProblem):
        return NO_MATCH, True
    return f"goes to {named.get(chosen, chosen)}", False


def _chosen(row: MappingRow, chart: XeroChart, today: dt.date) -> str | MappingProblem:
    if row.kind == "account":
        return choose_account(row.ours, row.name, chart.accounts, {})
    if row.kind == "bank_account":
        return choose_bank_account(row.ours, chart.accounts, {})
    percent = vat_rate_on(today) * 100  # Xero's rates are in percent, ours a fraction
    chosen, problems = choose_tax_types(chart.tax_rates, percent, {})
    found = chosen.get(VatTreatment(row.ours))
    if found is None:
        return next(
            (p for p in problems if p.ours == row.ours), MappingProblem("tax", row.ours, "")
        )
    return found
