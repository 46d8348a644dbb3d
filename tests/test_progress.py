"""Table-driven tests of the pure progress arithmetic (issue 4)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from kxplan import progress
from kxplan.entry import DailyTotal, Entry, Void
from kxplan.plan import Plan, Point, Section, Target, load

DATA = Path(__file__).parent / "data" / "status"
D = Decimal


# --- builders ----------------------------------------------------------------------------------


def count(
    tid: str = "p1.count", goal: str = "10", schedule: tuple[str, ...] | None = None
) -> Target:
    return Target(
        id=tid,
        kind="count",
        title=tid,
        point=int(tid[1 : tid.index(".")]),
        goal=D(goal),
        unit="items",
        schedule=tuple(D(v) for v in schedule) if schedule else None,
    )


def milestone(tid: str = "p1.milestone", due: date = date(2019, 6, 30)) -> Target:
    return Target(id=tid, kind="milestone", title=tid, point=int(tid[1 : tid.index(".")]), due=due)


def activity(tid: str = "p1.activity") -> Target:
    return Target(id=tid, kind="activity", title=tid, point=int(tid[1 : tid.index(".")]))


def make_plan(
    *targets: Target, year: int = 2019, on_track: str = "0.10", behind: str = "0.25"
) -> Plan:
    """A plan with one section; targets are grouped into points by their id's point number."""
    numbers = sorted({target.point for target in targets})
    points = tuple(
        Point(n, f"point {n}", "text", None, tuple(t for t in targets if t.point == n))
        for n in numbers
    )
    return Plan(
        org="org",
        title="plan",
        year=year,
        lang="en",
        sections=(Section(1, "section", points),),
        on_track=D(on_track),
        behind=D(behind),
    )


def total(day: date, amount: str = "1", tid: str = "p1.count", n: int = 1) -> DailyTotal:
    return DailyTotal(tid, day, D(amount), n)


def one(
    target: Target, totals: list[DailyTotal], as_of: date, **plan_kw: str
) -> progress.TargetProgress:
    plan = make_plan(target, year=as_of.year, **plan_kw)
    return progress.summarise(plan, totals, as_of).targets()[0]


def entry(
    eid: int, day: date, amount: str | None = "1", tid: str = "p1.count", voided: bool = False
) -> Entry:
    void = Void(eid + 100, eid, "typo", "clerk", "2019-12-01T00:00:00Z") if voided else None
    return Entry(
        id=eid,
        plan_year=day.year,
        target=tid,
        date=day,
        amount=D(amount) if amount is not None else None,
        item=None,
        note=None,
        unit=None,
        by="clerk",
        evidence=None,
        recorded_at="2019-12-01T00:00:00Z",
        void=void,
    )


# --- calendar ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "share"),
    [
        (date(2019, 1, 1), D(1) / D(365)),
        (date(2019, 3, 1), D(60) / D(365)),
        (date(2019, 12, 31), D(1)),
        (date(2020, 1, 1), D(1) / D(366)),
        (date(2020, 2, 29), D(60) / D(366)),
        (date(2020, 3, 1), D(61) / D(366)),
        (date(2020, 12, 31), D(1)),
    ],
)
def test_elapsed_counts_both_ends(day: date, share: Decimal) -> None:
    assert progress.elapsed(day) == share


@pytest.mark.parametrize(
    ("day", "quarter"),
    [(date(2019, 1, 1), 1), (date(2019, 3, 31), 1), (date(2019, 4, 1), 2), (date(2019, 12, 31), 4)],
)
def test_quarter_of(day: date, quarter: int) -> None:
    assert progress.quarter_of(day) == quarter


@pytest.mark.parametrize(
    ("day", "year", "clamped"),
    [
        (date(2026, 5, 1), 2019, date(2019, 12, 31)),
        (date(2018, 5, 1), 2019, date(2019, 1, 1)),
        (date(2019, 5, 1), 2019, date(2019, 5, 1)),
    ],
)
def test_clamp(day: date, year: int, clamped: date) -> None:
    assert progress.clamp(day, year) == clamped


