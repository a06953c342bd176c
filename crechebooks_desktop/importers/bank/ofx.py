"""Reading OFX 1.x (SGML), OFX 2.x (XML) and QFX bank and credit-card statements.

Why not ofxtools (the issue suggests "a well-kept library such as ofxtools"):

- licence: ofxtools is GPL-3.0-or-later, and this MIT-licensed app ships a
  PyInstaller bundle that would then have to be GPL;
- strictness: it validates against the OFX specification and refuses the
  quirks real banks send (comma decimals, missing closing tags, empty FITIDs,
  truncated time zones), which is exactly what an importer must accept;
- speed: a 50,000-line statement must be read well under the 3 s a whole
  import may take, and a full validating object model is far slower than the
  flat scan below.

So this is a small, tolerant reader of our own. A regular expression splits
the text into ``<TAG>value`` and ``</TAG>`` tokens. Only the aggregates we use
are tracked (statements, account, transaction list, transaction, balances);
every other tag is a leaf whose value belongs to the innermost tracked
aggregate, so unknown wrappers (``<PAYEE>``, ``<STATUS>``) are harmless. An
aggregate closes at its closing tag or, when the closing tag is missing, when
something opens that cannot be inside it (a second ``<STMTTRN>`` closes the
first). SGML leaves need no closing tags; XML closing tags of leaves are
ignored. ``CDATA`` sections and the usual character entities are understood.

Decisions:

- dates are the calendar day the bank wrote; the time and time zone
  (``20260301120000[-5:EST]``) are dropped rather than converted, because the
  bank's statement shows that day;
- ``description`` is NAME and MEMO joined (one dropped when the other contains
  it), or TRNTYPE when both are blank; ``payer`` is NAME; ``reference`` is
  CHECKNUM, else REFNUM (all-zero numbers are none);
- an empty FITID is None; zero-amount lines are skipped with a warning;
- several statements for the same account are read as one; statements for
  different accounts are refused, naming the accounts, because one import
  belongs to one bank account and silently choosing one would lose lines;
- LEDGERBAL is the closing balance; the opening balance is not derived (the
  ledger balance's date need not be the end of the transaction list);
- a balance is not a transaction: a missing LEDGERBAL, or a LEDGERBAL or
  AVAILBAL whose BALAMT or DTASOF is empty or missing (some banks send
  ``<LEDGERBAL><BALAMT></BALAMT>``), is a warning naming the file and line,
  and the transactions import without a closing balance (issue 14); a
  BALAMT that is there but not an amount still refuses the file, since a
  reader that misreads one figure may misread others;
- a file that stops before ``</OFX>`` is refused as truncated.
"""

from __future__ import annotations

import datetime as dt
import re

from crechebooks_desktop.domain.dates import real_day
from crechebooks_desktop.domain.money import MoneyError, check_amount
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.importers.bank.amounts import parse_ofx_amount
from crechebooks_desktop.importers.bank.common import Findings, Period, describe
from crechebooks_desktop.importers.bank.text import decode

__all__ = ["read_ofx"]

# A leaf's opening tag and its value (closing tags start with "/", so never match).
_LEAF = re.compile(r"<([A-Za-z][\w.]*)[^<>]*>([^<]*)", re.ASCII)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos|nbsp);")
_NAMED_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'", "nbsp": " "}
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:\d{2,6}(?:[.,]\d+)?)?\s*(?:\[[^\]]*\]?)?", re.ASCII)
_HEADER_CHARSET = re.compile(r"^\s*CHARSET\s*:\s*(\S+)", re.MULTILINE | re.IGNORECASE)
_XML_ENCODING = re.compile(r"<\?xml[^>]*encoding\s*=\s*[\"']([^\"']+)", re.IGNORECASE)
_STATEMENTS = ("STMTRS", "CCSTMTRS")
_ROOT = ""
# The aggregates tracked, each with the aggregates it may sit in.
_PARENTS: dict[str, tuple[str, ...]] = {
    "STMTRS": (_ROOT,),
    "CCSTMTRS": (_ROOT,),
    "INVSTMTRS": (_ROOT,),
    "BANKACCTFROM": _STATEMENTS,
    "CCACCTFROM": _STATEMENTS,
    "BANKTRANLIST": _STATEMENTS,
    "LEDGERBAL": _STATEMENTS,
    "AVAILBAL": _STATEMENTS,
    "STMTTRN": ("BANKTRANLIST",),
}
_HEADER_BYTES = 2048
_PLAIN = re.compile(r"-?\d+\.\d\d", re.ASCII)
_TRACKED = re.compile("<(/?)(" + "|".join(_PARENTS) + r")(?![\w.])[^<>]*>", re.ASCII)
_LOWER_TAG = re.compile(r"</?[a-z]", re.ASCII)
_TAIL = 4096
_NO_CLOSING = "the closing balance is not known; the lines are imported without it"


