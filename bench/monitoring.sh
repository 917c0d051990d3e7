#!/usr/bin/env bash
# The payment ledger at province scale (issue 12): a generated province of
# UNITS units with PROJECTS projects each and a ledger of N payments,
# imported with `jixiao monitor import` into PostgreSQL and into SQLite,
# each beside the raw load of the same rows on the same engine
# (bench/rawload: pgx COPY straight into the year's partition; SQLite
# multi-row INSERTs of 500 rows in one transaction). Prints, per engine,
# the wall time of both, their ratio (raw time ÷ jixiao time: 1 means as
# fast as the raw load, the goal is at least 0.5) and the peak resident
# memory of the jixiao process (/usr/bin/time -v; the goal is under
# 200 MB). Then the monthly sums (Store.PaidByMonth) against a plain
# GROUP BY on the same engine.
#
#   bash bench/monitoring.sh                    # N=1000000 UNITS=300 PROJECTS=20
#   N=10000000 UNITS=3000 PROJECTS=20 bash bench/monitoring.sh
#   PG=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable (default) ; PG= to skip PostgreSQL
#   SQLITE= to skip SQLite (SQLITE=1 by default)
#
# After each import the warnings of July are refreshed twice with
# `jixiao monitor warnings YEAR --month 7 --refresh` (the first run writes
# every warning, the second finds nothing to change); wall time and peak
# RSS of each are printed beside the monthly sums.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000000}
UNITS=${UNITS:-300}
PROJECTS=${PROJECTS:-20}
PG=${PG-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
SQLITE=${SQLITE-1}
YEAR=2024
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/jixiao" ./cmd/jixiao
go build -o "$work/rawload" ./bench/rawload
jx="$work/jixiao"

"$jx" gen --departments "$UNITS" --projects "$PROJECTS" --first-year 2024 --payments "$N" --seed 1 -o "$work/gen" | sed 's/^/  /'
ledger="$work/gen/payments.csv"
echo "  ledger: $(du -h "$ledger" | cut -f1)"

# measure NAME CMD…: wall seconds and peak RSS (MB) of one process.
measure() {
	local name=$1
	shift
	/usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.time"
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$work/$name.time")
	rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$work/$name.time")
	echo "$wall $rss"
}

report() { # ENGINE RAW_WALL JX_WALL JX_RSS
	awk -v e="$1" -v r="$2" -v j="$3" -v m="$4" -v n="$N" 'BEGIN {
		printf "%-10s  raw %7.2f s (%7.0f rows/s)   jixiao %7.2f s (%7.0f rows/s)   ratio %.2f   jixiao peak RSS %d MB\n", e, r, n/r, j, n/j, r/j, m }'
}

# groupby DSN: Store.PaidByMonth for the year against the bare GROUP BY.
groupby() {
	go test -run '^$' -bench 'BenchmarkPaidByMonth' -benchtime 3x ./internal/store/ 2>&1 | grep -E 'Benchmark|rows' || true
}

# refresh ENGINE DSN: the warnings of July refreshed twice, wall and peak RSS.
refresh() {
	local first again
	first=$(measure "$1-refresh1" "$jx" monitor warnings --month 7 --refresh --limit 1 --db "$2" --actor bench "$YEAR")
	again=$(measure "$1-refresh2" "$jx" monitor warnings --month 7 --refresh --limit 1 --db "$2" --actor bench "$YEAR")
	read -r w1 r1 <<<"$first"
	read -r w2 r2 <<<"$again"
	printf "%-10s  warnings refresh (July): first %.2f s (%d MB)   again %.2f s (%d MB)\n" "$1" "$w1" "$r1" "$w2" "$r2" | tee -a "$work/result"
}

if [ -n "$SQLITE" ]; then
echo "SQLite"
sq="$work/j.db"
"$jx" import --db "$sq" "$work"/gen/*.yaml 2>/dev/null | sed 's/^/  /'
cp "$sq" "$work/raw.db"
read -r raw_wall _ < <(measure sqlite-raw "$work/rawload" --db "$work/raw.db" --csv "$ledger")
read -r jx_wall jx_rss < <(measure sqlite-jx "$jx" monitor import --db "$sq" --actor bench "$ledger")
sed 's/^/  /' "$work/sqlite-jx.out"
report SQLite "$raw_wall" "$jx_wall" "$jx_rss" | tee "$work/result"
JIXIAO_BENCH_DB="$sq" groupby
refresh SQLite "$sq"
fi

if [ -n "$PG" ]; then
	echo "PostgreSQL"
	base=${PG%%\?*}
	base=${base%/*}
	q=""
	[[ "$PG" == *\?* ]] && q="?${PG#*\?}"
	for db in jx_bench_raw jx_bench_jx; do
		psql "$PG" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
	done
	raw="$base/jx_bench_raw$q"
	jxdb="$base/jx_bench_jx$q"
	"$jx" migrate --db "$raw" >/dev/null
	"$jx" import --db "$jxdb" "$work"/gen/*.yaml 2>/dev/null | sed 's/^/  /'
	read -r raw_wall _ < <(measure pg-raw "$work/rawload" --db "$raw" --csv "$ledger")
	read -r jx_wall jx_rss < <(measure pg-jx "$jx" monitor import --db "$jxdb" --actor bench "$ledger")
	sed 's/^/  /' "$work/pg-jx.out"
	report PostgreSQL "$raw_wall" "$jx_wall" "$jx_rss" | tee -a "$work/result"
	JIXIAO_BENCH_DB="$jxdb" groupby
	refresh PostgreSQL "$jxdb"
	for db in jx_bench_raw jx_bench_jx; do
		psql "$PG" -qc "DROP DATABASE IF EXISTS $db" >/dev/null
	done
fi
echo
cat "$work/result"
