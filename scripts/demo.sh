#!/usr/bin/env bash
# The main job on sample data: a fresh kxplan.db, a year of SAMPLE progress (示例数据)
# imported with --sample (the database is marked, so every report, status and show from it
# carries a 示例数据 banner), four clerical mistakes voided, and the four quarterly reports
# rendered into reports/ as Markdown and HTML, each dated the day cron would make it.
#
#   bash scripts/demo.sh [PATH-TO-KXPLAN]        (make demo passes .venv/bin/kxplan)
#
# Deterministic: running it twice gives byte-identical reports. Nothing in a report depends on
# when the entries or voids were recorded (only --known-at would filter on that), and every
# option that could come from the environment is fixed here.
set -euo pipefail

KXPLAN=${1:-kxplan}
cd "$(dirname "$0")/.."
unset KXPLAN_DB KXPLAN_PLAN KXPLAN_LANG KXPLAN_TEMPLATES KXPLAN_TODAY KXPLAN_BY SOURCE_DATE_EPOCH

PLAN=plans/2019.yaml
DB=kxplan.db
OUT=reports
kx() { "$KXPLAN" --plan "$PLAN" --db "$DB" "$@"; }

rm -f "$DB" "$DB-wal" "$DB-shm"
kx import examples/2019-progress.csv --sample --by 办公室

# void ID TARGET REASON — refuses to void when entry ID is not the expected target's
# (the sample rows are imported in file order, so the ids are fixed).
void() {
    local listed
    listed=$(kx log --json --target "$2")  # read it whole: grep -q would close the pipe early
    if ! grep -q "\"id\": $1," <<<"$listed"; then
        echo "demo: entry $1 is not a $2 entry; examples/2019-progress.csv changed?" >&2
        exit 1
    fi
    kx void "$1" --reason "$3" --by 办公室
}
void 52 p4.workstations "与第 29 号记录（嘉兴禾丰精密机械股份有限公司院士专家工作站）重复登记"
void 74 p14.workers-befriended "数量录入错误（多输一个 0），已按 120 名重新登记"
void 123 p9.outreach-bases "误登记在科普教育基地下，应为院士专家嘉兴行，已重新登记"
void 233 p7.science-gala "登记的是筹备会议，盛典尚未举办"

# 报告日期: the first day of the next quarter, when cron renders `--quarter previous`
# (SOURCE_DATE_EPOCH, UTC midnight: 2019-04-01, 2019-07-01, 2019-10-01, 2020-01-01);
# 统计截至 stays each quarter's last day.
made_on=(1554076800 1561939200 1569888000 1577836800)
for quarter in 1 2 3 4; do
    SOURCE_DATE_EPOCH=${made_on[quarter - 1]} kx report --quarter "2019Q$quarter" --format all --out "$OUT"
done
# the report a county receives: 秀洲区科协, behind on its share of the 10,000 workers befriended
SOURCE_DATE_EPOCH=${made_on[1]} kx report --quarter 2019Q2 --unit xiuzhou --format all --out "$OUT"

echo
echo "Reports (sample data) are in $OUT/:"
for quarter in 1 2 3 4; do
    echo "  $OUT/2019-Q$quarter.md   $OUT/2019-Q$quarter.html"
done
echo "  $OUT/2019-Q2.xiuzhou.md   $OUT/2019-Q2.xiuzhou.html   (one unit's report)"
