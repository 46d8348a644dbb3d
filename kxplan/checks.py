"""``kxplan check``: the plan's problems and the database's answers judged into findings.

Pure: ``collect`` takes the plan validation problems (``plan.check``) and the store's
``Health`` (plain data read in one snapshot by ``Store.health_report``) and returns every
``Finding`` in a stable order — plan problems in file order, then the database's own health,
then the entries the plan cannot account for. The command prints them; any finding means
exit 1.

What is checked, and why each is a problem:

- ``plan``: the plan's own validation (``file:line:column``), all problems at once;
- ``database``: ``PRAGMA quick_check`` is not ``ok`` — a damaged file (its entries are then
  not read), or rows breaking the schema's CHECK / NOT NULL / type rules (the other findings
  name the entries where a check knows them);
- ``schema_version`` / ``application_id``: the file is not what this kxplan writes;
- ``orphan``: non-voided entries whose target id is neither in the plan nor a
  ``renamed_from`` — their progress is counted nowhere (reported, never deleted);
- ``date``: an entry dated outside the plan year (or on no real day) — schema 1 ties the date's
  year to ``plan_year``, so only a database written around kxplan can hold one;
- ``milestone_twice``: a milestone with more than one non-voided entry;
- ``duplicate_item``: the same item counted twice for one target (old ids mapped);
- ``void_missing_entry``: a void of an entry that does not exist;
- ``summary``: the per-day summary (``daily``, schema 5: derived from the entries, what
  ``status`` and reports read) disagrees with the entries — only a program writing around
  kxplan can cause it; ``kxplan db rebuild-summary`` rebuilds it (entries are not changed);
- ``unit``: for a plan with ``units:``, a unit stored in entries that is none of the plan's
  units' ids, names or aliases — free text recorded before the plan had units, or written
  around kxplan. Its entries count for no unit. The fix is an alias in the plan (never a
  rewrite of entries); the finding names the nearest unit and how many entries wait.

Only the plan's year is checked; entries of other plan years are mentioned in a notice.
Voided entries are never findings: they no longer count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kxplan.messages import t
from kxplan.text import escaped

if TYPE_CHECKING:
    from kxplan.plan import Plan, Problem
    from kxplan.store import Health

ERROR = "error"
WARNING = "warning"
SHOWN_IDS = 10
"""How many entry ids a text line lists before "and N more" (JSON ``refs`` has them all)."""


@dataclass(frozen=True)
class Finding:
    """One problem: which check found it, how bad, the message, and what it refers to.

    ``refs`` are entry ids (int) or plan locations (``file:line:column``); ``where`` is what
    the text line starts with (the plan location or the database path).
    """

    check: str
    severity: str
    message: str
    refs: tuple[int | str, ...] = ()
    where: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` form: ``{check, severity, message, refs}``."""
        return {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "refs": list(self.refs),
        }


def collect(
    problems: Iterable[Problem], health: Health | None, database: str, plan: Plan | None = None
) -> list[Finding]:
    """Every finding: plan problems first, then the database's health, then its entries."""
    findings = plan_findings(problems)
    if health is not None:
        findings += database_findings(health, database)
        if plan is not None:
            findings += unit_findings(plan, health, database)
    return findings


def unit_findings(plan: Plan, health: Health, database: str) -> list[Finding]:
    """Stored units the plan's ``units:`` does not know, with their entry counts."""
    resolver = plan.unit_resolver()
    if resolver.free or health.year != plan.year:
        return []
    from kxplan.units import label

    found = []
    for text, count in health.units:
        if resolver.find(text) is not None:
            continue
        nearest = resolver.nearest(text)
        if nearest is not None:
            hint = t("check.unit_nearest", suggestion=label(nearest))
        else:
            hint = t("check.unit_no_nearest")
        message = t("check.unknown_unit", unit=escaped(text), count=count, hint=hint)
        found.append(Finding("unit", WARNING, message, (), database))
    return found


def plan_findings(problems: Iterable[Problem]) -> list[Finding]:
    """The plan's validation problems as findings, located ``file:line:column``."""
    findings = []
    for problem in problems:
        where = f"{problem.file}:{problem.line}:{problem.column}"
        findings.append(Finding("plan", ERROR, problem.message, (where,), where))
    return findings


def database_findings(health: Health, database: str) -> list[Finding]:
    """Findings from the store's answers, in a fixed order of checks."""
    found: list[Finding] = []

    def add(check: str, severity: str, message: str, refs: Iterable[int] = ()) -> None:
        found.append(Finding(check, severity, message, tuple(refs), database))

    if health.quick_check != "ok":
        result = _clip(escaped("; ".join(health.quick_check.splitlines())))
        key = "check.damaged" if health.damaged else "check.row_rules"
        add("database", ERROR, t(key, result=result))
    if health.schema_version != health.expected_schema_version:
        add(
            "schema_version",
            ERROR,
            t(
                "check.schema_version",
                version=health.schema_version,
                expected=health.expected_schema_version,
            ),
        )
    if health.application_id != health.expected_application_id:
        add(
            "application_id",
            ERROR,
            t(
                "check.application_id",
                app_id=f"0x{health.application_id:08X}",
                expected=f"0x{health.expected_application_id:08X}",
            ),
        )
    for target, ids in health.orphans:
        add(
            "orphan",
            ERROR,
            t("check.orphans", target=escaped(target), ids=id_list(ids)),
            ids,
        )
    for entry_id, day in health.bad_dates:
        message = t("check.bad_date", id=entry_id, date=escaped(day), year=health.year)
        add("date", ERROR, message, [entry_id])
    for target, ids in health.milestones_twice:
        add(
            "milestone_twice",
            WARNING,
            t("check.milestone_twice", target=escaped(target), count=len(ids), ids=id_list(ids)),
            ids,
        )
    for target, item, ids in health.duplicate_items:
        add(
            "duplicate_item",
            ERROR,
            t(
                "check.duplicate_item",
                target=escaped(target),
                item=f"“{escaped(item)}”",
                count=len(ids),
                ids=id_list(ids),
            ),
            ids,
        )
    for void_id, entry_id in health.dangling_voids:
        add(
            "void_missing_entry",
            WARNING,
            t("check.void_missing_entry", void=void_id, id=entry_id),
            [entry_id],
        )
    if health.summary_drift:
        year, target, day, unit = health.summary_drift[0]
        unit_text = escaped(unit) if unit is not None else t("check.summary_no_unit")
        first = t(
            "check.summary_group", year=year, target=escaped(target), date=day, unit=unit_text
        )
        add("summary", ERROR, t("check.summary", count=len(health.summary_drift), first=first))
    return found


def other_years(health: Health) -> str:
    """The other plan years a database holds, for the notice: ``2018: 120, 2020: 3``."""
    return ", ".join(t("check.year_count", year=year, count=n) for year, n in health.other_years)


def id_list(ids: list[int], shown: int = SHOWN_IDS) -> str:
    """Entry ids as people read them: ``#3, #9`` (long lists end "and N more")."""
    text = ", ".join(f"#{entry_id}" for entry_id in ids[:shown])
    if len(ids) > shown:
        return t("check.ids_more", ids=text, more=len(ids) - shown)
    return text


def plan_facts(plan: Plan) -> dict[str, Any]:
    """What ``Store.health_report`` needs from a plan: year, ids, old ids, milestone ids."""
    targets = plan.targets()
    return {
        "year": plan.year,
        "known_ids": [target.id for target in targets],
        "aliases": plan.aliases(),
        "milestones": [target.id for target in targets if target.kind == "milestone"],
    }


def _clip(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
