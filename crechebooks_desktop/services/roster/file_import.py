"""Importing fee structures and the roster from rows read out of a file.

All or nothing: the rows are checked against the book first (fees exist, a
child stays in its household, an enrolment fits the child's history), and
only when the file and the book raise no problem at all is anything written,
in the caller's one transaction. Re-importing the same file changes nothing;
a changed value updates what it describes. Each created or updated fee
structure, household, child and enrolment is audited with before and after.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.problems import ImportProblem, ProblemsError
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.roster import (
    EnrolmentChange,
    EnrolmentTerms,
    FeeRow,
    HouseholdDetails,
    RosterConflict,
    RosterRow,
    StoredChild,
    StoredEnrolment,
    StoredFee,
    StoredHousehold,
    enrolment_problems,
    place_enrolment,
)
from crechebooks_desktop.services import audit

__all__ = ["ImportSummary", "RosterImportSummary", "import_fees", "import_roster"]


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """How many things an import created, updated and left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        """Everything the file described."""
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True, slots=True)
class RosterImportSummary:
    """What a roster import did.

    Attributes:
        households, children, enrolments: created / updated / unchanged.
        ended: earlier enrolments ended the day before a child's new one.
    """

    households: ImportSummary
    children: ImportSummary
    enrolments: ImportSummary
    ended: int = 0


@dataclass
class _Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, before: object, after: object) -> str | None:
        """Count a change; its audit verb, or None when nothing changes."""
        if before is None:
            self.created += 1
            return "create"
        if before == after:
            self.unchanged += 1
            return None
        self.updated += 1
        return "update"

    def summary(self) -> ImportSummary:
        return ImportSummary(self.created, self.updated, self.unchanged)


def _refuse(problems: Iterable[ImportProblem], file_name: str) -> None:
    found = list(problems)
    if found:
        raise ProblemsError(found, file_name)


# --------------------------------------------------------------------------- fees


def import_fees(
    uow: UnitOfWork,
    actor: Actor,
    rows: Sequence[FeeRow],
    file_name: str,
    known_problems: Sequence[ImportProblem] = (),
) -> ImportSummary:
    """Create or update fee structures by name (case-insensitive), all or nothing.

    Fee structures the file does not name are left as they are. A file's
    amounts are a fee's first version (from the start): changes from a later
    month (``services.fees.structures.change_fee``) are left as they are, so
    re-importing the setup file after a change changes nothing.

    Args:
        uow: the transaction.
        actor: who imports (needs to manage the roster).
        rows: the file's fees, checked on their own.
        file_name: the file's name, for problems.
        known_problems: problems already found reading the file; they are
            reported with the book's own.

    Returns:
        How many fees were created, updated and unchanged.

    Raises:
        PermissionDenied: the actor may not change the roster and fees.
        ProblemsError: any problem with the file or against the book (a fee
            whose type would change under existing enrolments); nothing is written.
    """
    audit.require(actor, Permission.MANAGE_ROSTER)
    stored = {fee.terms.name.casefold(): fee for fee in uow.roster.fees()}
    problems = list(known_problems)
    for row in rows:
        old = stored.get(row.terms.name.casefold())
        if old is not None and old.terms.fee_type != row.terms.fee_type:
            used = uow.roster.fee_enrolment_count(old.id)
            if used:
                problems.append(
                    ImportProblem(
                        file_name,
                        row.line,
                        "fee_type",
                        f"{old.terms.name!r} is {old.terms.fee_type} with {used} enrolment(s); "
                        "its type cannot change (import a new fee instead)",
                    )
                )
    _refuse(problems, file_name)
    tally = _Tally()
    for row in rows:
        _save_fee(uow, actor, tally, stored.get(row.terms.name.casefold()), row)
    return tally.summary()


def _save_fee(
    uow: UnitOfWork, actor: Actor, tally: _Tally, old: StoredFee | None, row: FeeRow
) -> None:
    verb = tally.count(old and old.terms, row.terms)
    if verb is None:
        return
    t = row.terms
    if old is None:
        fee_id = uow.roster.add_fee_structure(
            t.name,
            t.fee_type,
            t.amount_cents,
            t.registration_fee_cents,
            t.re_registration_fee_cents,
        )
        before = None
    else:
        fee_id = old.id
        uow.roster.update_fee_structure(fee_id, t)
        before = asdict(old.terms)
    audit.record(uow, actor, f"fee_structure.{verb}", "fee_structure", fee_id, before, asdict(t))


