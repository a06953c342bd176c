"""Run the application with ``python -m crechebooks_desktop``."""

from crechebooks_desktop.app import main

raise SystemExit(main())
