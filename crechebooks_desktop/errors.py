"""The two error families (docs/ARCHITECTURE.md, Errors).

A ``UserFacingError`` is about the environment or the user's input (a locked
book, a bad file, an unknown household): it is shown as a plain message and the
program carries on or exits non-zero. Anything else is a bug: it is logged with
its traceback and reported as such.
"""


class UserFacingError(Exception):
    """A problem the user can act on; its message is shown as it is."""


class NotFoundError(UserFacingError):
    """A named thing (creche, household, user, ...) does not exist."""


class RuleViolation(UserFacingError):
    """A change was refused because it would break a rule of the book."""


class PermissionDenied(UserFacingError):
    """The acting user's role does not allow the change."""


class BookNotFound(NotFoundError):
    """There is no book where one was named: no such file, or a database with no schema.

    Only the paths that set a book up (``init``, ``demo``, the window's first-run
    set-up) create one; anything else stops with this.
    """


class PeriodLocked(RuleViolation):
    """The change touches a bank account's period that a finished reconciliation locked."""
