"""The demo creche and its bank statement.

Its name, public sign-in and marker live here, apart from the heavy modules that
make it (``creche``, ``lived_months``, ``bank_statement``), so that signing in
does not load them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crechebooks_desktop.db.unit_of_work import UnitOfWork

DEMO_NAME = "Sunflower Kids Educare"
DEMO_USER = "admin"
"""The demo creche's administrator."""
DEMO_PASSWORD = "demo"  # noqa: S105 - the demo book is public; its sign-in dialog says so
"""The administrator's password (the sign-in dialog of a demo book says it)."""
DEMO_MONTHS = 3
"""How many months the demo has been running: two before today's and today's."""
DEMO_ACTION = "demo.create"
"""The audit action that marks a creche as the demo (see :func:`is_demo`)."""


def is_demo(uow: UnitOfWork, tenant_id: int) -> bool:
    """Whether the creche was made by ``creche.create_demo_creche`` (its sign-in is public)."""
    return uow.audit.has_action(tenant_id, DEMO_ACTION)


def sign_in_note(uow: UnitOfWork, tenant_id: int) -> str | None:
    """What the sign-in dialog says for the demo creche: its user and password."""
    if not is_demo(uow, tenant_id):
        return None
    return f"This is the demo book: sign in as {DEMO_USER} with the password {DEMO_PASSWORD}."