# --------------------------------------------------------------------------- roster


@dataclass(frozen=True, slots=True)
class _ChildStep:
    row: RosterRow
    stored: StoredChild | None
    terms: EnrolmentTerms
    change: EnrolmentChange


@dataclass
class _Book:
    """The creche's roster as it stands, indexed for checking a file's rows."""

    fees: dict[str, StoredFee]
    households: dict[str, StoredHousehold]
    children: dict[str, StoredChild]
    enrolments: dict[int, list[StoredEnrolment]]
    fee_names: dict[int, str]
    household_refs: dict[int, str]

    @classmethod
    def load(cls, uow: UnitOfWork) -> _Book:
        fees = uow.roster.fees()
        enrolments: dict[int, list[StoredEnrolment]] = defaultdict(list)
        for enrolment in uow.roster.enrolments():
            enrolments[enrolment.child_id].append(enrolment)
        households = uow.roster.households()
        return cls(
            fees={f.terms.name.casefold(): f for f in fees},
            households={h.details.account_ref.upper(): h for h in households},
            children={c.details.child_ref.upper(): c for c in uow.roster.children()},
            enrolments=enrolments,
            fee_names={f.id: f.terms.name for f in fees},
            household_refs={h.id: h.details.account_ref for h in households},
        )


class _RosterCheck:
    """Checks rows against the book, collecting problems and the steps to take."""

    def __init__(self, book: _Book, file_name: str) -> None:
        self.book = book
        self.file = file_name
        self.problems: list[ImportProblem] = []
        self.households: dict[str, HouseholdDetails] = {}
        self.steps: list[_ChildStep] = []

    def problem(self, row: RosterRow, field_name: str, message: str) -> None:
        self.problems.append(ImportProblem(self.file, row.line, field_name, message))

    def check(self, row: RosterRow) -> None:
        household_ref = row.household.account_ref
        self.households.setdefault(household_ref, row.household)  # the first row wins
        stored = self.book.children.get(row.child.child_ref)
        if stored is not None:
            owner = self.book.household_refs[stored.household_id]
            if owner.upper() != household_ref:
                self.problem(
                    row,
                    "child_ref",
                    f"child_ref {row.child.child_ref} belongs to household {owner}",
                )
        terms = self._terms(row)
        if terms is None:
            return
        try:
            change = place_enrolment(
                self.book.enrolments.get(stored.id, []) if stored else [], terms
            )
        except RosterConflict as conflict:
            self.problem(row, conflict.field, str(conflict))
            return
        self.steps.append(_ChildStep(row, stored, terms, change))

    def _terms(self, row: RosterRow) -> EnrolmentTerms | None:
        fee = self.book.fees.get(row.fee_name.casefold())
        if fee is None:
            self.problem(row, "fee_name", f"no fee called {row.fee_name!r} in this creche")
            return None
        found = enrolment_problems(fee.terms, row.custom_amount_cents, row.hours_per_month)
        for field_name, message in found:
            self.problem(row, field_name, message)
        if found:
            return None
        return EnrolmentTerms(
            fee.id,
            row.start_date,
            row.end_date,
            row.custom_amount_cents,
            row.hours_per_month,
            row.extras,
        )


def import_roster(
    uow: UnitOfWork,
    actor: Actor,
    rows: Sequence[RosterRow],
    file_name: str,
    known_problems: Sequence[ImportProblem] = (),
) -> RosterImportSummary:
    """Create or update households, children and enrolments by reference, all or nothing.

    Each row describes a child's current enrolment. The same start date as one
    of the child's enrolments updates it in place (fee, end date, custom amount,
    hours, and extras replaced); a later start date ends the child's running
    enrolment the day before and adds a new one.

    Args:
        uow: the transaction.
        actor: who imports (needs to manage the roster).
        rows: the file's rows, checked on their own.
        file_name: the file's name, for problems.
        known_problems: problems already found reading the file; they are
            reported with the book's own.

    Returns:
        What was created, updated, left unchanged and ended.

    Raises:
        PermissionDenied: the actor may not change the roster.
        ProblemsError: any problem with the file or against the book (unknown
            fee, a CUSTOM fee without an amount or an HOURLY one without hours,
            a child of another household, an enrolment that does not fit);
            nothing is written.
    """
    audit.require(actor, Permission.MANAGE_ROSTER)
    book = _Book.load(uow)
    check = _RosterCheck(book, file_name)
    for row in rows:
        check.check(row)
    _refuse([*known_problems, *check.problems], file_name)
    return _Writer(uow, actor, book).write(check.households, check.steps)


