"""Line items and totals, shared by invoices and credit notes.

Each line's amount is Quantity x UnitAmount (less any discount), rounded to the
cent half to even; its tax is worked out on that rounded amount at the rate of
its TaxType, again rounded half to even, line by line (Xero's default "round
each line"): Exclusive adds it on top, Inclusive finds it inside the amount
(amount x rate / (100 + rate)), NoTax has none.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tests.xero_standin import wire
from tests.xero_standin.store import Books, Line, TaxRate

LINE_AMOUNT_TYPES = ("Exclusive", "Inclusive", "NoTax")


@dataclass(frozen=True)
class Context:
    """What an element is checked and saved against."""

    books: Books
    now: float
    unit_decimals: int = 2

    @property
    def today(self) -> dt.date:
        """The organisation's date now (the stand-in keeps UTC)."""
        return dt.datetime.fromtimestamp(self.now, tz=dt.UTC).date()


def build_lines(
    ctx: Context,
    raw_lines: list[dict[str, Any]],
    line_amount_types: str,
    existing: tuple[Line, ...],
    errors: list[str],
) -> tuple[Line, ...]:
    """Work out every line, adding a message to ``errors`` for each bad one."""
    known = {line.line_item_id for line in existing}
    built = []
    for number, raw in enumerate(raw_lines, start=1):
        line = _line(ctx, raw, number, line_amount_types, known, errors)
        if line is not None:
            built.append(line)
    return tuple(built)


def totals(lines: tuple[Line, ...], line_amount_types: str) -> tuple[int, int, int]:
    """SubTotal, TotalTax and Total in cents."""
    amount = sum(line.line_cents for line in lines)
    tax = sum(line.tax_cents for line in lines)
    if line_amount_types == "Inclusive":
        return amount - tax, tax, amount
    return amount, tax, amount + tax


def require_accounts(lines: tuple[Line, ...], errors: list[str]) -> None:
    """An approved document needs an account on every line."""
    for number, line in enumerate(lines, start=1):
        if not line.account_code:
            errors.append(
                f"Line item {number}: an AccountCode is required to approve the document."
            )


def render_lines(books: Books, lines: tuple[Line, ...]) -> list[dict[str, Any]]:
    """Line items as Xero returns them."""
    rendered = []
    for line in lines:
        item: dict[str, Any] = {
            "LineItemID": line.line_item_id,
            "Description": line.description,
            "Quantity": wire.quantity(line.quantity),
            "UnitAmount": _unit(line.unit_amount),
            "TaxType": line.tax_type or "",
            "TaxAmount": wire.money(line.tax_cents),
            "LineAmount": wire.money(line.line_cents),
            "Tracking": [],
        }
        if line.account_code:
            item["AccountCode"] = line.account_code
            account = books.account_by_code(line.account_code)
            if account is not None:
                item["AccountID"] = account.account_id
        if line.discount_rate is not None:
            item["DiscountRate"] = line.discount_rate.quantize(wire.CENT)
        rendered.append(item)
    return rendered


def next_number(prefix: str, taken: set[str]) -> str:
    """The next free number in Xero's style: INV-0001, INV-0002, ..."""
    counter = 1
    while f"{prefix}{counter:04d}" in taken:
        counter += 1
    return f"{prefix}{counter:04d}"


def _unit(value: Decimal) -> Decimal:
    return value.quantize(wire.CENT) if wire.decimals(value) <= 2 else wire.rate(value)


def _line(
    ctx: Context,
    raw: dict[str, Any],
    number: int,
    line_amount_types: str,
    known: set[str],
    errors: list[str],
) -> Line | None:
    found: list[str] = []
    where = f"Line item {number}"
    line_item_id = raw.get("LineItemID") or str(uuid.uuid4())
    if "LineItemID" in raw and raw["LineItemID"] not in known:
        found.append(f"{where}: LineItemID {raw['LineItemID']} is not a line of this document.")
    if raw.get("ItemCode") or raw.get("Item"):
        found.append(f"{where}: Item code '{raw.get('ItemCode', '')}' is not valid.")
    description = str(raw.get("Description", ""))
    if not description.strip():
        found.append(f"{where}: Description needs to be at least 1 char long.")
    amounts = _amounts(ctx, raw, where, found)
    account_code = raw.get("AccountCode")
    tax_type = raw.get("TaxType")
    account_class = _check_account(ctx, account_code, where, found)
    if tax_type is None and account_code and account_class:
        account = ctx.books.account_by_code(account_code)
        tax_type = account.tax_type if account else None
    tax_rate = _check_tax_type(ctx, tax_type, account_code, account_class, found)
    if amounts is None or found:
        errors.extend(found)
        return None
    quantity, unit, discount, line_cents = amounts
    tax_cents = _tax(line_cents, tax_rate, line_amount_types)
    tax_cents = _override_tax(raw, tax_cents, line_amount_types, where, errors)
    return Line(
        line_item_id=line_item_id,
        description=description,
        quantity=quantity,
        unit_amount=unit,
        account_code=account_code,
        tax_type=tax_type,
        line_cents=line_cents,
        tax_cents=tax_cents,
        discount_rate=discount,
    )


