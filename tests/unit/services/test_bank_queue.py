"""The matching queue by keyset (services.lists.bank_queue, db.repositories.bank_queue).

On both backends, against what ``match_review.list_lines`` (every credit line
with its newest decision, read in full) says: every group's lines, its count
and the count of every group; pages forward and backward in every order
concatenate to the full order; words filter in SQL; a line is found where it
stands. The decisions are written with the bulk ``add_decisions``.
"""

from __future__ import annotations

import datetime as dt

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import BankLineStatus, MatchOutcome
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.statement import Statement, StatementLine
from crechebooks_desktop.services.bank import accounts_and_imports as bank
from crechebooks_desktop.services.bank.review_queue import list_lines
from crechebooks_desktop.services.lists.bank_queue import (
    QueueGroup,
    QueueListRow,
    QueueSort,
    QueueSpec,
    find_row,
    group_of,
    open_queue,
    read_page,
    sampled_keys,
)

Creche = tuple[CrecheSettings, Actor]
LINES = 41
# (status, decisions oldest first): the newest decides the group.
STATES: tuple[tuple[BankLineStatus, tuple[MatchOutcome, ...]], ...] = (
    (BankLineStatus.REVIEW, (MatchOutcome.REVIEW_REQUIRED,)),
    (BankLineStatus.MATCHED, (MatchOutcome.AUTO_APPLIED,)),
    (BankLineStatus.UNMATCHED, (MatchOutcome.NO_MATCH,)),
    (BankLineStatus.UNMATCHED, ()),
    (BankLineStatus.MATCHED, (MatchOutcome.REVIEW_REQUIRED, MatchOutcome.ACCEPTED)),
    (BankLineStatus.MATCHED, (MatchOutcome.AUTO_APPLIED, MatchOutcome.UNDONE,
                              MatchOutcome.LINKED)),
    (BankLineStatus.PARKED, (MatchOutcome.PARKED,)),
    (BankLineStatus.REJECTED, (MatchOutcome.NO_MATCH, MatchOutcome.REJECTED)),
    (BankLineStatus.UNMATCHED, (MatchOutcome.NO_MATCH, MatchOutcome.UNDONE)),
    (BankLineStatus.REVIEW, (MatchOutcome.AUTO_APPLIED, MatchOutcome.UNDONE)),
)  # fmt: skip


def _queue(book: Book, creche: Creche) -> int:
    settings, actor = creche
    tenant = settings.tenant_id
    lines = tuple(
        StatementLine(
            n,
            dt.date(2026, 3, 1) + dt.timedelta(days=n % 9),
            (485_000, 200_000, 1_842, 485_000)[n % 4] * (-1 if n % 11 == 10 else 1),
            f"PAYMENT {('DLAMINI', 'NAIDOO', 'BOTHA', '50% OFF_')[n % 4]} {n}",
            f"REF{n:03d}" if n % 3 else None,
            ("Mrs N Dlamini", None, "", "Mr K Naidoo")[n % 4],
        )
        for n in range(1, LINES + 1)
    )
    with book.write(tenant) as uow:
        bank.add_account(uow, actor, "Cheque account", "fnb")
        bank.import_statement(
            uow, actor, "Cheque account", Statement("s.csv", "csv", "fnb", lines), "b" * 64
        )
    with book.write(tenant) as uow:
        for n, line in enumerate(uow.bank.lines(credits_only=True)):
            status, outcomes = STATES[n % len(STATES)]
            uow.bank.set_status([line.id], status)
            candidate = {"household_ref": f"H{n % 5}", "score": 30 + n % 60, "kind": "pay"}
            uow.matching.add_decisions(
                [
                    {"bank_line_id": line.id, "outcome": outcome, "candidates": [candidate]}
                    for outcome in outcomes
                ],
                actor.user_id,
            )
    return tenant


def _truth(book: Book, tenant: int) -> dict[int, tuple[QueueGroup, str | None]]:
    """Each credit line's group and best suggestion, by the full (unpaged) reading, by date."""
    with book.read(tenant) as uow:
        return {
            d.line.id: (
                group_of(d.line.status, d.decision),
                str(d.candidates[0]["household_ref"]) if d.candidates else None,
            )
            for d in list_lines(uow)
        }