# --- expected (序时进度) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("goal", "day", "want"),
    [
        ("365", date(2019, 1, 1), D(1)),  # first day counts
        ("365", date(2019, 3, 14), D(73)),
        ("10", date(2019, 3, 14), D(2)),  # 73/365 = 0.2 exactly
        ("10", date(2019, 12, 31), D(10)),  # last day: expected = goal
        ("366", date(2020, 2, 29), D(60)),  # leap day
        ("366", date(2020, 3, 1), D(61)),
        ("7", date(2020, 12, 31), D(7)),
    ],
)
def test_expected_without_schedule(goal: str, day: date, want: Decimal) -> None:
    assert progress.expected(count(goal=goal), day) == want


SCHEDULE = ("2", "5", "8", "10")


@pytest.mark.parametrize(
    ("day", "want"),
    [
        (date(2019, 1, 1), D(2) * 1 / 90),  # Q1 has 90 days in 2019
        (date(2019, 3, 31), D(2)),
        (date(2019, 4, 1), D(2) + D(3) * 1 / 91),
        (date(2019, 6, 30), D(5)),
        (date(2019, 7, 1), D(5) + D(3) * 1 / 92),
        (date(2019, 9, 30), D(8)),
        (date(2019, 10, 1), D(8) + D(2) * 1 / 92),
        (date(2019, 12, 31), D(10)),
        (date(2020, 2, 29), D(2) * 60 / 91),  # Q1 has 91 days in 2020
        (date(2020, 3, 31), D(2)),
    ],
)
def test_expected_with_schedule(day: date, want: Decimal) -> None:
    assert progress.expected(count(schedule=SCHEDULE), day) == want


def test_expected_is_exact_so_it_rounds_half_up() -> None:
    # 4.55 × 1/91 = 0.05 exactly; dividing first would give 0.0499… and round down to 0.0.
    target = count(goal="7", schedule=("4.55", "5", "6", "7"))
    value = progress.expected(target, date(2020, 1, 1))
    assert value == D("0.05")
    assert progress.round1(value) == D("0.1")


# --- count status --------------------------------------------------------------------------------

MAR14 = date(2019, 3, 14)  # day 73: expected 2 of 10
MAY26 = date(2019, 5, 26)  # day 146: expected 4 of 10


@pytest.mark.parametrize(
    ("as_of", "actual", "thresholds", "status"),
    [
        (MAR14, "2", {}, "on_track"),  # gap 0
        (MAR14, "3", {}, "on_track"),  # ahead: negative gap
        (MAR14, "1", {}, "on_track"),  # gap exactly 0.10
        (MAR14, "0.9", {}, "behind"),  # gap 0.11
        (MAR14, "0", {}, "behind"),  # gap 0.20
        (MAY26, "1.5", {}, "behind"),  # gap exactly 0.25
        (MAY26, "1.4", {}, "at_risk"),  # gap 0.26
        (MAY26, "10", {}, "done"),
        (MAY26, "12", {}, "done"),  # more than the goal (或以上)
        (date(2019, 12, 30), "9.9", {}, "on_track"),  # the day before the last, gap ≈ 0.007
        (date(2019, 12, 30), "7.5", {}, "behind"),
        (date(2019, 12, 30), "7", {}, "at_risk"),
        # rule 2: the year closes on its last day — below the goal is missed, whatever the gap
        (date(2019, 12, 31), "9.9", {}, "missed"),  # gap 0.01 would be on track
        (date(2019, 12, 31), "9.999", {}, "missed"),
        (date(2019, 12, 31), "7.5", {}, "missed"),
        (date(2019, 12, 31), "0", {}, "missed"),
        (date(2019, 12, 31), "10", {}, "done"),
        (date(2019, 12, 31), "11", {}, "done"),
        (date(2019, 12, 31), "9.9", {"on_track": "0.5", "behind": "0.9"}, "missed"),
        # leap year: 30 December is day 365 of 366, not the last
        (date(2020, 12, 30), "9.9", {}, "on_track"),
        (date(2020, 12, 31), "9.9", {}, "missed"),
        # thresholds from the plan
        (MAR14, "1", {"on_track": "0.05", "behind": "0.15"}, "behind"),
        (MAR14, "1.5", {"on_track": "0.05", "behind": "0.15"}, "on_track"),
        (MAR14, "0.5", {"on_track": "0.05", "behind": "0.15"}, "behind"),
        (MAR14, "0.4", {"on_track": "0.05", "behind": "0.15"}, "at_risk"),
    ],
)
def test_count_status(as_of: date, actual: str, thresholds: dict[str, str], status: str) -> None:
    totals = [total(date(as_of.year, 1, 10), actual)] if D(actual) else []
    result = one(count(), totals, as_of, **thresholds)
    assert result.status == status
    assert result.actual == D(actual)