def _amounts(
    ctx: Context, raw: dict[str, Any], where: str, found: list[str]
) -> tuple[Decimal, Decimal, Decimal | None, int] | None:
    """Quantity, UnitAmount, DiscountRate and the line amount in cents."""
    places = {"Quantity": 4, "UnitAmount": ctx.unit_decimals, "LineAmount": 2}
    places |= {"TaxAmount": 2, "DiscountRate": 2, "DiscountAmount": 2}
    for name, most in places.items():
        if name in raw and wire.decimals(raw[name]) > most:
            hint = " (send unitdp=4 for four)" if name == "UnitAmount" and most == 2 else ""
            found.append(f"{where}: {name} {raw[name]} has more than {most} decimal places{hint}.")
    if found:
        return None
    quantity = Decimal(raw.get("Quantity", 1))
    given_line = raw.get("LineAmount")
    unit = raw.get("UnitAmount")
    if unit is None:
        unit = Decimal(given_line) / quantity if given_line is not None and quantity else Decimal(0)
    unit = Decimal(unit)
    discount = raw.get("DiscountRate")
    gross = quantity * unit
    if discount is not None:
        gross = gross * (100 - Decimal(discount)) / 100
    gross -= Decimal(raw.get("DiscountAmount", 0))
    line_cents = wire.round_cents(gross * 100)
    if given_line is not None and wire.to_cents(given_line) != line_cents:
        found.append(
            f"{where}: LineAmount {given_line} is not Quantity x UnitAmount"
            f" less discount ({wire.money(line_cents)})."
        )
        return None
    return quantity, unit, (Decimal(discount) if discount is not None else None), line_cents


def _check_account(ctx: Context, code: str | None, where: str, found: list[str]) -> str | None:
    """The account's class, or None (with a message) when the code cannot be used."""
    if code is None:
        return None
    account = ctx.books.account_by_code(code)
    if account is None:
        found.append(f"Account code '{code}' is not a valid code for this document.")
        return None
    if account.status != "ACTIVE":
        found.append(
            f"Account code '{code}' has been archived, or has been deleted. "
            "Each line item must reference a valid account."
        )
        return None
    if account.type == "BANK":
        found.append(
            f"{where}: account code '{code}' is a bank account; it cannot be used on a line."
        )
        return None
    return account.account_class


def _check_tax_type(
    ctx: Context,
    tax_type: str | None,
    account_code: str | None,
    account_class: str | None,
    found: list[str],
) -> TaxRate | None:
    if tax_type is None:
        return None
    rate = ctx.books.tax_rates.get(tax_type)
    if rate is None or rate.status == "DELETED":
        found.append(
            f"The TaxType code '{tax_type}' does not exist or cannot be used with this type of "
            "transaction."
        )
        return None
    if rate.status != "ACTIVE":
        found.append(f"The TaxType code '{tax_type}' is {rate.status} and cannot be used.")
        return None
    if account_class is not None and not rate.applies_to(account_class):
        found.append(
            f"The TaxType code '{tax_type}' cannot be used with account code '{account_code}'."
        )
        return None
    return rate


def _tax(line_cents: int, rate: TaxRate | None, line_amount_types: str) -> int:
    if rate is None or line_amount_types == "NoTax" or not rate.rate:
        return 0
    if line_amount_types == "Inclusive":
        return wire.round_cents(Decimal(line_cents) * rate.rate / (100 + rate.rate))
    return wire.round_cents(Decimal(line_cents) * rate.rate / 100)


def _override_tax(
    raw: dict[str, Any], computed: int, line_amount_types: str, where: str, errors: list[str]
) -> int:
    """A TaxAmount the client sends may correct Xero's by a rounding cent, no more."""
    if "TaxAmount" not in raw:
        return computed
    given = wire.to_cents(raw["TaxAmount"]) or 0
    if line_amount_types == "NoTax" and given:
        errors.append(f"{where}: TaxAmount must be 0 when LineAmountTypes is NoTax.")
    elif abs(given - computed) > 1:
        errors.append(
            f"{where}: TaxAmount {raw['TaxAmount']} differs from the tax worked out on the line "
            f"({wire.money(computed)}) by more than a rounding cent."
        )
    return given
