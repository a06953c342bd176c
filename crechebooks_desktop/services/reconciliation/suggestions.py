"""What the rules and the learned choices say about lines: ``categorise run`` and ``suggest``.

Import these from :mod:`crechebooks_desktop.services.reconciliation.categorise`,
which is the API; they live here to keep each module small.

Rules come first (the first by position that a line meets), then the account
earlier choices point to for the line's text key, with a confidence of
``floor(100 x agreeing / (earlier + 1))``. A run applies the rules' answers
and the learned ones at or above the creche's ``categorise_confidence``; the
rest are reported for review and nothing is written for them. A run only
takes lines nobody categorised (``BankRepository.lines_to_categorise``), so it
never overwrites a person's choice.

A run over a year of a busy creche (50,000 lines, 300 rules) must take under
a second (issue 11), so: the lines are read as plain tuples of the columns the
rules need; the rules engine looks each rule's text up once; each line's rows
are built as plain tuples from what its rule worked out once; what was learned
is one query and a dictionary; the rows are written in bulk; and the garbage
collector is paused while the run makes its few hundred thousand values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from crechebooks_desktop.db.unit_of_work import UnitOfWork
from crechebooks_desktop.domain.categories import (
    CategoryPart,
    LearnedGuess,
    PartRow,
    Remembered,
    learned_guess,
)
from crechebooks_desktop.domain.categorise import (
    LineToCategorise,
    Rule,
    first_matches,
    split_amount,
    text_key,
    vat_inside,
    vat_inside_for,
)
from crechebooks_desktop.domain.chart import AccountRecord
from crechebooks_desktop.domain.enums import BankLineStatus, CategorySource
from crechebooks_desktop.domain.roles import Actor, Permission
from crechebooks_desktop.errors import NotFoundError
from crechebooks_desktop.services import audit
from crechebooks_desktop.services.tasks import TaskState, collector_paused

__all__ = ["CategoriseRun", "Suggestion", "run", "suggest"]

_FULL = 100
# Lines written per progress step; also the cancel granularity of a run.
_STEP = 10_000
# What a write inside a locked period is refused as.
_REFUSED = "cannot categorise"

Plan = Callable[[LineToCategorise], list[PartRow]]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What the rules or the learned choices say a line's categories should be.

    Attributes:
        line_id: the bank line.
        parts: the categories it would get (one, or a rule's split).
        source: RULE_BASED or SUGGESTED.
        confidence: 100 for a rule; the learned confidence otherwise.
        reason: why, in words (``rule 'ESKOM'``, ``7 earlier lines from
            'ESKOM PREPAID' went to 6200 Utilities``).
        rule_name: the rule, for a rule's suggestion.
    """

    line_id: int
    parts: tuple[CategoryPart, ...]
    source: CategorySource
    confidence: int
    reason: str
    rule_name: str | None = None

    @property
    def account_code(self) -> str:
        """The (first part's) account code."""
        return self.parts[0].account_code

    @property
    def account_name(self) -> str:
        """The (first part's) account name."""
        return self.parts[0].account_name

    def as_json(self) -> dict[str, object]:
        """``{"line_id", "account": {"code", "name"}, "vat", "source", "confidence", ...}``."""
        first = self.parts[0]
        return {
            "line_id": self.line_id,
            "account": {"code": first.account_code, "name": first.account_name},
            "vat": first.vat_type.value,
            "source": self.source.value,
            "confidence": self.confidence,
            "reason": self.reason,
            "rule": self.rule_name,
            "parts": [part.as_json() for part in self.parts],
        }


