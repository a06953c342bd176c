"""``crechebooks fees|roster|charges|households|children|enrolments`` end to end."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import NewCreche
from crechebooks_desktop.services.admin.creches import init_creche
from crechebooks_desktop.settings import Settings
from tests.roster_support import ROSTER_HEADER, SAMPLE_FEES, SAMPLE_ROSTER, snapshot, write_csv

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]


@contextmanager
def opened(url: str, tmp_path: Path) -> Iterator[Book]:
    book, _ = Book.open(Settings(url, tmp_path / "in-process-files"))
    try:
        yield book
    finally:
        book.close()


def ok(result: Any) -> str:
    assert result.code == 0, result
    assert result.stderr == "", result
    return str(result.stdout)


def refused(result: Any, code: int = 1) -> list[str]:
    """A clean refusal: the exit status, nothing on stdout, no traceback; stderr's lines."""
    assert result.code == code, result
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert result.stderr.endswith("\n")
    return list(result.stderr.splitlines())


@pytest.fixture
def db(book_url: str, tmp_path: Path) -> tuple[str, str]:
    """``--db URL`` of a book holding one creche, and the sample files beside the cwd."""
    with opened(book_url, tmp_path) as book, book.write() as uow:
        init_creche(uow, NewCreche(name="Acorns", admin_password="demo"))
    shutil.copy(SAMPLE_FEES, tmp_path / "fees.csv")
    shutil.copy(SAMPLE_ROSTER, tmp_path / "roster.csv")
    return ("--db", book_url)


def test_import_the_samples_then_again(cli: Cli, db: tuple[str, str]) -> None:
    assert ok(cli(*db, "fees", "import", "fees.csv")) == (
        "imported fees.csv: 5 fees (5 new, 0 updated, 0 unchanged)\n"
    )
    listed = json.loads(ok(cli(*db, "fees", "list", "--json")))
    first = {
        "effective_from": None,
        "amount_cents": 6_500,
        "registration_fee_cents": 35_000,
        "re_registration_fee_cents": None,
    }
    assert listed["fees"][0] == {
        "name": "Aftercare (hourly)",
        "fee_type": "HOURLY",
        **first,
        "scheduled": None,
        "versions": [first],
    }
    table = ok(cli(*db, "fees", "list")).splitlines()
    assert table[0].split() == [
        "name", "type", "amount", "registration", "re-reg", "since", "next", "change"
    ]  # fmt: skip
    assert table[3].split() == [
        "Custom", "arrangement", "CUSTOM", "-", "750.00", "500.00", "the", "start"
    ]  # fmt: skip

    imported = json.loads(ok(cli(*db, "roster", "import", "roster.csv", "--json")))
    assert imported == {
        "file": "roster.csv",
        "households": {"created": 10, "updated": 0, "unchanged": 0},
        "children": {"created": 15, "updated": 0, "unchanged": 0},
        "enrolments": {"created": 15, "updated": 0, "unchanged": 0},
        "enrolments_ended": 0,
    }
    assert ok(cli(*db, "roster", "import", "roster.csv")) == (
        "imported roster.csv: 10 households (0 new, 0 updated, 10 unchanged), "
        "15 children (0 new, 0 updated, 15 unchanged), "
        "15 enrolments (0 new, 0 updated, 15 unchanged)\n"
    )
    assert (
        ok(cli(*db, "fees", "import", "fees.csv", "--json"))
        == json.dumps(
            {"file": "fees.csv", "fees": {"created": 0, "updated": 0, "unchanged": 5}}, indent=2
        )
        + "\n"
    )


def test_a_bad_roster_is_refused_with_every_problem(
    cli: Cli, db: tuple[str, str], book_url: str, tmp_path: Path
) -> None:
    ok(cli(*db, "fees", "import", "fees.csv"))
    ok(cli(*db, "roster", "import", "roster.csv"))
    write_csv(
        tmp_path / "bad roster.csv",
        [
            f"{ROSTER_HEADER},allergies",
            (
                "ZULU11,Mrs Busi Zulu,,,ZULU11-1,Musa,Zulu,2022-13-01,Full Day (07:00-17:30),"
                "2026-02-02,,"
            ),
            "ZULU11,Mrs Busi Zulu,,,ZULU11-2,Zoë,Zulu,2023-01-01,Full Day,2026-02-02,,",
            (
                "ZULU11,Mrs Busi Zulu,,,zulu11-1,Musa,Zulu,2022-01-01,Half Day (07:00-13:00),"
                "2026-02-02,2026-01-01,"
            ),
        ],
        encoding="cp1252",
    )
    with opened(book_url, tmp_path) as book:
        before = snapshot(book)
    lines = refused(cli(*db, "roster", "import", "bad roster.csv"))
    assert lines == [
        "crechebooks: error: bad roster.csv was not imported (5 problems); nothing was changed",
        (
            "bad roster.csv:1: allergies: unknown column (expected: household_ref, parent_name, "
            "parent_email, parent_phone, child_ref, child_first_name, child_last_name, child_dob, "
            "fee_name, start_date, end_date, second_parent_name, custom_amount, hours_per_month, "
            "extras)"
        ),
        (
            "bad roster.csv:2: child_dob: 2022-13-01 is not a day "
            "(there is no month 13; a year has 12)"
        ),
        "bad roster.csv:3: fee_name: no fee called 'Full Day' in this creche",
        "bad roster.csv:4: end_date: 2026-01-01 is before the start date 2026-02-02",
        "bad roster.csv:4: child_ref: duplicate child_ref ZULU11-1 (first on line 2)",
    ]
    with opened(book_url, tmp_path) as book:
        assert snapshot(book) == before

    missing = refused(cli(*db, "fees", "import", "nope.csv"))
    assert missing == ["crechebooks: error: cannot read nope.csv: No such file or directory"]


