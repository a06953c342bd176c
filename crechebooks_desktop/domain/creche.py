"""A creche's settings, and how each one is read from text and checked."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from crechebooks_desktop.domain.delivery import SmtpSecurity, SmtpSettings, is_email_address
from crechebooks_desktop.domain.money import MoneyStyle, check_amount
from crechebooks_desktop.domain.s3_archive import (
    S3Settings,
    parse_s3_bucket,
    parse_s3_prefix,
    parse_s3_region,
)
from crechebooks_desktop.domain.text import check_one_line


@dataclass(frozen=True, slots=True)
class CrecheSettings:
    """Everything a creche configures (the ``tenants`` row as a value)."""

    tenant_id: int
    name: str
    trading_name: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    vat_number: str | None = None
    prices_include_vat: bool = True
    invoice_prefix: str = "INV"
    due_day: int = 7
    sibling_discounts: str = ""
    money_style: str = MoneyStyle.SPACE_COMMA.name
    bank_name: str | None = None
    bank_account_name: str | None = None
    bank_account_number: str | None = None
    bank_branch_code: str | None = None
    categorise_confidence: int = 80
    # The creche's own mailbox (issue 12); the password lives in the keyring, never here.
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_security: str = SmtpSecurity.STARTTLS.value
    smtp_user: str | None = None
    smtp_from: str | None = None
    reminder_min_cents: int = 5_000
    billing_day: int | None = None
    # The S3 archive of generated PDFs (issue 15); its access key is in the keyring, never here.
    s3_bucket: str | None = None
    s3_region: str | None = None
    s3_prefix: str | None = None

    @property
    def vat_registered(self) -> bool:
        """A creche with a VAT number is VAT-registered (docs/RULES.md, VAT)."""
        return bool(self.vat_number)

    @property
    def sibling_schedule(self) -> tuple[Decimal, ...]:
        """Discount percentages by sibling position (first child first)."""
        return parse_sibling_discounts(self.sibling_discounts)

    @property
    def smtp(self) -> SmtpSettings | None:
        """The mailbox to send from, or None while ``smtp_host`` or ``smtp_from`` is unset."""
        if not self.smtp_host or not self.smtp_from:
            return None
        security = SmtpSecurity(self.smtp_security)
        return SmtpSettings(
            host=self.smtp_host,
            port=self.smtp_port or security.default_port,
            security=security,
            user=self.smtp_user,
            sender=self.smtp_from,
        )

    @property
    def s3(self) -> S3Settings | None:
        """Where the archive is copied to, or None while ``s3_bucket`` is unset."""
        if not self.s3_bucket:
            return None
        return S3Settings(self.s3_bucket, self.s3_region, self.s3_prefix)

    def as_dict(self) -> dict[str, Any]:
        """Plain values, for audit records and ``settings show --json``."""
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["vat_registered"] = self.vat_registered
        return data

    def with_value(self, key: str, text: str) -> CrecheSettings:
        """A copy with one setting changed from its text form.

        Args:
            key: a name from ``SETTING_KEYS``.
            text: the value as typed (``yes``/``no`` for switches, blank to clear).

        Returns:
            The new settings.

        Raises:
            ValueError: unknown key or a value that setting does not accept.
        """
        parser = SETTING_KEYS.get(key)
        if parser is None:
            known = ", ".join(sorted(SETTING_KEYS))
            raise ValueError(f"unknown setting {key!r}; settings are: {known}")
        return replace(self, **{key: parser(text)})


@dataclass(frozen=True, slots=True)
class NewCreche:
    """What ``init`` asks for. Text values are checked as ``settings set`` checks them."""

    name: str
    vat_number: str = ""
    prices_include_vat: str = "yes"
    sibling_discounts: str = ""
    due_day: str = "7"
    invoice_prefix: str = "INV"
    admin_username: str = "admin"
    admin_full_name: str | None = None
    admin_password: str | None = None


def parse_sibling_discounts(text: str) -> tuple[Decimal, ...]:
    """Read a schedule such as ``0,10,15`` (percent by sibling position).

    Args:
        text: comma-separated percentages; blank means no discount.

    Returns:
        The percentages as Decimals.

    Raises:
        ValueError: a value is not a number from 0 to 100.
    """
    if not text.strip():
        return ()
    schedule = []
    for part in text.split(","):
        try:
            value = Decimal(part.strip())
        except InvalidOperation:
            raise ValueError(f"sibling discount {part.strip()!r} is not a number") from None
        # NaN first: ordering a NaN raises InvalidOperation, which is no ValueError.
        if value.is_nan() or not Decimal(0) <= value <= Decimal(100):
            raise ValueError(f"sibling discount {value} must be between 0 and 100")
        schedule.append(value)
    return tuple(schedule)


def _optional_text(limit: int) -> Callable[[str], str | None]:
    def parse(text: str) -> str | None:
        value = text.strip()
        if len(value) > limit:
            raise ValueError(f"at most {limit} characters")
        return check_one_line(value) or None

    return parse


def _required_text(text: str) -> str:
    value = text.strip()
    if not value:
        raise ValueError("cannot be blank")
    if len(value) > 200:  # noqa: PLR2004 - the column's width
        raise ValueError("at most 200 characters")
    return check_one_line(value)


def parse_yes_no(text: str) -> bool:
    """``yes``/``no`` (also true/false, 1/0) as a bool."""
    value = text.strip().lower()
    if value in {"yes", "y", "true", "1"}:
        return True
    if value in {"no", "n", "false", "0"}:
        return False
    raise ValueError(f"expected yes or no, not {text!r}")


def parse_due_day(text: str) -> int:
    """A day of the month from 1 to 28 (every month has it)."""
    try:
        day = int(text.strip())
    except ValueError:
        raise ValueError(f"due day must be a whole number, not {text!r}") from None
    if not 1 <= day <= 28:  # noqa: PLR2004
        raise ValueError("due day must be from 1 to 28 so that every month has it")
    return day


def parse_invoice_prefix(text: str) -> str:
    """Letters and digits, 1 to 10 of them (e.g. ``INV``)."""
    value = text.strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{1,10}", value):
        raise ValueError("invoice prefix must be 1 to 10 letters or digits")
    return value


def parse_vat_number(text: str) -> str | None:
    """A South African VAT number: ten digits starting with 4; blank clears it."""
    value = re.sub(r"\s", "", text)
    if not value:
        return None
    if not re.fullmatch(r"4\d{9}", value):
        raise ValueError("a South African VAT number has 10 digits and starts with 4")
    return value


def parse_money_style(text: str) -> str:
    """``SPACE_COMMA`` (R 1 234,56) or ``COMMA_DOT`` (R1,234.56)."""
    value = text.strip().upper()
    if value not in MoneyStyle.__members__:
        raise ValueError("money style is SPACE_COMMA (R 1 234,56) or COMMA_DOT (R1,234.56)")
    return value


def parse_confidence(text: str) -> int:
    """A learned suggestion's confidence, 0 to 100, from which a categorisation run applies it."""
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"confidence must be a whole number, not {text!r}") from None
    if not 0 <= value <= 100:  # noqa: PLR2004 - a percentage
        raise ValueError("confidence must be from 0 to 100")
    return value