@dataclass(frozen=True, slots=True)
class CategoriseRun:
    """What ``categorise run`` did.

    Attributes:
        considered: uncategorised lines looked at (outside locked periods).
        by_rule: lines categorised by a rule.
        by_learning: lines categorised from learned choices.
        for_review: learned suggestions below the creche's confidence: not
            written, for a person to decide.
        locked: uncategorised lines skipped because their period is locked.
        left: lines neither a rule nor a learned choice had anything for.
    """

    considered: int
    by_rule: int
    by_learning: int
    for_review: tuple[Suggestion, ...]
    locked: int
    left: int

    def as_json(self) -> dict[str, object]:
        """The counts and the suggestions for review, as ``categorise run --json`` prints them."""
        return {
            "considered": self.considered,
            "by_rule": self.by_rule,
            "by_learning": self.by_learning,
            "for_review": [s.as_json() for s in self.for_review],
            "locked": self.locked,
            "left": self.left,
        }


class _Answer(NamedTuple):
    """A line's suggested parts and why, for the review screen and learned choices."""

    rows: list[PartRow]
    source: CategorySource
    confidence: int
    reason: str
    rule_name: str | None


def _rule_reason(rule: Rule) -> str:
    """Why a rule's line went where it did: ``rule 'ESKOM'``."""
    return f"rule '{rule.name}'"


def _rule_plan(rule: Rule, accounts: dict[int, AccountRecord]) -> Plan:
    """How a rule categorises a line: the rows of its account and VAT type, or of its split.

    Everything but the amount and the VAT is worked out once per rule, and
    each line's rows are plain tuples: a run plans 50,000 lines.
    """
    reason, rule_id, source = _rule_reason(rule), rule.rule_id, CategorySource.RULE_BASED
    if rule.account_id is not None and not rule.split:
        account_id = rule.account_id
        vat_type = rule.vat_type or accounts[account_id].vat_type
        vat = vat_inside_for(vat_type)

        def one(line: LineToCategorise) -> list[PartRow]:
            cents = line.amount_cents
            vat_cents = vat(cents, line.date)
            return [
                (line.id, 1, account_id, cents, vat_type, vat_cents, source, _FULL, reason, rule_id)
            ]

        return one
    shares = rule.split
    types = [rule.vat_type or accounts[s.account_id].vat_type for s in shares]
    # Each share's account, VAT type and VAT function.
    targets = [(s.account_id, t, vat_inside_for(t)) for s, t in zip(shares, types, strict=True)]

    def split(line: LineToCategorise) -> list[PartRow]:
        amounts = split_amount(line.amount_cents, shares)
        parts = [(to, cents) for to, cents in zip(targets, amounts, strict=True) if cents]
        return [
            (
                line.id,
                part_no,
                account_id,
                cents,
                vat_type,
                vat(cents, line.date),
                source,
                _FULL,
                reason,
                rule_id,
            )
            for part_no, ((account_id, vat_type, vat), cents) in enumerate(parts, start=1)
        ]

    return split


def _learned_reason(key: str, guess: LearnedGuess, account: AccountRecord) -> str:
    """``7 earlier lines from 'ESKOM PREPAID' went to 6200 Utilities`` (``3 of 4 ...``)."""
    lines = "line" if guess.earlier == 1 else "lines"
    count = str(guess.agreeing)
    if guess.agreeing != guess.earlier:
        count = f"{guess.agreeing} of {guess.earlier}"
    return f"{count} earlier {lines} from '{key}' went to {account.label}"


