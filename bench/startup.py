"""Start-up time: a fresh process to a shown main window with the households loaded.

Run: .venv/bin/python bench/startup.py [--runs 5]
Prints each figure beside its target. Not part of the test suite.
"""

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

TARGET_SHOWN_S = 1.0
TARGET_LOADED_S = 2.0

CHILD = r"""
import time
t0 = time.perf_counter()
import argparse, sys
from PySide6.QtCore import QTimer
from crechebooks_desktop.ui.launch import Shell, application

app = application()
shell = Shell(argparse.Namespace(db=sys.argv[1], creche=None, user=None, screenshot=None),
              interactive=False)
marks = {}
def shown():
    marks["shown"] = time.perf_counter() - t0
def loaded(_n):
    marks["loaded"] = time.perf_counter() - t0
    app.quit()
shell.window.households.loaded.connect(loaded)
shell.start()
QTimer.singleShot(0, shown)
QTimer.singleShot(20000, app.quit)
app.exec()
shell.stop()
print(f"{marks['shown']:.4f} {marks['loaded']:.4f}")
"""


def make_demo_book(path: Path) -> None:
    from crechebooks_desktop.db.book import Book
    from crechebooks_desktop.services.demo.creche import create_demo_creche
    from crechebooks_desktop.settings import settings_for

    book, _ = Book.open(settings_for(str(path)), create=True)
    with book.write() as uow:
        create_demo_creche(uow, dt.date.today())  # noqa: DTZ011 - local "today"
    book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "demo.sqlite"
        make_demo_book(book)
        shown, loaded = [], []
        for _ in range(runs):
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(book)],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            shown.append(float(out[0]))
            loaded.append(float(out[1]))
    print(f"start-up over {runs} runs (demo book: 45 households), median:")
    for label, values, target in (
        ("window shown", shown, TARGET_SHOWN_S),
        ("households loaded", loaded, TARGET_LOADED_S),
    ):
        print(f"  {label + ':':<20} {statistics.median(values):.2f} s   target < {target} s")


if __name__ == "__main__":
    main()