def test_count_with_no_entries_on_first_day_is_on_track() -> None:
    result = one(count(), [], date(2019, 1, 1))
    assert (result.status, result.actual, result.percent) == ("on_track", D(0), D("0.0"))


@pytest.mark.parametrize(
    ("goal", "actual", "percent"),
    [
        ("16", "1", D("6.3")),  # 6.25 rounds half up, not to even
        ("8", "1", D("12.5")),
        ("3", "1", D("33.3")),
        ("3", "2", D("66.7")),
        ("10", "12", D("120.0")),
        ("7", "0.35", D("5.0")),
    ],
)
def test_percent_rounds_half_up(goal: str, actual: str, percent: Decimal) -> None:
    result = one(count(goal=goal), [total(date(2019, 2, 1), actual)], date(2019, 6, 1))
    assert result.percent == percent
    assert str(result.percent) == str(percent)


def test_gap() -> None:
    result = one(count(), [total(date(2019, 1, 10), "1")], MAY26)
    assert result.gap == D("0.3")
    assert result.expected == D(4)


# --- actual: voids, entries after as_of, other years, renames ----------------------------------


def test_entries_after_as_of_do_not_count() -> None:
    totals = [total(date(2019, 3, 1), "2"), total(date(2019, 3, 15), "5")]
    assert one(count(), totals, MAR14).actual == D(2)
    assert one(count(), totals, date(2019, 3, 15)).actual == D(7)


def test_totals_outside_the_plan_year_do_not_count() -> None:
    totals = [total(date(2018, 12, 31), "4"), total(date(2019, 1, 1), "1")]
    result = one(count(), totals, MAR14)
    assert result.actual == D(1)
    assert result.quarter_amounts == (D(1),)


def test_as_of_outside_the_plan_year_is_refused() -> None:
    with pytest.raises(ValueError):
        progress.summarise(make_plan(count()), [], date(2020, 1, 1))


def test_voided_entries_do_not_count() -> None:
    entries = [
        entry(1, date(2019, 2, 1), "3"),
        entry(2, date(2019, 2, 1), "4", voided=True),
        entry(3, date(2019, 2, 2), "1"),
    ]
    totals = progress.daily_totals(entries)
    assert totals == [
        DailyTotal("p1.count", date(2019, 2, 1), D(3), 1),
        DailyTotal("p1.count", date(2019, 2, 2), D(1), 1),
    ]
    assert one(count(), totals, MAR14).actual == D(4)


def test_daily_totals_sum_per_target_and_day_in_order() -> None:
    entries = [
        entry(1, date(2019, 2, 2), None, tid="p1.activity"),
        entry(2, date(2019, 2, 1), "1.5"),
        entry(3, date(2019, 2, 1), "2"),
        entry(4, date(2019, 2, 2), None, tid="p1.activity"),
    ]
    assert progress.daily_totals(entries) == [
        DailyTotal("p1.activity", date(2019, 2, 2), D(0), 2),
        DailyTotal("p1.count", date(2019, 2, 1), D("3.5"), 2),
    ]


def test_old_ids_count_for_the_renamed_target() -> None:
    target = Target(
        id="p1.new",
        kind="count",
        title="t",
        point=1,
        goal=D(10),
        unit="x",
        renamed_from=("p1.old",),
    )
    totals = [
        total(date(2019, 1, 5), "2", tid="p1.old"),
        total(date(2019, 1, 6), "1", tid="p1.new"),
    ]
    result = one(target, totals, MAR14)
    assert (result.actual, result.entry_count, result.last_entry) == (D(3), 2, date(2019, 1, 6))


# --- milestones ------------------------------------------------------------------------------------

DUE = date(2019, 6, 30)


