"""Matching speed: 2,000 bank lines against ~5,000 open invoices in ~3,500 households.

Run: .venv/bin/python bench/match.py [--households 3500] [--lines 2000] [--runs 3]
Target (scoring: docs/RULES.md, Matching): match_lines, including the vectorised name
comparison, in under 1 s on the 2-core machine. In the same run a plain Python
double loop of fuzz.ratio over every (line payer, parent name) pair, the naive
way and nothing else, is timed on a subset of the lines and extrapolated
linearly to all of them; the ratio (naive / match_lines) is printed.

The roster is tests/matching_month.py's generator at scale (seeded): about 70
surnames for 3,500 households, so each surname is shared by dozens of
households, which is the hard case for names.
"""

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz

from crechebooks_desktop.domain.enums import MatchOutcome
from crechebooks_desktop.domain.matching import match_lines
from crechebooks_desktop.domain.payer_names import payer_name, person
from tests.matching_month import build_month

TARGET_S = 1.0
NAIVE_SUBSET = 100


def best_of(runs: int, job):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = job()
        times.append(time.perf_counter() - start)
    return min(times), result


def naive_names(lines, parents) -> int:
    """Each line's payer against each parent name, one fuzz call per pair."""
    hits = 0
    for line in lines:
        payer = payer_name(line.payer or line.description)
        if payer is None:
            continue
        for parent in parents:
            if fuzz.ratio(payer.key, parent) > 60:
                hits += 1
    return hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--households", type=int, default=3500)
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    month = build_month(seed=2026, households=args.households)
    rng = random.Random(2026)
    lines = rng.sample(month.lines, min(args.lines, len(month.lines)))
    invoices = sum(len(p.invoices) for p in month.payees)
    parents = [person(name).full_key for p in month.payees for name in p.parent_names]
    print(
        f"{len(lines):,} lines, {invoices:,} open invoices, {len(month.payees):,} households, "
        f"{len(parents):,} parent names"
    )
    seconds, results = best_of(args.runs, lambda: match_lines(lines, month.payees, []))
    verdict = "OK" if seconds < TARGET_S else "TOO SLOW"
    print(
        f"match_lines: {seconds:.3f} s (best of {args.runs}), target < {TARGET_S:.1f} s: {verdict}"
    )
    auto = sum(r.outcome is MatchOutcome.AUTO_APPLIED for r in results)
    wrong = sum(
        r.outcome is MatchOutcome.AUTO_APPLIED
        and r.candidates[0].household_id != month.truth[r.line_id]
        for r in results
    )
    print(f"auto-applied {auto:,} of {len(results):,} ({auto / len(results):.0%}), wrong: {wrong}")
    subset = lines[:NAIVE_SUBSET]
    naive_subset, _ = best_of(1, lambda: naive_names(subset, parents))
    naive = naive_subset * len(lines) / len(subset)
    print(
        f"plain Python double loop of fuzz.ratio (names only): {naive_subset:.2f} s for "
        f"{len(subset)} lines x {len(parents):,} names, extrapolated linearly to "
        f"{len(lines):,} lines: {naive:.1f} s -> {naive / seconds:.0f}x match_lines"
    )


if __name__ == "__main__":
    main()
