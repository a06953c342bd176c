"""Offboarding a child (services.offboarding): last day, final invoice, credit; SQLite and PG.

The creche is the one of ``test_payments`` (no VAT, no sibling discount):
ADAMS01 has ADAMS01-1 on R 4 850 and ADAMS01-2 on R 3 200 a month, October
and November billed and sent (R 16 100 owed). Each test checks the preview
against what the offboarding then did, to the cent, and the book's invariants.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import func, select

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.db.tables import Enrolment, Invoice
from crechebooks_desktop.domain.enums import EnrolmentStatus, EntryType, InvoiceStatus
from crechebooks_desktop.domain.roles import Role
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.roster.offboarding import (
    CreditAction,
    Offboarded,
    OffboardingPlan,
    Refund,
    leavers,
    offboard,
    preview_offboarding,
)
from tests.billing_fixtures import (
    FULL_DAY,
    Kid,
    add_family,
    add_fees,
    audit_actions,
    get,
    new_creche,
    run_month,
)
from tests.billing_fixtures import invoices as find
from tests.unit.services.test_credits import give_credit
from tests.unit.services.test_payments import ALL_FOUR, TERM, Family, build_family

W, G = EnrolmentStatus.WITHDRAWN, EnrolmentStatus.GRADUATED
S = InvoiceStatus
DEC, DEC_10 = dt.date(2026, 12, 1), dt.date(2026, 12, 10)
DEC_PRO_RATA = 103_226  # R 3 200 x 10 / 31 = 1 032.258... -> R 1 032.26


@pytest.fixture
def f(book: Book) -> Family:
    built = build_family(book)
    built.check()
    return built


def preview_and_offboard(f: Family, child: str, day: dt.date, **how: Any) -> Offboarded:
    """Preview, then offboard with the same choices; the two must agree."""
    status = how.pop("status", W)
    with f.book.read(f.tenant) as uow:
        plan = preview_offboarding(uow, f.actor, child, day, status, **how)
    done: Offboarded = f.write(lambda uow: offboard(uow, f.actor, child, day, status, **how))
    assert done.plan == plan
    assert (done.balance_cents, done.credit_cents) == (
        plan.balance_after_cents,
        plan.credit_after_cents,
    )
    balance, _outstanding, credit = f.position()
    assert (balance, credit) == (done.balance_cents, done.credit_cents)
    return done


def enrolment_of(f: Family, child: str) -> tuple[EnrolmentStatus, dt.date | None]:
    with f.book.read(f.tenant) as uow:
        found = uow.roster.child_by_ref(child)
        assert found is not None
        (enrolment,) = uow.roster.enrolments(found.id)
    return enrolment.status, enrolment.terms.end_date


def december_invoices(f: Family) -> dict[str, tuple[str, S, int]]:
    return {
        i.child_ref or "": (i.number, i.status, i.total_cents)
        for i in find(f.book, f.tenant, month=DEC)
    }


# --------------------------------------------------------------------------- final invoice


def test_the_final_invoice_is_pro_rata_to_the_last_day_and_credit_is_kept(f: Family) -> None:
    before = audit_actions(f.book)
    done = preview_and_offboard(f, "adams01-2", DEC_10, credit=CreditAction.KEEP)
    plan = done.plan
    assert plan.final is not None
    assert (plan.final.days, plan.final.days_in_month, plan.final.billed) == (10, 31, None)
    assert plan.final.lines == (
        ("Half Day — December 2026 (pro-rata, 10 of 31 days)", DEC_PRO_RATA),
    )
    assert (plan.balance_cents, plan.outstanding_cents, plan.credit_cents) == (
        ALL_FOUR,
        ALL_FOUR,
        0,
    )
    assert plan.balance_after_cents == ALL_FOUR + DEC_PRO_RATA
    assert enrolment_of(f, "ADAMS01-2") == (W, DEC_10)
    # Only the leaving child is billed, as a DRAFT that goes out with the month's invoices.
    assert december_invoices(f) == {"ADAMS01-2": (done.invoice, S.DRAFT, DEC_PRO_RATA)}
    assert f.entries()[-1] == (EntryType.CHARGE, DEC_PRO_RATA, ALL_FOUR + DEC_PRO_RATA)
    made = audit_actions(f.book) - before
    assert made == {
        "enrolment.end": 1,
        "invoice.create": 1,
        "ledger.post": 1,
        "enrolment.offboard": 1,
    }
    (record,) = f.audit("enrolment", done.enrolment_id)[-1:]
    assert record.action == "enrolment.offboard"
    assert record.after is not None
    assert record.after["final_invoice"] == done.invoice
    # December's run later bills the sibling and skips the child already billed.
    result = run_month(f.book, f.actor, DEC)
    assert len(result.created) == 2  # ADAMS01-1 and BOTHA02-1
    assert december_invoices(f)["ADAMS01-1"][2] == FULL_DAY
    assert december_invoices(f)["ADAMS01-2"] == (done.invoice, S.DRAFT, DEC_PRO_RATA)
    f.check()


def test_the_final_invoice_carries_the_sibling_discount_of_the_month(book: Book) -> None:
    settings, actor = new_creche(book, sibling_discounts="0,10,15")
    with book.write(settings.tenant_id) as uow:
        fees = add_fees(uow)
        add_family(
            uow,
            "NAIDOO01",
            Kid("NAIDOO01-1", fees.plain, TERM),
            Kid("NAIDOO01-2", fees.plain, TERM),
        )
    with book.write(settings.tenant_id) as uow:
        done = offboard(uow, actor, "NAIDOO01-2", DEC_10, G)
    # R 4 850 x 10/31 = R 1 564.52, ranked second after the full month of its
    # sibling: 10% off, R 156.45.
    assert done.plan.final is not None
    assert done.plan.final.lines == (
        ("Full Day Plain — December 2026 (pro-rata, 10 of 31 days)", 156_452),
        ("Sibling discount (10%)", -15_645),
    )
    assert done.plan.final.total_cents == 140_807
    assert done.invoice is not None
    assert get(book, settings.tenant_id, done.invoice).total_cents == 140_807


def test_without_a_final_invoice_only_the_enrolment_ends(f: Family) -> None:
    done = preview_and_offboard(f, "ADAMS01-2", DEC_10, final_invoice=False, status=G)
    assert (done.invoice, done.plan.final) == (None, None)
    assert done.plan.describe()[1] == "No final invoice."
    assert enrolment_of(f, "ADAMS01-2") == (G, DEC_10)
    assert december_invoices(f) == {}


def test_a_month_already_billed_credits_the_days_not_attended(f: Family) -> None:
    # November is billed in full (R 4 850, sent); the last day is the 20th.
    done = preview_and_offboard(f, "ADAMS01-1", dt.date(2026, 11, 20))
    final = done.plan.final
    assert final is not None
    # R 4 850 x 20/30 = R 3 233.33; the 10 days not attended: R 1 616.67.
    assert (final.billed, final.total_cents, final.days_credit_cents) == (f.nov_full, 0, 161_667)
    assert done.invoice is None
    assert done.adjustment_entry_id is not None
    assert f.entries()[-1] == (EntryType.ADJUSTMENT, -161_667, ALL_FOUR - 161_667)
    # Like any reduction, it goes to the oldest open invoice.
    assert f.state(f.oct_full) == (S.PARTIALLY_PAID, FULL_DAY - 161_667)
    assert f.state(f.nov_full) == (S.SENT, FULL_DAY)
    assert done.plan.describe()[1] == (
        f"November 2026 is already billed on {f.nov_full}: 10 of 30 days not attended "
        "are credited, R 1 616,67."
    )


def test_a_later_month_already_billed_is_refused(f: Family) -> None:
    refused(
        f,
        lambda uow: offboard(uow, f.actor, "ADAMS01-1", dt.date(2026, 10, 31), W),
        RuleViolation,
        f"ADAMS01-1 is already billed for November 2026 \\({f.nov_full}\\), after the last "
        "day 2026-10-31: void that invoice first",
    )


# --------------------------------------------------------------------------- credit


def test_applied_credit_pays_the_old_invoices_then_the_final_one(f: Family) -> None:
    give_credit(f, 2_000_000)
    done = preview_and_offboard(f, "ADAMS01-2", DEC_10, credit=CreditAction.APPLY)
    assert done.plan.credit_applied_cents == ALL_FOUR + DEC_PRO_RATA
    assert done.plan.credit_after_cents == 2_000_000 - ALL_FOUR - DEC_PRO_RATA == 286_774
    assert done.plan.balance_after_cents == -286_774
    assert all(f.state(n)[0] is S.PAID for n in (f.oct_full, f.oct_half, f.nov_half))
    assert done.invoice is not None
    assert f.state(done.invoice) == (S.PAID, 0)
    assert "Final invoice for December 2026: R 1 032,26 (sent now" in done.plan.describe()[1]


def test_too_little_credit_leaves_the_final_invoice_owing(f: Family) -> None:
    give_credit(f, ALL_FOUR + 3_000)
    done = preview_and_offboard(f, "ADAMS01-2", DEC_10, credit=CreditAction.APPLY)
    assert done.plan.credit_applied_cents == ALL_FOUR + 3_000
    assert done.invoice is not None
    assert f.state(done.invoice) == (S.PARTIALLY_PAID, DEC_PRO_RATA - 3_000)
    assert (done.credit_cents, done.balance_cents) == (0, DEC_PRO_RATA - 3_000)


def test_refund_pays_back_what_is_left_after_the_final_invoice(f: Family) -> None:
    give_credit(f, 2_000_000)
    refund = Refund(dt.date(2026, 12, 12), "Family moved to Durban")
    done = preview_and_offboard(f, "ADAMS01-2", DEC_10, credit=CreditAction.REFUND, refund=refund)
    assert (done.plan.refund_cents, done.credit_cents, done.balance_cents) == (286_774, 0, 0)
    assert done.refund_entry_id is not None
    assert f.entries()[-1] == (EntryType.REFUND, 286_774, 0)
    assert done.as_json()["refund_cents"] == 286_774
    assert done.plan.describe()[-2] == (
        "Credit: R 17 132,26 used on its invoices, R 2 867,74 refunded; R 0,00 left"
    )


def test_a_part_refund_leaves_the_rest_as_credit(f: Family) -> None:
    give_credit(f, 2_000_000)
    refund = Refund(dt.date(2026, 12, 12), "Part back", 86_774)
    done = preview_and_offboard(f, "ADAMS01-2", DEC_10, credit=CreditAction.REFUND, refund=refund)
    assert (done.plan.refund_cents, done.credit_cents) == (86_774, 200_000)


# --------------------------------------------------------------------------- refusals


def refused(f: Family, action: Any, error: type[Exception], match: str) -> None:
    """Refused in one line, for the preview as for the change, and nothing is written."""
    before = row_counts(f)
    with pytest.raises(error, match=match) as caught, f.book.write(f.tenant) as uow:
        action(uow)
    assert "\n" not in str(caught.value)
    assert row_counts(f) == before
    f.check()


def row_counts(f: Family) -> dict[str, object]:
    counted = f.counts()
    with f.book.read() as uow:
        session = uow._session
        counted["invoices"] = int(session.scalar(select(func.count()).select_from(Invoice)) or 0)
        counted["enrolments"] = sorted(
            (row.id, row.status, row.end_date) for row in session.scalars(select(Enrolment))
        )
    return counted


@pytest.mark.parametrize(
    ("child", "day", "how", "error", "match"),
    [
        ("NOBODY-1", DEC_10, {}, NotFoundError, "no child with reference 'NOBODY-1'"),
        ("ADAMS01-2", dt.date(2026, 1, 13), {}, RuleViolation, "before the enrolment's start"),
        ("ADAMS01-2", dt.date(1999, 1, 1), {}, RuleViolation, "last day"),
        (
            "ADAMS01-2",
            DEC_10,
            {"status": EnrolmentStatus.ACTIVE},
            RuleViolation,
            "WITHDRAWN or GRADUATED",
        ),
        (
            "ADAMS01-2",
            DEC_10,
            {"credit": CreditAction.REFUND},
            RuleViolation,
            "needs its date and a reason",
        ),
        (
            "ADAMS01-2",
            DEC_10,
            {"refund": Refund(DEC_10, "why")},
            RuleViolation,
            "refund of the credit only",
        ),
        (
            "ADAMS01-2",
            DEC_10,
            {"credit": CreditAction.REFUND, "refund": Refund(DEC_10, " ")},
            RuleViolation,
            "reason",
        ),
        (
            "ADAMS01-2",
            DEC_10,
            {"credit": CreditAction.REFUND, "refund": Refund(DEC_10, "gone")},
            RuleViolation,
            "nothing to refund: the household has no unused credit",
        ),
    ],
)
def test_bad_input_is_refused_by_preview_and_offboard(
    f: Family, child: str, day: dt.date, how: dict[str, Any], error: type[Exception], match: str
) -> None:
    how = dict(how)  # the parameters are shared by both backends' runs
    status = how.pop("status", W)
    refused(f, lambda uow: offboard(uow, f.actor, child, day, status, **how), error, match)
    refused(
        f, lambda uow: preview_offboarding(uow, f.actor, child, day, status, **how), error, match
    )


def test_a_refund_beyond_the_credit_left_is_refused(f: Family) -> None:
    give_credit(f, 2_000_000)
    for cents, match in (
        (
            300_000,
            "cannot refund R 3 000,00: only R 2 867,74 of the household's credit is left to refund",
        ),
        (0, "more than zero"),
    ):
        refund = Refund(DEC_10, "gone", cents)
        refused(
            f,
            lambda uow, r=refund: offboard(
                uow, f.actor, "ADAMS01-2", DEC_10, W, credit=CreditAction.REFUND, refund=r
            ),
            RuleViolation,
            match,
        )


def test_a_child_with_no_active_enrolment_is_refused(f: Family) -> None:
    f.write(lambda uow: offboard(uow, f.actor, "ADAMS01-2", DEC_10, W))
    refused(
        f,
        lambda uow: offboard(uow, f.actor, "ADAMS01-2", DEC_10, W),
        RuleViolation,
        "ADAMS01-2 has no active enrolment to end",
    )


@pytest.mark.parametrize("role", [Role.OWNER_VIEWER, Role.BOOKKEEPER])
def test_only_an_administrator_offboards(f: Family, role: Role) -> None:
    f.write(lambda uow: add_user(uow, f.actor, "olivia", role, None))
    with f.book.read(f.tenant) as uow:
        who = acting_user(uow, f.tenant, "olivia")
    refused(
        f,
        lambda uow: offboard(uow, who, "ADAMS01-2", DEC_10, W, final_invoice=False),
        PermissionDenied,
        f"olivia \\({role.value}\\) may not change the roster",
    )


def test_leavers_are_the_household_s_children_still_enrolled(f: Family) -> None:
    with f.book.read(f.tenant) as uow:
        assert [c.child_ref for c in leavers(uow, "adams01")] == ["ADAMS01-1", "ADAMS01-2"]
    f.write(lambda uow: offboard(uow, f.actor, "ADAMS01-2", DEC_10, W, final_invoice=False))
    with f.book.read(f.tenant) as uow:
        found = leavers(uow, "ADAMS01")
        assert [(c.child_ref, c.start_date) for c in found] == [("ADAMS01-1", TERM)]
        with pytest.raises(NotFoundError, match="no household 'NOPE'"):
            leavers(uow, "NOPE")


def test_the_plan_prints_for_the_command_line(f: Family) -> None:
    with f.book.read(f.tenant) as uow:
        plan: OffboardingPlan = preview_offboarding(uow, f.actor, "ADAMS01-2", DEC_10, W)
    assert plan.describe() == [
        (
            "ADAMS01-2 (Adams01-2 Adams01), household ADAMS01: enrolment from 2026-01-14 "
            "ends on 2026-12-10 (withdrawn)"
        ),
        "Final invoice for December 2026: R 1 032,26 (a draft, sent with the month's invoices)",
        "    Half Day — December 2026 (pro-rata, 10 of 31 days): R 1 032,26",
        "Owed now: R 16 100,00; unused credit now: R 0,00",
        "Credit: kept by the household (used on its invoices as they are sent); R 0,00 left",
        "Balance afterwards: R 17 132,26",
    ]
    assert plan.as_json()["final_invoice"] == {
        "month": "2026-12",
        "days": 10,
        "days_in_month": 31,
        "already_billed": None,
        "lines": [
            {
                "description": "Half Day — December 2026 (pro-rata, 10 of 31 days)",
                "amount_cents": DEC_PRO_RATA,
            }
        ],
        "total_cents": DEC_PRO_RATA,
        "days_credit_cents": 0,
    }


def test_credit_the_invoices_take_whole_is_not_refunded(f: Family) -> None:
    give_credit(f, 1_000)
    refused(
        f,
        lambda uow: preview_offboarding(
            uow,
            f.actor,
            "ADAMS01-2",
            DEC_10,
            W,
            credit=CreditAction.REFUND,
            refund=Refund(DEC_10, "gone"),
        ),
        RuleViolation,
        r"nothing to refund: all the household's credit \(R 10,00\) goes to its invoices",
    )