@pytest.mark.parametrize(
    ("entries", "as_of", "status", "done_on"),
    [
        ([], date(2019, 1, 1), "pending", None),
        ([], DUE - timedelta(days=1), "pending", None),
        ([], DUE, "overdue", None),  # rule 1: judged at the end of the as-of day
        ([], date(2019, 7, 1), "overdue", None),
        ([], date(2019, 12, 31), "overdue", None),
        ([date(2019, 6, 20)], date(2019, 6, 19), "pending", None),  # entry after as_of
        ([date(2019, 6, 20)], date(2019, 6, 20), "done", date(2019, 6, 20)),
        ([date(2019, 7, 5)], date(2019, 7, 4), "overdue", None),
        ([date(2019, 7, 5)], date(2019, 7, 10), "done", date(2019, 7, 5)),  # done late
        ([date(2019, 1, 1)], date(2019, 1, 1), "done", date(2019, 1, 1)),
    ],
)
def test_milestone_status(
    entries: list[date], as_of: date, status: str, done_on: date | None
) -> None:
    totals = [total(day, "0", tid="p1.milestone") for day in entries]
    result = one(milestone(due=DUE), totals, as_of)
    assert (result.status, result.done_on, result.stale) == (status, done_on, False)
    assert result.actual is result.expected is result.percent is result.projection is None


@pytest.mark.parametrize(
    ("due", "entries", "as_of", "status"),
    [
        # leap day: due on 29 February 2020
        (date(2020, 2, 29), [], date(2020, 2, 28), "pending"),
        (date(2020, 2, 29), [], date(2020, 2, 29), "overdue"),
        (date(2020, 2, 29), [date(2020, 2, 29)], date(2020, 2, 29), "done"),
        (date(2020, 2, 29), [], date(2020, 3, 1), "overdue"),
        # due on the last day: overdue when the year closes, not 待办
        (date(2019, 12, 31), [], date(2019, 12, 30), "pending"),
        (date(2019, 12, 31), [], date(2019, 12, 31), "overdue"),
        (date(2019, 12, 31), [date(2019, 12, 31)], date(2019, 12, 31), "done"),
        (date(2020, 12, 31), [], date(2020, 12, 31), "overdue"),
    ],
)
def test_milestone_due_on_the_as_of_day_is_overdue(
    due: date, entries: list[date], as_of: date, status: str
) -> None:
    totals = [total(day, "0", tid="p1.milestone") for day in entries]
    assert one(milestone(due=due), totals, as_of).status == status


@pytest.mark.parametrize(
    ("kind", "old", "new", "as_of", "status"),
    [
        ("count", "6", "4", date(2019, 12, 31), "done"),  # 6 under the old id + 4 = the goal
        ("count", "6", "3", date(2019, 12, 31), "missed"),
        ("count", "6", "3", date(2019, 12, 30), "on_track"),
        ("milestone", "0", None, date(2019, 6, 30), "done"),  # done under its old id
        ("milestone", None, None, date(2019, 6, 30), "overdue"),
    ],
)
def test_rules_count_entries_recorded_under_renamed_from_ids(
    kind: str, old: str | None, new: str | None, as_of: date, status: str
) -> None:
    target = Target(
        id="p1.new",
        kind=kind,
        title="t",
        point=1,
        goal=D(10) if kind == "count" else None,
        unit="x" if kind == "count" else None,
        due=date(2019, 6, 30) if kind == "milestone" else None,
        renamed_from=("p1.old",),
    )
    totals = []
    if old is not None:
        totals.append(total(date(2019, 6, 30), old, tid="p1.old"))
    if new is not None:
        totals.append(total(date(2019, 7, 1), new, tid="p1.new"))
    assert one(target, totals, as_of).status == status


@pytest.mark.parametrize(
    ("as_of", "closed"),
    [
        (date(2019, 1, 1), False),
        (date(2019, 12, 30), False),
        (date(2019, 12, 31), True),
        (date(2020, 12, 30), False),  # day 365 of a leap year
        (date(2020, 12, 31), True),
    ],
)
def test_year_closed(as_of: date, closed: bool) -> None:
    assert progress.year_closed(as_of) is closed


def test_voided_milestone_entry_leaves_it_undone() -> None:
    totals = progress.daily_totals([entry(1, date(2019, 6, 1), None, "p1.milestone", voided=True)])
    assert one(milestone(), totals, date(2019, 7, 1)).status == "overdue"


