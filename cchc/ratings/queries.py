"""Reads for ratings: the month's task figures per unit and person, who headed each unit, the
overdue tasks at a close, and the quarter and year aggregates. Nothing here changes data.

The figures come from the tasks as they stand at the end of the month (docs/ratings.md, "Which
tasks count"): one grouped query sums the weights per (lead unit, responsible person,
completed, late); the few tasks with failed reviews or approved extensions are then corrected
one by one, so the cost grows with the number of rated units and people, not with tasks.
"""

import dataclasses
import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum

from cchc.accounts.models import HeadTerm
from cchc.inspections.queries import DisciplineFact, discipline_facts
from cchc.plans.models import (
    ExtensionRequest,
    ProgressReport,
    QualityReview,
    TallyRow,
    Task,
    TaskStatus,
    status_filter,
)
from cchc.plans.queries import counted_tasks, day_start, month_bounds
from cchc.ratings.models import (
    Band,
    Discipline,
    GeneralScore,
    Rating,
    RatingPolicy,
    RatingRound,
    Responsibility,
    cents,
)
from cchc.ratings.scoring import ZERO, Figures, assign_bands, credit, task_credit

PersonKey = tuple[int, int]  # (person, unit)


def month_tasks(first: datetime.date, last: datetime.date) -> QuerySet[Task]:
    """The tasks a month is rated on: counted at its end (plans.queries.counted_tasks) and due
    by then or completed in it, leaving out those completed before it began. An overdue task
    so counts again every month until it is done. Changes nothing."""
    return counted_tasks(last).filter(
        (Q(deadline__lte=last) | Q(completed_on__gte=first, completed_on__lte=last))
        & (Q(completed_on__isnull=True) | Q(completed_on__gte=first))
    )


def _done(last: datetime.date) -> Q:
    return Q(completed_on__isnull=False, completed_on__lte=last)


# Task ids per query when reading the tasks whose figures need correcting: under the 999
# parameters an old SQLite allows.
SPECIAL_BATCH = 900


def month_figures(
    policy: RatingPolicy, first: datetime.date, last: datetime.date
) -> tuple[dict[int, Figures], dict[PersonKey, Figures]]:
    """The Figures of the month per lead unit and per (responsible person, lead unit), under
    `policy`'s deductions. Three queries, and one per SPECIAL_BATCH tasks with a failed review
    or an approved extension in the month."""
    tasks = month_tasks(first, last)
    done, late = _done(last), Q(completed_on__gt=F("deadline"))
    groups: dict[tuple[int, int | None], Figures] = {}
    rows = (
        tasks.order_by()
        .values_list("lead_unit_id", "responsible_id")
        .annotate(
            tasks=Count("pk"),
            completed=Count("pk", filter=done),
            late=Count("pk", filter=done & late),
            w_all=Sum("weight"),
            w_done=Sum("weight", filter=done),
            w_late=Sum("weight", filter=done & late),
        )
    )
    for unit_id, person_id, count, completed, n_late, weight, w_done, w_late in rows:
        w_done, w_late = w_done or ZERO, w_late or ZERO
        groups[(unit_id, person_id)] = Figures(
            tasks=count,
            completed=completed,
            late=n_late,
            weight_assigned=weight,
            weight_completed=w_done,
            weight_quality=w_done,
            weight_progress=w_done - w_late + credit(w_late, policy.delay_deduction, 1),
        )
    _correct(policy, groups, tasks, last)
    by_unit: dict[int, Figures] = defaultdict(Figures)
    by_person: dict[PersonKey, Figures] = {}
    for (unit_id, person_id), figures in groups.items():
        by_unit[unit_id].add(figures)
        if person_id is not None:
            by_person[(person_id, unit_id)] = figures
    return dict(by_unit), by_person


