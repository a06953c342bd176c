"""Reading QIF (Quicken Interchange Format) bank, credit-card and cash sections.

Decisions:

- ``!Type:Bank``, ``!Type:CCard`` and ``!Type:Cash`` sections are read. Other
  transaction sections (``Invst``, ``Oth A``, ``Oth L``, ``Invoice``) belong
  to other kinds of account: they are skipped with a warning. List sections
  (``Cat``, ``Class``, ``Memorized``, ``Security``, ...) hold no transactions
  and are skipped quietly. ``!Account`` records name the account the next
  section belongs to; bank sections of two different accounts are refused,
  as in OFX, since one import is one bank account. ``!Option:AutoSwitch``
  and ``!Clear:AutoSwitch`` need no action.
- Dates: the day/month order is decided once per file (see
  :mod:`~crechebooks_desktop.importers.bank.dates`): proven by any part over
  12, else inferred, with a warning; dates proving both orders refuse the file.
- ``T`` is the amount (``U`` when there is no ``T``); split lines (``S``,
  ``E``, ``$``, ``%``, and a ``D`` inside a split) are the user's own
  categorisation in their old software, not the bank's, so the transaction
  stays one line with its total.
- ``description`` is P (payee) and M (memo) joined without repeats;
  ``payer`` is P; ``reference`` is N (the cheque number) when it has a
  digit (N is also used for words like ``ATM`` or ``DEP``).
- Quicken's first entry, payee ``Opening Balance`` with category
  ``[account]``, is the opening balance, not a transaction.
- Zero amounts are skipped with a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crechebooks_desktop.domain.money import format_rands
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank.amounts import parse_bank_amount
from crechebooks_desktop.importers.bank.common import Findings, Period, describe, file_date_order
from crechebooks_desktop.importers.bank.dates import DateOrder, parse_date
from crechebooks_desktop.importers.bank.text import decode

__all__ = ["read_qif"]

_BANK_TYPES = frozenset({"bank", "ccard", "cash"})
_OTHER_TRANSACTION_TYPES = frozenset({"invst", "oth a", "oth l", "invoice"})
_LIST_TYPES = frozenset(
    {"cat", "class", "memorized", "security", "prices", "template", "invitem", "budget", "bill"}
)
_SPLIT_FIELDS = frozenset("DE$%")


@dataclass
class _Record:
    """One transaction's fields as written, before dates are read."""

    line: int
    account: str | None
    fields: dict[str, str] = field(default_factory=dict)
    in_split: bool = False

    def add(self, code: str, value: str) -> None:
        if code == "S":
            self.in_split = True
        elif not (self.in_split and code in _SPLIT_FIELDS):
            self.fields.setdefault(code, value)


@dataclass
class _Scan:
    """The state of a pass over the file's lines."""

    findings: Findings
    section: str | None = None
    account: str | None = None
    record: _Record | None = None
    records: list[_Record] = field(default_factory=list)
    account_names: list[str] = field(default_factory=list)

    def header(self, line_no: int, text: str) -> None:
        self.end_record()
        command = text[1:].strip()
        lower = command.lower()
        if lower.startswith("type:"):
            kind = lower[5:].strip()
            self.section = kind
            shown = command[5:].strip()
            if kind in _OTHER_TRANSACTION_TYPES:
                self.findings.warn(
                    line_no, f"the '{shown}' section (not a bank account) was skipped"
                )
            elif kind not in _BANK_TYPES | _LIST_TYPES:
                self.findings.warn(line_no, f"the unknown '{shown}' section was skipped")
        elif lower == "account":
            self.section = "account"
            self.account_names = []
        elif not lower.startswith(("option:", "clear:")):
            self.findings.warn(line_no, f"unknown header {text.strip()!r} was ignored")

    def field(self, line_no: int, text: str) -> None:
        if self.section == "account":
            if text[0] == "N":
                self.account_names.append(text[1:].strip())
            return
        if self.section not in _BANK_TYPES:
            return
        if self.record is None:
            account = self.account_names[-1] if self.account_names else None
            self.record = _Record(line_no, account)
        self.record.add(text[0], text[1:].strip())

    def end_record(self) -> None:
        if self.record is not None and self.record.fields:
            self.records.append(self.record)
        self.record = None


def _scan(text: str, findings: Findings) -> list[_Record]:
    scan = _Scan(findings)
    for line_no, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip():
            continue
        if line.startswith("!"):
            scan.header(line_no, line)
        elif line.startswith("^"):
            scan.end_record()
        else:
            scan.field(line_no, line)
    scan.end_record()
    return scan.records


def _check_accounts(records: list[_Record], file: str) -> None:
    accounts = list(dict.fromkeys(r.account for r in records if r.account is not None))
    if len(accounts) > 1:
        raise UserFacingError(
            f"{file} holds transactions of {len(accounts)} accounts ({', '.join(accounts)}); "
            "export one account per file and import each into its bank account"
        )


def _is_opening_balance(record: _Record) -> bool:
    fields = record.fields
    return fields.get("P", "").lower() == "opening balance" and fields.get("L", "").startswith("[")


class _Converter:
    """Turns records into statement lines, noting problems."""

    def __init__(self, findings: Findings, order: DateOrder) -> None:
        self.findings, self.order = findings, order
        self.opening: int | None = None

    def amount(self, record: _Record) -> int | None:
        code = "T" if "T" in record.fields else "U"
        text = record.fields.get(code, "")
        if not text:
            self.findings.problem(record.line, "T", "the transaction has no amount (T)")
            return None
        try:
            return parse_bank_amount(text)
        except ValueError as exc:
            self.findings.problem(record.line, code, str(exc))
            return None

    def line(self, record: _Record) -> StatementLine | None:
        fields = record.fields
        amount = self.amount(record)
        if "D" not in fields:
            self.findings.problem(record.line, "D", "the transaction has no date (D)")
            return None
        try:
            date = parse_date(fields["D"], self.order)
        except ValueError as exc:
            self.findings.problem(record.line, "D", str(exc))
            return None
        if amount is None:
            return None
        if _is_opening_balance(record) and self.opening is None:
            self.opening = amount
            self.findings.warn(
                record.line,
                f"the 'Opening Balance' entry ({format_rands(amount)}) was read as the "
                "opening balance, not as a transaction",
            )
            return None
        if amount == 0:
            self.findings.zero_skipped(record.line)
            return None
        number = fields.get("N", "")
        return StatementLine(
            line_no=record.line,
            date=date,
            amount_cents=amount,
            description=describe(fields.get("P"), fields.get("M")) or number or "(no text)",
            reference=number if any(c.isdigit() for c in number) else None,
            payer=describe(fields.get("P")) or None,
        )


def read_qif(data: bytes, file: str) -> Statement:
    """Read a QIF file's bank, credit-card and cash transactions.

    Args:
        data: the file's bytes.
        file: its name, for messages.

    Returns:
        The statement, lines in file order.

    Raises:
        UserFacingError: not text, several accounts, or mixed date orders.
        ProblemsError: transactions with missing or malformed dates or amounts.
    """
    findings = Findings(file)
    records = _scan(decode(data, file), findings)
    _check_accounts(records, file)
    dates = ((record.line, record.fields.get("D", "")) for record in records)
    converter = _Converter(findings, file_date_order(dates, findings))
    lines = [line for record in records if (line := converter.line(record)) is not None]
    return findings.statement("qif", None, lines, Period(opening_cents=converter.opening))