# --- activities and staleness ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entries", "as_of", "status"),
    [
        ([], date(2019, 1, 1), "idle"),
        ([], date(2019, 12, 31), "idle"),
        ([date(2019, 1, 1)], date(2019, 1, 1), "active"),  # first day
        ([date(2019, 3, 1)], date(2019, 5, 29), "active"),  # day 90 of the window
        ([date(2019, 3, 1)], date(2019, 5, 30), "idle"),  # 90 days later: outside
        ([date(2019, 3, 1), date(2019, 5, 30)], date(2019, 5, 30), "active"),
        ([date(2019, 10, 3)], date(2019, 12, 31), "active"),  # last day, window from 10-03
        ([date(2019, 10, 2)], date(2019, 12, 31), "idle"),
        ([date(2020, 3, 1)], date(2020, 5, 29), "active"),  # leap year: same day count
        ([date(2019, 6, 1)], date(2019, 5, 31), "idle"),  # entry after as_of
    ],
)
def test_activity_status(entries: list[date], as_of: date, status: str) -> None:
    totals = [total(day, "0", tid="p1.activity") for day in entries]
    result = one(activity(), totals, as_of)
    assert result.status == status
    assert result.stale == (status == "idle")


def test_window_start_is_the_first_of_90_days() -> None:
    assert progress.window_start(date(2019, 12, 31)) == date(2019, 10, 3)


@pytest.mark.parametrize(
    ("entries", "as_of", "stale"),
    [
        ([], date(2019, 1, 1), True),
        ([date(2019, 1, 10)], date(2019, 4, 9), False),  # 89 days ago
        ([date(2019, 1, 10)], date(2019, 4, 10), True),  # 90 days ago
        ([date(2019, 1, 10)], date(2019, 12, 31), True),
    ],
)
def test_count_staleness(entries: list[date], as_of: date, stale: bool) -> None:
    totals = [total(day, "1") for day in entries]
    assert one(count(), totals, as_of).stale is stale


def test_done_count_is_never_stale() -> None:
    assert one(count(), [total(date(2019, 1, 10), "10")], date(2019, 12, 31)).stale is False


# --- projection ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "as_of", "projection", "needed", "quarters_left"),
    [
        ("3", MAR14, D(15), D("1.75"), 4),  # 3 / 0.2; Q1 not over: 7 over 4 quarters
        ("2", date(2019, 3, 31), D(2) * 365 / 90, D(8) / 3, 3),  # Q1 over on its last day
        ("5", date(2019, 7, 1), D(5) * 365 / 182, D("2.5"), 2),
        ("8", date(2019, 12, 30), D(8) * 365 / 364, D(2), 1),
        ("8", date(2019, 12, 31), D(8), None, 0),  # year over: nothing per quarter
        ("10", date(2019, 6, 30), D(10) * 365 / 181, None, 2),  # done: nothing needed
        ("1", date(2020, 12, 31), D(1), None, 0),
    ],
)
def test_projection(
    actual: str, as_of: date, projection: Decimal, needed: Decimal | None, quarters_left: int
) -> None:
    result = one(count(), [total(date(as_of.year, 1, 2), actual)], as_of)
    assert result.projection == projection
    assert result.needed_per_quarter == needed
    assert result.quarters_left == quarters_left


def test_quarter_amounts_and_cumulative() -> None:
    totals = [
        total(date(2019, 1, 5), "1"),
        total(date(2019, 3, 31), "1"),
        total(date(2019, 4, 1), "2"),
        total(date(2019, 8, 1), "3"),
    ]
    result = one(count(schedule=SCHEDULE), totals, date(2019, 5, 1))
    assert result.quarter_amounts == (D(2), D(2))
    assert result.cumulative == (D(2), D(4), None, None)
    assert result.expected_by_quarter == (D(2), D(5), D(8), D(10))


# --- roll-up ---------------------------------------------------------------------------------------


def test_every_status_has_one_colour_and_the_order_is_by_colour() -> None:
    assert set(progress.COLOURS) == set(progress.STATUSES)
    assert set(progress.COLOURS.values()) == set(progress.COLOUR_ORDER)
    ranks = [progress.COLOUR_ORDER.index(progress.COLOURS[s]) for s in progress.STATUSES]
    assert ranks == sorted(ranks)  # worst first: red, yellow, green, grey
    assert progress.WARNING_COLOURS == ("red", "yellow")