def _correct(
    policy: RatingPolicy,
    groups: dict[tuple[int, int | None], Figures],
    tasks: QuerySet[Task],
    last: datetime.date,
) -> None:
    """Apply, task by task, the failed reviews of reports submitted by the month's end (the
    tally's rule, decision 0009) and the extensions requested by then and approved by the
    close: the grouped sums assumed none."""
    end = day_start(last + datetime.timedelta(days=1))
    # "Its task is one of the month's" as a correlated EXISTS: the reviews and extensions are
    # few, and SQLite checks each one's task by its key instead of first listing the month's
    # million tasks (as `task__in=tasks` made it do, once per query).
    of_the_month = Exists(tasks.filter(pk=OuterRef("task_id")))
    failed_reviews = QualityReview.objects.filter(
        of_the_month, passed=False, report__submitted_at__lt=end
    ).order_by()
    approved = ExtensionRequest.objects.filter(
        of_the_month, status=ExtensionRequest.Status.APPROVED, created_at__lt=end
    ).order_by()
    failed = dict(failed_reviews.values_list("task_id").annotate(n=Count("pk")))
    extended = dict(approved.values_list("task_id").annotate(n=Count("pk")))
    # The tasks to correct are exactly those two sets' keys (both were read among the month's
    # tasks): read by primary key, a batch at a time. Filtering the month's tasks again by
    # "in either subquery" made SQLite test a million tasks: half of month_figures' time.
    ids = sorted(failed.keys() | extended.keys())
    special = (
        row
        for start in range(0, len(ids), SPECIAL_BATCH)
        for row in Task.objects.filter(pk__in=ids[start : start + SPECIAL_BATCH])
        .order_by()
        .values_list("pk", "lead_unit_id", "responsible_id", "weight", "completed_on", "deadline")
    )
    for pk, unit_id, person_id, weight, completed_on, deadline in special:
        figures = groups[(unit_id, person_id)]
        figures.failed_reviews += failed.get(pk, 0)
        figures.extensions += extended.get(pk, 0)
        if completed_on is None or completed_on > last:
            continue
        is_late = completed_on > deadline
        quality, progress = task_credit(
            policy, weight, late=is_late, failed=failed.get(pk, 0), extensions=extended.get(pk, 0)
        )
        assumed = credit(weight, policy.delay_deduction, int(is_late))
        figures.weight_quality += quality - weight
        figures.weight_progress += progress - assumed


def heads_in_month(
    first: datetime.date, last: datetime.date, unit_ids: Any
) -> dict[int, dict[int, int]]:
    """For each unit, the people who held its head position in the month and for how many of
    its days (HeadTerm overlaps, summed per person). One query."""
    terms = HeadTerm.objects.filter(unit_id__in=unit_ids, started_on__lte=last).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=first)
    )
    heads: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for unit_id, user_id, start, end in terms.values_list(
        "unit_id", "user_id", "started_on", "ended_on"
    ):
        days = (min(end or last, last) - max(start, first)).days + 1
        heads[unit_id][user_id] += days
    return heads