def _walk(book: Book, tenant: int, spec: QueueSpec, size: int, *, backward: bool) -> list[int]:
    rows: list[QueueListRow] = []
    with book.read(tenant) as uow:
        while True:
            edge = (rows[0] if backward else rows[-1]) if rows else None
            anchor = edge.key(spec.sort) if edge else None
            page = read_page(uow, spec, anchor, backward=backward, offset=0, limit=size)
            if not page:
                return [row.line_id for row in rows]
            rows = [*page, *rows] if backward else [*rows, *page]


def test_groups_counts_and_rows_agree_with_the_full_reading(book: Book, creche: Creche) -> None:
    tenant = _queue(book, creche)
    truth = _truth(book, tenant)
    assert len(truth) == LINES - LINES // 11  # credits only
    with book.read(tenant) as uow:
        counts = uow.bank_queue.group_counts()
        everything = open_queue(uow, QueueSpec(), 100).first_page
    assert {row.line_id: (row.group, row.best_ref) for row in everything} == truth
    expected_counts: dict[QueueGroup, int] = {}
    for group, _best in truth.values():
        expected_counts[group] = expected_counts.get(group, 0) + 1
    assert dict(counts) == expected_counts
    assert set(expected_counts) == set(QueueGroup) - {QueueGroup.SPLIT, QueueGroup.CATEGORISED}
    with book.read(tenant) as uow:
        for group in QueueGroup:
            opened = open_queue(uow, QueueSpec(groups=frozenset({group})), 3)
            wanted = [i for i, (g, _b) in truth.items() if g is group]  # by date, as read
            assert opened.total == len(wanted), group
            assert [r.line_id for r in opened.first_page] == wanted[:3], group
        both = QueueSpec(groups=frozenset({QueueGroup.NEW, QueueGroup.NO_MATCH}))
        assert (
            open_queue(uow, both, 3).total == counts[QueueGroup.NEW] + counts[QueueGroup.NO_MATCH]
        )
        assert open_queue(uow, QueueSpec(groups=frozenset()), 3).total == 0


def test_every_order_pages_both_ways_and_finds_a_line(book: Book, creche: Creche) -> None:
    tenant = _queue(book, creche)
    for sort in QueueSort:
        for descending in (False, True):
            spec = QueueSpec(sort, descending)
            with book.read(tenant) as uow:
                rows = uow.bank_queue.page(spec, None, limit=1000)
                keys = [row.key(sort) for row in rows]
                assert sampled_keys(uow, spec, 4) == tuple(keys[3::4])
                for index in (0, 5, len(rows) - 1):
                    assert find_row(uow, spec, rows[index].line_id) == (index, rows[index])
            expected = [row.line_id for row in rows]
            assert _walk(book, tenant, spec, 4, backward=False) == expected
            assert _walk(book, tenant, spec, 5, backward=True) == expected
    with book.read(tenant) as uow:
        by_amount = uow.bank_queue.page(QueueSpec(QueueSort.AMOUNT, True), None, limit=1000)
        by_who = uow.bank_queue.page(QueueSpec(QueueSort.WHO), None, limit=1000)
    assert [(r.amount_cents, r.line_id) for r in by_amount] == sorted(
        ((r.amount_cents, r.line_id) for r in by_amount), reverse=True
    )
    # The payer where the bank kept it apart, else the description.
    assert {r.line_id: r.who for r in by_who} == {
        r.line_id: r.payer or r.description for r in by_who
    }
    assert any(r.payer is None for r in by_who)
    assert any(r.payer for r in by_who)


def test_words_filter_in_sql_taken_literally(book: Book, creche: Creche) -> None:
    tenant = _queue(book, creche)
    with book.read(tenant) as uow:
        dlamini = open_queue(uow, QueueSpec(text="dlamini"), 100).first_page
        naidoo = open_queue(uow, QueueSpec(text="naidoo k"), 100).first_page
        percent = open_queue(uow, QueueSpec(text="50%"), 100).first_page
        wildcard = open_queue(uow, QueueSpec(text="d_amini"), 100).total
        reference = open_queue(uow, QueueSpec(text="ref004"), 100).first_page
        review = QueueSpec(groups=frozenset({QueueGroup.REVIEW}), text="dlamini")
        hidden = find_row(
            uow, review, next(r.line_id for r in dlamini if r.group is not QueueGroup.REVIEW)
        )
    assert dlamini
    assert all("DLAMINI" in r.description for r in dlamini)
    assert naidoo
    assert all("NAIDOO" in r.description or "Naidoo" in (r.payer or "") for r in naidoo)
    assert percent
    assert all("50% OFF_" in r.description for r in percent)
    assert wildcard == 0
    assert [r.reference for r in reference] == ["REF004"]
    assert hidden is None
