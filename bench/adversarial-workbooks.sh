#!/usr/bin/env bash
# Builds the workbooks of an attack on the upload form (2,000 cells in
# column XFD; one cell at A1048576; 1,000,000 rows; 20,000 rows reaching
# column XFD) and reads each in a child process: peak resident memory of
# the child (VmHWM, MB), time of the read (s), file size (KB).
# Goal: under 256 MB and 5 s each, each refused or warned about with one
# finding (the benchmark fails otherwise).
#
#   bash bench/adversarial-workbooks.sh
set -euo pipefail
cd "$(dirname "$0")/.."
go test -run '^$' -bench 'BenchmarkAdversarial' -benchtime 1x ./internal/workbook/
