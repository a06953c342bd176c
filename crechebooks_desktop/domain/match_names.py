"""Name points for many lines against many parents, vectorised (docs/RULES.md, Matching).

The normalisation is :mod:`~crechebooks_desktop.domain.payer_names`'s. Here:

1. One :func:`rapidfuzz.process.cdist` call per payer kind (written with
   initials: compared with the parents' initials keys; else with their full
   keys) over distinct keys, ``fuzz.ratio`` on pre-sorted tokens (that is
   ``token_sort_ratio``), on both cores, keeping similarities over 60.
2. The pairs it finds (a shared surname gives hundreds) stay in numpy: the
   disagreeing-initials cap, the name points, the best parent per household,
   the household's amount points (against each open invoice and the total,
   as :func:`~crechebooks_desktop.domain.match_rules.amount_points`), and
   only the :data:`~crechebooks_desktop.domain.matching.MAX_CANDIDATES` best
   households per line (name + amount, then account reference) reach Python.
   A household pruned here scores at most 60 and ranks below nine others with
   no reference points either, so it could never be shown or change a
   decision.

:meth:`ParentNames.direct` scores one household's parents with the same rules,
for the few households a line already points at by reference, alias or child.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from crechebooks_desktop.domain.payer_names import (
    DISAGREEING_INITIALS_CAP,
    PayerName,
    Person,
    initials_disagree,
    name_points,
    person,
)

__all__ = ["NameHit", "ParentNames"]

_LIKE = 60
_EQUAL = 100
_NEAR_CENTS = 100
_Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class NameHit:
    """The best name points one household gets from a line.

    Attributes:
        points: 20, 15 or 10.
        similarity: 0 to 100, after the initials cap.
        name: the parent's name as kept in the book.
        amount_points: the household's amount points for the line, when the
            vectorised pass worked them out (None otherwise).
    """

    points: int
    similarity: int
    name: str
    amount_points: int | None = None


def _initial_bits(names: Sequence[str]) -> int:
    """A bit per first letter of each name (A-Z are bits 1-26)."""
    bits = 0
    for name in names:
        bits |= 1 << (ord(name[0]) % 64)
    return bits


class ParentNames:
    """Every household's parents' names and balances, as arrays."""

    def __init__(
        self, parents: Sequence[tuple[int, str]], balances: Sequence[Sequence[int]]
    ) -> None:
        """Index (owner, parent's name) pairs; ``balances[owner]`` are its balances."""
        self.persons: list[Person] = [person(text) for _, text in parents]
        self.owners = np.array([owner for owner, _ in parents], dtype=np.int64)
        self.by_owner: dict[int, list[int]] = {}
        for index, (owner, _) in enumerate(parents):
            self.by_owner.setdefault(owner, []).append(index)
        unique = dict.fromkeys(p.surname for p in self.persons)
        self.surnames = {name: i for i, name in enumerate(unique)}
        self.surname_ids = np.array([self.surnames[p.surname] for p in self.persons], np.int64)
        self.given_bits = np.array([_initial_bits(p.given) for p in self.persons], np.int64)
        width = max((len(b) for b in balances), default=0) or 1
        self.balances = np.zeros((len(balances), width), dtype=np.int64)
        for owner, values in enumerate(balances):
            self.balances[owner, : len(values)] = values

    def direct(self, payer: PayerName | None, owner: int) -> NameHit | None:
        """The best name hit of one household's parents (same rules, no arrays).

        Args:
            payer: The line's payer.
            owner: The household's index.

        Returns:
            The hit, or None when no parent scores over 60.
        """
        if payer is None:
            return None
        best: NameHit | None = None
        for index in self.by_owner.get(owner, ()):
            parent = self.persons[index]
            key = parent.initials_key if payer.with_initials else parent.full_key
            score = fuzz.ratio(payer.key, key)
            if score < _EQUAL and initials_disagree(payer, parent):
                score = min(score, DISAGREEING_INITIALS_CAP)
            points = name_points(score)
            if points and (best is None or round(score) > best.similarity):
                best = NameHit(points, round(score), parent.text)
        return best

    def best(
        self,
        payers: Sequence[PayerName | None],
        amounts: Sequence[int],
        ref_ranks: Sequence[int],
        keep: int,
    ) -> list[dict[int, NameHit]]:
        """For each line, the ``keep`` best households by name (+ amount).

        Args:
            payers: One per line.
            amounts: Each line's amount in cents.
            ref_ranks: Each household's rank by account reference (ties).
            keep: How many households to keep per line.

        Returns:
            One dict per line: owner -> its best name hit.
        """
        lines, parents, scores = self._pairs(payers)
        results: list[dict[int, NameHit]] = [{} for _ in payers]
        if not len(lines):
            return results
        scores = self._capped(payers, lines, parents, scores)
        owners = self.owners[parents]
        ranks = np.asarray(ref_ranks, dtype=np.int64)[owners]
        best = _best_parent(lines, ranks, scores)
        lines, parents, owners, ranks, scores = (
            lines[best],
            parents[best],
            owners[best],
            ranks[best],
            scores[best],
        )
        points = np.select([scores >= _EQUAL, scores > 80, scores > _LIKE], [20, 15, 10], 0)  # noqa: PLR2004
        money = _amount_points(np.asarray(amounts, dtype=np.int64)[lines], self.balances[owners])
        chosen = _top(lines, points + money, ranks, keep)
        columns = (lines, owners, parents, points, np.round(scores), money)
        for line, owner, parent, point, score, amount in zip(
            *(column[chosen].tolist() for column in columns), strict=True
        ):
            name = self.persons[parent].text
            results[line][owner] = NameHit(point, int(score), name, amount)
        return results

    def _pairs(
        self, payers: Sequence[PayerName | None]
    ) -> tuple[_Ints, _Ints, npt.NDArray[np.float64]]:
        """(line, parent, similarity) for every pair over 60, both payer kinds."""
        found = [self._group(payers, with_initials) for with_initials in (False, True)]
        return (
            np.concatenate([f[0] for f in found]),
            np.concatenate([f[1] for f in found]),
            np.concatenate([f[2] for f in found]),
        )

    def _group(
        self, payers: Sequence[PayerName | None], with_initials: bool
    ) -> tuple[_Ints, _Ints, npt.NDArray[np.float64]]:
        chosen = [(i, p) for i, p in enumerate(payers) if p and p.with_initials is with_initials]
        rows = [i for i, _ in chosen]
        keys = [p.initials_key if with_initials else p.full_key for p in self.persons]
        columns, column_of = np.unique(np.array(keys, dtype=object), return_inverse=True)
        if not rows or not len(columns):
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float64)
        row_keys = [p.key for _, p in chosen]
        matrix = process.cdist(
            row_keys,
            list(columns),
            scorer=fuzz.ratio,
            dtype=np.float32,
            workers=-1,
            score_cutoff=_LIKE,
        )
        found_rows, found_columns = np.nonzero(matrix > _LIKE)
        scores = matrix[found_rows, found_columns].astype(np.float64)
        # Each distinct key stands for every parent who has it: expand.
        order = np.argsort(column_of, kind="stable")
        counts = np.bincount(column_of, minlength=len(columns))
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        repeat = counts[found_columns]
        pair = np.repeat(np.arange(len(found_columns)), repeat)
        within = np.arange(len(pair)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        parents = order[starts[found_columns[pair]] + within]
        lines = np.asarray(rows, dtype=np.int64)[found_rows[pair]]
        return lines, parents.astype(np.int64), scores[pair]

    def _capped(
        self,
        payers: Sequence[PayerName | None],
        lines: _Ints,
        parents: _Ints,
        scores: npt.NDArray[np.float64],
    ) -> npt.NDArray[np.float64]:
        """Apply :func:`initials_disagree`'s cap to every pair at once."""
        width = max(len(p.tokens) for p in payers if p is not None)
        tokens = np.full((len(payers), width), -2, dtype=np.int64)
        bits = np.zeros((len(payers), width), dtype=np.int64)
        for row, payer in enumerate(payers):
            for column, token in enumerate(payer.tokens if payer else ()):
                tokens[row, column] = self.surnames.get(token, -1)
                bits[row, column] = _initial_bits((token,))
        surname = self.surname_ids[parents][:, None]
        given = self.given_bits[parents]
        line_tokens = tokens[lines]
        has_surname = (line_tokens == surname).any(axis=1)
        others = np.bitwise_or.reduce(np.where(line_tokens != surname, bits[lines], 0), axis=1)
        disagree = has_surname & (given != 0) & (others != 0) & ((others & given) == 0)
        capped = disagree & (scores < _EQUAL)
        return np.where(capped, np.minimum(scores, DISAGREEING_INITIALS_CAP), scores)


def _amount_points(amounts: _Ints, balances: _Ints) -> _Ints:
    """Each pair's best amount points against its household's balances (0 = none)."""
    diff = np.abs(amounts[:, None] - balances)
    points = np.select(
        [diff == 0, diff <= _NEAR_CENTS, diff * 100 <= balances, diff * 20 <= balances],
        [40, 38, 35, 25],
        0,
    )
    best: _Ints = np.where(balances > 0, points, 0).max(axis=1, initial=0)
    return best


def _best_parent(lines: _Ints, ranks: _Ints, scores: npt.NDArray[np.float64]) -> _Ints:
    """Indexes of the best-scoring pair of each (line, household).

    Sorting one int64 key is several times faster than ``np.lexsort``.
    """
    households = int(ranks.max(initial=0)) + 1
    pair = lines * households + ranks
    order = np.argsort(pair * 16384 + (10000 - np.round(scores * 100)).astype(np.int64))
    first = np.ones(len(order), dtype=bool)
    first[1:] = pair[order][1:] != pair[order][:-1]
    return order[first]


def _top(lines: _Ints, total: _Ints, ranks: _Ints, keep: int) -> _Ints:
    """Indexes of each line's ``keep`` best pairs: total down, account reference up."""
    households = int(ranks.max(initial=0)) + 1
    ranked = np.argsort((lines * 128 + 127 - total) * households + ranks)
    line_of = lines[ranked]
    start = np.searchsorted(line_of, line_of, side="left")
    return ranked[np.arange(len(ranked)) - start < keep]
