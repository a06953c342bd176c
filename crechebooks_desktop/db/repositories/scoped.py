"""The base of repositories over one creche's rows."""

from __future__ import annotations

from sqlalchemy.orm import Session


class TenantScoped:
    """A repository bound to one creche; it cannot be built without one."""

    def __init__(self, session: Session, tenant_id: int) -> None:
        if not isinstance(tenant_id, int) or isinstance(tenant_id, bool):
            msg = "a creche (tenant id) is required to query its rows"
            raise TypeError(msg)
        self.session = session
        self.tenant_id = tenant_id
