"""Bringing in invoices issued by the creche's previous system (``invoices import``).

A file read by ``importers.invoice_history_csv`` gives one row per invoice.
Every row is checked against the book first (its household and child, its
number); only if nothing at all is wrong are the new rows written, in the
caller's one transaction:

- each becomes a one-line AD_HOC invoice under its own number, marked as
  imported (``imported_at``, ``import_hash``), with the status the app's own
  rules give its figures today: PAID, PARTIALLY_PAID, OVERDUE (nothing paid
  and past due) or SENT;
- its charge is posted to the household's ledger dated its issue date, and
  what was paid on it as a payment dated the paid date, wholly allocated to
  it (``services.ledger.posting.post_entries``, so balances, credit and the
  hash chain hold as for any posting).

A row whose hash was imported before is skipped ("already imported"), so a
file imported twice, or a longer version of it, adds only what is new. A
number the book has from elsewhere, or one this book's own numbering could
issue (``PREFIX-YYYY-NNNNNN``), is refused. Neither the invoices nor their
payments go to Xero: they belong to the previous system's books (the audit
actions are not among ``services.sync.changes.SYNCED_ACTIONS``, and a Xero
backfill leaves imported invoices out).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from crechebooks_desktop.db.repositories.invoice_history import EarlierPayment
from crechebooks_desktop.db.repositories.invoices import NewInvoice, NewLine
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import (
    EntryType,
    InvoiceKind,
    InvoiceStatus,
    LineType,
    VatTreatment,
)
from crechebooks_desktop.domain.invoice import status_after_allocation
from crechebooks_desktop.domain.ledger import LedgerPosting
from crechebooks_desktop.domain.problems import ImportProblem, ProblemsError
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.ledger.posting import post_entries

__all__ = ["HistoryImport", "HistoryRow", "import_invoice_history", "status_of"]

_DESCRIPTION_LENGTH = 300  # a ledger entry's description


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One invoice of a previous system's file (``importers.invoice_history_csv``).

    Attributes:
        line: its physical line in the file.
        number: the previous system's number, kept as it is.
        household_ref: the household.
        child_ref: the child, or None for the household as a whole.
        issue_date: when it was issued (its charge's date).
        due_date: when it was due.
        description: its one line.
        total_cents: what it came to, VAT included.
        amount_paid_cents: what had been paid on it.
        vat_cents: the VAT included in the total (0: none).
        paid_date: when the earlier payments were received.
        import_hash: the SHA-256 of the row's normalised values.
    """

    line: int
    number: str
    household_ref: str
    child_ref: str | None
    issue_date: dt.date
    due_date: dt.date
    description: str
    total_cents: int
    amount_paid_cents: int
    vat_cents: int
    paid_date: dt.date
    import_hash: str = ""


@dataclass(frozen=True, slots=True)
class HistoryImport:
    """What an import did (or, on a dry run, would do).

    Attributes:
        file: the file's name.
        imported: the numbers of the invoices brought in, in file order.
        already: the numbers of rows imported before and skipped.
        billed_cents: the new invoices' totals.
        paid_cents: the earlier payments on them.
        dry_run: whether nothing was written.
    """

    file: str
    imported: tuple[str, ...]
    already: tuple[str, ...]
    billed_cents: int
    paid_cents: int
    dry_run: bool = False

    def as_json(self) -> dict[str, object]:
        """The result as ``invoices import --json`` prints it."""
        return {
            "file": self.file,
            "imported": len(self.imported),
            "already_imported": len(self.already),
            "billed_cents": self.billed_cents,
            "paid_cents": self.paid_cents,
            "dry_run": self.dry_run,
            "numbers": list(self.imported),
        }


def status_of(total_cents: int, paid_cents: int, due: dt.date, today: dt.date) -> InvoiceStatus:
    """Where a sent invoice stands today from its figures, by the lifecycle's own rules.

    Unpaid: SENT, or OVERDUE once past its due date (``mark_overdue``);
    then the money allocated to it moves it on (``status_after_allocation``).
    """
    sent = InvoiceStatus.OVERDUE if due < today else InvoiceStatus.SENT
    if not paid_cents:
        return sent
    return status_after_allocation(sent, total_cents - paid_cents, total_cents)


