#!/usr/bin/env bash
# PDF for a year's bundle (issue 13 part 4): the same N generated
# department-years printed to PDF two ways, in one run on one machine:
#
#   1. jixiao report --all --format pdf: each report rendered to HTML and
#      printed by the bounded browser service (render/pdf: one headless
#      Chromium, at most 2 tabs at once), scoring included;
#   2. jixiao report --all --format docx, then LibreOffice converting the
#      same reports to PDF (one soffice process for all the files, as a
#      bureau would batch it; its start-up is included), the Word bundle
#      itself not counted.
#
# Prints both rates (department-years per second), the ratio (browser ÷
# LibreOffice; the issue's goal is at least 4) and the load average, since
# the machine may be shared.
#
#   bash bench/bundle-pdf.sh              # N=50 PROJECTS=10
#   N=200 PROJECTS=20 bash bench/bundle-pdf.sh
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-50}
PROJECTS=${PROJECTS:-10}
YEAR=2024
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
command -v libreoffice >/dev/null || { echo "libreoffice is not installed" >&2; exit 1; }
go build -o "$work/jixiao" ./cmd/jixiao
jx="$work/jixiao"
export JIXIAO_DB="$work/j.db"
"$jx" gen --departments "$N" --projects "$PROJECTS" --first-year "$YEAR" --seed 7 -o "$work/gen" | sed 's/^/  /'
"$jx" import "$work"/gen/*.yaml 2>/dev/null | tail -1 | sed 's/^/  /'

now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. The browser service (scoring, HTML and printing).
t0=$(now)
"$jx" report --all --year "$YEAR" --format pdf -o "$work/pdf.zip" --progress never 2>&1 | tail -1 | sed 's/^/  /'
t1=$(now)
browser=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

# 2. LibreOffice on the same reports in Word.
"$jx" report --all --year "$YEAR" --format docx -o "$work/docx.zip" --progress never 2>/dev/null
mkdir -p "$work/docx" "$work/lo" "$work/profile"
(cd "$work/docx" && unzip -q ../docx.zip && rm -f 汇总表.xlsx 绩效评价结果通报.docx)
count=$(ls "$work"/docx/*.docx | wc -l)
t2=$(now)
libreoffice -env:UserInstallation=file://"$work/profile" --headless --convert-to pdf --outdir "$work/lo" "$work"/docx/*.docx >/dev/null 2>&1
t3=$(now)
lo=$(awk -v a="$t2" -v b="$t3" 'BEGIN { print b - a }')
made=$(ls "$work"/lo/*.pdf 2>/dev/null | wc -l)

pdfs=$(unzip -l "$work/pdf.zip" | grep -c '\.pdf$' || true)
echo "department-years: $N ($PROJECTS projects each)"
printf "browser service : %3d PDFs in %6.1f s = %s per second\n" "$pdfs" "$browser" "$(rate "$pdfs" "$browser")"
printf "LibreOffice     : %3d PDFs in %6.1f s = %s per second (of %d Word files)\n" "$made" "$lo" "$(rate "$made" "$lo")" "$count"
awk -v b="$browser" -v l="$lo" -v nb="$pdfs" -v nl="$made" 'BEGIN { printf "ratio (browser rate ÷ LibreOffice rate): %.2f (goal ≥ 4)\n", (nb / b) / (nl / l) }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
