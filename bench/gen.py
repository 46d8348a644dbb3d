"""Generate realistic CSV rows of progress for plans/2019.yaml (count and activity targets)."""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

UNITS = [
    "南湖区科协",
    "秀洲区科协",
    "嘉善县科协",
    "平湖市科协",
    "海盐县科协",
    "海宁市科协",
    "桐乡市科协",
]
COUNT_TARGETS = [
    "p3.model-societies",
    "p4.workstations",
    "p9.outreach-bases",
    "p10.expert-visits",
    "p14.workers-befriended",
]
ACTIVITY_TARGETS = ["p1.warm-enterprises", "p9.science-stations", "p15.official-account"]
HEADER = ["target", "date", "amount", "item", "note", "unit", "by", "evidence"]


def rows(count: int, seed: int = 2019):
    """Yield ``count`` valid CSV rows (items unique per target, so none is a duplicate)."""
    rng = random.Random(seed)
    start = date(2019, 1, 1)
    for number in range(count):
        day = (start + timedelta(days=rng.randrange(365))).isoformat()
        unit = rng.choice(UNITS)
        if number % 10 == 9:
            target = rng.choice(ACTIVITY_TARGETS)
            yield [target, day, "", "", f"走访企业第{number}次", unit, "bench", ""]
        else:
            target = rng.choice(COUNT_TARGETS)
            item = f"样本{number:07d}" if number % 2 else ""
            yield [target, day, str(rng.randint(1, 50)), item, "", unit, "bench", ""]


def write_csv(path: Path, count: int) -> Path:
    """Write a CSV of ``count`` generated rows with the import header."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows(count))
    return path