class _Writer:
    """Writes checked steps and audits every change."""

    def __init__(self, uow: UnitOfWork, actor: Actor, book: _Book) -> None:
        self.uow = uow
        self.actor = actor
        self.book = book
        self.household_ids: dict[str, int] = {}
        self.tallies = {kind: _Tally() for kind in ("household", "child", "enrolment")}
        self.ended = 0

    def write(
        self, households: dict[str, HouseholdDetails], steps: list[_ChildStep]
    ) -> RosterImportSummary:
        for ref, details in households.items():
            self._household(ref, details)
        for step in steps:
            child_id = self._child(step)
            self._enrolment(child_id, step)
        return RosterImportSummary(
            households=self.tallies["household"].summary(),
            children=self.tallies["child"].summary(),
            enrolments=self.tallies["enrolment"].summary(),
            ended=self.ended,
        )

    def _audit(self, verb: str, entity: str, entity_id: int, before: Any, after: Any) -> None:
        audit.record(self.uow, self.actor, f"{entity}.{verb}", entity, entity_id, before, after)

    def _household(self, ref: str, details: HouseholdDetails) -> None:
        stored = self.book.households.get(ref)
        if stored is not None:  # a roster file has no address: keep the one the book holds
            details = replace(details, address=stored.details.address)
        verb = self.tallies["household"].count(stored and stored.details, details)
        if stored is None:
            household_id = self.uow.roster.add_household(
                details.account_ref,
                details.parent_name,
                second_parent_name=details.second_parent_name,
                email=details.email,
                phone=details.phone,
            )
        else:
            household_id = stored.id
            if verb is not None:
                self.uow.roster.update_household(household_id, details)
        self.household_ids[ref] = household_id
        if verb is not None:
            before = None if stored is None else asdict(stored.details)
            self._audit(verb, "household", household_id, before, asdict(details))

    def _child(self, step: _ChildStep) -> int:
        ref = step.row.household.account_ref
        details, stored = step.row.child, step.stored
        verb = self.tallies["child"].count(stored and stored.details, details)
        if stored is None:
            child_id = self.uow.roster.add_child(
                self.household_ids[ref],
                details.child_ref,
                details.first_name,
                details.last_name,
                details.date_of_birth,
            )
        else:
            child_id = stored.id
            if verb is not None:
                self.uow.roster.update_child(child_id, details)
        if verb is not None:
            before = None if stored is None else {**asdict(stored.details), "household_ref": ref}
            self._audit(verb, "child", child_id, before, {**asdict(details), "household_ref": ref})
        return child_id

    def _enrolment(self, child_id: int, step: _ChildStep) -> None:
        child_ref = step.row.child.child_ref
        if (previous := step.change.ends) is not None:
            self._end_previous(child_ref, previous, step.terms.start_date)
        same = step.change.same
        verb = self.tallies["enrolment"].count(same and same.terms, step.terms)
        if verb is None:
            return
        if same is None:
            enrolment_id = self.uow.roster.enrol(child_id, step.terms)
        else:
            enrolment_id = same.id
            self.uow.roster.update_enrolment(enrolment_id, step.terms)
        before = None if same is None else self._described(child_ref, same.terms)
        after = self._described(child_ref, step.terms)
        self._audit(verb, "enrolment", enrolment_id, before, after)

    def _end_previous(self, child_ref: str, previous: StoredEnrolment, start: dt.date) -> None:
        end = start - dt.timedelta(days=1)
        self.uow.roster.end_enrolment(previous.id, end)
        self.ended += 1
        before = {"child_ref": child_ref, "end_date": previous.terms.end_date}
        self._audit("end", "enrolment", previous.id, before, {**before, "end_date": end})

    def _described(self, child_ref: str, terms: EnrolmentTerms) -> dict[str, Any]:
        return {
            "child_ref": child_ref,
            "fee": self.book.fee_names[terms.fee_structure_id],
            **asdict(terms),
        }
