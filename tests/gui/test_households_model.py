"""The households table model and its raw-value proxy."""

from PySide6.QtCore import Qt

from crechebooks_desktop.domain.household import HouseholdSummary
from crechebooks_desktop.domain.money import MoneyStyle
from crechebooks_desktop.ui.common.proxy import RawSortFilterProxy
from crechebooks_desktop.ui.common.roles import ItemRole
from crechebooks_desktop.ui.households.model import Column, HouseholdTableModel


def _row(
    i: int, ref: str, balance: int, children: tuple[str, ...] = ("Lwazi",), credit: int = 0
) -> HouseholdSummary:
    return HouseholdSummary(
        id=i,
        account_ref=ref,
        parent_name=f"Mrs Parent {ref}",
        second_parent_name=None,
        email=None,
        phone="082 000 0000",
        children=children,
        balance_cents=balance,
        outstanding_cents=max(balance, 0),
        credit_cents=credit,
    )


ROWS = [
    _row(1, "ZULU01", 242_500),  # "R 2 425,00": sorts low as text, high as cents
    _row(2, "ADAMS02", 97_000, ("Amahle", "Keira")),
    _row(3, "NEL03", -50_000, credit=50_000),
    _row(4, "BOTHA04", 0, ("Neo",)),
]


def _model(qapp) -> HouseholdTableModel:
    model = HouseholdTableModel()
    model.set_rows(ROWS, MoneyStyle.SPACE_COMMA)
    return model


def test_model_passes_qt_model_tester(qtmodeltester, qapp) -> None:
    qtmodeltester.check(_model(qapp), force_py=True)


def test_money_is_formatted_for_display_and_raw_for_sorting(qapp) -> None:
    model = _model(qapp)
    balance = model.index(0, Column.BALANCE)
    assert balance.data(Qt.ItemDataRole.DisplayRole) == "R 2 425,00"
    assert balance.data(ItemRole.SORT) == 242_500
    assert model.index(2, Column.BALANCE).data() == "-R 500,00"
    assert model.headerData(Column.BALANCE, Qt.Orientation.Horizontal) == "Balance"
    model.set_rows(ROWS, MoneyStyle.COMMA_DOT)
    assert model.index(0, Column.BALANCE).data() == "R2,425.00"


def test_proxy_sorts_balances_by_cents_not_text(qapp) -> None:
    model = _model(qapp)
    proxy = RawSortFilterProxy()
    proxy.setSourceModel(model)
    proxy.sort(Column.BALANCE, Qt.SortOrder.AscendingOrder)
    refs = [proxy.index(r, Column.ACCOUNT).data() for r in range(proxy.rowCount())]
    assert refs == ["NEL03", "BOTHA04", "ADAMS02", "ZULU01"]


def test_proxy_filters_on_every_word_in_any_column(qapp) -> None:
    model = _model(qapp)
    proxy = RawSortFilterProxy()
    proxy.setSourceModel(model)
    proxy.set_search("keira")
    assert proxy.rowCount() == 1
    assert proxy.index(0, Column.ACCOUNT).data() == "ADAMS02"
    proxy.set_search("  parent   ZULU ")
    assert [proxy.index(r, 0).data() for r in range(proxy.rowCount())] == ["ZULU01"]
    proxy.set_search("")
    assert proxy.rowCount() == 4


def test_totals_add_up_raw_cents(qapp) -> None:
    assert _model(qapp).totals() == (242_500 + 97_000, 50_000, 242_500 + 97_000 - 50_000)
