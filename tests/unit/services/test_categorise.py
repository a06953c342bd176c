"""Categorising bank lines (services.reconciliation.categorise), SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.tables import AuditRecord, CategoryMemory, LineCategory
from crechebooks_desktop.domain.enums import BankLineStatus, CategorySource, VatType
from crechebooks_desktop.errors import NotFoundError, PeriodLocked, RuleViolation
from crechebooks_desktop.services.admin.creches import change_setting
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank import payment_matching as matching
from crechebooks_desktop.services.bank import review_queue
from crechebooks_desktop.services.reconciliation import categorise, chart, rules
from crechebooks_desktop.services.tasks import Cancelled, TaskState
from tests.categorise_fixtures import Shop, build_shop, lock_through, refused

ESKOMS = ("eskom1", "eskom2", "eskom3", "eskom4", "eskom5")


@pytest.fixture
def shop(book) -> Shop:  # type: ignore[no-untyped-def]
    return build_shop(book)


def status(shop: Shop, name: str) -> BankLineStatus:
    with shop.book.read(shop.tenant) as uow:
        line = uow.bank.line(shop.ids[name])
    assert line is not None
    return line.status


def parts(shop: Shop, name: str) -> list[tuple[str, int, str, int, str, int]]:
    with shop.book.read(shop.tenant) as uow:
        found = categorise.categories_of(uow, [shop.ids[name]]).get(shop.ids[name], ())
    return [
        (
            p.account_code,
            p.amount_cents,
            p.vat_type.value,
            p.vat_cents,
            p.source.value,
            p.confidence,
        )
        for p in found
    ]


def count(shop: Shop, model: type, *where: object) -> int:
    with shop.book.read(shop.tenant) as uow:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int(uow._session.scalar(query) or 0)


def choose(
    shop: Shop, name: str, code: str = "6200", **kwargs: object
) -> categorise.CategorisedLine:
    with shop.book.write(shop.tenant) as uow:
        return categorise.categorise_line(
            uow,
            shop.actor,
            shop.ids[name],
            account_code=code,
            **kwargs,  # type: ignore[arg-type]
        )


# --------------------------------------------------------------------------- a person's choice


def test_categorise_a_line_to_an_account(shop: Shop) -> None:
    done = choose(shop, "eskom1")
    assert done.line.status is BankLineStatus.CATEGORISED
    assert done.as_json() == {
        "line_id": shop.ids["eskom1"],
        "date": "2026-03-01",
        "amount_cents": -115_000,
        "description": "POS PURCHASE 4312*ESKOM PREPAID 01",
        "status": "CATEGORISED",
        "parts": [
            {
                "part_no": 1,
                "account": {"code": "6200", "name": "Utilities"},
                "amount_cents": -115_000,
                "vat": "STANDARD",
                "vat_cents": -15_000,
                "source": "USER_OVERRIDE",
                "confidence": 100,
                "reason": "chosen by admin",
            }
        ],
    }
    assert status(shop, "eskom1") is BankLineStatus.CATEGORISED
    assert parts(shop, "eskom1") == [("6200", -115_000, "STANDARD", -15_000, "USER_OVERRIDE", 100)]
    assert count(shop, AuditRecord, AuditRecord.action == "bank_line.categorise") == 1
    with shop.book.read(shop.tenant) as uow:
        (learned,) = categorise.learned(uow)
    assert (learned.key, learned.account_code, learned.count) == ("ESKOM PREPAID", "6200", 1)
    assert learned.as_json()["account"] == {"code": "6200", "name": "Utilities"}


def test_a_new_choice_replaces_the_old_one(shop: Shop) -> None:
    choose(shop, "eskom1")
    again = choose(shop, "eskom1", "6100", vat=VatType.EXEMPT)
    assert [(p.account_code, p.vat_type, p.vat_cents) for p in again.parts] == [
        ("6100", VatType.EXEMPT, 0)
    ]
    assert count(shop, LineCategory) == 1
    assert count(shop, CategoryMemory) == 1  # the earlier choice taught nothing that stands
    with shop.book.read(shop.tenant) as uow:
        assert [v.account_code for v in categorise.learned(uow)] == ["6100"]


def test_split_a_line_across_accounts(shop: Shop) -> None:
    with shop.book.write(shop.tenant) as uow:
        done = categorise.categorise_line(
            uow, shop.actor, shop.ids["woolies"], parts=[("5100", 30_000), ("5110", 15_000)]
        )
    assert [(p.part_no, p.account_code, p.amount_cents, p.vat_cents) for p in done.parts] == [
        (1, "5100", -30_000, -3_913),
        (2, "5110", -15_000, -1_957),
    ]
    assert count(shop, CategoryMemory) == 0  # a split teaches nothing


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "either one account or the parts"),
        ({"account_code": "6200", "parts": [("6200", 1)]}, "either one account or the parts"),
        ({"parts": []}, "at least one part"),
        (
            {"parts": [("5100", 30_000), ("5110", 1)]},
            "add up to -R 300,01, not the line.s -R 450,00",
        ),
        ({"parts": [("5100", -46_000), ("5110", 1_000)]}, "each part must be less than zero"),
        ({"account_code": "9999"}, "no account with code '9999'"),
    ],
)
def test_categorise_refuses(shop: Shop, kwargs: dict[str, object], message: str) -> None:
    with refused(shop, (RuleViolation, NotFoundError), message) as uow:
        categorise.categorise_line(uow, shop.actor, shop.ids["woolies"], **kwargs)  # type: ignore[arg-type]
    assert status(shop, "woolies") is BankLineStatus.UNMATCHED


def test_an_archived_account_a_split_line_and_a_missing_line_are_refused(shop: Shop) -> None:
    with shop.book.write(shop.tenant) as uow:
        chart.archive_account(uow, shop.actor, "6400")
        split = bank.split_line(uow, shop.actor, shop.ids["santam"], [-90_000, -9_900])
    with pytest.raises(RuleViolation, match="6400 Transport costs is archived"):
        choose(shop, "fee", "6400")
    with pytest.raises(RuleViolation, match=r"was split; categorise its parts \(\d+, \d+\)"):
        choose(shop, "santam", "6300")
    with shop.book.write(shop.tenant) as uow:
        part = categorise.categorise_line(uow, shop.actor, split.parts[0].id, account_code="6300")
    assert part.parts[0].amount_cents == -90_000
    with (
        pytest.raises(NotFoundError, match="no bank line 999999"),
        shop.book.write(shop.tenant) as uow,
    ):
        categorise.categorise_line(uow, shop.actor, 999_999, account_code="6200")


def test_a_parents_payment_is_not_categorised(shop: Shop) -> None:
    with shop.book.write(shop.tenant) as uow:
        household = uow.roster.add_household("DLAMINI01", "Mrs Nomsa Dlamini")
        assert household
        matching.accept(uow, shop.actor, shop.ids["parent"], "DLAMINI01")
    with pytest.raises(RuleViolation, match="is a parent's payment \\(matched\\); undo the match"):
        choose(shop, "parent", "4000")


def test_clear_and_undo(shop: Shop) -> None:
    choose(shop, "eskom1")
    with shop.book.write(shop.tenant) as uow:
        cleared = categorise.clear(uow, shop.actor, shop.ids["eskom1"])
    assert (cleared.line.status, cleared.parts) == (BankLineStatus.UNMATCHED, ())
    assert count(shop, LineCategory) == count(shop, CategoryMemory) == 0
    with refused(shop, RuleViolation, "is UNMATCHED, not categorised") as uow:
        categorise.clear(uow, shop.actor, shop.ids["eskom1"])
    # money in: back to the matching queue when matching looked at it, else unmatched
    choose(shop, "interest", "4100")
    with shop.book.write(shop.tenant) as uow:
        undone = review_queue.undo(uow, shop.actor, shop.ids["interest"])
    assert undone.line.status is BankLineStatus.UNMATCHED
    with shop.book.write(shop.tenant) as uow:
        matching.reject(uow, shop.actor, shop.ids["parent"])
    choose(shop, "parent", "4100")
    with shop.book.write(shop.tenant) as uow:
        assert categorise.clear(uow, shop.actor, shop.ids["parent"]).line.status is (
            BankLineStatus.REVIEW
        )
    assert count(shop, AuditRecord, AuditRecord.action == "bank_line.uncategorise") == 3


def test_a_locked_period_refuses_a_categorisation(shop: Shop) -> None:
    choose(shop, "eskom1")
    lock_through(shop, dt.date(2026, 3, 5))
    with pytest.raises(PeriodLocked, match=r"cannot categorise bank line .* Cheque is reconciled"):
        choose(shop, "eskom2", "6500")
    with refused(shop, PeriodLocked, "cannot clear the categories") as uow:
        categorise.clear(uow, shop.actor, shop.ids["eskom1"])
    assert choose(shop, "fee", "6500").parts  # dated 2026-03-06, after the lock


# --------------------------------------------------------------------------- runs


def test_a_run_applies_rules_then_learned_choices(shop: Shop) -> None:
    for name in ESKOMS[:4]:
        choose(shop, name)
    with shop.book.write(shop.tenant) as uow:
        categorise.clear(uow, shop.actor, shop.ids["eskom4"])  # 3 remembered choices remain
        rules.add_rule(uow, shop.actor, "Bank fees", starts="fnb service", account_code="6500")
        rules.add_rule(
            uow,
            shop.actor,
            "Insurance",
            contains="santam",
            direction="out",
            split=[("6300", 60), ("6000", 40)],
        )
    with shop.book.write(shop.tenant) as uow:
        result = categorise.run(uow, shop.actor)
    # eskom4 and eskom5: 3 of 3 earlier -> 75, below the default 80: for review, not written
    assert (result.considered, result.by_rule, result.by_learning, result.locked, result.left) == (
        5,
        2,
        0,
        0,
        1,
    )
    review = {s.line_id: s for s in result.for_review}
    assert set(review) == {shop.ids["eskom4"], shop.ids["eskom5"]}
    five = review[shop.ids["eskom5"]]
    assert five.as_json() == {
        "line_id": shop.ids["eskom5"],
        "account": {"code": "6200", "name": "Utilities"},
        "vat": "STANDARD",
        "source": "SUGGESTED",
        "confidence": 75,
        "reason": "3 earlier lines from 'ESKOM PREPAID' went to 6200 Utilities",
        "rule": None,
        "parts": [
            {
                "part_no": 1,
                "account": {"code": "6200", "name": "Utilities"},
                "amount_cents": -10_000,
                "vat": "STANDARD",
                "vat_cents": -1_304,
                "source": "SUGGESTED",
                "confidence": 75,
                "reason": "3 earlier lines from 'ESKOM PREPAID' went to 6200 Utilities",
            }
        ],
    }
    assert parts(shop, "fee") == [("6500", -6_500, "STANDARD", -848, "RULE_BASED", 100)]
    assert parts(shop, "santam") == [
        ("6300", -59_940, "STANDARD", -7_818, "RULE_BASED", 100),
        ("6000", -39_960, "STANDARD", -5_212, "RULE_BASED", 100),
    ]
    assert status(shop, "eskom5") is BankLineStatus.UNMATCHED
    assert status(shop, "parent") is BankLineStatus.UNMATCHED  # still waiting for matching
    assert parts(shop, "eskom1")[0][4] == "USER_OVERRIDE"  # never overwritten
    with shop.book.read(shop.tenant) as uow:
        runs = uow._session.scalars(
            select(AuditRecord.after).where(AuditRecord.action == "categorise.run")
        ).all()
    assert runs == [
        {
            "considered": 5,
            "by_rule": 2,
            "by_learning": 0,
            "locked": 0,
            "left": 1,
            "for_review": 2,
            "confidence": 80,
        }
    ]
    # the creche trusts learning more: the same suggestions are applied
    with shop.book.write(shop.tenant) as uow:
        change_setting(uow, shop.actor, "categorise-confidence", "75")
    with shop.book.write(shop.tenant) as uow:
        again = categorise.run(uow, shop.actor)
    assert (again.considered, again.by_rule, again.by_learning, again.for_review) == (3, 0, 2, ())
    assert parts(shop, "eskom5") == [("6200", -10_000, "STANDARD", -1_304, "SUGGESTED", 75)]


def test_a_run_takes_rejected_credits_and_skips_locked_lines(shop: Shop) -> None:
    with shop.book.write(shop.tenant) as uow:
        matching.reject(uow, shop.actor, shop.ids["interest"])
        rules.add_rule(uow, shop.actor, "Interest", contains="interest", account_code="4100")
        rules.add_rule(uow, shop.actor, "Everything out", direction="out", account_code="6100")
    lock_through(shop, dt.date(2026, 3, 6))
    with shop.book.write(shop.tenant) as uow:
        result = categorise.run(uow, shop.actor)
    assert (result.considered, result.by_rule, result.locked, result.left) == (3, 3, 6, 0)
    assert parts(shop, "interest") == [("4100", 1_234, "EXEMPT", 0, "RULE_BASED", 100)]
    assert status(shop, "eskom1") is BankLineStatus.UNMATCHED


def test_a_cancelled_run_writes_nothing(shop: Shop) -> None:
    with shop.book.write(shop.tenant) as uow:
        rules.add_rule(uow, shop.actor, "Everything out", direction="out", account_code="6100")
    seen: list[tuple[int, int, str]] = []
    state = TaskState(lambda done, total, text: seen.append((done, total, text)))
    state.cancel()
    with pytest.raises(Cancelled), shop.book.write(shop.tenant) as uow:
        categorise.run(uow, shop.actor, state)
    assert count(shop, LineCategory) == 0
    assert seen == [(0, 1, "Reading lines")]
    state = TaskState(lambda done, total, text: seen.append((done, total, text)))
    with shop.book.write(shop.tenant) as uow:
        assert categorise.run(uow, shop.actor, state).by_rule == 8
    assert seen[-1] == (8, 8, "Saved")


def test_suggest_explains_without_writing(shop: Shop) -> None:
    choose(shop, "eskom1")
    with shop.book.write(shop.tenant) as uow:
        rules.add_rule(uow, shop.actor, "Fees", contains="service fee", account_code="6500")
    with shop.book.read(shop.tenant) as uow:
        found = categorise.suggest(uow, [shop.ids[n] for n in ("eskom2", "fee", "woolies")])
    assert set(found) == {shop.ids["eskom2"], shop.ids["fee"]}
    fee = found[shop.ids["fee"]]
    assert (fee.source, fee.confidence, fee.reason, fee.rule_name) == (
        CategorySource.RULE_BASED,
        100,
        "rule 'Fees'",
        "Fees",
    )
    assert (fee.account_code, fee.account_name) == ("6500", "Bank charges")
    eskom = found[shop.ids["eskom2"]]
    assert (eskom.confidence, eskom.reason) == (
        50,
        "1 earlier line from 'ESKOM PREPAID' went to 6200 Utilities",
    )
    assert count(shop, LineCategory) == 1


def test_learned_choices_disagree_and_can_be_forgotten(shop: Shop) -> None:
    for name, code in (("eskom1", "6200"), ("eskom2", "6200"), ("eskom3", "6100")):
        choose(shop, name, code)
    with shop.book.read(shop.tenant) as uow:
        found = categorise.suggest(uow, [shop.ids["eskom5"]])[shop.ids["eskom5"]]
        assert [(v.account_code, v.count) for v in categorise.learned(uow)] == [
            ("6200", 2),
            ("6100", 1),
        ]
    assert (found.account_code, found.confidence, found.reason) == (
        "6200",
        50,
        "2 of 3 earlier lines from 'ESKOM PREPAID' went to 6200 Utilities",
    )
    with shop.book.write(shop.tenant) as uow:
        assert categorise.forget_learned(uow, shop.actor, "eskom prepaid 123") == 3
    with shop.book.read(shop.tenant) as uow:
        assert categorise.learned(uow) == []
        assert categorise.suggest(uow, [shop.ids["eskom5"]]) == {}
    with refused(shop, NotFoundError, "nothing is learned for 'ESKOM PREPAID'") as uow:
        categorise.forget_learned(uow, shop.actor, "ESKOM PREPAID")
    with refused(shop, NotFoundError, "nothing is learned for '123'") as uow:
        categorise.forget_learned(uow, shop.actor, "123")


def test_the_latest_vat_type_is_learned(shop: Shop) -> None:
    choose(shop, "eskom1")
    choose(shop, "eskom2", vat=VatType.EXEMPT)
    with shop.book.read(shop.tenant) as uow:
        (view,) = categorise.learned(uow)
        found = categorise.suggest(uow, [shop.ids["eskom3"]])[shop.ids["eskom3"]]
    assert (view.count, view.vat_type) == (2, VatType.EXEMPT)
    assert (found.parts[0].vat_type, found.parts[0].vat_cents) == (VatType.EXEMPT, 0)
    with shop.book.write(shop.tenant) as uow:
        uow.categories.write({}, None)  # nothing to write is no error
