"""The notes field of the invoice detail pane (ui.invoices.notes), on its own."""

from __future__ import annotations

from crechebooks_desktop.ui.invoices.notes import InvoiceNotes

A, B = "INV-2026-000001", "INV-2026-000002"


def _notes(qtbot) -> InvoiceNotes:
    notes = InvoiceNotes()
    qtbot.addWidget(notes)
    return notes


def test_nothing_to_edit_until_an_invoice_is_shown(qtbot) -> None:
    notes = _notes(qtbot)
    assert not notes.editor.isEnabled()
    assert not notes.save_button.isEnabled()
    notes.show_notes(A, "Receipt 0412")
    assert notes.editor.isEnabled()
    assert notes.text() == "Receipt 0412"
    assert not notes.save_button.isEnabled()  # nothing changed yet
    notes.clear()
    assert (notes.text(), notes.editor.isEnabled()) == ("", False)


def test_save_sends_the_text_once_and_shows_what_was_kept(qtbot) -> None:
    notes = _notes(qtbot)
    notes.show_notes(A, None)
    notes.editor.setPlainText("Granny fetches   ")
    assert notes.save_button.isEnabled()
    with qtbot.waitSignal(notes.save_requested) as sent:
        notes.save_button.click()
    assert sent.args == [A, "Granny fetches   "]
    assert notes.status.text() == "Saving…"
    assert not notes.save_button.isEnabled()  # one save at a time
    notes.saved(A, "Granny fetches", changed=True)
    assert (notes.text(), notes.status.text()) == ("Granny fetches", "Notes saved.")
    assert not notes.save_button.isEnabled()
    notes.show_notes(A, "Granny fetches")  # the list read again after the save
    assert notes.status.text() == "Notes saved."
    notes.editor.appendPlainText("and Grandpa")
    assert notes.status.text() == ""  # saved no more
    notes.editor.setPlainText("")
    notes.save_button.click()
    notes.saved(A, None, changed=True)
    assert notes.status.text() == "Notes cleared."
    notes.saved(A, None, changed=False)
    assert notes.status.text() == "Notes unchanged."


def test_reading_the_same_invoice_again_keeps_unsaved_typing(qtbot) -> None:
    notes = _notes(qtbot)
    notes.show_notes(A, "Old")
    notes.editor.setPlainText("Typed, not saved")
    notes.show_notes(A, "Old")
    assert notes.text() == "Typed, not saved"
    assert notes.save_button.isEnabled()
    notes.show_notes(B, None)  # another invoice: its own notes
    assert notes.text() == ""
    assert not notes.save_button.isEnabled()


def test_typing_during_a_save_is_kept_and_a_late_answer_for_another_invoice_ignored(
    qtbot,
) -> None:
    notes = _notes(qtbot)
    notes.show_notes(A, None)
    notes.editor.setPlainText("First")
    notes.save_button.click()
    notes.editor.setPlainText("First and more")
    notes.saved(A, "First", changed=True)
    assert notes.text() == "First and more"
    assert notes.save_button.isEnabled()
    notes.save_button.click()
    notes.show_notes(B, "B's own")
    assert notes.save_button.isEnabled() is False
    notes.saved(A, "First and more", changed=True)
    assert (notes.text(), notes.status.text()) == ("B's own", "")
    notes.editor.setPlainText("B's own, changed")
    assert notes.save_button.isEnabled()


def test_a_refused_save_keeps_the_text_and_a_viewer_cannot_save(qtbot) -> None:
    notes = _notes(qtbot)
    notes.show_notes(A, None)
    notes.editor.setPlainText("x" * 2001)
    assert notes.status.text() == "2001 characters: notes hold at most 2000."
    notes.save_button.click()
    notes.failed()
    assert (notes.text(), notes.status.text()) == ("x" * 2001, "Not saved.")
    notes.editor.setPlainText("short")
    assert notes.status.text() == ""
    notes.set_editable(False)
    assert notes.editor.isReadOnly()
    assert not notes.save_button.isEnabled()
