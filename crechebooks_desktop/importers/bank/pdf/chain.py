"""The proof of the reading: the opening balance plus the lines gives every balance printed.

The opening balance is the table's first brought-forward or opening line,
else one labelled above or below the table, else the first running balance
less the amounts up to it. From there every running balance, every
carried- or brought-forward line (a table split over pages) and every
closing balance must follow to the cent. The first that does not refuses
the statement with :class:`~.problems.BalanceChainError`. A statement that
prints nothing to check against (no running balance, no closing balance) is
refused too: nothing would show a misread amount.
"""

from __future__ import annotations

from collections.abc import Sequence

from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank.common import Period
from crechebooks_desktop.importers.bank.pdf.labels import Label
from crechebooks_desktop.importers.bank.pdf.lines import Line
from crechebooks_desktop.importers.bank.pdf.problems import BalanceChainError
from crechebooks_desktop.importers.bank.pdf.rows import Row
from crechebooks_desktop.importers.bank.pdf.table import Walk

__all__ = ["check_chain"]


def _opening(lines: Sequence[Line], walk: Walk, flip: int) -> tuple[int | None, bool]:
    """The opening balance, and whether it was worked out from the first running balance."""
    first = walk.checkpoints[0] if walk.checkpoints else None
    if first is not None and first.after == 0 and first.label is Label.OPENING:
        return first.cents * flip, False
    outside = next((o for o in walk.outside if o.label is Label.OPENING), None)
    if outside is not None:
        return outside.cents * flip, False
    total = 0
    for line in lines:
        total += line.line.amount_cents
        if line.line.balance_cents is not None:
            return line.line.balance_cents - total, True
    return None, False


class _Chain:
    def __init__(self, file: str, opening: int, lines: Sequence[Line]) -> None:
        self.file, self.running, self.checked = file, opening, 0
        self.read = tuple(line.line for line in lines)

    def check(self, row: Row, printed: int) -> None:
        if printed != self.running:
            raise BalanceChainError(self.file, row, printed, self.running, self.read)
        self.checked += 1


def check_chain(file: str, lines: Sequence[Line], walk: Walk) -> Period:
    """Check that the lines chain from the opening balance to every balance printed.

    Returns:
        The opening and closing balances.

    Raises:
        BalanceChainError: a printed balance the lines do not add up to.
        UserFacingError: the statement prints no balance to check against.
    """
    flip = -1 if walk.card else 1
    opening, derived = _opening(lines, walk, flip)
    if opening is None:
        raise UserFacingError(
            f"{file} shows no opening balance and no running balance, so its lines cannot be "
            "checked; download the statement again, or as CSV"
        )
    chain = _Chain(file, opening, lines)
    index = {id(entry): number for number, entry in enumerate(walk.entries)}
    checkpoints = [c for c in walk.checkpoints if not (c.after == 0 and c.label is Label.OPENING)]
    for line in lines:
        while checkpoints and checkpoints[0].after <= index[id(line.entry)]:
            chain.check(checkpoints[0].row, checkpoints.pop(0).cents * flip)
        chain.running += line.line.amount_cents
        if line.line.balance_cents is not None:
            chain.check(line.entry.row, line.line.balance_cents)
    for checkpoint in checkpoints:
        chain.check(checkpoint.row, checkpoint.cents * flip)
    for outside in walk.outside:
        if outside.label is Label.CLOSING:
            chain.check(outside.row, outside.cents * flip)
    if chain.checked - derived < 1 and lines:
        raise UserFacingError(
            f"{file} prints no running balance and no closing balance, so nothing shows "
            "that its lines were read right; download the statement again, or as CSV"
        )
    return Period(opening_cents=opening, closing_cents=chain.running)
