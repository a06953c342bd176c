"""Grammar of ``crechebooks documents ...``: the S3 archive of generated PDFs (issue 15)."""

from __future__ import annotations

from crechebooks_desktop.cli.grammar import AddCommand


def register(add: AddCommand) -> None:
    """Add ``documents`` and its actions to the ``crechebooks`` parser."""
    documents = add(
        "documents",
        "archived PDFs: copy them to the creche's S3 bucket, and check them here and there",
        "document_sync_commands.cmd_sync",
    )
    sub = documents.add_subparsers(dest="action", required=True, metavar="ACTION")

    sync = sub.add_parser(
        "sync",
        help="copy every archived PDF not yet in the S3 bucket there (those archived before "
        "the bucket was set too)",
    )
    sync.set_defaults(handler="document_sync_commands.cmd_sync")
    sync.add_argument(
        "--retry-failed", action="store_true", help="try the documents refused before again"
    )
    sync.add_argument("--json", action="store_true")

    verify = sub.add_parser(
        "verify",
        help="check each archived PDF's file, and its copy in the S3 bucket, against the hash "
        "the book recorded; exit 1 when one is missing or different",
    )
    verify.set_defaults(handler="document_sync_commands.cmd_verify")
    verify.add_argument("--json", action="store_true")

    status = sub.add_parser(
        "status", help="what waits for the S3 bucket and what it refused (asks nothing of S3)"
    )
    status.set_defaults(handler="document_sync_commands.cmd_status")
    status.add_argument("--json", action="store_true")
