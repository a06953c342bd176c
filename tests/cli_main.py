"""``python -m tests.cli_main ARGS``: the command line as a test's subprocess runs it.

The same program as ``python -m crechebooks_desktop``, with the suite's lower
scrypt cost (as ``tests/conftest.py`` sets in-process), so that signing in on
every command does not cost half a second of hashing per call.
"""

from crechebooks_desktop.app import main
from crechebooks_desktop.domain import passwords

passwords.COST_N = 2**14

raise SystemExit(main())
