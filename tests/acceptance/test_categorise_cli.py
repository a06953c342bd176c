"""The chart, rules and categorisation end to end: ``accounts``, ``rules``, ``categorise``.

The creche is that of ``tests/categorise_fixtures.py`` (a month of statement
lines on bank account ``Cheque``), set up in the test's process; every
command runs in a separate process. Refusals are one line on stderr.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest

from crechebooks_desktop.app import main
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.settings import Settings
from tests.categorise_fixtures import Shop, build_shop
from tests.cli_results import ok
from tests.conftest import CompletedCli
from tests.file_keyring import FileKeyring, keep_sign_in

pytestmark = pytest.mark.slow

Cli = Callable[..., Any]
PART_KEYS = {
    "part_no",
    "account",
    "amount_cents",
    "vat",
    "vat_cents",
    "source",
    "confidence",
    "reason",
}


class ShopBook:
    def __init__(self, url: str, files: Path) -> None:
        self.url = url
        book, _ = Book.open(Settings(url, files / "setup-files"))
        self.shop: Shop = build_shop(book)
        book.close()

    @property
    def db(self) -> tuple[str, str]:
        return ("--db", self.url)

    def line(self, name: str) -> str:
        return str(self.shop.ids[name])


@pytest.fixture
def setup(book_url: str, tmp_path: Path) -> ShopBook:
    return ShopBook(book_url, tmp_path)


@pytest.fixture
def here(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> Iterator[Cli]:
    """``crechebooks ARGS`` run in this process (the same entry point, quicker).

    It signs in as the subprocesses do: admin, whose password the keyring file keeps.
    """
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    for name in ("CRECHEBOOKS_DB", "CRECHEBOOKS_CRECHE", "CRECHEBOOKS_USER"):
        monkeypatch.delenv(name, raising=False)
    keyring_file = tmp_path / "here-keyring.json"
    keep_sign_in(keyring_file, "admin", "demo")
    monkeypatch.setenv("CRECHEBOOKS_TEST_KEYRING", str(keyring_file))
    before = keyring.get_keyring()
    keyring.set_keyring(FileKeyring())

    def run(*args: str) -> CompletedCli:
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's refusals
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return CompletedCli(code, out.out, out.err)

    yield run
    keyring.set_keyring(before)


def as_json(result: Any) -> Any:
    return json.loads(ok(result))


def refused(result: Any, code: int = 1) -> str:
    assert result.code == code, result
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == ""
    return str(result.stderr.strip())


def test_categorise_a_line_run_the_rules_and_take_it_back(cli: Cli, setup: ShopBook) -> None:
    db = setup.db
    done = as_json(cli(*db, "categorise", setup.line("eskom1"), "--account", "6200", "--json"))
    assert done["status"] == "CATEGORISED"
    (part,) = done["parts"]
    assert set(part) == PART_KEYS
    assert (part["account"], part["amount_cents"], part["vat"], part["vat_cents"]) == (
        {"code": "6200", "name": "Utilities"},
        -115_000,
        "STANDARD",
        -15_000,
    )
    split = as_json(
        cli(
            *db,
            "categorise",
            setup.line("woolies"),
            "--part",
            "5100=300.00",
            "--part",
            "5110=R150",
            "--vat",
            "zero-rated",
            "--json",
        )
    )
    assert [(p["account"]["code"], p["amount_cents"], p["vat"]) for p in split["parts"]] == [
        ("5100", -30_000, "ZERO_RATED"),
        ("5110", -15_000, "ZERO_RATED"),
    ]
    added = as_json(
        cli(
            *db, "rules", "add", "Fees", "--when-text", "service fee", "--account", "6500", "--json"
        )
    )
    assert added["when"]["text"] == "service fee"
    ran = as_json(cli(*db, "categorise", "run", "--json"))
    assert (ran["by_rule"], ran["by_learning"], ran["left"], ran["locked"]) == (1, 0, 1, 0)
    assert {s["line_id"] for s in ran["for_review"]} == {
        int(setup.line(n)) for n in ("eskom2", "eskom3", "eskom4", "eskom5")
    }
    review = ran["for_review"][0]
    assert (review["account"], review["confidence"], review["source"]) == (
        {"code": "6200", "name": "Utilities"},
        50,
        "SUGGESTED",
    )
    assert review["reason"] == "1 earlier line from 'ESKOM PREPAID' went to 6200 Utilities"
    learned = as_json(cli(*db, "categorise", "learned", "--json"))["learned"]
    assert [(x["key"], x["account"]["code"], x["count"]) for x in learned] == [
        ("ESKOM PREPAID", "6200", 1)
    ]
    # a person's choice stays; match undo takes it back like categorise clear
    assert "categories cleared; it is UNMATCHED again" in ok(
        cli(*db, "categorise", "clear", setup.line("woolies"))
    )
    assert f"bank line {setup.line('eskom1')}" in ok(
        cli(*db, "match", "undo", setup.line("eskom1"))
    )
    assert ok(cli(*db, "categorise", "learned")).startswith("0 learned choice(s)")
    assert "is UNMATCHED, not categorised" in refused(
        cli(*db, "categorise", "clear", setup.line("eskom1"))
    )


@pytest.mark.parametrize("backend", ["sqlite"])  # the services are tested on both
def test_the_categorise_grammar(here: Cli, setup: ShopBook) -> None:
    db, cli = setup.db, here
    assert "give a LINE_ID or one of run, learned, forget, clear" in refused(
        cli(*db, "categorise", "rnu")
    )
    assert "give --account CODE, or --part CODE=AMOUNT" in refused(
        cli(*db, "categorise", setup.line("fee"))
    )
    assert "categorise run takes no --account" in refused(
        cli(*db, "categorise", "run", "--account", "6200")
    )
    assert "categorise learned takes nothing more" in refused(
        cli(*db, "categorise", "learned", "now")
    )
    assert "give one LINE_ID" in refused(cli(*db, "categorise", "clear"))
    assert "give the KEY" in refused(cli(*db, "categorise", "forget"))
    assert "--part: expected CODE=AMOUNT" in refused(
        cli(*db, "categorise", setup.line("fee"), "--part", "6500")
    )
    assert "--part: not an amount" in refused(
        cli(*db, "categorise", setup.line("fee"), "--part", "6500=lots")
    )
    assert "no account with code '9999'" in refused(
        cli(*db, "categorise", setup.line("fee"), "--account", "9999")
    )
    assert "invalid choice: 'some'" in refused(
        cli(*db, "categorise", setup.line("fee"), "--account", "6500", "--vat", "some"), 2
    )
    ok(cli(*db, "categorise", setup.line("eskom1"), "--account", "6200"))
    forgot = as_json(cli(*db, "categorise", "forget", "Eskom", "Prepaid", "--json"))
    assert forgot == {"key": "Eskom Prepaid", "forgotten": 1}
    assert "nothing is learned" in refused(cli(*db, "categorise", "forget", "Eskom Prepaid"))
    shown = ok(cli(*db, "categorise", setup.line("fee"), "--account", "6500"))
    assert "6500 Bank charges: -R 65,00 (standard, VAT -R 8,48)" in shown


@pytest.mark.parametrize("backend", ["sqlite"])
def test_accounts_rules_and_the_confidence_setting(here: Cli, setup: ShopBook) -> None:
    db, cli = setup.db, here
    added = as_json(
        cli(*db, "accounts", "add", "--code", "6600", "--name", "Cleaning", "--type", "expense",
            "--vat", "standard", "--json")
    )  # fmt: skip
    assert (added["code"], added["type"], added["vat"], added["default"]) == (
        "6600",
        "expense",
        "STANDARD",
        False,
    )
    assert "already" in refused(
        cli(*db, "accounts", "add", "--code", "6600", "--name", "X", "--type", "expense")
    )
    assert "archived account 6600 Cleaning" in ok(cli(*db, "accounts", "archive", "6600"))
    listed = as_json(cli(*db, "accounts", "list", "--json"))["accounts"]
    every = as_json(cli(*db, "accounts", "list", "--all", "--json"))["accounts"]
    assert "6600" not in {a["code"] for a in listed}
    assert len(every) == len(listed) + 1
    assert "cannot be archived" in refused(cli(*db, "accounts", "archive", "1000"))
    chart_lines = ok(cli(*db, "accounts", "list")).splitlines()
    assert chart_lines[0].split() == ["code", "name", "type", "vat"]
    assert any(line.startswith("6200  Utilities  ") for line in chart_lines)

    ok(cli(*db, "rules", "add", "Fees", "--when-starts", "FNB", "--account", "6500"))
    split = as_json(
        cli(*db, "rules", "add", "Insurance", "--when-text", "santam", "--when-direction", "out",
            "--when-amount-min", "500", "--when-amount-max", "R 2 000,00", "--account-name",
            "cheque", "--split", "6300=60", "--split", "6000=40", "--position", "1", "--json")
    )  # fmt: skip
    assert split["when"]["amount_min_cents"] == 50_000
    assert [s["basis_points"] for s in split["split"]] == [6_000, 4_000]
    assert "does not compile" in refused(
        cli(*db, "rules", "add", "Bad", "--when-regex", "(x", "--account", "6500")
    )
    assert "--split: expected CODE=PERCENT" in refused(
        cli(*db, "rules", "add", "Bad", "--when-text", "x", "--split", "6300")
    )
    moved = as_json(cli(*db, "rules", "move", "Fees", "--position", "1", "--json"))
    assert moved["position"] == 1
    listing = ok(cli(*db, "rules", "list"))
    header, fees, insurance = listing.splitlines()[:3]
    assert header.split() == ["#", "rule", "when", "then"]
    assert re.split(r" {2,}", fees) == ["1", "Fees", "starts 'FNB'", "6500 Bank charges"]
    assert re.split(r" {2,}", insurance) == [
        "2",
        "Insurance",
        "has 'santam', at least R 500,00, at most R 2 000,00, money out, on Cheque",
        "split: 6300 Insurance 60%, 6000 Rent 40%",
    ]
    draft = ok(cli(*db, "rules", "from-line", setup.line("eskom1")))
    assert draft.strip() == (
        "crechebooks rules add 'Eskom Prepaid' --when-text 'ESKOM PREPAID' "
        "--when-direction out --account CODE"
    )
    assert "nothing says which account" in refused(
        cli(*db, "rules", "from-line", setup.line("eskom1"), "--save", "Power")
    )
    ok(cli(*db, "categorise", setup.line("eskom1"), "--account", "6200"))
    saved = as_json(
        cli(*db, "rules", "from-line", setup.line("eskom2"), "--save", "Power", "--json")
    )
    assert (saved["name"], saved["position"], saved["account"]["code"]) == ("Power", 3, "6200")
    assert "removed rule" in ok(cli(*db, "rules", "remove", "power"))
    assert [r["name"] for r in as_json(cli(*db, "rules", "list", "--json"))["rules"]] == [
        "Fees",
        "Insurance",
    ]

    assert ok(cli(*db, "settings", "set", "categorise-confidence", "50")).strip() == (
        "categorise-confidence = 50"
    )
    assert "confidence must be from 0 to 100" in refused(
        cli(*db, "settings", "set", "categorise-confidence", "101")
    )
    ran = ok(cli(*db, "categorise", "run"))
    assert "4 from learned choices" in ran  # 1 earlier choice: 50, now enough
