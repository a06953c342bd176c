"""Handlers of ``crechebooks documents sync|verify|status`` and ``settings set s3-credentials``.

The archive's copies go to the creche's S3 bucket through the sync outbox
(``services.sync.documents``); the bucket is reached through
``integrations.s3``, which needs boto3 (the ``s3`` extra) and an access key.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from crechebooks_desktop.cli.common import open_book, print_json
from crechebooks_desktop.cli.sign_in import creche_and_actor
from crechebooks_desktop.db.book import Book
from crechebooks_desktop.domain.creche import CrecheSettings
from crechebooks_desktop.domain.s3_archive import S3Settings
from crechebooks_desktop.errors import UserFacingError
from crechebooks_desktop.integrations.s3 import S3Store, open_store
from crechebooks_desktop.integrations.s3.credentials import (
    AccessKey,
    AskAccessKey,
    check_keyring,
    parse_access_key,
    store_access_key,
)
from crechebooks_desktop.services.sync import archive_settings
from crechebooks_desktop.services.sync.document_checks import VerifyReport, verify_documents
from crechebooks_desktop.services.sync.documents import (
    ArchiveFailure,
    ArchiveSyncReport,
    archive_status,
    sync_archive,
)
from crechebooks_desktop.services.tasks import TaskState


def cmd_sync(args: argparse.Namespace) -> int:
    """``documents sync [--retry-failed] [--json]``."""
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        store = _store(creche)
        task = TaskState(_progress if sys.stderr.isatty() else None)
        report = sync_archive(
            lambda: book.write(creche.tenant_id),
            actor,
            store,
            retry_failed=args.retry_failed,
            task=task,
        )
    if args.json:
        print_json(report.as_json())
    else:
        _print_sync(report, store.where)
    return 0 if report.ok else 1


def cmd_verify(args: argparse.Namespace) -> int:
    """``documents verify [--json]``: exit 1 when a copy is missing or different."""
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        store = _store(creche) if creche.s3 is not None else None
        report = verify_documents(lambda: book.read(creche.tenant_id), actor, store)
    if args.json:
        print_json(report.as_json())
    else:
        _print_verify(report)
    return 0 if report.ok else 1


def cmd_status(args: argparse.Namespace) -> int:
    """``documents status [--json]``: the book's view of the archive (no network)."""
    with open_book(args) as book:
        creche, actor = creche_and_actor(book, args)
        with book.read(creche.tenant_id) as uow:
            status = archive_status(uow, actor)
    counts = status.counts
    if args.json:
        print_json(
            {
                "bucket": status.bucket,
                "pending": counts.pending,
                "done": counts.done,
                "failed": [f.as_json() for f in status.failures],
                "not_queued": status.not_queued,
            }
        )
        return 0
    if status.bucket is None:
        print("no S3 bucket is set; `crechebooks settings set s3-bucket NAME` sets one")
    else:
        print(
            f"s3://{status.bucket}: {counts.done} sent, {counts.pending} waiting, "
            f"{counts.failed} refused; {status.not_queued} archived before the bucket was set "
            "(the next sync sends them)"
        )
    _print_failures(status.failures)
    return 0


def set_s3_credentials(book: Book, args: argparse.Namespace) -> int:
    """``settings set s3-credentials [--stdin]``: into the keyring, never the book.

    With ``--stdin``, the access key id is the first line and the secret the second.
    """
    if args.value is not None:
        raise UserFacingError(
            "the S3 access key is not given on the command line (the shell's history and "
            "the process list would show it): type it when asked, or give it with --stdin "
            "(the key id on the first line, the secret on the second)"
        )
    creche, actor = creche_and_actor(book, args)
    with book.read(creche.tenant_id) as uow:
        s3 = archive_settings.s3_for_credentials(uow, actor)
    check_keyring()
    key = _read_access_key(args.stdin, s3)
    with book.write(creche.tenant_id) as uow:
        archive_settings.record_credentials_stored(uow, actor, s3)
        store_access_key(s3, key)
    print(f"s3-credentials stored in the keyring for the bucket {s3.bucket}")
    return 0


def _read_access_key(from_stdin: bool, s3: S3Settings) -> AccessKey:
    if from_stdin:
        key_id = sys.stdin.readline().rstrip("\r\n")
        secret = sys.stdin.readline().rstrip("\r\n")
        return parse_access_key(key_id, secret)
    if not sys.stdin.isatty():
        raise UserFacingError(
            "type the access key at a terminal, or give it with --stdin "
            "(the key id on the first line, the secret on the second)"
        )
    return _ask_at_terminal(s3)


def _ask_at_terminal(s3: S3Settings) -> AccessKey:
    key_id = input(f"S3 access key id for the bucket {s3.bucket}: ")
    return parse_access_key(key_id, getpass.getpass("Secret access key: "))


def _store(creche: CrecheSettings) -> S3Store:
    ask: AskAccessKey | None = _ask_at_terminal if sys.stdin.isatty() else None
    return open_store(creche, ask, lambda note: print(f"note: {note}", file=sys.stderr))


def _progress(done: int, total: int, name: str) -> None:
    print(f"\r  {done} of {total} documents · {name[:50]}", end="", file=sys.stderr, flush=True)
    if done == total:
        print(file=sys.stderr)


def _print_sync(report: ArchiveSyncReport, where: str) -> None:
    if report.queued:
        print(f"queued {report.queued} document(s) archived before the bucket was set")
    print(f"sent {report.sent} document(s) to {where}")
    if report.retried:
        print(f"{report.retried} document(s) refused before were tried again")
    _print_failures(report.failed)
    if report.stopped:
        print(f"stopped: {report.stopped}")
    if report.pending:
        print(
            f"{report.pending} document(s) still waiting; `crechebooks documents sync` sends them"
        )


def _print_failures(failures: tuple[ArchiveFailure, ...]) -> None:
    if not failures:
        return
    print(f"refused: {len(failures)} document(s); `documents sync --retry-failed` tries again")
    for failure in failures:
        print(f"  {failure.kind} #{failure.document_id} {failure.file}: {failure.message}")


def _print_verify(report: VerifyReport) -> None:
    remote = ""
    if report.bucket is not None:
        remote = f" and {report.remote_checked} object(s) in {report.bucket}"
        if report.not_uploaded:
            remote += f" ({report.not_uploaded} not uploaded yet)"
    verdict = "all as the book recorded" if report.ok else f"{len(report.problems)} problem(s)"
    for problem in report.problems:
        print(
            f"{problem.where} {problem.problem}: {problem.kind} #{problem.document_id} "
            f"{problem.file}: {problem.detail}"
        )
    print(f"checked {report.checked} archived file(s){remote}: {verdict}")
