#!/usr/bin/env bash
# Measures scoring plus report rendering for the bundled Tianhe example
# (one department-year with 9 projects): time per report in each format on
# one core, the Word batch rate on one and on all cores, and the peak
# resident memory of the whole benchmark process.
#
#   bash bench/report-throughput.sh            # defaults: 3s per benchmark
#   BENCHTIME=3000x bash bench/report-throughput.sh
set -euo pipefail
cd "$(dirname "$0")/.."
benchtime="${BENCHTIME:-3s}"
bin=$(mktemp -d)/cli.test
go test -c -o "$bin" ./internal/cli
cd internal/cli
echo "== one core: time per department-year"
"$bin" -test.run '^$' -test.bench 'Score$|Report/' -test.benchtime "$benchtime" -test.cpu 1 -test.benchmem
echo "== Word batch: 1 core and all cores (ns/op = wall time per department-year)"
/usr/bin/time -f "peak RSS of the benchmark process: %M KiB" \
  "$bin" -test.run '^$' -test.bench 'ProvinceDocx' -test.benchtime "$benchtime" -test.cpu "1,$(nproc)" -test.benchmem
