"""A finished reconciliation locks its period: every service that could change it refuses.

On the October creche of ``tests.reconcile_fixtures``, reconciled and
finished through 31 October, each mutating service that can touch a bank line
or a payment linked to one is asked to change something dated in October. Each
refuses with ``PeriodLocked``, in one message naming the lock and how to lift
it, and the book is exactly as it was. After ``reconcile unlock`` the lock no
longer stands in the way.

The meta-test lists every public service taking ``(uow, actor, ...)`` and
fails for one that is in neither :data:`REFUSED` (shown here to refuse) nor
:data:`UNTOUCHED` (with the one-word reason it needs no lock of its own), so a
service added later cannot forget the lock.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import text

import crechebooks_desktop.services
from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.enums import PaymentMethod
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.errors import PeriodLocked, RuleViolation
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank import payment_matching as matching
from crechebooks_desktop.services.bank import review_queue
from crechebooks_desktop.services.ledger import payments
from crechebooks_desktop.services.reconciliation import categorise, links, reconcile
from tests.bank_fixtures import ACCOUNT
from tests.reconcile_fixtures import October, build_october, finish_october, statement

D = dt.date
Case = Callable[[UnitOfWork, Actor, October], object]


def _late_statement(name: str = "late.csv") -> Statement:
    return Statement(
        name,
        "csv",
        "generic",
        (
            StatementLine(2, D(2026, 10, 20), 1_000, "INTEREST"),
            StatementLine(3, D(2026, 11, 2), 2_000, "CASH DEPOSIT"),
        ),
    )


REFUSED: dict[str, Case] = {
    "accounts_and_imports.import_statement": lambda uow, actor, _o: bank.import_statement(
        uow, actor, ACCOUNT, _late_statement(), "9" * 64
    ),
    "accounts_and_imports.split_line": lambda uow, actor, o: bank.split_line(
        uow, actor, o.lines["eskom"], [-100_000, -25_000]
    ),
    "payment_matching.run_matching": lambda uow, actor, o: matching.run_matching(
        uow, actor, line_ids=[o.lines["dlamini"]]
    ),
    "payment_matching.accept": lambda uow, actor, o: matching.accept(
        uow, actor, o.lines["dlamini"], "DLAMINI01"
    ),
    "payment_matching.reject": lambda uow, actor, o: matching.reject(uow, actor, o.lines["naidoo"]),
    "payment_matching.park": lambda uow, actor, o: matching.park(
        uow, actor, o.lines["naidoo"], "why"
    ),
    "review_queue.undo": lambda uow, actor, o: review_queue.undo(uow, actor, o.lines["dlamini"]),
    "payments.reverse_payment": lambda uow, actor, o: payments.reverse_payment(
        uow, actor, o.paid["naidoo"], "bounced", D(2026, 11, 5)
    ),
    "payments.add_payment": lambda uow, actor, o: payments.add_payment(
        uow,
        actor,
        "BOTHA04",
        1_000,
        D(2026, 11, 5),
        PaymentMethod.EFT,
        bank_line_id=o.lines["fee"],
    ),
    "reconcile.start": lambda uow, actor, _o: reconcile.start(
        uow, actor, ACCOUNT, D(2026, 10, 31), 0
    ),
    "categorise.categorise_line": lambda uow, actor, o: categorise.categorise_line(
        uow, actor, o.lines["eskom"], account_code="6100"
    ),
    "categorise.clear": lambda uow, actor, o: categorise.clear(uow, actor, o.lines["fee"]),
    "links.link_payment": lambda uow, actor, o: links.link_payment(
        uow, actor, o.lines["dlamini"], o.hand_payment
    ),
    "links.link_refund": lambda uow, actor, o: links.link_refund(uow, actor, o.lines["fee"], 1),
}
"""Services that can change a bank line or a linked payment, each asked to change October."""

WHAT = {
    "accounts_and_imports.import_statement": "cannot import late.csv into Cheque: "
    "late.csv:2 (2026-10-20) fall in the locked period",
    "accounts_and_imports.split_line": "cannot split bank line {eskom}",
    "payment_matching.run_matching": "cannot run matching: bank line {dlamini} is dated 2026-10-03",
    "payment_matching.accept": "cannot accept bank line {dlamini}",
    "payment_matching.reject": "cannot reject bank line {naidoo}",
    "payment_matching.park": "cannot park bank line {naidoo}",
    "review_queue.undo": "cannot undo the decision on bank line {dlamini}",
    "payments.reverse_payment": "cannot reverse payment {naidoo_payment}: bank line {naidoo} "
    "is dated 2026-10-06",
    "payments.add_payment": "cannot record a payment for bank line {fee}",
    "reconcile.start": "cannot start a reconciliation of Cheque at 2026-10-31",
    "categorise.categorise_line": "cannot categorise bank line {eskom}",
    "categorise.clear": "cannot clear the categories of bank line {fee}",
    "links.link_payment": "cannot link bank line {dlamini}",
    "links.link_refund": "cannot link bank line {fee}",
}
"""How each refusal begins: what was refused, in the service's words."""

