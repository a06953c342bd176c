r"""Finding text in many bank lines at once, for the categorisation rules.

Asking each of 300 rules about each of 50,000 lines in Python is 15 million
steps: far too slow. Instead every line's text is upper-cased once and put
into one long string, ``\0text0\0text1...\0``; a rule's text is looked up
with ``str.find`` (C speed) and each hit is mapped back to its line by
bisecting the lines' offsets. Lines with the same text share one copy of it.

Nothing here knows about rules: :mod:`crechebooks_desktop.domain.categorise`
says what to look for.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate

__all__ = ["FIELD", "LINE", "Haystack", "OpenLines", "fold"]

LINE = "\x00"
"""Between two lines' texts in a haystack (and before the first)."""
FIELD = "\x01"
"""Between a line's description, payer and reference when all are searched."""
_SEPARATORS = str.maketrans({LINE: " ", FIELD: " "})


def fold(text: str | None) -> str:
    """A text as the conditions compare it: upper-case, and never holding a separator."""
    if not text:
        return ""
    folded = text.upper()
    if LINE in folded or FIELD in folded:
        return folded.translate(_SEPARATORS)
    return folded


class OpenLines:
    """Which lines no rule has taken yet, and which rule took each of the others."""

    def __init__(self, count: int) -> None:
        self.winner: list[int | None] = [None] * count
        self.left = count
        self._lines = list(range(count))

    def lines(self) -> list[int]:
        """The open lines, ascending (the list is rebuilt only after lines were taken)."""
        if len(self._lines) != self.left:
            winner = self.winner
            self._lines = [i for i in self._lines if winner[i] is None]
        return self._lines

    def take(self, line: int, rule: int) -> None:
        """Record that ``rule`` took ``line``."""
        self.winner[line] = rule
        self.left -= 1


class Haystack:
    """One text of every line, folded, in one string; hits map back to lines.

    ``starts[j]`` is the offset of the separator before the ``j``-th text
    held. As rules take lines, the string is rebuilt from the texts of the
    lines still open once those are fewer than half of the lines it covers,
    so that later rules search less.
    """

    def __init__(self, folded: Sequence[str]) -> None:
        groups: dict[str, list[int]] = {}
        for i, text in enumerate(folded):
            groups.setdefault(text, []).append(i)
        self._texts = list(groups)
        self._members = list(groups.values())
        self._group_of = [0] * len(folded)
        for group, members in enumerate(self._members):
            for i in members:
                self._group_of[i] = group
        self._build(range(len(self._texts)))

    def _build(self, groups: Iterable[int]) -> None:
        self._groups = list(groups)
        chosen = [self._texts[g] for g in self._groups]
        self._text = LINE + LINE.join(chosen) + LINE
        self._starts = list(accumulate((len(t) + 1 for t in chosen), initial=0))
        self._covered = sum(len(self._members[g]) for g in self._groups)

    def narrow(self, still_open: OpenLines) -> None:
        """Drop the texts of lines taken already, once they are most of the string."""
        if 2 * still_open.left < self._covered:
            self._build(sorted({self._group_of[i] for i in still_open.lines()}))

    def lines_with(self, needles: Sequence[str]) -> Iterator[int]:
        """The lines whose text holds one of ``needles`` (a line may come more than once).

        A needle that begins with :data:`LINE` finds the texts that begin
        with the rest of it.
        """
        starts, groups, members, find = self._starts, self._groups, self._members, self._text.find
        for needle in needles:
            at = find(needle)
            while at >= 0:
                j = bisect_right(starts, at) - 1
                yield from members[groups[j]]
                at = find(needle, starts[j + 1])
