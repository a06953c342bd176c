"""The bookkeeper's categorisation rules (services.reconciliation.rules), SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import AuditRecord, LineCategory
from crechebooks_desktop.domain.enums import VatType
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services.reconciliation import categorise, rules
from tests.categorise_fixtures import Shop, build_shop, refused


@pytest.fixture
def shop(book: Book) -> Shop:
    return build_shop(book)


def add(shop: Shop, name: str, **kwargs: object) -> rules.RuleView:
    with shop.book.write(shop.tenant) as uow:
        return rules.add_rule(uow, shop.actor, name, **kwargs)  # type: ignore[arg-type]


def listed(shop: Shop) -> list[tuple[str, int]]:
    with shop.book.read(shop.tenant) as uow:
        return [(r.name, r.position) for r in rules.list_rules(uow)]


def test_add_list_move_and_remove(shop: Shop) -> None:
    add(shop, "Eskom", contains="ESKOM", account_code="6200")
    add(shop, "Fees", starts="FNB", account_code="6500", vat=VatType.EXEMPT)
    first = add(
        shop,
        "Big out",
        regex=r"^debit\s+order",
        text_field="description",
        amount_min_cents=50_000,
        amount_max_cents=500_000,
        direction="out",
        bank_account_name="cheque",
        split=[("6300", Decimal("62.5")), ("6000", "37.5%")],
        position=1,
    )
    assert first.as_json() == {
        "id": first.id,
        "name": "Big out",
        "position": 1,
        "when": {
            "field": "description",
            "text": None,
            "starts": None,
            "regex": r"^debit\s+order",
            "amount_min_cents": 50_000,
            "amount_max_cents": 500_000,
            "direction": "out",
            "bank_account": "Cheque",
        },
        "account": None,
        "vat": None,
        "split": [
            {"account": {"code": "6300", "name": "Insurance"}, "basis_points": 6_250},
            {"account": {"code": "6000", "name": "Rent"}, "basis_points": 3_750},
        ],
    }
    assert listed(shop) == [("Big out", 1), ("Eskom", 2), ("Fees", 3)]
    with shop.book.write(shop.tenant) as uow:
        moved = rules.move_rule(uow, shop.actor, "fees", 1)
    assert (moved.position, moved.vat_type, moved.account) == (
        1,
        VatType.EXEMPT,
        ("6500", "Bank charges"),
    )
    assert listed(shop) == [("Fees", 1), ("Big out", 2), ("Eskom", 3)]
    with shop.book.write(shop.tenant) as uow:
        rules.move_rule(uow, shop.actor, "Fees", 3)
    assert listed(shop) == [("Big out", 1), ("Eskom", 2), ("Fees", 3)]
    with shop.book.write(shop.tenant) as uow:
        categorise.run(uow, shop.actor)
        removed = rules.remove_rule(uow, shop.actor, "BIG OUT")
    assert removed.name == "Big out"
    assert listed(shop) == [("Eskom", 1), ("Fees", 2)]
    with shop.book.read(shop.tenant) as uow:  # the lines it categorised keep their categories
        kept = uow._session.execute(
            select(LineCategory.reason, LineCategory.rule_id).where(
                LineCategory.bank_line_id == shop.ids["santam"]
            )
        ).all()
        actions = uow._session.scalars(
            select(AuditRecord.action).where(AuditRecord.action.like("rule.%"))
        ).all()
    assert kept == [("rule 'Big out'", None), ("rule 'Big out'", None)]
    assert sorted(actions) == ["rule.add"] * 3 + ["rule.move"] * 2 + ["rule.remove"]


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("R", {"account_code": "6200"}, "at least one condition"),
        ("R", {"contains": "  ", "account_code": "6200"}, "at least one condition"),
        (
            "R",
            {"regex": "(eskom", "account_code": "6200"},
            "'\\(eskom' does not compile: missing \\)",
        ),
        ("R", {"regex": "x" * 301, "account_code": "6200"}, "too long"),
        ("R", {"contains": "x" * 201, "account_code": "6200"}, "the text is too long"),
        ("R", {"contains": "a\tb", "account_code": "6200"}, "the text contains a tab"),
        (
            "R",
            {"contains": "X", "text_field": "memo", "account_code": "6200"},
            "unknown text field",
        ),
        ("R", {"contains": "X", "direction": "up", "account_code": "6200"}, "unknown direction"),
        (
            "R",
            {"amount_min_cents": 500, "amount_max_cents": 100, "account_code": "6200"},
            "the smallest amount \\(5.00\\) is more than the largest \\(1.00\\)",
        ),
        ("R", {"amount_min_cents": -5, "account_code": "6200"}, "an amount without sign"),
        ("R", {"contains": "X"}, "one action"),
        ("R", {"contains": "X", "account_code": "6200", "split": [("6100", 100)]}, "one action"),
        ("R", {"contains": "X", "split": [("6100", 60), ("6200", 30)]}, "add up to 90%, not 100%"),
        ("R", {"contains": "X", "split": [("6100", 50), ("6100", 50)]}, "each account once"),
        ("R", {"contains": "X", "split": [("6100", "1.234"), ("6200", 98)]}, "at most 2 decimals"),
        ("R", {"contains": "X", "split": [("6100", "half")]}, "'half' is not a percentage"),
        ("R", {"contains": "X", "split": [("6100", 0), ("6200", 100)]}, "above 0"),
        ("R", {"contains": "X", "account_code": "6200", "position": 3}, "from 1 to 2"),
        ("R", {"contains": "X", "account_code": "9999"}, "no account with code"),
        ("R", {"contains": "X", "bank_account_name": "Savings", "account_code": "6200"}, "no bank"),
        ("existing", {"contains": "X", "account_code": "6200"}, "a rule named 'existing' already"),
        (" ", {"contains": "X", "account_code": "6200"}, "a name of 1 to 100"),
    ],
)
def test_add_refuses(shop: Shop, name: str, kwargs: dict[str, object], message: str) -> None:
    add(shop, "Existing", contains="Y", account_code="6100")
    with pytest.raises((RuleViolation, NotFoundError), match=message):
        add(shop, name, **kwargs)
    assert listed(shop) == [("Existing", 1)]


def test_move_and_remove_refuse(shop: Shop) -> None:
    add(shop, "Only", contains="Y", account_code="6100")
    with refused(shop, RuleViolation, "from 1 to 1") as uow:
        rules.move_rule(uow, shop.actor, "Only", 2)
    with refused(shop, NotFoundError, "no rule named 'Other'") as uow:
        rules.remove_rule(uow, shop.actor, "Other")


def test_a_rule_from_a_line(shop: Shop) -> None:
    with shop.book.read(shop.tenant) as uow:
        draft = rules.rule_from_line(uow, shop.ids["eskom1"])
    assert (draft.name, draft.contains, draft.direction, draft.account) == (
        "Eskom Prepaid",
        "ESKOM PREPAID",
        "out",
        None,
    )
    assert draft.as_command() == (
        "crechebooks rules add 'Eskom Prepaid' --when-text 'ESKOM PREPAID' "
        "--when-direction out --account CODE"
    )
    with refused(shop, RuleViolation, "nothing says which account") as uow:
        draft.save(uow, shop.actor)
    with shop.book.write(shop.tenant) as uow:
        categorise.categorise_line(uow, shop.actor, shop.ids["eskom1"], account_code="6200")
    with shop.book.read(shop.tenant) as uow:
        from_choice = rules.rule_from_line(uow, shop.ids["eskom1"])
        from_learning = rules.rule_from_line(uow, shop.ids["eskom2"])
        # digits and marks are dropped from the key: the words the text holds as they are
        woolies = rules.rule_from_line(uow, shop.ids["woolies"])
        interest = rules.rule_from_line(uow, shop.ids["interest"])
    assert from_choice.account is not None
    assert from_choice.account.code == "6200"
    assert from_learning.as_json() == {
        "line_id": shop.ids["eskom2"],
        "name": "Eskom Prepaid",
        "when": {"text": "ESKOM PREPAID", "direction": "out"},
        "account": {"code": "6200", "name": "Utilities"},
        "command": "crechebooks rules add 'Eskom Prepaid' --when-text 'ESKOM PREPAID' "
        "--when-direction out --account 6200",
    }
    assert (woolies.contains, interest.direction) == ("POS PURCHASE WOOLWORTHS", "in")
    with shop.book.write(shop.tenant) as uow:
        saved = from_learning.save(uow, shop.actor, "Power")
    assert (saved.name, saved.contains, saved.direction, saved.account) == (
        "Power",
        "ESKOM PREPAID",
        "out",
        ("6200", "Utilities"),
    )
    with (
        pytest.raises(NotFoundError, match="no bank line 999999"),
        shop.book.read(shop.tenant) as uow,
    ):
        rules.rule_from_line(uow, 999_999)


def test_a_draft_of_a_line_without_words(book: Book) -> None:
    shop = build_shop(book)
    with shop.book.write(shop.tenant) as uow:
        line_id = uow.bank.add_lines(
            uow.bank.account_named("Cheque").id,  # type: ignore[union-attr]
            None,
            [_digits_only()],
        )[0]
    with shop.book.read(shop.tenant) as uow:
        draft = rules.rule_from_line(uow, line_id)
    assert (draft.name, draft.contains) == (f"Line {line_id}", None)
    assert "--when-text" not in draft.as_command()


def _digits_only():  # type: ignore[no-untyped-def]
    import datetime as dt

    from crechebooks_desktop.domain.bank import NewBankLine

    return NewBankLine(dt.date(2026, 3, 9), -100, "123 456", None, None, None, "k-digits")
