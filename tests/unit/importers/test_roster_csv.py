"""Importing the roster from a CSV file (importers.roster_csv), on both backends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.enums import EnrolmentStatus, LineType
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.domain.roster import (
    ChildDetails,
    HouseholdDetails,
    RecurringExtra,
    StoredEnrolment,
)
from crechebooks_desktop.importers.fees_csv import import_fees_file
from crechebooks_desktop.importers.roster_csv import import_roster_file, read_roster
from crechebooks_desktop.importers.tabular import ProblemsError
from crechebooks_desktop.services.roster.file_import import ImportSummary, RosterImportSummary
from tests.roster_support import (
    ROSTER_HEADER,
    SAMPLE_FEES,
    SAMPLE_ROSTER,
    audit_since,
    last_audit_id,
    load_samples,
    snapshot,
    write_csv,
)

Creche = tuple[CrecheSettings, Actor]
D = dt.date
OPTIONAL = "second_parent_name,custom_amount,hours_per_month,extras"
FULL_HEADER = f"{ROSTER_HEADER},{OPTIONAL}"
DEFAULTS = {
    "household_ref": "ZULU11",
    "parent_name": "Mrs Busisiwe Zulu",
    "parent_email": "busi.zulu@gmail.com",
    "parent_phone": "082 555 1111",
    "child_ref": "ZULU11-1",
    "child_first_name": "Musa",
    "child_last_name": "Zulu",
    "child_dob": "2022-05-05",
    "fee_name": "Full Day (07:00-17:30)",
    "start_date": "2026-02-02",
    "end_date": "",
    "second_parent_name": "",
    "custom_amount": "",
    "hours_per_month": "",
    "extras": "",
}


def line(**values: str) -> str:
    """One row of a full-header roster file: the defaults with some values changed."""
    row = {**DEFAULTS, **values}
    return ",".join(
        f'"{row[name]}"' if "," in row[name] else row[name] for name in FULL_HEADER.split(",")
    )


def _import(book: Book, actor: Actor, path: Path) -> RosterImportSummary:
    with book.write(actor.tenant_id) as uow:
        return import_roster_file(uow, actor, path, path.name)


@pytest.fixture
def with_fees(book: Book, creche: Creche) -> Actor:
    """The creche with the sample fees; its admin."""
    _settings, actor = creche
    with book.write(actor.tenant_id) as uow:
        import_fees_file(uow, actor, SAMPLE_FEES)
    return actor


def _child_state(book: Book, actor: Actor, ref: str) -> tuple[ChildDetails, list[StoredEnrolment]]:
    with book.read(actor.tenant_id) as uow:
        child = uow.roster.child_by_ref(ref)
        assert child is not None
        return child.details, uow.roster.enrolments(child.id)


def test_sample_roster(book: Book, creche: Creche) -> None:
    _settings, actor = creche
    parsed = read_roster(SAMPLE_ROSTER, "roster.csv")
    assert (len(parsed.rows), parsed.problems) == (15, ())
    with book.write(actor.tenant_id) as uow:
        import_fees_file(uow, actor, SAMPLE_FEES)
        summary = import_roster_file(uow, actor, SAMPLE_ROSTER, "roster.csv")
    assert summary == RosterImportSummary(
        households=ImportSummary(created=10),
        children=ImportSummary(created=15),
        enrolments=ImportSummary(created=15),
    )
    with book.read(actor.tenant_id) as uow:
        households = {h.account_ref: h for h in uow.roster.household_summaries()}
        fees = {fee.id: fee.terms.name for fee in uow.roster.fees()}
    assert households["MOKOENA06"].children == ("Kamo", "Lethabo", "Reabetswe")
    assert households["PILLAY05"].second_parent_name == "Mrs Reshma Pillay"
    assert households["KHUMALO10"].email is None
    _child, (hourly,) = _child_state(book, actor, "NKOSI04-1")
    assert (fees[hourly.terms.fee_structure_id], hourly.terms.hours_per_month) == (
        "Aftercare (hourly)",
        Decimal(40),
    )
    _child, (custom,) = _child_state(book, actor, "PILLAY05-1")
    assert custom.terms.custom_amount_cents == 410_000
    _child, (aarav,) = _child_state(book, actor, "naidoo02-1")
    assert aarav.terms.extras == (
        RecurringExtra(LineType.MEALS, 40_000, "Hot lunches"),
        RecurringExtra(LineType.EXTRA_MURAL, 18_000, "Music"),
    )
    zoe, (_leaving,) = _child_state(book, actor, "NGCOBO08-1")
    assert zoe == ChildDetails("NGCOBO08-1", "Zoë", "Ngcobo-Dlamini", D(2022, 12, 12))
    _child, (ruben,) = _child_state(book, actor, "BOTHA07-1")
    assert (ruben.terms.end_date, ruben.status) == (D(2026, 11, 30), EnrolmentStatus.ACTIVE)


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", True), ("cp1252", False)], ids=["utf8-bom", "windows-1252"]
)
def test_encodings(book: Book, with_fees: Actor, tmp_path: Path, encoding: str, bom: bool) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        [
            ("\ufeff" if bom else "") + FULL_HEADER,
            line(
                parent_name="Mrs Nomvula Ngcobo-Dlamini",
                child_first_name="Zoë",
                child_last_name="Müller",
                second_parent_name="Mr André Müller",
            ),
        ],
        encoding=encoding,
    )
    if bom:
        assert path.read_bytes().startswith(b"\xef\xbb\xbfhousehold_ref")
    else:
        assert "Zoë,Müller".encode("cp1252") in path.read_bytes()
    _import(book, with_fees, path)
    child, _ = _child_state(book, with_fees, "ZULU11-1")
    assert child.name == "Zoë Müller"
    with book.read(with_fees.tenant_id) as uow:
        (household,) = uow.roster.households()
    assert household.details == HouseholdDetails(
        "ZULU11",
        "Mrs Nomvula Ngcobo-Dlamini",
        "Mr André Müller",
        "busi.zulu@gmail.com",
        "082 555 1111",
    )


BAD_FILES = {
    "unknown column": (
        [f"{FULL_HEADER},allergies", line() + ",peanuts"],
        [
            (
                "roster.csv:1: allergies: unknown column (expected: household_ref, parent_name, "
                "parent_email, parent_phone, child_ref, child_first_name, child_last_name, "
                "child_dob, fee_name, start_date, end_date, second_parent_name, custom_amount, "
                "hours_per_month, extras)"
            )
        ],
    ),
    "missing required column": (
        [
            ROSTER_HEADER.replace(",child_dob", ""),
            line().replace(",2022-05-05", "").rsplit(",", 4)[0],
        ],
        ["roster.csv:1: child_dob: required column is missing"],
    ),
    "missing required values": (
        [
            FULL_HEADER,
            line(parent_name=""),
            line(child_ref="ZULU11-2", start_date=""),
            line(child_ref="", child_first_name=""),
        ],
        [
            "roster.csv:2: parent_name: a value is required",
            "roster.csv:3: start_date: a value is required",
            "roster.csv:4: child_ref: a value is required",
            "roster.csv:4: child_first_name: a value is required",
        ],
    ),
    "bad dates": (
        [
            FULL_HEADER,
            line(child_dob="05/05/2022"),
            line(child_ref="ZULU11-2", start_date="2026-02-30"),
            line(child_ref="ZULU11-3", end_date="2026-01-31"),
            line(child_ref="ZULU11-4", child_dob="2026-03-01"),
        ],
        [
            "roster.csv:2: child_dob: not a date in the form YYYY-MM-DD: '05/05/2022'",
            "roster.csv:3: start_date: 2026-02-30 is not a day (February 2026 has 28 days)",
            "roster.csv:4: end_date: 2026-01-31 is before the start date 2026-02-02",
            "roster.csv:5: child_dob: 2026-03-01 is after the start date 2026-02-02",
        ],
    ),
    "bad amounts": (
        [
            FULL_HEADER,
            line(fee_name="Custom arrangement", custom_amount="4,100"),
            line(child_ref="ZULU11-2", fee_name="Custom arrangement", custom_amount="-4100"),
            line(child_ref="ZULU11-3", extras="EXTRA_MURAL:abc:Swimming;MEALS:400.00"),
        ],
        [
            (
                "roster.csv:2: custom_amount: ambiguous amount '4,100': for thousands write "
                "'4100' or '4,100.00'; cents take 1 or 2 decimals"
            ),
            "roster.csv:3: custom_amount: must be zero or more, not '-4100'",
            "roster.csv:4: extras: item 1: not an amount: 'abc'",
        ],
    ),
    "unknown fee": (
        [FULL_HEADER, line(), line(child_ref="ZULU11-2", fee_name="Full Day")],
        ["roster.csv:3: fee_name: no fee called 'Full Day' in this creche"],
    ),
    "duplicate child_ref": (
        [FULL_HEADER, line(), line(child_first_name="Musa Jr"), line(child_ref="zulu11-1 ")],
        [
            "roster.csv:3: child_ref: duplicate child_ref ZULU11-1 (first on line 2)",
            "roster.csv:4: child_ref: duplicate child_ref ZULU11-1 (first on line 2)",
        ],
    ),
    "custom and hourly requirements": (
        [
            FULL_HEADER,
            line(fee_name="Custom arrangement"),
            line(child_ref="ZULU11-2", fee_name="Aftercare (hourly)"),
            line(child_ref="ZULU11-3", custom_amount="4100", hours_per_month="10.125"),
        ],
        [
            "roster.csv:2: custom_amount: required for the CUSTOM fee 'Custom arrangement'",
            "roster.csv:3: hours_per_month: required for the HOURLY fee 'Aftercare (hourly)'",
            "roster.csv:4: hours_per_month: too many decimals in '10.125' (at most 2)",
        ],
    ),
    "bad extras": (
        [FULL_HEADER, line(extras="SWIMMING:250.00;MONTHLY_FEE:100;MEALS")],
        [
            (
                "roster.csv:2: extras: item 1: unknown line type 'SWIMMING'; use one of "
                "EXTRA_MURAL, BOOKS, SCHOOL_TRIP, STATIONERY, UNIFORM, MEALS, TRANSPORT, "
                "LATE_PICKUP, DAMAGED_EQUIPMENT"
            ),
            (
                "roster.csv:2: extras: item 2: MONTHLY_FEE cannot be a recurring extra; use one of "
                "EXTRA_MURAL, BOOKS, SCHOOL_TRIP, STATIONERY, UNIFORM, MEALS, TRANSPORT, "
                "LATE_PICKUP, DAMAGED_EQUIPMENT"
            ),
            "roster.csv:2: extras: item 3: 'MEALS' is not LINE_TYPE:amount[:description]",
        ],
    ),
    "bad references and contact details": (
        [FULL_HEADER, line(household_ref="ZULU 11", parent_email="busi.zulu")],
        [
            (
                "roster.csv:2: household_ref: 'ZULU 11' is not a reference: up to 30 letters, "
                "digits and - _ . / (no spaces)"
            ),
            "roster.csv:2: parent_email: not an email address: 'busi.zulu'",
        ],
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_bad_file_is_refused_whole_with_every_problem(
    book: Book, creche: Creche, tmp_path: Path, case: str
) -> None:
    _settings, actor = creche
    load_samples(book, actor)
    lines, expected = BAD_FILES[case]
    path = write_csv(tmp_path / "roster.csv", lines)
    before = snapshot(book)
    with pytest.raises(ProblemsError) as refused:
        _import(book, actor, path)
    assert [str(p) for p in refused.value.problems] == expected
    assert str(refused.value).splitlines()[1:] == expected
    assert snapshot(book) == before


def test_reimport_unchanged_then_updated_details(
    book: Book, creche: Creche, tmp_path: Path
) -> None:
    _settings, actor = creche
    load_samples(book, actor)
    before = snapshot(book)
    again = _import(book, actor, SAMPLE_ROSTER)
    assert again == RosterImportSummary(
        households=ImportSummary(unchanged=10),
        children=ImportSummary(unchanged=15),
        enrolments=ImportSummary(unchanged=15),
    )
    assert snapshot(book) == before

    text = SAMPLE_ROSTER.read_text(encoding="utf-8")
    text = text.replace("082 555 0101,Mr Sipho Dlamini", "082 555 9999,Mr Sipho Dlamini")
    text = text.replace("VDMERWE03-1,Liam,van der Merwe", "VDMERWE03-1,Liam-John,van der Merwe")
    mark = last_audit_id(book)
    summary = _import(book, actor, write_csv(tmp_path / "roster.csv", text.splitlines()))
    assert summary.households == ImportSummary(updated=1, unchanged=9)
    assert summary.children == ImportSummary(updated=1, unchanged=14)
    assert summary.enrolments == ImportSummary(unchanged=15)
    (household, child) = audit_since(book, mark)
    assert household[0] == "household.update"
    assert (household[2]["phone"], household[3]["phone"]) == ("082 555 0101", "082 555 9999")
    assert child[0] == "child.update"
    assert (child[2]["first_name"], child[3]["first_name"]) == ("Liam", "Liam-John")
    assert child[3]["household_ref"] == "VDMERWE03"


def test_household_rows_that_disagree_are_refused_naming_both_lines(
    book: Book, with_fees: Actor, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        [
            FULL_HEADER,
            line(parent_phone=""),
            line(child_ref="ZULU11-2", parent_name="Busi Zulu"),
            line(child_ref="ZULU11-3", second_parent_name="Mr Zulu"),
            line(child_ref="ZULU11-4", parent_phone="000", second_parent_name="Mr S Zulu"),
            line(child_ref="ZULU11-5", parent_email="someone@else.example"),
        ],
    )
    parsed = read_roster(path, "roster.csv")
    assert [str(p) for p in parsed.problems] == [
        "roster.csv:3: parent_name: ZULU11 is 'Mrs Busisiwe Zulu' on line 2 but 'Busi Zulu' here",
        "roster.csv:5: second_parent_name: ZULU11 is 'Mr Zulu' on line 4 but 'Mr S Zulu' here",
        "roster.csv:5: parent_phone: ZULU11 is '082 555 1111' on line 3 but '000' here",
        (
            "roster.csv:6: parent_email: ZULU11 is 'busi.zulu@gmail.com' on line 2 "
            "but 'someone@else.example' here"
        ),
    ]
    before = snapshot(book)
    with pytest.raises(ProblemsError, match="4 problems"):
        _import(book, with_fees, path)
    assert snapshot(book) == before


def test_household_rows_agree_when_they_differ_only_in_spacing_or_email_case(
    tmp_path: Path,
) -> None:
    path = write_csv(
        tmp_path / "roster.csv",
        [
            FULL_HEADER,
            line(),
            line(
                child_ref="ZULU11-2",
                parent_name=" Mrs  Busisiwe Zulu",
                parent_phone="082 555  1111",
            ),
            line(child_ref="ZULU11-3", parent_email="Busi.Zulu@GMAIL.com"),
        ],
    )
    parsed = read_roster(path, "roster.csv")
    assert parsed.problems == ()
    assert {row.household for row in parsed.rows} == {
        HouseholdDetails("ZULU11", "Mrs Busisiwe Zulu", None, "busi.zulu@gmail.com", "082 555 1111")
    }


def test_a_household_takes_values_its_other_rows_leave_blank(
    book: Book, with_fees: Actor, tmp_path: Path
) -> None:
    """A blank contact is no disagreement, and a later row's value is not lost."""
    path = write_csv(
        tmp_path / "roster.csv",
        [
            FULL_HEADER,
            line(parent_email="", parent_phone=""),
            line(child_ref="ZULU11-2", parent_phone=""),
            line(child_ref="ZULU11-3", parent_email="", second_parent_name="Mr Sipho Zulu"),
        ],
    )
    summary = _import(book, with_fees, path)
    assert (summary.households, summary.children) == (
        ImportSummary(created=1),
        ImportSummary(created=3),
    )
    with book.read(with_fees.tenant_id) as uow:
        (household,) = uow.roster.households()
    assert household.details == HouseholdDetails(
        "ZULU11", "Mrs Busisiwe Zulu", "Mr Sipho Zulu", "busi.zulu@gmail.com", "082 555 1111"
    )