@pytest.mark.parametrize(
    ("status", "colour"),
    [
        ("missed", "red"),
        ("at_risk", "red"),
        ("overdue", "red"),
        ("behind", "yellow"),
        ("idle", "yellow"),
        ("on_track", "green"),
        ("active", "green"),
        ("done", "green"),
        ("pending", "grey"),
    ],
)
def test_colours(status: str, colour: str) -> None:
    assert progress.COLOURS[status] == colour


@pytest.mark.parametrize(
    ("statuses", "worst"),
    [
        ((), "done"),
        (("done",), "done"),
        (("done", "on_track"), "on_track"),
        (("done", "active"), "active"),
        (("active", "on_track"), "on_track"),
        # rule 3: grey (not yet due) never outranks green
        (("on_track", "pending"), "on_track"),
        (("done", "pending"), "done"),
        (("done", "pending", "active"), "active"),
        (("pending",), "pending"),
        (("pending", "pending"), "pending"),
        # yellow outranks green and grey; red outranks everything
        (("pending", "idle"), "idle"),
        (("done", "idle"), "idle"),
        (("idle", "behind"), "behind"),
        (("behind", "overdue"), "overdue"),
        (("overdue", "at_risk"), "at_risk"),
        (("at_risk", "missed"), "missed"),
        (("pending", "missed", "done"), "missed"),
        (("done", "active", "pending", "idle", "on_track"), "idle"),
    ],
)
def test_worst(statuses: tuple[str, ...], worst: str) -> None:
    assert progress.worst(statuses) == worst
    assert progress.worst(reversed(statuses)) == worst


def test_points_and_sections_roll_up_in_plan_order() -> None:
    plan = load(DATA / "small.yaml")
    totals = [
        total(date(2019, 2, 1), "2", tid="p1.stations"),
        total(date(2019, 6, 1), "0", tid="p1.review"),
        total(date(2019, 3, 1), "1", tid="p2.societies"),
        total(date(2019, 6, 20), "0", tid="p3.outreach", n=3),
    ]
    summary = progress.summarise(plan, totals, date(2019, 7, 1))
    assert [(tp.target.id, tp.status, tp.colour) for tp in summary.targets()] == [
        ("p1.stations", "at_risk", "red"),  # expected 5 + 3/92, actual 2
        ("p1.review", "done", "green"),
        ("p2.societies", "behind", "yellow"),  # expected 4·182/365 ≈ 1.99, actual 1: gap 0.249
        ("p2.rating", "idle", "yellow"),
        ("p3.festival", "pending", "grey"),
        ("p3.outreach", "active", "green"),
    ]
    assert [(p.point.number, p.status, p.colour) for p in summary.points()] == [
        (1, "at_risk", "red"),
        (2, "behind", "yellow"),
        (3, "active", "green"),  # {pending, active}: grey never outranks green
    ]
    assert [(s.section.number, s.status) for s in summary.sections] == [
        (1, "at_risk"),
        (2, "active"),
    ]
    assert list(summary.counts) == list(progress.STATUSES)
    assert summary.counts == {
        "missed": 0,
        "at_risk": 1,
        "overdue": 0,
        "behind": 1,
        "idle": 1,
        "on_track": 0,
        "active": 1,
        "done": 1,
        "pending": 1,
    }
    assert summary.colour_counts() == {"red": 1, "yellow": 2, "green": 2, "grey": 1}


def test_a_point_all_pending_is_pending_and_its_section_too() -> None:
    plan = load(DATA / "small.yaml")
    summary = progress.summarise(plan, [], date(2019, 1, 1)).only(point=3)
    assert [tp.status for tp in summary.targets()] == ["pending", "idle"]
    only_festival = progress.summarise(
        plan, [total(date(2019, 1, 1), "0", tid="p3.outreach")], date(2019, 1, 1)
    ).only(point=3)
    assert [tp.status for tp in only_festival.targets()] == ["pending", "active"]
    assert only_festival.points()[0].status == "active"
    milestone_plan = make_plan(milestone("p1.a", date(2019, 6, 30)), milestone("p1.b"))
    pending = progress.summarise(milestone_plan, [], date(2019, 5, 1))
    assert [p.status for p in pending.points()] == ["pending"]
    assert [s.status for s in pending.sections] == ["pending"]