def numbering_pattern(prefix: str) -> re.Pattern[str]:
    """Numbers this book's sequence issues (``InvoiceRepository.next_number``), in any case."""
    return re.compile(rf"{re.escape(prefix)}-\d{{4}}-\d{{6,}}", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Placed:
    """A new row with its household and child found in the book."""

    row: HistoryRow
    household_id: int
    child_id: int | None


def _resolve(
    uow: UnitOfWork, rows: Sequence[HistoryRow], file: str, found: list[ImportProblem]
) -> list[_Placed]:
    """The rows with their household and child ids; what is unknown goes to ``found``."""
    households = {h.details.account_ref.upper(): h.id for h in uow.roster.households()}
    refs = {hid: ref for ref, hid in households.items()}
    children = {c.details.child_ref.upper(): c for c in uow.roster.children()}
    placed = []
    for row in rows:
        household_id = households.get(row.household_ref.upper())
        if household_id is None:
            found.append(
                ImportProblem(
                    file, row.line, "household_ref", f"no household {row.household_ref!r}"
                )
            )
            continue
        child = children.get((row.child_ref or "").upper()) if row.child_ref else None
        if row.child_ref and child is None:
            found.append(ImportProblem(file, row.line, "child_ref", f"no child {row.child_ref!r}"))
            continue
        if child is not None and child.household_id != household_id:
            found.append(
                ImportProblem(
                    file,
                    row.line,
                    "child_ref",
                    f"{row.child_ref} belongs to household {refs[child.household_id]}, "
                    f"not {row.household_ref}",
                )
            )
            continue
        placed.append(_Placed(row, household_id, None if child is None else child.id))
    return placed


def _number_problems(
    uow: UnitOfWork, rows: Sequence[HistoryRow], prefix: str, file: str
) -> list[ImportProblem]:
    """Numbers the book has from elsewhere, or that its own numbering could issue."""
    taken = uow.invoice_history.numbers_taken(row.number for row in rows)
    ours = numbering_pattern(prefix)
    found = []
    for row in rows:
        if row.number.upper() in taken:
            found.append(
                ImportProblem(
                    file,
                    row.line,
                    "number",
                    f"invoice {row.number} is already in this book (not from this row)",
                )
            )
        elif ours.fullmatch(row.number):
            found.append(
                ImportProblem(
                    file,
                    row.line,
                    "number",
                    f"{row.number} would collide with this book's numbering ({prefix}-YYYY-NNNNNN)",
                )
            )
    return found


def _invoice(placed: _Placed, status: InvoiceStatus) -> NewInvoice:
    row = placed.row
    treatment = VatTreatment.STANDARD if row.vat_cents else VatTreatment.EXEMPT
    line = NewLine(
        LineType.AD_HOC,
        row.description,
        row.total_cents,
        row.total_cents - row.vat_cents,
        row.vat_cents,
        row.total_cents,
        treatment,
        child_id=placed.child_id,
    )
    return NewInvoice(
        number=row.number,
        household_id=placed.household_id,
        child_id=placed.child_id,
        kind=InvoiceKind.AD_HOC,
        status=status,
        issue_date=row.issue_date,
        due_date=row.due_date,
        billing_month=None,
        lines=(line,),
        amount_paid_cents=row.amount_paid_cents,
        import_hash=row.import_hash,
    )


def _postings(
    placed: Sequence[_Placed], invoice_ids: Sequence[int], payment_ids: dict[int, int]
) -> list[LedgerPosting]:
    """Each invoice's charge on its issue date and its earlier payment on its paid date.

    Sorted by date (a charge before a payment on one day), so each household's
    running balance follows the dates as far as the new entries go.
    """
    postings = []
    for item, invoice_id in zip(placed, invoice_ids, strict=True):
        row = item.row
        text = f"{row.number} {row.description}"[:_DESCRIPTION_LENGTH]
        charge = LedgerPosting(
            item.household_id,
            EntryType.CHARGE,
            row.total_cents,
            row.issue_date,
            text,
            ("invoice", invoice_id),
        )
        postings.append((row.issue_date, 0, row.line, charge))
        if invoice_id in payment_ids:
            paid = LedgerPosting(
                item.household_id,
                EntryType.PAYMENT,
                -row.amount_paid_cents,
                row.paid_date,
                f"Payment of {row.number} (previous system)",
                ("payment", payment_ids[invoice_id]),
            )
            postings.append((row.paid_date, 1, row.line, paid))
    return [posting for *_key, posting in sorted(postings, key=lambda p: p[:3])]


def _write(
    uow: UnitOfWork, actor: Actor, placed: Sequence[_Placed], today: dt.date
) -> list[tuple[int, int | None]]:
    """Write the new invoices, their earlier payments and ledger entries; (invoice, payment) ids."""
    statuses = [
        status_of(p.row.total_cents, p.row.amount_paid_cents, p.row.due_date, today) for p in placed
    ]
    invoice_ids = uow.invoices.add_many(
        [_invoice(p, status) for p, status in zip(placed, statuses, strict=True)]
    )
    paying = [(p, i) for p, i in zip(placed, invoice_ids, strict=True) if p.row.amount_paid_cents]
    earlier = [
        EarlierPayment(
            p.household_id,
            invoice_id,
            p.row.paid_date,
            p.row.amount_paid_cents,
            f"{p.row.number} (previous system)",
        )
        for p, invoice_id in paying
    ]
    payment_ids = dict(
        zip(
            (i for _p, i in paying),
            uow.invoice_history.add_payments(earlier, actor.user_id),
            strict=True,
        )
    )
    post_entries(uow, actor, _postings(placed, invoice_ids, payment_ids))
    audit.record_many(
        uow,
        actor,
        [
            (
                "invoice.import",
                "invoice",
                invoice_id,
                None,
                {
                    "number": p.row.number,
                    "household_ref": p.row.household_ref,
                    "total_cents": p.row.total_cents,
                    "amount_paid_cents": p.row.amount_paid_cents,
                    "status": status.value,
                    "payment_id": payment_ids.get(invoice_id),
                    "import_hash": p.row.import_hash,
                },
            )
            for p, invoice_id, status in zip(placed, invoice_ids, statuses, strict=True)
        ],
    )
    return [(i, payment_ids.get(i)) for i in invoice_ids]


def import_invoice_history(
    uow: UnitOfWork,
    actor: Actor,
    rows: Sequence[HistoryRow],
    file: str,
    problems: Sequence[ImportProblem] = (),
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> HistoryImport:
    """Bring in a previous system's invoices, all or nothing.

    Args:
        uow: the transaction all rows are written in.
        actor: who imports (needs to post money).
        rows: the file's good rows.
        file: the file's name, for problems.
        problems: what reading the file found wrong already.
        dry_run: check everything and say what would be done; write nothing.
        today: the day statuses are judged on (default: today).

    Returns:
        The numbers imported and skipped, and the money billed and paid.

    Raises:
        PermissionDenied: the actor may not post money.
        ProblemsError: the file had problems, or a row names an unknown
            household or child, a child of another household, a number the
            book has from elsewhere or one its own numbering could issue;
            every problem is listed and nothing was written.
    """
    audit.require(actor, Permission.POST_MONEY)
    found = list(problems)
    done = uow.invoice_history.imported_hashes(row.import_hash for row in rows)
    new = [row for row in rows if row.import_hash not in done]
    placed = _resolve(uow, new, file, found)
    creche = uow.tenants.get(actor.tenant_id)
    if creche is None:  # pragma: no cover - the actor was resolved in this book
        raise ProblemsError([ImportProblem(file, 0, "file", "the creche no longer exists")], file)
    found += _number_problems(uow, new, creche.invoice_prefix, file)
    if found:
        raise ProblemsError(found, file)
    result = HistoryImport(
        file,
        tuple(row.number for row in new),
        tuple(row.number for row in rows if row.import_hash in done),
        sum(row.total_cents for row in new),
        sum(row.amount_paid_cents for row in new),
        dry_run,
    )
    if dry_run or not placed:
        return result
    day = today or dt.date.today()  # noqa: DTZ011 - the creche's own calendar day
    _write(uow, actor, placed, day)
    audit.record(
        uow,
        actor,
        "invoices.import",
        "file",
        file,
        None,
        {
            "imported": len(result.imported),
            "already_imported": len(result.already),
            "billed_cents": result.billed_cents,
            "paid_cents": result.paid_cents,
        },
    )
    return result
