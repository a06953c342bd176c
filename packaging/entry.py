"""Entry point of the PyInstaller bundle."""

from crechebooks_desktop.app import main

raise SystemExit(main())