@pytest.mark.parametrize("as_of", [date(2019, 3, 31), date(2019, 6, 30), date(2019, 12, 31)])
def test_warnings_are_exactly_the_red_and_yellow_boxes(as_of: date) -> None:
    plan = load(DATA / "small.yaml")
    totals = [
        total(date(2019, 2, 1), "2", tid="p1.stations"),
        total(date(2019, 3, 1), "1", tid="p2.societies"),
        total(date(2019, 3, 20), "0", tid="p3.outreach"),
    ]
    summary = progress.summarise(plan, totals, as_of)
    warnings = summary.warnings()
    colours = summary.colour_counts()
    assert len(warnings) == colours["red"] + colours["yellow"]
    assert sorted(w.status for w in warnings) == sorted(
        status
        for status, number in summary.counts.items()
        for _ in range(number)
        if progress.COLOURS[status] in ("red", "yellow")
    )
    reds = [w for w in warnings if w.colour == "red"]
    assert warnings[: len(reds)] == reds  # red first, then yellow, each in plan order
    order = [tp.target.id for tp in summary.targets()]
    for group in (reds, warnings[len(reds) :]):
        ids = [w.target.id for w in group]
        assert ids == sorted(ids, key=order.index)


def test_only_filters_and_recounts() -> None:
    plan = load(DATA / "small.yaml")
    summary = progress.summarise(plan, [], date(2019, 7, 1))
    section = summary.only(section=2)
    assert [s.section.number for s in section.sections] == [2]
    assert [tp.target.id for tp in section.targets()] == ["p3.festival", "p3.outreach"]
    assert sum(section.counts.values()) == 2
    point = summary.only(point=2)
    assert [tp.target.id for tp in point.targets()] == ["p2.societies", "p2.rating"]
    assert point.sections[0].status == point.points()[0].status == "at_risk"
    assert summary.only() == summary


# --- JSON ------------------------------------------------------------------------------------------


def test_to_json_shape_and_numbers() -> None:
    plan = load(DATA / "small.yaml")
    totals = [
        total(date(2019, 2, 1), "2", tid="p1.stations"),
        total(date(2019, 5, 1), "1.5", tid="p1.stations"),
        total(date(2019, 6, 1), "0", tid="p1.review"),
    ]
    data = progress.to_json(progress.summarise(plan, totals, date(2019, 6, 30)))
    assert list(data) == [
        "plan",
        "sample",
        "as_of",
        "year_closed",
        "targets",
        "points",
        "sections",
        "summary",
        "colours",
        "warnings",
    ]
    assert data["plan"] == {
        "org": "Test Association",
        "title": "Test plan 2019",
        "year": 2019,
        "lang": "en",
        "thresholds": {"on_track": 0.1, "behind": 0.25},
    }
    assert data["as_of"] == "2019-06-30"
    stations, review, societies = data["targets"][:3]
    assert stations == {
        "id": "p1.stations",
        "point": 1,
        "kind": "count",
        "title": "New expert workstations",
        "goal": 10,
        "unit": "stations",
        "actual": 3.5,
        "expected": 5,
        "percent": 35,
        "status": "behind",  # gap 0.15
        "colour": "yellow",
        "projection": 7.1,  # 3.5 × 365 / 181 = 7.058…
        "needed_per_quarter": 3.3,  # 6.5 over Q3 and Q4 = 3.25, half up
        "stale": False,
        "due": None,
        "done_on": None,
        "entries": 2,
        "last_entry": "2019-05-01",
    }
    assert review["status"] == "done" and review["done_on"] == "2019-06-01"
    assert (
        review["actual"] is review["expected"] is review["percent"] is review["projection"] is None
    )
    assert review["due"] == "2019-06-30"
    assert societies["expected"] == 2  # 4 × 181/365 = 1.98…
    assert (societies["actual"], societies["percent"], societies["status"]) == (0, 0, "at_risk")
    assert data["year_closed"] is False
    assert data["points"] == [
        {"number": 1, "status": "behind", "colour": "yellow"},
        {"number": 2, "status": "at_risk", "colour": "red"},  # p2.societies: 0 of 4 at half-year
        {"number": 3, "status": "idle", "colour": "yellow"},
    ]
    assert data["sections"] == [
        {"number": 1, "status": "at_risk", "colour": "red"},
        {"number": 2, "status": "idle", "colour": "yellow"},
    ]
    assert data["summary"]["done"] == 1 and sum(data["summary"].values()) == 6
    assert data["summary"]["missed"] == 0
    assert data["colours"] == {"red": 1, "yellow": 3, "green": 1, "grey": 1}
    assert data["warnings"] == ["p2.societies", "p1.stations", "p2.rating", "p3.outreach"]