def test_same_start_updates_in_place_and_replaces_extras(
    book: Book, with_fees: Actor, tmp_path: Path
) -> None:
    first = write_csv(tmp_path / "a.csv", [FULL_HEADER, line(extras="EXTRA_MURAL:250:Swimming")])
    _import(book, with_fees, first)
    _child, (original,) = _child_state(book, with_fees, "ZULU11-1")
    changed = write_csv(
        tmp_path / "b.csv",
        [
            FULL_HEADER,
            line(
                fee_name="Half Day (07:00-13:00)",
                end_date="2026-11-30",
                extras="MEALS:400.00:Hot lunches;BOOKS:120",
            ),
        ],
    )
    mark = last_audit_id(book)
    summary = _import(book, with_fees, changed)
    assert (summary.enrolments, summary.ended) == (ImportSummary(updated=1), 0)
    _child, (updated,) = _child_state(book, with_fees, "ZULU11-1")
    assert updated.id == original.id
    assert updated.terms.end_date == D(2026, 11, 30)
    assert updated.terms.extras == (
        RecurringExtra(LineType.MEALS, 40_000, "Hot lunches"),
        RecurringExtra(LineType.BOOKS, 12_000, None),
    )
    ((action, entity_id, old, new),) = audit_since(book, mark)
    assert (action, entity_id) == ("enrolment.update", str(original.id))
    assert old["fee"] == "Full Day (07:00-17:30)"
    assert old["extras"] == [
        {"line_type": "EXTRA_MURAL", "amount_cents": 25_000, "description": "Swimming"}
    ]
    assert (new["fee"], new["end_date"], len(new["extras"])) == (
        "Half Day (07:00-13:00)",
        "2026-11-30",
        2,
    )