UNTOUCHED = {
    "archive_settings.record_credentials_stored": "settings",
    "archive_settings.s3_for_credentials": "reads",
    "documents.archive_status": "reads",
    "xero_connection.connection": "reads",
    "xero_connection.forget_connection": "settings",
    "xero_connection.mappings": "reads",
    "xero_connection.queue_since": "outbox",
    "xero_connection.record_connection": "settings",
    "xero_connection.record_sync": "outbox",
    "xero_connection.retry_failed": "outbox",
    "xero_connection.set_mapping": "settings",
    "xero_connection.status": "reads",
    "xero_work.pending_items": "reads",
    "xero_plan.plan": "reads",
    "adjustments.adjust_balance": "ledger",
    "audit.record": "audit",
    "audit.record_many": "audit",
    "household_balances.import_opening_balances": "ledger",
    "invoice_history.import_invoice_history": "ledger",
    "accounts_and_imports.add_account": "new-account",
    "accounts_and_imports.rename_account": "accounts",
    "accounts_and_imports.close_account": "accounts",
    "accounts_and_imports.reopen_account": "accounts",
    "csv_profiles.add_profile": "profiles",
    "csv_profiles.remove_profile": "profiles",
    "creches.change_setting": "settings",
    "creches.change_settings": "settings",
    "credits.apply_household_credit": "invoices",
    "credits.refund_credit": "unlinked",
    "bank_statement.add_demo_bank": "delegates",
    "lived_months.live_months": "delegates",
    "documents.invoice_for_print": "documents",
    "documents.archive_invoice_pdf": "documents",
    "invoice_lifecycle.send_invoices": "invoices",
    "invoice_lifecycle.send_month": "invoices",
    "invoice_lifecycle.void_invoice": "invoices",
    "invoice_lifecycle.mark_overdue": "invoices",
    "invoice_lifecycle.new_ad_hoc_invoice": "invoices",
    "invoice_notes.set_invoice_note": "notes",
    "invoice_attachments.attach_files": "attachments",
    "invoice_attachments.detach_file": "attachments",
    "invoice_attachments.list_attachments": "reads",
    "monthly_run.bill_child": "invoices",
    "monthly_run.draft_for_child": "reads",
    "offboarding.offboard": "ledger",
    "offboarding.preview_offboarding": "reads",
    "posting.post_entries": "ledger",
    "posting.post_entry": "ledger",
    "review_queue.forget_alias": "aliases",
    "review_queue.accept_all": "delegates",
    "opening_balance_posting.post_opening_balance": "ledger",
    "opening_balance_posting.charge_as_invoice": "ledger",
    "reconcile.finish": "locks",
    "reconcile.unlock": "unlocks",
    "charges_and_endings.add_charge": "roster",
    "charges_and_endings.end_enrolment": "roster",
    "file_import.import_fees": "roster",
    "file_import.import_roster": "roster",
    "households.add_household": "roster",
    "households.edit_household": "roster",
    "children.add_child": "roster",
    "children.edit_child": "roster",
    "enrolments.add_enrolment": "roster",
    "enrolments.edit_enrolment": "roster",
    "structures.add_fee": "roster",
    "structures.change_fee": "roster",
    "users.add_user": "users",
    "users.change_role": "users",
    "users.disable_user": "users",
    "users.enable_user": "users",
    "users.reset_password": "users",
    "users.issue_setup_code": "users",
    "users.change_own_password": "users",
    "users.member": "reads",
    "users.require_admin_wherever": "reads",
    "categorise.forget_learned": "memory",
    "documents.archive_statement_pdf": "documents",
    "documents.archive_statement_pdfs": "documents",
    "documents.creche_of": "reads",
    "documents.statement_for_print": "reads",
    "documents.archive_reconciliation_pdf": "documents",
    "documents.report_for_print": "reads",
    "outbox.list_messages": "reads",
    "gaps.find_gaps": "reads",
    "outbox.mark_failed": "outbox",
    "outbox.mark_sent": "outbox",
    "outbox.mark_uncertain": "outbox",
    "outbox.queue": "outbox",
    "outbox.record_printed": "outbox",
    "outbox.release": "outbox",
    "outbox.retry": "outbox",
    "reminders.archive_letter": "documents",
    "reminders.decide": "reads",
    "reminders.hold": "reminders",
    "reminders.record": "reminders",
    "reminders.release": "reminders",
    "reminders.set_levels": "reminders",
    "settings.record_password_stored": "settings",
    "settings.smtp_for_password": "reads",
    "chart.add_account": "chart",
    "chart.archive_account": "chart",
    "rules.add_rule": "rules",
    "rules.move_rule": "rules",
    "rules.remove_rule": "rules",
    "suggestions.run": "uncleared",
    "links.accept_candidate": "delegates",
    "links.record_and_link": "delegates",
    "payment_matching.accept_each": "delegates",
    "scoring.hold": "skips",
    "scoring.rescore": "skips",
    "scoring.rescore_lines_naming": "skips",
}
"""Services that need no lock of their own, each with why in one word.

``ledger``, ``invoices``, ``roster``, ``documents``, ``settings``, ``users``,
``audit``, ``aliases``, ``accounts``: they write no bank line and no link to one (a
bank account's name, or whether it is closed, belongs to no period; closing one
needs every line reconciled).
``unlinked``: a refund of credit is recorded unlinked (a refund link is the
link service's). ``delegates``: every bank line it changes goes through a
service in :data:`REFUSED`. ``new-account``: a new account has no lock.
``locks``/``unlocks``: finishing and unlocking are what move the lock.
``outbox``, ``reminders``: messages to households and reminders (with the levels and
holds behind them) write no bank line and no link to one. ``reads``: it only reads.
``chart``, ``rules``, ``memory``: accounts, rules and learned choices belong to no
period. ``profiles``: a saved CSV column mapping says how files are read; it
writes no line (an import read with it goes through ``import_statement``).
``uncleared``: a categorising run writes only lines not yet cleared, and a
period is finished (locked) only when every line in it is cleared; its writes go
through the same guarded status change besides. ``skips``: scoring lines again
leaves a line in a locked period as it was. ``notes``: an invoice's notes are the
office's own text, no money and no bank line.
"""