class _Suggester:
    """The rules and the learned choices of one creche, ready to answer for many lines.

    What was learned is read whole, in one query, when the suggester is made:
    it is one row per text key and account people chose (a few thousand at
    most), and each line then costs one dictionary look-up.
    """

    def __init__(self, uow: UnitOfWork) -> None:
        self.accounts = {a.id: a for a in uow.chart.accounts()}
        self.rules = uow.categories.rules()
        self.plans = [_rule_plan(rule, self.accounts) for rule in self.rules]
        self.guesses = self._guesses(uow.categories.remembered())

    def winners(self, lines: Sequence[LineToCategorise]) -> list[int | None]:
        """For each line, the index of the first rule it meets (``plans``), or None."""
        return first_matches(self.rules, lines)

    def answer(self, line: LineToCategorise, winner: int | None) -> _Answer | None:
        """A line's answer: its first rule's (``winner``), else the learned one, else None."""
        if winner is None:
            return self.learned(line)
        rule = self.rules[winner]
        rows = self.plans[winner](line)
        return _Answer(rows, CategorySource.RULE_BASED, _FULL, _rule_reason(rule), rule.name)

    def learned(self, line: LineToCategorise) -> _Answer | None:
        """What earlier choices say about a line no rule took, if anything."""
        if not self.guesses:
            return None
        key = text_key(line.payer, line.description)
        guess = self.guesses.get(key) if key else None
        return None if guess is None else self._learned(line, key, guess)

    def _guesses(self, remembered: Sequence[Remembered]) -> dict[str, LearnedGuess]:
        """The learned suggestion for each text key (accounts archived since are left out)."""
        by_key: dict[str, list[Remembered]] = defaultdict(list)
        for choice in remembered:
            if not self.accounts[choice.account_id].archived:
                by_key[choice.text_key].append(choice)
        found = {key: learned_guess(choices) for key, choices in by_key.items()}
        return {key: guess for key, guess in found.items() if guess is not None}

    def _learned(self, line: LineToCategorise, key: str, guess: LearnedGuess) -> _Answer:
        account = self.accounts[guess.account_id]
        reason = _learned_reason(key, guess, account)
        cents, vat_type, source = line.amount_cents, guess.vat_type, CategorySource.SUGGESTED
        vat = vat_inside(cents, vat_type, line.date)
        row = (line.id, 1, account.id, cents, vat_type, vat, source, guess.confidence, reason, None)
        return _Answer([row], source, guess.confidence, reason, None)

    def suggestion(self, line_id: int, answer: _Answer) -> Suggestion:
        """The answer as the review screen shows it."""
        accounts = self.accounts
        parts = tuple(
            CategoryPart(row[1], row[2], accounts[row[2]].code, accounts[row[2]].name, *row[3:])
            for row in answer.rows
        )
        return Suggestion(
            line_id, parts, answer.source, answer.confidence, answer.reason, answer.rule_name
        )


def suggest(uow: UnitOfWork, line_ids: Sequence[int]) -> dict[int, Suggestion]:
    """What a run would say about these lines, whatever their status; nothing is written.

    For the review screen: a learned suggestion is given even below the
    creche's confidence (its confidence says how sure it is).

    Args:
        uow: a (read-only) transaction.
        line_ids: the bank lines.

    Returns:
        Each line's suggestion by line id; lines with none are left out.
    """
    lines = [
        LineToCategorise(x.id, x.account_id, x.date, x.amount_cents, x.description, x.payer,
                         x.reference)
        for x in uow.bank.lines_by_id(line_ids)
    ]  # fmt: skip
    suggester = _Suggester(uow)
    answers = map(suggester.answer, lines, suggester.winners(lines))
    return {
        line.id: suggester.suggestion(line.id, answer)
        for line, answer in zip(lines, answers, strict=True)
        if answer is not None
    }


def _open_lines(uow: UnitOfWork) -> tuple[list[LineToCategorise], int]:
    """The lines a run may take, and how many more it may not (locked periods)."""
    lines = uow.bank.lines_to_categorise()
    locks = uow.bank.locks.all()
    if not locks:
        return lines, 0
    through = {account: lock.through for account, lock in locks.items()}
    free = [x for x in lines if x.account_id not in through or x.date > through[x.account_id]]
    return free, len(lines) - len(free)


def run(uow: UnitOfWork, actor: Actor, state: TaskState | None = None) -> CategoriseRun:
    """``categorise run``: categorise the uncategorised lines by the rules and what was learned.

    One transaction and one audit record with the counts. Lines a person
    categorised, parents' payments, split lines and credits still waiting
    for matching are never touched; nor are lines inside a locked period.

    Args:
        uow: the transaction.
        actor: who runs it (needs to post money).
        state: progress and cancel; cancelling rolls the whole run back.

    Returns:
        The counts, and the learned suggestions below the creche's confidence.

    Raises:
        PermissionDenied: the actor may not post money.
        Cancelled: the run was cancelled (nothing is written).
    """
    audit.require(actor, Permission.POST_MONEY)
    if state is not None:
        state.progress(0, 1, "Reading lines")
    with collector_paused():  # a few hundred thousand small values, no cycles among them
        result, threshold = _categorise(uow, actor, state)
    counts = {k: v for k, v in result.as_json().items() if k != "for_review"}
    audit.record(
        uow,
        actor,
        "categorise.run",
        "bank_lines",
        None,
        None,
        {**counts, "for_review": len(result.for_review), "confidence": threshold},
    )
    return result