class _Aggregate:
    """A tracked aggregate: its leaves' values and its tracked children."""

    __slots__ = ("children", "line", "tag", "values")

    def __init__(self, tag: str, line: int) -> None:
        self.tag, self.line = tag, line
        self.values: dict[str, str] = {}
        self.children: list[_Aggregate] = []

    def child(self, tag: str) -> _Aggregate | None:
        return next((c for c in self.children if c.tag == tag), None)

    def value(self, tag: str) -> str:
        return self.values.get(tag, "").strip()


def _declared_charset(data: bytes) -> str | None:
    head = data[:_HEADER_BYTES].decode("latin-1")
    found = _XML_ENCODING.search(head) or _HEADER_CHARSET.search(head)
    return found[1] if found else None


def _unescape(value: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match[1]
        if name.startswith("#x"):
            return chr(int(name.removeprefix("#x"), 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED_ENTITIES[name]

    return _ENTITY.sub(one, value) if "&" in value else value


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _prepare(text: str) -> str:
    """Comments out (keeping their line breaks), CDATA as escaped text, tags in capitals."""
    if _LOWER_TAG.search(text):
        text = re.sub(r"<(/?)([A-Za-z][\w.]*)", lambda m: m[0].upper(), text)
    if "<!--" in text:
        text = _COMMENT.sub(lambda m: "\n" * m[0].count("\n"), text)
    if "<![CDATA[" in text:
        text = _CDATA.sub(lambda m: _escape(m[1]), text)
    return text


class _Tree:
    """Builds the tracked aggregates from the token stream."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.root = _Aggregate(_ROOT, 1)
        self.stack = [self.root]
        self.orphans: list[int] = []

    def build(self) -> _Aggregate:
        pieces = _TRACKED.split(self.text)
        self._leaves(pieces[0])
        line = 1 + pieces[0].count("\n")
        for i in range(1, len(pieces), 3):
            closing, tag, text = pieces[i : i + 3]
            if closing:
                self._close(tag)
            else:
                self._open(tag, line)
            self._leaves(text)
            line += text.count("\n")
        return self.root

    def _leaves(self, text: str) -> None:
        """Give the innermost open aggregate the leaves in ``text`` (first value wins)."""
        if "<" not in text:  # only white space between two tracked tags
            return
        pairs = _LEAF.findall(text)
        if pairs:
            node = self.stack[-1]
            found = dict(reversed(pairs))
            if node.values:
                found.update(node.values)
            node.values = found

    def _close(self, tag: str) -> None:
        stack = self.stack
        for depth in range(len(stack) - 1, 0, -1):
            if stack[depth].tag == tag:
                del stack[depth:]
                return

    def _open(self, tag: str, line: int) -> None:
        stack, parents = self.stack, _PARENTS[tag]
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].tag in parents:
                del stack[depth + 1 :]
                node = _Aggregate(tag, line)
                stack[-1].children.append(node)
                stack.append(node)
                return
        self.orphans.append(line)


def _date(text: str) -> dt.date:
    match = _DATE.fullmatch(text)
    if match is None:
        raise ValueError(f"not an OFX date: {text!r} (expected YYYYMMDD...)")
    return real_day(int(match[1]), int(match[2]), int(match[3]), text.strip())


def _number(text: str | None) -> str | None:
    if not text:
        return None
    value = _unescape(text).strip()
    return value if value.strip("0") else None


class _Reader:
    """Turns the tracked aggregates into statement lines."""

    def __init__(self, findings: Findings) -> None:
        self.findings = findings
        self.dates: dict[str, dt.date] = {}

    def date(self, node: _Aggregate, tag: str, *, required: bool) -> dt.date | None:
        raw = node.values.get(tag, "")
        text = raw.strip()
        if not text:
            if required:
                self.findings.problem(node.line, tag, "missing")
            return None
        if (cached := self.dates.get(text)) is not None:
            return cached
        try:
            self.dates[raw] = self.dates[text] = _date(text)
        except ValueError as exc:
            self.findings.problem(node.line, tag, str(exc))
            return None
        return self.dates[text]

    def amount(self, node: _Aggregate, tag: str) -> int | None:
        text = node.value(tag)
        if not text:
            self.findings.problem(node.line, tag, "missing")
            return None
        try:
            return parse_ofx_amount(text)
        except ValueError as exc:
            self.findings.problem(node.line, tag, str(exc))
            return None

    def balance(self, node: _Aggregate, what: str, then: str, *, parse: bool = True) -> int | None:
        """A LEDGERBAL's or AVAILBAL's amount; an empty BALAMT or DTASOF is only a warning.

        Args:
            node: the balance aggregate.
            what: how the warning names it (``ledger balance``).
            then: what follows from a missing amount, for the warning.
            parse: read BALAMT (a malformed one is a problem) or only check it is there.
        """
        missing = [
            f"no {label} ({tag})"
            for tag, label in (("BALAMT", "amount"), ("DTASOF", "date"))
            if not node.value(tag)
        ]
        if missing:
            consequence = f": {then}" if not node.value("BALAMT") else ""
            self.findings.warn(
                node.line, f"the {what} (<{node.tag}>) has {' and '.join(missing)}{consequence}"
            )
        if not parse or not node.value("BALAMT"):
            return None
        return self.amount(node, "BALAMT")

    def checked(self, node: _Aggregate, cents: int) -> int | None:
        """A TRNAMT read on the fast path, held to the book's limit like any other."""
        try:
            return check_amount(cents)
        except MoneyError as exc:
            self.findings.problem(node.line, "TRNAMT", str(exc))
            return None

    def line(self, node: _Aggregate) -> StatementLine | None:
        values = node.values
        date = self.dates.get(values.get("DTPOSTED", "")) or self.date(
            node, "DTPOSTED", required=True
        )
        text = values.get("TRNAMT", "")
        amount = (
            self.checked(node, int(text.replace(".", "")))
            if _PLAIN.fullmatch(text)
            else self.amount(node, "TRNAMT")
        )
        if date is None or amount is None:
            return None
        if amount == 0:
            self.findings.zero_skipped(node.line)
            return None
        name, memo, fitid = values.get("NAME"), values.get("MEMO"), values.get("FITID")
        if name and "&" in name:
            name = _unescape(name)
        if memo and "&" in memo:
            memo = _unescape(memo)
        return StatementLine(
            line_no=node.line,
            date=date,
            amount_cents=amount,
            description=describe(name, memo) or describe(values.get("TRNTYPE")),
            reference=_number(values.get("CHECKNUM")) or _number(values.get("REFNUM")),
            payer=describe(name) or None,
            fitid=_unescape(fitid).strip() or None if fitid else None,
        )


def _account(statement: _Aggregate) -> str:
    account = statement.child("BANKACCTFROM") or statement.child("CCACCTFROM")
    if account is None:
        return "(no account number)"
    parts = (account.value("BANKID"), account.value("BRANCHID"), account.value("ACCTID"))
    return " ".join(part for part in parts if part) or "(no account number)"


def _statements(root: _Aggregate, file: str) -> list[_Aggregate]:
    statements = [child for child in root.children if child.tag in _STATEMENTS]
    if not statements:
        kind = "an investment statement" if root.child("INVSTMTRS") else "no statement"
        raise UserFacingError(
            f"{file} has {kind}: a bank or credit-card statement (<STMTRS> or <CCSTMTRS>) is needed"
        )
    accounts = list(dict.fromkeys(_account(s) for s in statements))
    if len(accounts) > 1:
        raise UserFacingError(
            f"{file} holds statements for {len(accounts)} accounts ({', '.join(accounts)}); "
            "download one account per file and import each into its bank account"
        )
    return statements


def _period(reader: _Reader, statements: list[_Aggregate]) -> Period:
    starts, ends, closing = [], [], None
    for statement in statements:
        tranlist = statement.child("BANKTRANLIST")
        if tranlist is not None:
            starts.append(reader.date(tranlist, "DTSTART", required=False))
            ends.append(reader.date(tranlist, "DTEND", required=False))
        ledger = statement.child("LEDGERBAL")
        if ledger is None:
            reader.findings.warn(statement.line, f"no ledger balance (<LEDGERBAL>): {_NO_CLOSING}")
        else:
            closing = reader.balance(ledger, "ledger balance", _NO_CLOSING)
        available = statement.child("AVAILBAL")
        if available is not None:
            reader.balance(available, "available balance", "it is not used", parse=False)
    known_starts = [d for d in starts if d is not None]
    known_ends = [d for d in ends if d is not None]
    return Period(
        closing_cents=closing,
        start=min(known_starts, default=None),
        end=max(known_ends, default=None),
    )


def _check_complete(text: str, file: str) -> None:
    if "<OFX" not in text.upper():
        raise UserFacingError(f"{file} is not an OFX file: it has no <OFX> element")
    if "</OFX>" not in text[-_TAIL:].upper():
        raise UserFacingError(
            f"{file} stops before </OFX>: the file is incomplete (an interrupted download?); "
            "download it again"
        )


def read_ofx(data: bytes, file: str) -> Statement:
    """Read an OFX or QFX file.

    Args:
        data: the file's bytes.
        file: its name, for messages.

    Returns:
        The statement, lines in file order.

    Raises:
        UserFacingError: not OFX, truncated, no bank statement, or statements
            of several accounts.
        ProblemsError: transactions with missing or malformed dates or amounts.
    """
    text = _prepare(decode(data, file, _declared_charset(data)))
    _check_complete(text, file)
    tree = _Tree(text)
    root = tree.build()
    findings = Findings(file)
    for orphan in tree.orphans:
        findings.problem(orphan, "STMTTRN", "a transaction outside a statement's <BANKTRANLIST>")
    statements = _statements(root, file)
    reader = _Reader(findings)
    lines: list[StatementLine] = []
    for statement in statements:
        currency = statement.value("CURDEF")
        if currency and currency.upper() != "ZAR":
            findings.warn(statement.line, f"the statement is in {currency}, not Rand (ZAR)")
        tranlist = statement.child("BANKTRANLIST")
        nodes = tranlist.children if tranlist else []
        lines.extend(line for node in nodes if (line := reader.line(node)) is not None)
    return findings.statement("ofx", None, lines, _period(reader, statements))
