"""Entry point of the PyInstaller bundle."""

import multiprocessing

from crechebooks_desktop.app import main

# A batch of statements renders in worker processes started with "spawn"; in a
# bundle each worker is this executable again, which must become the worker
# here rather than open the application (issue 12).
multiprocessing.freeze_support()
raise SystemExit(main())