def _categorise(
    uow: UnitOfWork, actor: Actor, state: TaskState | None
) -> tuple[CategoriseRun, int]:
    """A run's bulk work: read, decide, write; the counts and the confidence used.

    Its lines, answers and rows are gone when it returns, before the garbage
    collector is on again, so the collector never walks them.
    """
    lines, locked = _open_lines(uow)
    suggester = _Suggester(uow)
    winners = suggester.winners(lines)
    if state is not None:
        state.check()
    threshold = _threshold(uow, actor)
    decided = _decide(suggester, lines, winners, threshold)
    _write(uow, actor, decided.chosen, state)
    chosen, review = decided.chosen, decided.review
    result = CategoriseRun(
        len(lines),
        decided.by_rule,
        len(chosen) - decided.by_rule,
        tuple(review),
        locked,
        len(lines) - len(chosen) - len(review),
    )
    return result, threshold


@dataclass(frozen=True, slots=True)
class _Decided:
    """What a run does with its lines.

    Attributes:
        chosen: the rows of each line to categorise (a line's rows together),
            in the lines' order.
        review: learned suggestions below the creche's confidence.
        by_rule: how many of ``chosen`` a rule chose; the rest were learned.
    """

    chosen: list[list[PartRow]]
    review: list[Suggestion]
    by_rule: int


def _decide(
    suggester: _Suggester,
    lines: Sequence[LineToCategorise],
    winners: Sequence[int | None],
    threshold: int,
) -> _Decided:
    """Each line's rows from its rule, else from what was learned if sure enough.

    The hot loop of a run: a rule's line costs one call of its plan, which
    builds the rows as plain tuples; only the few lines left to learning
    build an answer with its reason.
    """
    plans = suggester.plans
    chosen: list[list[PartRow]] = []
    review: list[Suggestion] = []
    by_rule = 0
    for line, winner in zip(lines, winners, strict=True):
        if winner is not None:
            chosen.append(plans[winner](line))
            by_rule += 1
            continue
        answer = suggester.learned(line)
        if answer is None:
            continue
        if answer.confidence < threshold:
            review.append(suggester.suggestion(line.id, answer))
        else:
            chosen.append(answer.rows)
    return _Decided(chosen, review, by_rule)


def _threshold(uow: UnitOfWork, actor: Actor) -> int:
    """The creche's ``categorise_confidence``: learned suggestions below it are not applied."""
    settings = uow.tenants.get(actor.tenant_id)
    if settings is None:  # pragma: no cover - the actor was resolved in this book
        raise NotFoundError("the creche no longer exists")
    return settings.categorise_confidence


def _write(
    uow: UnitOfWork, actor: Actor, chosen: list[list[PartRow]], state: TaskState | None
) -> None:
    """Each chosen line CATEGORISED (the locks asked first), and its rows written.

    In steps of lines, so that progress moves and a cancel is honoured
    between them; each step is one status change and one bulk insert.
    """
    for start in range(0, len(chosen), _STEP):
        if state is not None:
            state.check()
            state.progress(start, len(chosen), "Saving categories")
        step = chosen[start : start + _STEP]
        uow.bank.set_status([rows[0][0] for rows in step], BankLineStatus.CATEGORISED, _REFUSED)
        uow.categories.write_rows([row for rows in step for row in rows], actor.user_id)
    if state is not None:
        state.progress(len(chosen), len(chosen), "Saved")
