"""Sending the outbox to a real SMTP server on loopback (issue 12), on both backends."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.delivery import OutboxMessageValue, OutboxStatus
from crechebooks_desktop.domain.roles import Actor
from crechebooks_desktop.exporters.invoice_delivery import queue_invoices
from crechebooks_desktop.integrations.smtp import LOGIN_REFUSED, send_queue
from crechebooks_desktop.services.billing.invoice_lifecycle import send_month
from crechebooks_desktop.services.delivery import outbox
from crechebooks_desktop.services.delivery.report import DeliveryReport
from crechebooks_desktop.services.tasks import TaskState
from tests.delivery_fixtures import (
    FAMILY_EMAILS,
    OCT,
    SENDER,
    SMTP_PASSWORD,
    SMTP_USER,
    SmtpServer,
    build_families,
    queue_files,
)

Creche = tuple[CrecheSettings, Actor]
ADDRESSES = [f"parent{n}@families.test" for n in range(1, 6)]


def send(
    book: Book, actor: Actor, creche: CrecheSettings, password: str | None = None, **kw: object
) -> DeliveryReport:
    return send_queue(
        lambda: book.write(actor.tenant_id),
        actor,
        creche,
        password,
        **kw,  # type: ignore[arg-type]
    )


def statuses(book: Book, actor: Actor) -> dict[int, OutboxStatus]:
    with book.read(actor.tenant_id) as uow:
        return {m.id: m.status for m in uow.outbox.find()}


def message(book: Book, actor: Actor, message_id: int) -> OutboxMessageValue:
    with book.read(actor.tenant_id) as uow:
        found = uow.outbox.get(message_id)
    assert found is not None
    return found


def received_once_each(server: SmtpServer, addresses: list[str]) -> None:
    counts = Counter(r for m in server.recorder.received for r in m.recipients)
    assert counts == Counter(addresses)


def test_invoices_arrive_with_the_archived_pdfs(book: Book, smtp_server: SmtpServer) -> None:
    families = build_families(book)
    creche = smtp_server.configure(book, families.actor)
    with book.write(families.tenant) as uow:
        sent = send_month(uow, families.actor, OCT)
        delivery = queue_invoices(
            uow,
            families.actor,
            [s.number for s in sent],
            book.settings.data_dir,
            creche,
            email=True,
        )
    assert len(sent) == 6
    assert len(delivery.emailed) == 4  # one per household with an address
    assert [m.household_ref for m in delivery.printed] == ["BOTHA04"]
    assert delivery.printed[0].last_error == "no e-mail address"
    report = send(book, families.actor, creche)
    assert report.ok
    assert len(report.sent) == 4
    expected = {a for a in FAMILY_EMAILS.values() if a}
    assert {r for m in smtp_server.recorder.received for r in m.recipients} == expected
    with book.read(families.tenant) as uow:
        for queued in delivery.emailed:
            got = smtp_server.recorder.to(queued.recipients[0])
            assert len(got) == 1
            mail = got[0].message
            assert got[0].mail_from == SENDER
            assert mail["Subject"] == queued.subject
            assert mail["To"] == queued.recipients[0]
            assert "Little Acorns" in mail["From"]
            attachments = got[0].attachments()
            assert set(attachments) == {a.file_name for a in queued.attachments}
            for attachment in queued.attachments:
                assert attachment.document_id is not None
                (row,) = [
                    v
                    for v in uow.documents.versions(
                        "invoice", "invoice", _invoice_id(uow, attachment.file_name)
                    )
                    if v.id == attachment.document_id
                ]
                archived = Path(row.local_path).read_bytes()
                assert attachments[attachment.file_name] == row.sha256
                assert hashlib.sha256(archived).hexdigest() == row.sha256
    naidoo = smtp_server.recorder.to("priya@naidoo.test")[0]
    assert len(naidoo.attachments()) == 2  # both children's invoices in one message
    assert statuses(book, families.actor) == {m.id: OutboxStatus.SENT for m in delivery.emailed} | {
        delivery.printed[0].id: OutboxStatus.PRINTED
    }


def _invoice_id(uow: object, file_name: str) -> int:
    found = uow.invoices.get(file_name.removesuffix(".pdf"))  # type: ignore[attr-defined]
    assert found is not None
    return int(found.id)


def test_queueing_the_same_key_again_returns_the_message_unchanged(
    book: Book, creche: Creche, tmp_path: Path
) -> None:
    _settings, actor = creche
    (first,) = queue_files(book, actor, tmp_path / "a", ADDRESSES[:1])
    (again,) = queue_files(book, actor, tmp_path / "a", ADDRESSES[:1])
    assert again == first
    with book.read(actor.tenant_id) as uow:
        assert len(uow.outbox.find()) == 1
        actions = [r.action for r in uow.audit.latest(actor.tenant_id, limit=100)]
    assert actions.count("outbox.queue") == 1


def test_a_refused_recipient_fails_with_the_servers_words(
    book: Book, creche: Creche, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _settings, actor = creche
    settings = smtp_server.configure(book, actor)
    smtp_server.recorder.refuse.add(ADDRESSES[1])
    queued = queue_files(book, actor, tmp_path, ADDRESSES[:3])
    report = send(book, actor, settings)
    assert [m.id for m in report.sent] == [queued[0].id, queued[2].id]
    (failed,) = report.failed
    assert failed.id == queued[1].id
    assert failed.error == (
        f"the server refused {ADDRESSES[1]}: 550 5.1.1 <{ADDRESSES[1]}>: "
        "Recipient address rejected: User unknown"
    )
    assert message(book, actor, failed.id).last_error == failed.error
    assert report.stopped is None
    assert not report.ok
    received_once_each(smtp_server, [ADDRESSES[0], ADDRESSES[2]])
    assert statuses(book, actor) == {
        queued[0].id: OutboxStatus.SENT,
        queued[1].id: OutboxStatus.FAILED,
        queued[2].id: OutboxStatus.SENT,
    }


def test_a_dropped_connection_leaves_the_rest_queued_and_a_rerun_sends_only_them(
    book: Book, creche: Creche, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _settings, actor = creche
    settings = smtp_server.configure(book, actor)
    smtp_server.recorder.drop_before_message = 3
    queued = queue_files(book, actor, tmp_path, ADDRESSES)
    first = send(book, actor, settings)
    assert [m.id for m in first.sent] == [q.id for q in queued[:2]]
    assert first.stopped is not None
    assert first.stopped.startswith("the connection to the SMTP server was lost")
    assert first.still_queued == 3
    assert first.failed == first.uncertain == ()
    assert message(book, actor, queued[2].id).status is OutboxStatus.QUEUED
    received_once_each(smtp_server, ADDRESSES[:2])

    again = send(book, actor, settings)
    assert [m.id for m in again.sent] == [q.id for q in queued[2:]]
    assert again.ok
    received_once_each(smtp_server, ADDRESSES)


def test_a_connection_lost_while_handing_over_is_uncertain_and_not_sent_again(
    book: Book, creche: Creche, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _settings, actor = creche
    settings = smtp_server.configure(book, actor)
    smtp_server.recorder.drop_after_data = 2  # takes the 2nd message, then hangs up unanswered
    queued = queue_files(book, actor, tmp_path, ADDRESSES[:4])
    first = send(book, actor, settings)
    assert [m.id for m in first.sent] == [queued[0].id]
    (uncertain,) = first.uncertain
    assert uncertain.id == queued[1].id
    assert uncertain.status is OutboxStatus.SENDING
    assert uncertain.error is not None
    assert f"`crechebooks outbox retry {queued[1].id}` sends it again" in uncertain.error
    assert first.still_queued == 2

    again = send(book, actor, settings)
    assert [m.id for m in again.sent] == [queued[2].id, queued[3].id]
    assert [m.id for m in again.uncertain] == [queued[1].id]  # still reported, never resent
    received_once_each(smtp_server, ADDRESSES[:4])

    with book.write(actor.tenant_id) as uow:
        assert outbox.retry(uow, actor) == []  # a bare retry leaves the uncertain one alone
        (retried,) = outbox.retry(uow, actor, queued[1].id)
    assert retried.status is OutboxStatus.QUEUED
    third = send(book, actor, settings)
    assert [m.id for m in third.sent] == [queued[1].id]
    assert len(smtp_server.recorder.to(ADDRESSES[1])) == 2  # the person asked for it again


def test_a_wrong_password_stops_before_anything_is_sent(
    book: Book, creche: Creche, tmp_path: Path, smtp_login_server: SmtpServer
) -> None:
    _settings, actor = creche
    settings = smtp_login_server.configure(book, actor, user=SMTP_USER)
    queued = queue_files(book, actor, tmp_path, ADDRESSES[:2])
    refused = send(book, actor, settings, "not-the-password")
    assert refused.stopped is not None
    assert refused.stopped.startswith(LOGIN_REFUSED + ": 535")
    assert refused.sent == refused.failed == refused.uncertain == ()
    assert refused.still_queued == 2
    assert smtp_login_server.recorder.received == []
    assert set(statuses(book, actor).values()) == {OutboxStatus.QUEUED}

    right = send(book, actor, settings, SMTP_PASSWORD)
    assert [m.id for m in right.sent] == [q.id for q in queued]
    # smtplib tries each mechanism the server offers before it gives up.
    *wrong, last = smtp_login_server.logins
    assert wrong
    assert set(wrong) == {(SMTP_USER, "wrong")}
    assert last == (SMTP_USER, "right")
    received_once_each(smtp_login_server, ADDRESSES[:2])


class Crash(KeyboardInterrupt):
    """A fault injected into a run, as Ctrl-C or a killed process would stop it."""


def test_a_crash_after_the_second_message_then_a_rerun_sends_each_once(
    book: Book, creche: Creche, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _settings, actor = creche
    settings = smtp_server.configure(book, actor)
    queue_files(book, actor, tmp_path, ADDRESSES)
    seen: list[int] = []

    def crash_after_two(sent: OutboxMessageValue) -> None:
        seen.append(sent.id)
        if len(seen) == 2:
            raise Crash

    with pytest.raises(Crash):
        send(book, actor, settings, on_sent=crash_after_two)
    assert Counter(statuses(book, actor).values()) == {OutboxStatus.SENT: 2, OutboxStatus.QUEUED: 3}
    again = send(book, actor, settings)
    assert len(again.sent) == 3
    assert again.ok
    received_once_each(smtp_server, ADDRESSES)


def test_a_crash_between_the_servers_yes_and_the_record_is_not_sent_again(
    book: Book,
    creche: Creche,
    tmp_path: Path,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _settings, actor = creche
    settings = smtp_server.configure(book, actor)
    queued = queue_files(book, actor, tmp_path, ADDRESSES[:3])
    real_mark_sent = outbox.mark_sent

    def crash_on_second(uow: object, who: Actor, message_id: int) -> OutboxMessageValue:
        if message_id == queued[1].id:
            raise Crash
        return real_mark_sent(uow, who, message_id)  # type: ignore[arg-type]

    monkeypatch.setattr(outbox, "mark_sent", crash_on_second)
    with pytest.raises(Crash):
        send(book, actor, settings)
    monkeypatch.setattr(outbox, "mark_sent", real_mark_sent)
    assert message(book, actor, queued[1].id).status is OutboxStatus.SENDING

    again = send(book, actor, settings)
    assert [m.id for m in again.sent] == [queued[2].id]
    (uncertain,) = again.uncertain
    assert uncertain.id == queued[1].id
    assert uncertain.error == outbox.uncertain_note(queued[1].id)
    received_once_each(smtp_server, ADDRESSES[:3])


def test_a_changed_attachment_is_not_sent(
    book: Book, creche: Creche, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _settings, actor = creche
    settings = smtp_server.configure(book, actor)
    queued = queue_files(book, actor, tmp_path, ADDRESSES[:2])
    Path(queued[0].attachments[0].local_path).write_bytes(b"%PDF-1.4 something else")
    report = send(book, actor, settings)
    (failed,) = report.failed
    assert failed.id == queued[0].id
    assert failed.error is not None
    assert "changed since the message was queued (its SHA-256 differs)" in failed.error
    assert [m.id for m in report.sent] == [queued[1].id]
    received_once_each(smtp_server, ADDRESSES[1:2])


def test_cancel_stops_between_messages(
    book: Book, creche: Creche, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _settings, actor = creche
    settings = smtp_server.configure(book, actor)
    queue_files(book, actor, tmp_path, ADDRESSES[:3])
    progress: list[tuple[int, int]] = []
    task = TaskState(lambda done, total, _text: progress.append((done, total)))
    report = send(book, actor, settings, task=task, on_sent=lambda _m: task.cancel())
    assert len(report.sent) == 1
    assert report.still_queued == 2
    assert report.stopped == "cancelled; the rest of the queue waits for the next run"
    assert progress == [(1, 3)]


def test_an_unreachable_server_sends_nothing_and_says_where(
    book: Book, creche: Creche, tmp_path: Path, smtp_server: SmtpServer
) -> None:
    _settings, actor = creche
    settings = smtp_server.configure(book, actor)
    queue_files(book, actor, tmp_path, ADDRESSES[:1])
    closed = settings.with_value("smtp_port", "1")
    report = send(book, actor, closed)
    assert report.stopped is not None
    assert report.stopped.startswith("cannot reach the SMTP server at 127.0.0.1:1: ")
    assert report.still_queued == 1
