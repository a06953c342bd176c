"""Adding and editing the roster one thing at a time: households, children, enrolments.

The window's Households tab and the ``households``, ``children`` and
``enrolments`` commands call these services, so both check, refuse and audit
alike. Each change checks every field first and refuses with all of its
problems at once (``checks.RosterRefused``, one line), in the words a roster
file's import uses; nothing is written then. Whole files are imported by
``services.roster_import``.
"""
