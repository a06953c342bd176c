"""The outbox's states and rules, without a server (services.delivery.outbox, issue 12)."""

from __future__ import annotations

from pathlib import Path

import pytest

from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.delivery import (
    Attachment,
    OutboxStatus,
    delivery_key,
    message_id,
)
from crechebooks_desktop.domain.roles import Actor, Role
from crechebooks_desktop.errors import NotFoundError, PermissionDenied, RuleViolation
from crechebooks_desktop.services.admin.users import acting_user, add_user
from crechebooks_desktop.services.delivery import outbox
from tests.delivery_fixtures import queue_files

Creche = tuple[CrecheSettings, Actor]
SHA = "ab" * 32


def viewer(book: Book, admin: Actor) -> Actor:
    with book.write(admin.tenant_id) as uow:
        add_user(uow, admin, "olivia", Role.OWNER_VIEWER, None)
    with book.read(admin.tenant_id) as uow:
        return acting_user(uow, admin.tenant_id, "olivia")


def test_a_message_moves_through_its_states_audited(
    book: Book, creche: Creche, tmp_path: Path
) -> None:
    _settings, actor = creche
    (queued,) = queue_files(book, actor, tmp_path, ["a@acorns.test"])
    assert (queued.status, queued.attempts, queued.kind) == (OutboxStatus.QUEUED, 0, "reminder")
    with book.write(actor.tenant_id) as uow:
        claimed = outbox.claim_next(uow)
        assert claimed is not None
        assert (claimed.id, claimed.status, claimed.attempts) == (
            queued.id,
            OutboxStatus.SENDING,
            1,
        )
        assert outbox.claim_next(uow) is None  # nothing else is queued
        failed = outbox.mark_failed(uow, actor, queued.id, "550  no\nsuch user")
    assert (failed.status, failed.last_error) == (OutboxStatus.FAILED, "550 no such user")
    with book.write(actor.tenant_id) as uow:
        (retried,) = outbox.retry(uow, actor)
        assert retried.status is OutboxStatus.QUEUED
        assert outbox.claim_next(uow) is not None
        sent = outbox.mark_sent(uow, actor, queued.id)
        assert (sent.status, sent.attempts, sent.last_error) == (OutboxStatus.SENT, 2, None)
        assert sent.sent_at is not None
        with pytest.raises(RuleViolation, match=f"outbox message {queued.id} was sent on "):
            outbox.retry(uow, actor, queued.id)
        actions = [r.action for r in uow.audit.latest(actor.tenant_id, limit=10)]
        listed = outbox.list_messages(uow, actor, OutboxStatus.SENT)
    assert [m.id for m in listed] == [queued.id]
    assert actions[:4] == ["outbox.sent", "outbox.retry", "outbox.failed", "outbox.queue"]


def test_retry_by_id(book: Book, creche: Creche, tmp_path: Path) -> None:
    _settings, actor = creche
    first, second = queue_files(book, actor, tmp_path, ["a@acorns.test", "b@acorns.test"])
    with book.write(actor.tenant_id) as uow:
        assert outbox.retry(uow, actor, first.id) == [first]  # queued: left as it is
        outbox.claim_next(uow)
        outbox.mark_uncertain(uow, actor, first.id, "lost while handing over")
        assert outbox.retry(uow, actor) == []  # a bare retry leaves an uncertain one alone
        (again,) = outbox.retry(uow, actor, first.id)
        assert again.status is OutboxStatus.QUEUED
        with pytest.raises(NotFoundError, match="no outbox message 999 in this creche"):
            outbox.retry(uow, actor, 999)
    assert second.status is OutboxStatus.QUEUED


def test_printed_is_recorded_once_and_final(book: Book, creche: Creche) -> None:
    _settings, actor = creche
    attachment = Attachment("INV-1.pdf", "/nowhere/INV-1.pdf", SHA)
    key = delivery_key("invoice", [("INV-1", SHA)], [])
    assert key.endswith(":print")
    with book.write(actor.tenant_id) as uow:
        printed = outbox.record_printed(
            uow, actor, key, None, "Invoice INV-1", [attachment], "no e-mail address"
        )
        again = outbox.record_printed(uow, actor, key, None, "other", [], "other")
        assert again == printed
        assert (printed.status, printed.last_error) == (OutboxStatus.PRINTED, "no e-mail address")
        assert outbox.claim_next(uow) is None
        with pytest.raises(RuleViolation, match="was printed; there is nothing to retry"):
            outbox.retry(uow, actor, printed.id)


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ([], "a message needs at least one recipient"),
        (["  "], "a message needs at least one recipient"),
        (["not an address"], "'not an address' is not an e-mail address"),
        (["a@b.test, c@d.test"], "'a@b.test, c@d.test' is not an e-mail address"),
    ],
)
def test_bad_recipients_are_refused(
    book: Book, creche: Creche, to: list[str], message: str
) -> None:
    _settings, actor = creche
    with pytest.raises(RuleViolation, match=message), book.write(actor.tenant_id) as uow:
        outbox.queue(uow, actor, "k:1", None, to, "s", "b", [])


def test_bad_keys_and_hashes_are_refused(book: Book, creche: Creche) -> None:
    _settings, actor = creche
    with book.write(actor.tenant_id) as uow:
        for key in ("", "k\n1", "k" * 301):
            with pytest.raises(RuleViolation, match="an outbox key is one line"):
                outbox.queue(uow, actor, key, None, ["a@b.test"], "s", "b", [])
        bad = Attachment("x.pdf", "/x.pdf", "not-a-hash")
        with pytest.raises(RuleViolation, match=r"attachment 'x\.pdf' has no SHA-256 hash"):
            outbox.queue(uow, actor, "k:2", None, ["a@b.test"], "s", "b", [bad])


def test_an_owner_viewer_may_list_but_not_send(book: Book, creche: Creche, tmp_path: Path) -> None:
    _settings, admin = creche
    queue_files(book, admin, tmp_path, ["a@acorns.test"])
    olivia = viewer(book, admin)
    with book.write(admin.tenant_id) as uow:
        assert len(outbox.list_messages(uow, olivia)) == 1
        with pytest.raises(PermissionDenied, match="olivia"):
            outbox.queue(uow, olivia, "k:3", None, ["a@b.test"], "s", "b", [])
        with pytest.raises(PermissionDenied, match="olivia"):
            outbox.retry(uow, olivia)


def test_keys_and_message_ids() -> None:
    one = delivery_key("invoice", [("INV-1", SHA)], ["Nomsa@Dlamini.test"])
    assert one == f"invoice:INV-1:v{_short(SHA)}:nomsa@dlamini.test"
    assert delivery_key("invoice", [("INV-1", SHA)], ["nomsa@dlamini.test "]) == one
    assert delivery_key("invoice", [("INV-1", "cd" * 32)], ["nomsa@dlamini.test"]) != one
    long = delivery_key("statement", [(f"S-{n}", SHA) for n in range(100)], ["a@b.test"])
    assert len(long) <= 300
    assert long.startswith("statement:")
    made = message_id(1, one, "accounts@acorns.test")
    assert made == message_id(1, one, "accounts@acorns.test")
    assert made != message_id(2, one, "accounts@acorns.test")
    assert made.endswith("@acorns.test>")


def _short(sha: str) -> str:
    import hashlib

    return hashlib.sha256(sha.encode()).hexdigest()[:16]