def test_charges_and_enrolments(cli: Cli, db: tuple[str, str]) -> None:
    ok(cli(*db, "fees", "import", "fees.csv"))
    ok(cli(*db, "roster", "import", "roster.csv"))
    charge = ("charges", "add", "--child", "dlamini01-1", "--date", "2026-11-20")
    first = ok(cli(*db, *charge, "--type", "LATE_PICKUP", "--amount", "150.00"))
    assert first == "1\n"
    shown = json.loads(
        ok(
            cli(
                *db,
                *charge,
                "--type",
                "ad_hoc",
                "--amount",
                "R1 250,50",
                "--description",
                "Outing to the zoo",
                "--vat",
                "EXEMPT",
                "--json",
            )
        )
    )
    assert shown == {
        "charge_id": 2,
        "child_ref": "DLAMINI01-1",
        "line_type": "AD_HOC",
        "amount_cents": 125_050,
        "charge_date": "2026-11-20",
        "vat_treatment": "EXEMPT",
    }
    assert refused(
        cli(*db, *charge, "--type", "UNIFORM", "--amount", "150", "--vat", "exempt")
    ) == [
        (
            "crechebooks: error: only an AD_HOC charge can be marked standard or exempt; "
            "UNIFORM charges are taxed as their line type says"
        )
    ]
    assert refused(cli(*db, *charge, "--type", "UNIFORM", "--amount", "1.5051")) == [
        "crechebooks: error: --amount: too many decimals in '1.5051' (at most 2)"
    ]
    (wrong_type,) = refused(cli(*db, *charge, "--type", "DISCOUNT", "--amount", "10"))
    assert wrong_type.startswith(
        "crechebooks: error: --type: DISCOUNT cannot be an ad-hoc charge; use one of EXTRA_MURAL"
    )
    (bad_date,) = refused(
        cli(
            *db,
            "charges",
            "add",
            "--child",
            "X",
            "--type",
            "UNIFORM",
            "--amount",
            "1",
            "--date",
            "20/11/2026",
        ),
        code=2,
    )
    assert bad_date.endswith("argument --date: not a date in the form YYYY-MM-DD: '20/11/2026'")

    end = ("enrolments", "end", "--child", "BOTHA07-1", "--status", "withdrawn")
    assert ok(cli(*db, *end, "--date", "2026-10-31")) == (
        "BOTHA07-1: enrolment from 2026-01-14 ended on 2026-10-31 (WITHDRAWN)\n"
    )
    assert refused(cli(*db, *end, "--date", "2026-11-30")) == [
        "crechebooks: error: BOTHA07-1 has no active enrolment to end"
    ]
    ended = json.loads(
        ok(
            cli(
                *db,
                "enrolments",
                "end",
                "--child",
                "ADAMS09-1",
                "--date",
                "2026-12-15",
                "--status",
                "GRADUATED",
                "--json",
            )
        )
    )
    assert ended["status"] == "GRADUATED"
    assert ended["end_date"] == "2026-12-15"


# ---------------------------------------------------------------- adding and editing one at a time


def test_add_and_edit_a_household_and_its_child(cli: Cli, db: tuple[str, str]) -> None:
    added = ok(
        cli(
            *db,
            "households",
            "add",
            "--ref",
            "moyo11",
            "--parent",
            "Mrs Rudo Moyo",
            "--email",
            "rudo@moyo.test",
            "--address",
            "12 Oak Street",
        )
    )
    assert added == "MOYO11: Mrs Rudo Moyo\n"
    edited = json.loads(
        ok(
            cli(
                *db,
                "households",
                "edit",
                "moyo11",
                "--ref",
                "MOYO12",
                "--email",
                "",
                "--second-parent",
                "Mr Tendai Moyo",
                "--json",
            )
        )
    )
    assert {k: v for k, v in edited.items() if k != "household_id"} == {
        "account_ref": "MOYO12",
        "parent_name": "Mrs Rudo Moyo",
        "second_parent_name": "Mr Tendai Moyo",
        "email": None,
        "phone": None,
        "address": "12 Oak Street",
    }
    assert (
        ok(
            cli(
                *db,
                "children",
                "add",
                "--household",
                "MOYO12",
                "--first-name",
                "Tari",
                "--last-name",
                "Moyo",
                "--dob",
                "2023-01-05",
            )
        )
        == "MOYO12-1: Tari Moyo\n"
    )
    child = json.loads(
        ok(
            cli(
                *db, "children", "edit", "moyo12-1", "--first-name", "Tariro", "--dob", "", "--json"
            )
        )
    )
    assert (child["child_ref"], child["first_name"], child["date_of_birth"]) == (
        "MOYO12-1",
        "Tariro",
        None,
    )