_SNAPSHOT = {
    "bank_lines": "SELECT id, status, amount_cents, split_parent_id FROM bank_lines",
    "bank_imports": "SELECT id FROM bank_imports",
    "payments": "SELECT id, bank_line_id, reversed_at IS NULL FROM payments",
    "allocations": "SELECT id, reversed_at IS NULL FROM allocations",
    "match_decisions": "SELECT id, outcome, undone_at IS NULL FROM match_decisions",
    "payer_aliases": "SELECT id, forgotten_at IS NULL FROM payer_aliases",
    "ledger_entries": "SELECT id FROM ledger_entries",
    "invoices": "SELECT id, status, balance_due_cents FROM invoices",
    "reconciliations": "SELECT id, status, statement_date FROM reconciliations",
    "audit_log": "SELECT id FROM audit_log",
    "line_categories": "SELECT id, bank_line_id, account_id, amount_cents FROM line_categories",
}


def snapshot(october: October) -> dict[str, list[tuple[Any, ...]]]:
    """Every row a refused change could have touched."""
    with october.creche.book.read() as uow:
        return {
            table: sorted(tuple(row) for row in uow._session.execute(text(sql)))
            for table, sql in _SNAPSHOT.items()
        }


@pytest.fixture
def locked(book: Any) -> October:
    october = build_october(book)
    finish_october(october)
    return october


def _expected(name: str, o: October) -> str:
    return WHAT[name].format(
        eskom=o.lines["eskom"],
        dlamini=o.lines["dlamini"],
        naidoo=o.lines["naidoo"],
        fee=o.lines["fee"],
        naidoo_payment=o.paid["naidoo"],
    )


