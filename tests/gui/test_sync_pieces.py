"""The Sync tab's words, choices and network thread, on their own (issue 15)."""

import datetime as dt
import sys
import threading
from decimal import Decimal

import pytest

from crechebooks_desktop.domain.xero import MappingProblem, XeroAccount, XeroTaxRate
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.ui.sync import choices, remote, words
from crechebooks_desktop.ui.sync.jobs import EVERY, MappingRow
from crechebooks_desktop.ui.sync.network import Handover, NetworkThread
from crechebooks_desktop.ui.sync.remote import SyncDone, XeroChart

CHART = XeroChart(
    (
        XeroAccount("090", "Business Bank Account", "BANK", True),
        XeroAccount("200", "Sales", "REVENUE", True),
        XeroAccount("260", "Other Revenue", "REVENUE", True),
        XeroAccount("400", "Advertising", "EXPENSE", True),
        XeroAccount("4000", "School fees", "REVENUE", True),
    ),
    (
        XeroTaxRate("TAX001", "Standard Rate Sales", Decimal(15), "OUTPUT", True, True),
        XeroTaxRate("TAX003", "Exempt Sales", Decimal(0), "EXEMPTOUTPUT", True, True),
        XeroTaxRate("TAX005", "Standard Rate Purchases", Decimal(15), "INPUT", False, True),
    ),
)
TODAY = dt.date(2026, 12, 1)


def test_the_status_bar_says_failed_before_pending_and_nothing_when_not_connected() -> None:
    assert words.indicator_text(False, 3, 1) == ""
    assert words.indicator_text(True, 3, 1) == "Xero: 1 failed"
    assert words.indicator_text(True, 3, 0) == "Xero: 3 pending"
    assert words.indicator_text(True, 0, 0) == "Xero: up to date"


def test_progress_names_the_step_and_the_batch_under_way() -> None:
    assert words.progress_text("Invoices", 1, 5) == "Sending invoices: batch 2 of 5"
    assert words.progress_text("Invoices", 5, 5) == "Sending invoices: batch 5 of 5"
    assert words.progress_text("Contacts", 0, 0) == "Sending households…"


def test_messages_lose_the_command_line_s_hints() -> None:
    problem = MappingProblem(
        "account", "4010", "choose the Xero account for 4010 Registration fees "
        "(`xero map --account 4010 --to CODE`, or `--account '*'` for all income)",
    )  # fmt: skip
    assert words.problem_text(problem) == "Choose the Xero account for 4010 Registration fees"
    assert words.plain("no connection; connect again (`crechebooks xero connect`)") == (
        "no connection; connect again"
    )


def test_a_sync_that_needs_mappings_says_nothing_was_sent() -> None:
    problem = MappingProblem("tax", "STANDARD", "choose Xero's tax type for STANDARD lines")
    assert words.sync_text(SyncDone(problems=(problem,))).startswith("Nothing was sent")
    done = SyncDone(sent=12, failed=1, pending=0, calls=3, stopped="cancelled")
    assert words.sync_text(done) == (
        "Sent 12; 1 failed; 0 still pending (3 calls to Xero). Stopped: cancelled."
    )


def test_the_daily_limit_line_shows_only_until_the_sync_may_go_on() -> None:
    from crechebooks_desktop.db.repositories.xero import ConnectionRecord

    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    later = now + dt.timedelta(hours=3)
    record = ConnectionRecord("C", "org", "Acorns", None, TODAY, now, "admin", now, 0, later)
    assert "can go on after" in words.resume_line(record, now)
    assert words.resume_line(record, later + dt.timedelta(seconds=1)) == ""