def test_a_new_start_date_ends_the_running_enrolment_the_day_before(
    book: Book, with_fees: Actor, tmp_path: Path
) -> None:
    _import(book, with_fees, write_csv(tmp_path / "a.csv", [FULL_HEADER, line()]))
    moved = write_csv(
        tmp_path / "b.csv",
        [FULL_HEADER, line(fee_name="Half Day (07:00-13:00)", start_date="2026-07-01")],
    )
    mark = last_audit_id(book)
    summary = _import(book, with_fees, moved)
    assert (summary.enrolments, summary.ended) == (ImportSummary(created=1), 1)
    _child, (old, new) = _child_state(book, with_fees, "ZULU11-1")
    assert (old.terms.start_date, old.terms.end_date) == (D(2026, 2, 2), D(2026, 6, 30))
    assert (new.terms.start_date, new.terms.end_date) == (D(2026, 7, 1), None)
    assert [
        (r[0], r[2] and r[2].get("end_date"), r[3].get("end_date")) for r in audit_since(book, mark)
    ] == [
        ("enrolment.end", None, "2026-06-30"),
        ("enrolment.create", None, None),
    ]
    with book.read(with_fees.tenant_id) as uow:
        child_id = old.child_id
        assert uow.roster.has_enrolment_before(child_id, D(2026, 7, 1))
        assert not uow.roster.has_enrolment_before(child_id, D(2026, 2, 2))

    # The earlier start again is history now: refused, nothing changes.
    before = snapshot(book)
    with pytest.raises(ProblemsError) as refused:
        _import(
            book,
            with_fees,
            write_csv(tmp_path / "c.csv", [FULL_HEADER, line(start_date="2026-03-01")]),
        )
    assert [str(p) for p in refused.value.problems] == [
        (
            "c.csv:2: start_date: the child's latest enrolment starts on 2026-07-01; "
            "a new one must start after it (or on the same day, to change it)"
        )
    ]
    assert snapshot(book) == before