def parse_smtp_host(text: str) -> str | None:
    """A server's name or address (``mail.example.co.za``); blank clears it."""
    value = text.strip()
    if not value:
        return None
    if len(value) > 200 or not re.fullmatch(r"[A-Za-z0-9.:\[\]-]+", value):  # noqa: PLR2004
        raise ValueError(f"{value!r} is not a server name, e.g. mail.example.co.za")
    return value


def parse_smtp_port(text: str) -> int | None:
    """A port from 1 to 65535; blank means the usual one for the security chosen."""
    value = text.strip()
    if not value:
        return None
    try:
        port = int(value)
    except ValueError:
        raise ValueError(f"port must be a whole number, not {text!r}") from None
    if not 1 <= port <= 65535:  # noqa: PLR2004 - the TCP port range
        raise ValueError("port must be from 1 to 65535")
    return port


def parse_smtp_security(text: str) -> str:
    """``none``, ``starttls`` or ``ssl``."""
    value = text.strip().lower()
    if value not in {s.value for s in SmtpSecurity}:
        raise ValueError("security is none, starttls or ssl")
    return value


def parse_email_address(text: str) -> str | None:
    """One e-mail address (``accounts@example.co.za``); blank clears it."""
    value = text.strip()
    if not value:
        return None
    if len(value) > 200 or not is_email_address(value):  # noqa: PLR2004 - the column's width
        raise ValueError(f"{value!r} is not an e-mail address")
    return value


def parse_reminder_minimum(text: str) -> int:
    """The least a household must owe to be reminded, in cents as the key says (5000 = R 50,00)."""
    try:
        cents = int(text.strip())
    except ValueError:
        raise ValueError(f"give whole cents, e.g. 5000 for R 50,00 (got {text!r})") from None
    if cents < 0:
        raise ValueError("the minimum for a reminder cannot be less than zero")
    return check_amount(cents, "the minimum for a reminder")


def parse_billing_day(text: str) -> int | None:
    """The day of the month on which ``jobs run`` makes the month's invoices; blank: never."""
    if not text.strip():
        return None
    try:
        return parse_due_day(text)
    except ValueError:
        raise ValueError("billing day must be from 1 to 28, or blank to bill by hand") from None


def _sibling_text(text: str) -> str:
    schedule = parse_sibling_discounts(text)
    return ",".join(format(p.normalize(), "f") for p in schedule)


SETTING_KEYS: dict[str, Callable[[str], Any]] = {
    "name": _required_text,
    "trading_name": _optional_text(200),
    "address": _optional_text(500),
    "phone": _optional_text(40),
    "email": _optional_text(200),
    "vat_number": parse_vat_number,
    "prices_include_vat": parse_yes_no,
    "invoice_prefix": parse_invoice_prefix,
    "due_day": parse_due_day,
    "sibling_discounts": _sibling_text,
    "money_style": parse_money_style,
    "bank_name": _optional_text(100),
    "bank_account_name": _optional_text(200),
    "bank_account_number": _optional_text(40),
    "bank_branch_code": _optional_text(20),
    "categorise_confidence": parse_confidence,
    "smtp_host": parse_smtp_host,
    "smtp_port": parse_smtp_port,
    "smtp_security": parse_smtp_security,
    "smtp_user": _optional_text(200),
    "smtp_from": parse_email_address,
    "reminder_min_cents": parse_reminder_minimum,
    "billing_day": parse_billing_day,
    "s3_bucket": parse_s3_bucket,
    "s3_region": parse_s3_region,
    "s3_prefix": parse_s3_prefix,
}
