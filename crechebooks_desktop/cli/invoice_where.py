"""The invoice filters of ``invoices list`` and ``invoices export`` as an ``InvoiceFilter``.

The options' values were parsed by the grammar (``invoice_args``); here they
become the repository's filter, and bounds the wrong way round are refused as
a usage error (exit 2), the way argparse refuses a bad value (issue 16).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, NoReturn

from crechebooks_desktop.cli.common import parse_month
from crechebooks_desktop.db.repositories.invoice_filters import Between, InvoiceFilter
from crechebooks_desktop.domain.enums import InvoiceStatus
from crechebooks_desktop.domain.money import format_plain

EXIT_USAGE = 2


def invoice_filter(args: argparse.Namespace) -> InvoiceFilter:
    """The filter the options ask for.

    Raises:
        SystemExit: a ``--X-min`` above its ``--X-max``, or a ``--X-from`` after
            its ``--X-to`` (status 2, after one line on stderr naming both options).
    """
    return InvoiceFilter(
        month=parse_month(args.month, warn=False) if args.month else None,
        statuses=tuple(InvoiceStatus(s) for s in args.status or ()),
        households=tuple(args.household or ()),
        children=tuple(args.child or ()),
        fees=tuple(args.fee or ()),
        text=args.text,
        issued=_bounds(args, "issued", "from", "to"),
        due=_bounds(args, "due", "from", "to"),
        subtotal=_bounds(args, "subtotal", "min", "max"),
        discount=_bounds(args, "discount", "min", "max"),
        vat=_bounds(args, "vat", "min", "max"),
        total=_bounds(args, "total", "min", "max"),
        balance=_bounds(args, "balance", "min", "max"),
    )


def _bounds(args: argparse.Namespace, name: str, low_end: str, high_end: str) -> Between[Any]:
    low = getattr(args, f"{name}_{low_end}")
    high = getattr(args, f"{name}_{high_end}")
    if low is not None and high is not None and low > high:
        above = "is after" if low_end == "from" else "is more than"
        _usage_error(
            args, f"--{name}-{low_end} {_shown(low)} {above} --{name}-{high_end} {_shown(high)}"
        )
    return Between(low, high)


def _shown(value: object) -> str:
    return format_plain(value) if isinstance(value, int) else str(value)


def _usage_error(args: argparse.Namespace, message: str) -> NoReturn:
    print(f"crechebooks invoices {args.action}: error: {message}", file=sys.stderr)
    raise SystemExit(EXIT_USAGE)
