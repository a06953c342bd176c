"""Reading a big PDF bank statement: 50 pages, about 2,500 lines, in FNB's layout.

Run: .venv/bin/python bench/pdf_statement.py [--pages 50] [--runs 3]

Target (issue 14): a 50-page statement of about 2,500 lines read in under
5 s on the office's 2-core machine. The statement is drawn with reportlab
(tests/pdf_statements.py), each line with a two-line description on every
fifth line, so the reader's whole path runs: text extraction, lines, the
table on every page, year-less dates, ``Cr`` amounts, and the balance chain.
Prints the best of ``--runs`` beside the target, as wall-clock time and as
this process's CPU time. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crechebooks_desktop.importers.bank import read_statement
from tests.pdf_statements import FNB, Txn, render, with_spec

TARGET_S = 5.0
_NAMES = ("DLAMINI", "NAIDOO", "VAN DER MERWE", "MOKOENA", "PILLAY", "BOTHA", "KHUMALO")


def statement(pages: int, per_page: int = 50) -> bytes:
    """An FNB statement of ``pages`` pages of ``per_page`` transactions."""
    rng = random.Random(pages)
    start = dt.date(2025, 12, 15)
    txns = []
    for i in range(pages * per_page - 2):
        day = start + dt.timedelta(days=i * 30 // (pages * per_page))
        name = rng.choice(_NAMES)
        if rng.random() < 0.7:
            lines = (f"FNB APP PAYMENT FROM {name}", f"REF {name[:6]}{i % 90 + 10:02d} SCHOOL FEES")
            txns.append(
                Txn(day, lines if i % 5 == 0 else lines[:1], rng.choice((250_000, 450_000)))
            )
        else:
            txns.append(Txn(day, ("POS PURCHASE MAKRO",), -rng.randint(500, 900_000)))
    return render(with_spec(FNB, per_page=per_page), txns, 1_000_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    data = statement(args.pages)
    wall, cpu, count = float("inf"), float("inf"), 0
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        read = read_statement(data, "statement.pdf")
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
        count = len(read.lines)
    ok = wall < TARGET_S
    print(
        f"statement.pdf {args.pages} pages {count:>6,} lines  {len(data) / 1e6:5.2f} MB  "
        f"read {wall:6.3f} s wall, {cpu:6.3f} s CPU  (target < {TARGET_S:.1f} s)  "
        f"{'OK' if ok else 'SLOW'}"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
