"""Whether a statement file's own balances add up: never trust a file's balance silently.

A bank file may carry an opening balance, a closing balance and a running
balance after each line. They should agree with its amounts, to the cent,
whatever order the lines are listed in (oldest or newest first). When they
do not, the import records the first disagreement (issue 11), and a
reconciliation then needs the bookkeeper's own closing balance. The message
reads like hledger's failed balance assertion: what the file says, what the
amounts give, and the difference.
"""

from __future__ import annotations

from collections.abc import Sequence

from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.statement import Statement, StatementLine, rows_reversed

__all__ = ["balance_problem"]


def balance_problem(statement: Statement) -> str | None:
    """The first way a statement's balances fail to add up, in words; None when they do.

    The running balances are checked first (the line where the balance jumps
    names where to look), then the opening balance plus the lines against the
    closing balance.

    Args:
        statement: the file, read.

    Returns:
        E.g. ``"march.csv:14: the running balance jumps: the balance before
        and the amount -R 50,00 give R 850,00, but the file says R 800,00: a
        difference of -R 50,00"`` or ``"opening R 100,00 + lines R 50,00 =
        R 150,00, but the file says closing R 140,00: a difference of
        -R 10,00"``; None when nothing disagrees (or the file carries no
        balances to check).
    """
    jump = _running_jump(statement)
    if jump is not None:
        return jump
    opening, closing = statement.opening_balance_cents, statement.closing_balance_cents
    if opening is None or closing is None:
        return None
    lines = sum(line.amount_cents for line in statement.lines)
    if opening + lines == closing:
        return None
    return (
        f"opening {format_rands(opening)} + lines {format_rands(lines)} = "
        f"{format_rands(opening + lines)}, but the file says closing {format_rands(closing)}: "
        f"a difference of {format_rands(closing - opening - lines)}"
    )


def _running_jump(statement: Statement) -> str | None:
    """The first line whose running balance does not follow from the one before it.

    The lines are walked in the order in which fewer balances disagree
    (oldest first on a tie), as a bank may list them newest first.
    """
    forward = list(statement.lines)
    if sum(line.balance_cents is not None for line in forward) < 2:  # noqa: PLR2004 - a pair
        return None
    backward = rows_reversed(forward)
    ordered = backward if len(_jumps(backward)) < len(_jumps(forward)) else forward
    jumps = _jumps(ordered)
    if not jumps:
        return None
    line, expected = jumps[0]
    given = line.balance_cents or 0
    return (
        f"{statement.file_name}:{line.line_no}: the running balance jumps: the balance before "
        f"and the amount {format_rands(line.amount_cents)} give {format_rands(expected)}, "
        f"but the file says {format_rands(given)}: a difference of "
        f"{format_rands(given - expected)}"
        + (f" ({len(jumps) - 1} more jumps after it)" if len(jumps) > 1 else "")
    )


def _jumps(ordered: Sequence[StatementLine]) -> list[tuple[StatementLine, int]]:
    """(line, the balance the amounts give) for each line whose balance disagrees."""
    found: list[tuple[StatementLine, int]] = []
    previous: int | None = None
    for line in ordered:
        if line.balance_cents is None:
            if previous is not None:
                previous += line.amount_cents
            continue
        if previous is not None and previous + line.amount_cents != line.balance_cents:
            found.append((line, previous + line.amount_cents))
        previous = line.balance_cents
    return found