def attempt(october: October, case: Case) -> object:
    creche = october.creche
    with creche.book.write(creche.tenant) as uow:
        return case(uow, creche.actor, october)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_locked_period_refuses_the_change_and_changes_nothing(locked: October, name: str) -> None:
    before = snapshot(locked)
    with pytest.raises(PeriodLocked) as refused:
        attempt(locked, REFUSED[name])
    message = str(refused.value)
    assert message.startswith(_expected(name, locked)), message
    assert message.endswith(
        "Cheque is reconciled and locked through 2026-10-31; an admin can unlock it with "
        "crechebooks reconcile unlock --account 'Cheque' --reason TEXT"
    ), message
    assert "\n" not in message
    assert snapshot(locked) == before


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_after_unlocking_the_lock_no_longer_refuses(locked: October, name: str) -> None:
    creche = locked.creche
    with creche.book.write(creche.tenant) as uow:
        reconcile.unlock(uow, creche.actor, ACCOUNT, "the ESKOM line was misread")
    try:
        attempt(locked, REFUSED[name])
    except PeriodLocked:  # pragma: no cover - the failure this test looks for
        pytest.fail(f"{name} is still refused after unlocking")
    except RuleViolation:
        pass  # refused for its own reason (e.g. a categorised line cannot be parked)


def test_unlocking_lets_the_same_changes_through(locked: October) -> None:
    creche = locked.creche
    with creche.book.write(creche.tenant) as uow:
        reconcile.unlock(uow, creche.actor, ACCOUNT, "the bank reversed a payment")
    imported = attempt(locked, REFUSED["accounts_and_imports.import_statement"])
    assert isinstance(imported, bank.ImportResult)
    assert len(imported.imported) == 2
    reversed_payment = attempt(locked, REFUSED["payments.reverse_payment"])
    assert isinstance(reversed_payment, payments.ReversedPayment)
    undone = attempt(locked, REFUSED["review_queue.undo"])
    assert isinstance(undone, matching.DecidedLine)


def test_importing_the_reconciled_statement_again_is_only_duplicates(locked: October) -> None:
    before = snapshot(locked)
    creche = locked.creche
    with creche.book.write(creche.tenant) as uow:
        again = bank.import_statement(uow, creche.actor, ACCOUNT, statement(creche), "0" * 64)
    assert (len(again.imported), again.duplicates) == (0, 5)
    assert snapshot(locked) == before


def test_a_refused_import_names_each_line_in_the_locked_period(locked: October) -> None:
    lines = tuple(StatementLine(n, D(2026, 10, n), 100 * n, f"LATE {n}") for n in range(2, 10))
    creche = locked.creche
    with creche.book.write(creche.tenant) as uow, pytest.raises(PeriodLocked) as refused:
        bank.import_statement(
            uow, creche.actor, ACCOUNT, Statement("more.csv", "csv", "generic", lines), "8" * 64
        )
    assert str(refused.value).startswith(
        "cannot import more.csv into Cheque: more.csv:2 (2026-10-02), more.csv:3 (2026-10-03), "
        "more.csv:4 (2026-10-04), more.csv:5 (2026-10-05), more.csv:6 (2026-10-06) and 3 more "
        "fall in the locked period: Cheque is reconciled and locked through 2026-10-31"
    )


def _services_taking_uow_and_actor() -> set[str]:
    found = set()
    package = crechebooks_desktop.services
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.startswith("_") or not inspect.isfunction(value):
                continue
            if value.__module__ != module.__name__:
                continue
            if list(inspect.signature(value).parameters)[:2] == ["uow", "actor"]:
                found.add(f"{info.name.rsplit('.', 1)[1]}.{name}")
    return found


def test_every_mutating_service_is_refused_in_a_lock_or_says_why_it_needs_none() -> None:
    services = _services_taking_uow_and_actor()
    assert not set(REFUSED) & set(UNTOUCHED)
    forgotten = services - set(REFUSED) - set(UNTOUCHED)
    assert not forgotten, (
        f"services {sorted(forgotten)} take (uow, actor, ...) but are in neither REFUSED (with "
        "a case showing a locked period refuses them) nor UNTOUCHED (with a one-word reason)"
    )
    assert set(REFUSED) | set(UNTOUCHED) <= services, "listed services that no longer exist"
    assert all(reason and " " not in reason for reason in UNTOUCHED.values())
