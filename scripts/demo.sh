#!/usr/bin/env bash
# The main job on sample data: a fresh kxplan.db, a year of SAMPLE progress (示例数据)
# imported, four clerical mistakes voided, and the four quarterly reports rendered into
# reports/ as Markdown and HTML.
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
kx import examples/2019-progress.csv --by 办公室

# void ID TARGET REASON — refuses to void when entry ID is not the expected target's
# (the sample rows are imported in file order, so the ids are fixed).
void() {
    # read the whole listing first: `log` streams, and grep -q closing the pipe early would
    # make it stop with a broken pipe (and fail the demo under pipefail)
    local listing
    listing=$(kx log --json --target "$2")
    if ! grep -q "\"id\": $1," <<<"$listing"; then
        echo "demo: entry $1 is not a $2 entry; examples/2019-progress.csv changed?" >&2
        exit 1
    fi
    kx void "$1" --reason "$3" --by 办公室
}
void 52 p4.workstations "与第 29 号记录（嘉兴禾丰精密机械股份有限公司院士专家工作站）重复登记"
void 74 p14.workers-befriended "数量录入错误（多输一个 0），已按 120 名重新登记"
void 123 p9.outreach-bases "误登记在科普教育基地下，应为院士专家嘉兴行，已重新登记"
void 233 p7.science-gala "登记的是筹备会议，盛典尚未举办"

for quarter in 1 2 3 4; do
    kx report --quarter "2019Q$quarter" --format all --out "$OUT"
done
# the report a county receives: 秀洲区科协, behind on its share of the 10,000 workers befriended
kx report --quarter 2019Q2 --unit xiuzhou --format all --out "$OUT"

echo
echo "Reports (sample data) are in $OUT/:"
for quarter in 1 2 3 4; do
    echo "  $OUT/2019-Q$quarter.md   $OUT/2019-Q$quarter.html"
done
echo "  $OUT/2019-Q2.xiuzhou.md   $OUT/2019-Q2.xiuzhou.html   (one unit's report)"