def head_on(day: datetime.date, unit_ids: Any) -> dict[int, int]:
    """The head of each unit on `day` (the latest appointed if terms overlap). One query."""
    terms = (
        HeadTerm.objects.filter(unit_id__in=unit_ids, started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .order_by("started_on", "pk")
        .values_list("unit_id", "user_id")
    )
    return dict(terms)


def overdue_at(last: datetime.date) -> QuerySet[Any]:
    """(task, lead unit, responsible person, deadline) of every counted task overdue at the end
    of `last`: the tasks a close makes someone answer for. Changes nothing."""
    return (
        counted_tasks(last)
        .filter(status_filter(TaskStatus.OVERDUE, last))
        .order_by()
        .values_list("pk", "lead_unit_id", "responsible_id", "deadline")
    )


def forced_by_discipline(ratings: list[Any], first: datetime.date, last: datetime.date) -> None:
    """Set `discipline_id` on each rating (or yearly line) that a decision of the period forces
    to "not complete" (Decree 335, cases (b)–(d)): a disciplinary decision or a conclusion of
    decline against a person rates down their head and person ratings; corruption or waste in a
    unit (no person) rates down the unit's heads, who manage it directly; a disciplinary
    decision against a unit as a collective (no person) the unit's rating. One query."""
    by_person: dict[int, int] = {}
    by_unit: dict[int, int] = {}
    heads_of: dict[int, int] = {}
    for pk, unit_id, person_id, ground in (
        Discipline.objects.in_period(first, last)
        .order_by("decided_on", "pk")
        .values_list("pk", "unit_id", "person_id", "ground")
    ):
        if person_id is not None:
            by_person.setdefault(person_id, pk)
        elif ground == Discipline.Ground.CORRUPTION:
            heads_of.setdefault(unit_id, pk)
        else:
            by_unit.setdefault(unit_id, pk)
    for rating in ratings:
        if rating.is_frozen:
            continue
        if rating.kind == Rating.Kind.UNIT:
            rating.discipline_id = by_unit.get(rating.unit_id)
            continue
        rating.discipline_id = by_person.get(rating.person_id or 0)
        if rating.discipline_id is None and rating.kind == Rating.Kind.HEAD:
            rating.discipline_id = heads_of.get(rating.unit_id)


@dataclasses.dataclass
class PeriodLine:
    """A unit's, head's or person's rating over a quarter or a year: the mean of the months."""

    kind: str
    unit_id: int
    person_id: int | None
    label: str
    peer_group: str
    cap_group: str
    months: int
    weight: Decimal
    total: Decimal = ZERO
    score_band: str = Band.NOT_COMPLETE
    band: str = Band.NOT_COMPLETE
    cap_applied: bool = False
    discipline_id: int | None = None
    approved: int = 0

    is_frozen = False

    @property
    def key(self) -> tuple[str, int, int | None]:
        return (self.kind, self.unit_id, self.person_id)


def period_lines(
    ratings: QuerySet[Rating], first: datetime.date, last: datetime.date
) -> list[PeriodLine]:
    """The quarter from month `first` to month `last` (docs/ratings.md, "Quarters"): per unit,
    head and person, the mean of the monthly totals, weighted by the days a head held the
    position (1 per month otherwise); the band under the policy of the period's last round, a
    decision in the period forcing "not complete"; indicative, never capped (the cap belongs to
    the yearly classification, yearly.py).
    `ratings` is already scoped to the reader. Two queries."""
    rows = ratings.filter(round__month__gte=first, round__month__lte=last).values_list(
        "kind",
        "unit_id",
        "person_id",
        "label",
        "peer_group",
        "cap_group",
        "total",
        "days_held",
        "month_days",
        "status",
    )
    lines: dict[tuple[str, int, int | None], PeriodLine] = {}
    for kind, unit_id, person_id, label, peer, cap, total, held, days, status in rows:
        weight = Decimal(held) / Decimal(days) if held is not None else Decimal(1)
        line = lines.get((kind, unit_id, person_id))
        if line is None:
            line = PeriodLine(kind, unit_id, person_id, label, peer, cap, 0, ZERO)
            lines[line.key] = line
        line.months += 1
        line.weight += weight
        line.total += weight * total
        line.approved += status == Rating.Status.APPROVED
    policy = (
        RatingRound.objects.filter(month__gte=first, month__lte=last)
        .order_by("-month")
        .values_list("policy", flat=True)
        .first()
    )
    if policy is None:
        return []
    for line in lines.values():
        line.total = cents(line.total / line.weight) if line.weight else ZERO
    _, period_end = month_bounds(last)
    forced_by_discipline(list(lines.values()), first, period_end)
    assign_bands(RatingPolicy.objects.get(pk=policy), lines.values(), cap=False)
    return sorted(lines.values(), key=lambda line: (-line.total, line.label))


class Outcome:
    """What the rating counted a task as, at the month's end (the calculation's words)."""

    ON_TIME = "on_time"
    LATE = "late"
    NOT_COMPLETED = "not_completed"


@dataclasses.dataclass(frozen=True)
class CountedTask:
    """A task the rating counted, as the month's figures saw it (`outcome`), and when it was
    completed if that happened only after them (`completed_later`: after the month's end, or
    accepted after the figures were computed)."""

    task: Task
    outcome: str
    completed_later: datetime.date | None
    days_overdue: int = 0  # past the deadline at the month's end, when not completed by then
    note: str = ""  # not completed: the narrative of its last report submitted in the month


@dataclasses.dataclass(frozen=True)
class CountedSummary:
    """The counts of the listed tasks: the same figures as the calculation's."""

    tasks: int
    on_time: int
    late: int
    not_completed: int

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    def agrees_with(self, rating: Rating) -> bool:
        return (self.tasks, self.completed, self.late, self.not_completed) == (
            rating.tasks,
            rating.completed,
            rating.late,
            rating.not_completed,
        )


def counted_tasks_of(rating: Rating) -> list[CountedTask]:
    """The tasks `rating` was computed from (month_tasks of its unit, and for a person rating
    those they are responsible for), each with its outcome at the month's end as the round's
    figures saw it: a completion accepted after the round was generated counts as "not
    completed" there and is reported as `completed_later`, like a completion after the
    month's end. A task not completed carries the narrative of its last report of the month
    (the reason given). Three queries; changes nothing."""
    first, last = month_bounds(rating.round.month)
    as_at = rating.round.generated_at
    candidates = counted_tasks(last).filter(
        Q(deadline__lte=last) | Q(completed_on__gte=first, completed_on__lte=last),
        lead_unit_id=rating.unit_id,
    )
    if rating.kind == Rating.Kind.PERSON:
        candidates = candidates.filter(responsible_id=rating.person_id)
    tasks = list(candidates.select_related("responsible").order_by("deadline", "code", "pk"))
    accepted = dict(
        ProgressReport.objects.filter(
            task__in=[task.pk for task in tasks],
            is_completion=True,
            status=ProgressReport.Status.ACCEPTED,
        ).values_list("task_id", "decided_at")
    )
    notes = _last_notes([task.pk for task in tasks], first, last)
    lines = []
    for task in tasks:
        decided = accepted.get(task.pk)
        known = task.completed_on is not None and (decided is None or decided <= as_at)
        done_on = task.completed_on if known else None
        if done_on is not None and done_on < first:
            continue  # completed before the month: not rated again (month_tasks)
        if done_on is not None and done_on <= last:
            outcome = Outcome.ON_TIME if done_on <= task.deadline else Outcome.LATE
            lines.append(CountedTask(task, outcome, None))
        elif task.deadline <= last:
            overdue = (last - task.deadline).days
            note = notes.get(task.pk, "")
            line = CountedTask(task, Outcome.NOT_COMPLETED, task.completed_on, overdue, note)
            lines.append(line)
    return lines


def _last_notes(task_ids: list[int], first: datetime.date, last: datetime.date) -> dict[int, str]:
    """The narrative of each task's last progress report (not a completion report) submitted
    in the month: the reason a unit gives for a task it could not complete. One query."""
    reports = ProgressReport.objects.filter(
        task_id__in=task_ids,
        is_completion=False,
        submitted_at__gte=day_start(first),
        submitted_at__lt=day_start(last + datetime.timedelta(days=1)),
    ).order_by("task_id", "submitted_at", "pk")
    return dict(reports.values_list("task_id", "narrative"))


def summarise(lines: list[CountedTask]) -> CountedSummary:
    outcomes = [line.outcome for line in lines]
    return CountedSummary(
        tasks=len(lines),
        on_time=outcomes.count(Outcome.ON_TIME),
        late=outcomes.count(Outcome.LATE),
        not_completed=outcomes.count(Outcome.NOT_COMPLETED),
    )


@dataclasses.dataclass
class Scorecard:
    """Everything a rating's page (the head's scorecard), its PDF and the API show."""

    rating: Rating
    tally: TallyRow | None  # the unit's row of the month's close: the plan year to date
    counted: list[CountedTask]  # the tasks the calculation counted, outcome at the month's end
    summary: CountedSummary  # their counts: the calculation's figures
    scores: list[GeneralScore]
    trend: list[Rating]
    responsibilities: list[Responsibility]
    commitments: list[Task]
    findings: list[DisciplineFact]  # of a head or person: inspection findings of the month


def scorecard(rating: Rating, *, months: int = 12) -> Scorecard:
    """The scorecard of `rating`: its unit's row of the month's tally, the general scores, the
    same subject's ratings over the `months` months up to this one (oldest first), the
    responsibilities still open in the unit (only the person's, unless it rates the unit), and
    the unit's open tasks that a monthly briefing assigned (Task.Source.BRIEFING) by the
    month's end, and for a head or person the findings of concluded inspections against them
    observed in the month (inspections' discipline facts: what the assessor weighs in the
    general criteria; only a disciplinary decision forces "not complete"), and the tasks the
    calculation counted with their outcome at the month's end (`counted_tasks_of`) and their
    summary. Eight to ten queries; changes nothing."""
    month = rating.round.month
    since = (month - datetime.timedelta(days=31 * (months - 1))).replace(day=1)
    _, last = month_bounds(month)
    tally = TallyRow.objects.filter(
        close_id=rating.round.close_id, scope=TallyRow.Scope.UNIT, unit_id=rating.unit_id
    ).first()
    trend = Rating.objects.filter(
        kind=rating.kind,
        unit_id=rating.unit_id,
        person_id=rating.person_id,
        round__month__gte=since,
        round__month__lte=month,
    ).select_related("round")
    open_records = Responsibility.objects.open().filter(unit_id=rating.unit_id)
    if rating.kind != Rating.Kind.UNIT:  # the person's, in this unit only
        open_records = open_records.filter(person_id=rating.person_id)
    open_records = open_records.select_related("task", "person")
    commitments = (
        counted_tasks(last)
        .filter(lead_unit_id=rating.unit_id, source=Task.Source.BRIEFING)
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=last))
        .select_related("responsible")
        .order_by("deadline", "code")
    )
    counted = counted_tasks_of(rating)
    return Scorecard(
        rating=rating,
        tally=tally,
        counted=counted,
        summary=summarise(counted),
        scores=list(rating.general_scores.select_related("criterion")),
        trend=sorted(trend, key=lambda r: r.round.month),
        responsibilities=list(open_records.order_by("-days_overdue", "pk")),
        commitments=list(commitments),
        findings=(
            discipline_facts([rating.person_id], month, last)[rating.person_id]
            if rating.person_id
            else []
        ),
    )
