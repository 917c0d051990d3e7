package workbook

import (
	"bytes"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jixiao/jixiao/internal/cputime"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
)

// FuzzRead feeds arbitrary bytes to Read: it must return findings or a
// value, never panic, and every finding must follow the diag rules.
// Panics are not recovered here, so that one in this package's code (or in
// the spreadsheet library) fails the test.
func FuzzRead(f *testing.F) {
	f.Add(template(f))
	f.Add(writeEval(f, loadExample(f, exampleFiles[0])))
	f.Add(writeEval(f, loadExample(f, exampleFiles[1])))
	for _, s := range []string{"", "PK\x03\x04", "year: 2023\n", "<?xml version=\"1.0\"?>"} {
		f.Add([]byte(s))
	}
	// Shapes that once cost gigabytes: cells far right, far down.
	base := writeEval(f, loadExample(f, exampleFiles[0]))
	f.Add(withRows(f, base, SheetContracts, farColumn(2000)))
	f.Add(withRows(f, base, SheetContracts, farRow))
	recoverPanics = false
	f.Cleanup(func() { recoverPanics = true })
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, ds := timedRead(t, data)
		checkFindings(t, ev, ds)
	})
}

// readBudget is the CPU time one input may take to read in the fuzz
// targets: an input that takes longer fails the run, so that a slow
// shape is found rather than passed after a few executions. A workbook
// as large as the examples reads in about 20 ms. The budget is CPU time
// of this process (the reading and its garbage collection), so that a
// machine busy with other work does not fail it, and it is widened under
// the race detector (raceSlowdown). Where CPU time is not measured, wall
// time is used.
const readBudget = 2 * time.Second

// timedRead is Read that fails the test when it takes longer than
// readBudget.
func timedRead(t *testing.T, data []byte) (*evaluation.Evaluation, diag.List) {
	t.Helper()
	start, cpu := time.Now(), cputime.Used()
	ev, ds := Read("x.xlsx", data)
	took := cputime.Used() - cpu
	if cpu == 0 {
		took = time.Since(start)
	}
	if budget := readBudget * raceSlowdown; took > budget {
		t.Fatalf("reading a %d-byte input took %v of CPU, more than the %v budget", len(data), took.Round(time.Millisecond), budget)
	}
	return ev, ds
}

// FuzzReadCells writes arbitrary text (or numbers) into cells of an
// exported workbook: byte-level mutations of a zip rarely get past its
// checksums, so this is what reaches the parsing of cells. Read must not
// panic, its findings must follow the diag rules, and an evaluation read
// without errors must survive Write → Read unchanged.
func FuzzReadCells(f *testing.F) {
	base := writeEval(f, loadExample(f, exampleFiles[1]))
	lib := library(f)
	fw, _ := lib.Framework("gz-dept-2023")
	pfw, _ := lib.Framework("cn-project-2020")
	f.Add(uint8(2), uint8(6), uint8(3), "12,34", false, uint8(3), uint8(2), uint8(5), "大于", false)
	f.Add(uint8(4), uint8(20), uint8(5), "可能", false, uint8(1), uint8(1), uint8(2), "", false)
	f.Add(uint8(5), uint8(2), uint8(3), "1e300", true, uint8(8), uint8(3), uint8(0), "QHWJ-2024-01", false)
	f.Add(uint8(4), uint8(40), uint8(0), "B4", false, uint8(4), uint8(40), uint8(16), "0.5", true)
	f.Add(uint8(10), uint8(9), uint8(0), "问题", false, uint8(10), uint8(9), uint8(1), " 内容；\n", false)
	// The register sheets (empty in the Qinghe example): dates as text and
	// serials, 是/否, 公开类别.
	f.Add(uint8(12), uint8(1), uint8(5), "2023/6/9", false, uint8(12), uint8(1), uint8(4), "是", false)
	f.Add(uint8(13), uint8(2), uint8(5), "45086.5", true, uint8(13), uint8(2), uint8(0), "ZC-001", false)
	f.Add(uint8(14), uint8(1), uint8(0), "部门预算", false, uint8(14), uint8(1), uint8(2), "2023-13-01", false)
	f.Add(uint8(11), uint8(3), uint8(2), "60", true, uint8(11), uint8(3), uint8(1), "1e300", true)
	// The declaration: 项目申报 (kind, dates, funds), 实施进度计划, and the
	// basis and milestone columns of 项目绩效指标.
	f.Add(uint8(6), uint8(1), uint8(2), "新", false, uint8(6), uint8(1), uint8(6), "2026/12/31", false)
	f.Add(uint8(6), uint8(2), uint8(9), "1,000.005", false, uint8(6), uint8(3), uint8(0), "QHWJ-2024-03", false)
	f.Add(uint8(7), uint8(1), uint8(3), "2024-02-30", false, uint8(7), uint8(4), uint8(0), "QHWJ-2024-02", false)
	f.Add(uint8(8), uint8(1), uint8(11), "80", true, uint8(8), uint8(2), uint8(9), "历史", false)
	f.Fuzz(func(t *testing.T, s1, r1, c1 uint8, v1 string, n1 bool, s2, r2, c2 uint8, v2 string, n2 bool) {
		x, err := excelize.OpenReader(bytes.NewReader(base))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		set := func(s, r, c uint8, v string, number bool) {
			sheet := sheetOrder[int(s)%len(sheetOrder)]
			cell := ref(int(c)%24, int(r)%64+1)
			if number {
				if fl, err := strconv.ParseFloat(v, 64); err == nil {
					x.SetCellFloat(sheet, cell, fl, -1, 64)
					return
				}
			}
			x.SetCellStr(sheet, cell, v)
		}
		set(s1, r1, c1, v1, n1)
		set(s2, r2, c2, v2, n2)
		var buf bytes.Buffer
		if _, err := x.WriteTo(&buf); err != nil {
			return
		}
		ev, ds := timedRead(t, buf.Bytes())
		checkFindings(t, ev, ds)
		if ev == nil || ds.Err() != nil {
			return
		}
		var again bytes.Buffer
		if err := Write(&again, ev, fw, pfw); err != nil {
			return // text too long for a cell
		}
		ev2, ds2 := Read("x.xlsx", again.Bytes())
		if ds2.Err() != nil {
			t.Fatalf("a clean evaluation, written again, reads with errors:\n%v", ds2.Error())
		}
		if !reflect.DeepEqual(ev, ev2) {
			t.Fatalf("Write → Read changed a clean evaluation:\n%s", diffEval(ev, ev2))
		}
	})
}

func checkFindings(t *testing.T, ev *evaluation.Evaluation, ds diag.List) {
	t.Helper()
	if ev == nil && ds.Err() == nil {
		t.Fatal("no evaluation and no error")
	}
	for _, d := range ds {
		if _, ok := diag.Documented[d.Code]; !ok {
			t.Fatalf("undocumented code %q: %v", d.Code, d)
		}
		if want := map[byte]diag.Severity{'E': diag.Error, 'W': diag.Warning, 'I': diag.Info}[d.Code[0]]; d.Severity != want {
			t.Fatalf("severity %s for %s", d.Severity, d.Code)
		}
		if d.Message == "" || d.File != "x.xlsx" {
			t.Fatalf("bad finding %#v", d)
		}
	}
}