def test_enrol_then_change_the_terms(cli: Cli, db: tuple[str, str]) -> None:
    ok(cli(*db, "fees", "import", "fees.csv"))
    ok(cli(*db, "roster", "import", "roster.csv"))
    added = json.loads(
        ok(
            cli(
                *db,
                "enrolments",
                "add",
                "--child",
                "ADAMS09-1",
                "--fee",
                "custom arrangement",
                "--start",
                "2026-12-01",
                "--custom-amount",
                "3000",
                "--extras",
                "MEALS:400.00:Hot lunches",
                "--json",
            )
        )
    )
    assert added["fee"] == "Custom arrangement"
    assert added["custom_amount_cents"] == 300_000
    assert added["extras"] == [
        {"line_type": "MEALS", "amount_cents": 40_000, "description": "Hot lunches"}
    ]
    assert added["ended_previous"] is not None
    changed = ok(
        cli(
            *db,
            "enrolments",
            "edit",
            "--child",
            "adams09-1",
            "--fee",
            "Full Day (07:00-17:30)",
            "--custom-amount",
            "",
            "--end",
            "2027-06-30",
            "--extras",
            "",
        )
    )
    assert changed == (
        f"ADAMS09-1: enrolment {added['enrolment_id']} on Full Day (07:00-17:30) "
        "from 2026-12-01 to 2027-06-30\n"
    )


def test_refusals_are_one_line_and_change_nothing(
    cli: Cli, db: tuple[str, str], book_url: str, tmp_path: Path
) -> None:
    ok(cli(*db, "fees", "import", "fees.csv"))
    ok(cli(*db, "roster", "import", "roster.csv"))
    with opened(book_url, tmp_path) as book:
        before = snapshot(book)
    taken = (
        "crechebooks: error: account_ref: NAIDOO02 is already another household's reference; "
        "nothing was changed"
    )
    assert refused(cli(*db, "households", "add", "--ref", "naidoo02", "--parent", "X")) == [taken]
    bad_terms = (
        "crechebooks: error: fee_name: no fee called 'Weekends' in this creche; end_date: "
        "2026-11-30 is before the start date 2026-12-01; nothing was changed"
    )
    assert refused(
        cli(
            *db,
            "enrolments",
            "add",
            "--child",
            "BOTHA07-1",
            "--fee",
            "Weekends",
            "--start",
            "2026-12-01",
            "--end",
            "2026-11-30",
        )
    ) == [bad_terms]
    assert refused(cli(*db, "children", "edit", "NOBODY", "--first-name", "X")) == [
        "crechebooks: error: no child with reference 'NOBODY' in this creche"
    ]
    with opened(book_url, tmp_path) as book:
        assert snapshot(book) == before


def test_add_and_change_a_fee(cli: Cli, db: tuple[str, str], book_url: str, tmp_path: Path) -> None:
    today = dt.date.today()  # noqa: DTZ011 - the command's own today
    month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1).isoformat()
    assert ok(cli(*db, "fees", "add", "Toddlers", "--type", "half_day", "--amount", "3100")) == (
        "added fee 'Toddlers' (HALF_DAY)\n"
    )
    with opened(book_url, tmp_path) as book:
        before = snapshot(book)
    assert refused(
        cli(*db, "fees", "change", "toddlers", "--amount", "3300", "--from", "2026-09-15")
    ) == [
        (
            "crechebooks: error: a fee changes from the first day of a month (invoices are "
            "monthly): 2026-09-15 is not one; did you mean 2026-10-01?"
        )
    ]
    assert refused(cli(*db, "fees", "add", "TODDLERS", "--type", "FULL_DAY", "--amount", "1")) == [
        "crechebooks: error: the creche already has a fee called 'Toddlers'"
    ]
    with opened(book_url, tmp_path) as book:
        assert snapshot(book) == before

    changed = cli(
        *db, "fees", "change", "toddlers", "--amount", "3300", "--registration", "500",
        "--from", month, "--json",
    )  # fmt: skip
    assert json.loads(ok(changed))["after"] == {
        "effective_from": month,
        "amount_cents": 330_000,
        "registration_fee_cents": 50_000,
        "re_registration_fee_cents": None,
    }
    table = ok(cli(*db, "fees", "list")).splitlines()
    assert table[1].split() == [
        "Toddlers", "HALF_DAY", "3100.00", "-", "-", "the", "start",
        f"{month}:", "3300.00,", "reg", "500.00",
    ]  # fmt: skip
    history = ok(cli(*db, "fees", "history", "Toddlers")).splitlines()
    assert [line.split() for line in history[1:]] == [
        ["the", "start", "3100.00", "-", "-"],
        [month, "3300.00", "500.00", "-"],
    ]
