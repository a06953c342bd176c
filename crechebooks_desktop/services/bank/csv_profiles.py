"""Saved CSV column mappings: ``bank profiles list/add/remove`` (issue 14).

A creche whose bank exports a CSV layout that no built-in profile reads maps
its columns once (on the command line or in the import dialog's mapping step)
and saves the mapping under a name. ``bank import --profile NAME`` then reads
with it, and a file whose header is the one saved is read with it unasked
(:func:`saved_mappings` is what the import path reads).

Whoever may import bank statements (``Permission.POST_MONEY``) may save and
remove mappings: a mapping only says how a file is read, and an import read
wrongly is refused by the file's own balances or seen in the preview.

The built-in profiles' names (``fnb``, ``capitec``...) belong to the
importers, which sit above the services; the caller passes them in
(``importers.bank.layouts.builtin_names``), so a saved mapping never hides a
built-in profile.
"""

from __future__ import annotations

from collections.abc import Collection

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.column_mapping import ColumnMapping, CsvProfileRecord
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.domain.text import require_one_line
from crechebooks_desktop.errors import NotFoundError, RuleViolation
from crechebooks_desktop.services import audit

__all__ = [
    "NAME_LENGTH",
    "add_profile",
    "check_mapping",
    "list_profiles",
    "remove_profile",
    "require_profile",
    "saved_mappings",
]

NAME_LENGTH = 30
"""A name's longest: an import keeps the name it was read with (``bank_imports.profile``)."""


def list_profiles(uow: UnitOfWork) -> list[CsvProfileRecord]:
    """``bank profiles list``: the saved mappings, by name."""
    return uow.csv_profiles.all()


def saved_mappings(uow: UnitOfWork) -> dict[str, ColumnMapping]:
    """The saved mappings by name, as the import path passes them to the readers."""
    return {profile.name: profile.mapping for profile in uow.csv_profiles.all()}


def _names(uow: UnitOfWork) -> str:
    return ", ".join(p.name for p in uow.csv_profiles.all()) or "none yet"


def require_profile(uow: UnitOfWork, name: str) -> CsvProfileRecord:
    """The mapping saved under this name (case does not matter).

    Raises:
        NotFoundError: none is; the message lists those there are.
    """
    found = uow.csv_profiles.named(name)
    if found is None:
        raise NotFoundError(f"no saved CSV profile named {name!r} (saved: {_names(uow)})")
    return found


def _letters(name: str) -> str:
    """A name's letters and digits: ``Standard Bank`` is ``standard-bank``'s ``standardbank``."""
    return "".join(c for c in name.casefold() if c.isalnum())


def _profile_name(name: str, builtin: Collection[str]) -> str:
    """A name as kept: one line, spaces folded, 1 to ``NAME_LENGTH`` long, no built-in's.

    A built-in's name written with spaces or capitals (``Bank Zero``) is refused
    too: ``--profile`` takes it that way for the built-in profile.
    """
    require_one_line(name, "the profile name")
    name = " ".join(name.split())
    if not name or len(name) > NAME_LENGTH:
        raise RuleViolation(f"a CSV profile needs a name of 1 to {NAME_LENGTH} characters")
    if _letters(name) in {_letters(b) for b in builtin}:
        raise RuleViolation(
            f"{name!r} is the name of a built-in profile ({', '.join(builtin)}); "
            "give the mapping another name"
        )
    return name


def check_mapping(name: str, mapping: ColumnMapping) -> None:
    """Refuse a mapping that cannot read a file (checked before a file is read with it).

    Raises:
        RuleViolation: its problems, listed in one message.
    """
    problems = mapping.problems()
    if problems:
        raise RuleViolation(f"the mapping {name!r} cannot be used: {'; '.join(problems)}")


def _same_header(uow: UnitOfWork, mapping: ColumnMapping) -> CsvProfileRecord | None:
    """A saved mapping that a file with this mapping's header would be read with already."""
    if not mapping.header:
        return None
    return next(
        (
            p
            for p in uow.csv_profiles.all()
            if (p.mapping.header, p.mapping.skip_lines) == (mapping.header, mapping.skip_lines)
        ),
        None,
    )


def add_profile(
    uow: UnitOfWork,
    actor: Actor,
    name: str,
    mapping: ColumnMapping,
    *,
    builtin: Collection[str],
) -> CsvProfileRecord:
    """``bank profiles add``: save a column mapping under a name.

    Args:
        uow: the transaction.
        actor: who saves it (needs to post money, as importing does).
        name: unique in the creche without regard to case.
        mapping: the columns; a header in it makes the layout recognised.
        builtin: the built-in profiles' names, which are refused.

    Raises:
        PermissionDenied: the actor may not import statements.
        RuleViolation: a blank, too long, built-in or taken name, a line
            break in it, a mapping that cannot be used (its problems listed), or
            a header that a saved mapping already has.
    """
    audit.require(actor, Permission.POST_MONEY)
    name = _profile_name(name, builtin)
    check_mapping(name, mapping)
    taken = uow.csv_profiles.named(name)
    if taken is not None:
        raise RuleViolation(f"there is already a saved CSV profile named {taken.name!r}")
    same = _same_header(uow, mapping)
    if same is not None:
        # Two mappings for one header: which one reads the next file would be a guess.
        raise RuleViolation(
            f"files with this header are read with the saved CSV profile {same.name!r} "
            "already; remove it first to map them differently"
        )
    profile_id = uow.csv_profiles.add(name, mapping, actor.user_id)
    added = require_profile(uow, name)
    audit.record(
        uow, actor, "bank_csv_profile.add", "bank_csv_profile", profile_id, None, added.as_json()
    )
    return added


def remove_profile(uow: UnitOfWork, actor: Actor, name: str) -> CsvProfileRecord:
    """``bank profiles remove``: forget a saved mapping; imports read with it keep its name.

    Returns:
        The mapping as it was.

    Raises:
        PermissionDenied: the actor may not import statements.
        NotFoundError: no mapping is saved under that name (those there are listed).
    """
    audit.require(actor, Permission.POST_MONEY)
    profile = require_profile(uow, name)
    uow.csv_profiles.remove(profile.id)
    audit.record(
        uow, actor, "bank_csv_profile.remove", "bank_csv_profile", profile.id, profile.as_json()
    )
    return profile
