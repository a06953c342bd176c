"""The first-run dialog checks its input before it lets the user go on."""

from PySide6.QtCore import Qt

from crechebooks_desktop.ui.setup.first_run import FirstRunDialog


def _fill(qtbot, dialog: FirstRunDialog, **values: str) -> None:
    for field, text in values.items():
        widget = getattr(dialog, field)
        widget.clear()
        qtbot.keyClicks(widget, text)


def test_refuses_a_bad_vat_number_then_accepts(qtbot) -> None:
    dialog = FirstRunDialog("Creche/book.sqlite")
    qtbot.addWidget(dialog)
    _fill(
        qtbot, dialog, name="Little Acorns", vat_number="12345", password="pw", password_again="pw"
    )
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is None
    assert dialog.error.text().startswith("VAT number:")
    _fill(qtbot, dialog, vat_number="4111 222 333", sibling_discounts="0,10,15")
    dialog.prices_include_vat.setChecked(False)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is not None
    assert not dialog.choice.demo
    new = dialog.choice.new_creche
    assert new is not None
    assert (
        new.name,
        new.vat_number,
        new.prices_include_vat,
        new.sibling_discounts,
        new.admin_username,
        new.admin_password,
    ) == ("Little Acorns", "4111 222 333", "no", "0,10,15", "admin", "pw")


def test_passwords_must_agree(qtbot) -> None:
    dialog = FirstRunDialog("book")
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, name="Little Acorns", password="one", password_again="two")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is None
    assert "differ" in dialog.error.text()


def test_blank_name_is_refused(qtbot) -> None:
    dialog = FirstRunDialog("book")
    qtbot.addWidget(dialog)
    _fill(qtbot, dialog, password="pw", password_again="pw")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Creche name: cannot be blank"


def test_demo_button_chooses_the_demo(qtbot) -> None:
    dialog = FirstRunDialog("book")
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)
    assert dialog.choice is not None
    assert dialog.choice.demo