# --- review fixes: purity, parsers, any goal size --------------------------------------------


def test_progress_imports_neither_yaml_nor_the_store() -> None:
    import subprocess
    import sys

    code = (
        "import sys, kxplan.progress; "
        "print(sorted({'yaml', 'kxplan.plan', 'kxplan.store', 'sqlite3'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


@pytest.mark.parametrize(
    ("text", "today", "parsed"),
    [
        ("2019Q2", date(2019, 7, 1), (2019, 2)),
        ("2019-q4", date(2019, 7, 1), (2019, 4)),
        (" Q1 ", date(2025, 7, 1), (2019, 1)),
        ("current", date(2019, 7, 1), (2019, 3)),
        ("previous", date(2019, 1, 5), (2018, 4)),
        ("2019Q5", date(2019, 7, 1), None),
        ("2019Q2\n", date(2019, 7, 1), (2019, 2)),  # stripped, as every argument
        ("２０１９Q2", date(2019, 7, 1), None),  # full-width digits are not a year
        ("next", date(2019, 7, 1), None),
    ],
)
def test_parse_quarter(text: str, today: date, parsed: tuple[int, int] | None) -> None:
    assert progress.parse_quarter(text, 2019, today) == parsed


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2019-06-10", date(2019, 6, 10)),
        (" 2019-06-10 ", date(2019, 6, 10)),
        ("2019-W24-1", None),  # date.fromisoformat takes these on Python 3.11
        ("20190610", None),
        ("2019-06-10T00:00", None),
        ("2019-6-10", None),
        ("2019-02-30", None),
        ("２０１９-06-10", None),
        ("", None),
    ],
)
def test_parse_day_takes_only_yyyy_mm_dd(text: str, day: date | None) -> None:
    assert progress.parse_day(text) == day


@pytest.mark.parametrize(
    ("goal", "statuses"),
    [
        ("1E+40", ["on_track", "behind"]),  # Q1 of the schedule is 0; the plain pace is 20 %
        ("1E+200", ["on_track", "behind"]),
        ("1E-40", ["done", "done"]),
    ],
)
def test_any_goal_size_computes_without_a_decimal_error(goal: str, statuses: list[str]) -> None:
    """The plan check bounds goals; the arithmetic must not depend on it (was InvalidOperation)."""
    plan = make_plan(
        count(goal=goal, schedule=("0", "0", goal, goal)), count("p2.plain", goal=goal)
    )
    totals = [total(date(2019, 2, 1), "3"), total(date(2019, 2, 1), "3", tid="p2.plain")]
    data = progress.to_json(progress.summarise(plan, totals, MAR14))  # rounds every figure
    assert [target["status"] for target in data["targets"]] == statuses


def test_the_store_sums_like_the_pure_twin(tmp_path: Path) -> None:
    from kxplan.entry import Draft
    from kxplan.store import Store

    plan = load(DATA / "small.yaml")
    rows = [
        ("p1.stations", date(2019, 2, 1), D("2"), False),
        ("p1.stations", date(2019, 2, 1), D("1.5"), False),
        ("p1.stations", date(2019, 2, 1), D("4"), True),
        ("p1.stations", date(2019, 5, 10), D("1"), False),
        ("p3.outreach", date(2019, 6, 1), None, False),
        ("p3.outreach", date(2019, 6, 1), None, False),
    ]
    with Store.open(tmp_path / "k.db", create=True) as store:
        for target_id, day, amount, voided in rows:
            kind = plan.target(target_id).kind
            draft = Draft(target_id, kind, day, amount, note="n", written_target=target_id)
            recorded = store.record(plan, draft, "clerk", again=True)
            if voided:
                store.void(recorded.id, "typed twice", "clerk")
        entries = store.entries(2019, include_voided=True)
        assert store.daily_totals(2019) == progress.daily_totals(entries)