def test_the_dialog_offers_fitting_codes_and_says_what_the_sync_would_choose() -> None:
    assert [o.code for o in choices.options("account", CHART)] == ["200", "260", "4000"]
    assert [o.code for o in choices.options("bank_account", CHART)] == ["090"]
    assert [o.code for o in choices.options("tax", CHART)] == ["TAX001", "TAX003"]
    fees = MappingRow("account", "4000", "School fees", None)
    assert choices.automatic(fees, CHART, TODAY) == ("goes to 4000 · School fees", False)
    meals = MappingRow("account", "4030", "Meals", None)
    assert choices.automatic(meals, CHART, TODAY) == (choices.NO_MATCH, True)
    assert choices.automatic(meals, CHART, TODAY, "260") == (
        "goes to 260 · Other Revenue (the default)",
        False,
    )
    anywhere = MappingRow("bank_account", EVERY, "Any other", None)
    assert choices.automatic(anywhere, CHART, TODAY) == (
        "goes to 090 · Business Bank Account",
        False,
    )
    standard = MappingRow("tax", "STANDARD", "Standard-rated lines", None)
    assert choices.automatic(standard, CHART, TODAY) == (
        "goes to TAX001 · Standard Rate Sales (15%)",
        False,
    )


def test_unmapped_rows_go_where_the_default_row_goes() -> None:
    every_income = MappingRow("account", EVERY, "All income", None)
    every_bank = MappingRow("bank_account", EVERY, "Any other", None)
    cheque = MappingRow("bank_account", "FNB Cheque", "FNB Cheque", None)
    # Unmapped, the income accounts are chosen one by one and the banks go to Xero's only bank.
    assert choices.defaults([every_income, every_bank, cheque], CHART) == {
        "account": None,
        "bank_account": "090",
    }
    assert choices.automatic(cheque, CHART, TODAY, "090")[0] == (
        "goes to 090 · Business Bank Account (the default)"
    )
    assert choices.automatic(cheque, CHART, TODAY, None) == (choices.NO_MATCH, True)
    mapped = MappingRow("account", EVERY, "All income", "200")
    assert choices.defaults([mapped], CHART)["account"] == "200"
    assert choices.automatic(every_income, CHART, TODAY)[0] == "each account is chosen by itself"


def test_a_handover_gives_the_answer_or_stops_on_cancel() -> None:
    cancelled = threading.Event()
    handover: Handover[int] = Handover(cancelled)
    handover.give(2)
    assert handover.take("Choosing") == 2
    cancelled.set()
    with pytest.raises(UserFacingError, match="Choosing was cancelled"):
        handover.take("Choosing")


def test_the_network_thread_answers_on_the_gui_thread(qtbot) -> None:
    network = NetworkThread("test-network")
    release = threading.Event()
    ran_on: list[str] = []

    def job() -> int:
        ran_on.append(threading.current_thread().name)
        release.wait(10)
        return 42

    answers: list[object] = []
    with qtbot.waitSignal(network.busy_changed, timeout=5_000) as started:
        network.submit(job, answers.append, answers.append)
    assert started.args == [True]
    assert network.busy
    with pytest.raises(RuntimeError, match="running already"):
        network.submit(job, answers.append, answers.append)
    with qtbot.waitSignal(network.busy_changed, timeout=5_000) as ended:
        release.set()
    assert ended.args == [False]
    assert answers == [42]
    assert ran_on == ["test-network"]
    assert threading.current_thread() is threading.main_thread()

    def fails() -> None:
        raise UserFacingError("Xero said no")

    with qtbot.waitSignal(network.busy_changed, timeout=5_000, check_params_cb=lambda b: not b):
        network.submit(fails, answers.append, answers.append)
    assert isinstance(answers[-1], UserFacingError)
    assert network.wait(1)


def test_without_the_xero_packages_the_tab_says_what_is_missing(monkeypatch) -> None:
    for name in [n for n in sys.modules if n.startswith("crechebooks_desktop.integrations.xero")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "requests", None)  # as if it were not installed
    with pytest.raises(remote.XeroMissing, match="optional package requests"):
        remote.disconnect_creche(None, None)  # type: ignore[arg-type]
