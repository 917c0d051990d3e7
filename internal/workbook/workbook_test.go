package workbook

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
)

var exampleFiles = []string{"tianhe-gov-office-2023.yaml", "qinghe-health-2024.yaml"}

func library(t testing.TB) *datafile.Library {
	t.Helper()
	lib, ds := datafile.LoadLibrary()
	if err := ds.Err(); err != nil {
		t.Fatalf("built-in frameworks: %v", err)
	}
	return lib
}

// assessed reads a workbook and runs the assessment pipeline on it, as
// input.Assess does (which this package's tests cannot import): the
// reader's findings and the pipeline's, located at cells.
func assessed(t testing.TB, file string, data []byte) (*Loaded, diag.List) {
	t.Helper()
	l, ds := Load(file, data)
	if l == nil {
		return nil, ds
	}
	a := assess.Assess(l.Value, library(t), assess.Options{Calendar: calendar.ScoringOptions().Calendar, ReadErrors: ds.Err() != nil})
	ds = append(ds, l.Locate(a.Findings)...)
	ds.Sort()
	return l, ds
}

func loadExample(t testing.TB, name string) *evaluation.Evaluation {
	t.Helper()
	path := filepath.Join("..", "..", "examples", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Evaluation(path, data)
	if err := ds.Err(); err != nil || l == nil {
		t.Fatalf("%s does not load: %v", name, err)
	}
	return l.Value
}

// frameworksOf returns the department and project frameworks an
// evaluation names.
func frameworksOf(t testing.TB, ev *evaluation.Evaluation) (*framework.Framework, *framework.Framework) {
	t.Helper()
	lib := library(t)
	fw, ok := lib.Framework(ev.Framework)
	if !ok {
		t.Fatalf("no framework %s", ev.Framework)
	}
	pfw, ok := lib.Framework(ev.ProjectFrameworkID())
	if !ok {
		t.Fatalf("no framework %s", ev.ProjectFrameworkID())
	}
	return fw, pfw
}

func writeEval(t testing.TB, ev *evaluation.Evaluation) []byte {
	t.Helper()
	fw, pfw := frameworksOf(t, ev)
	var buf bytes.Buffer
	if err := Write(&buf, ev, fw, pfw); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func template(t testing.TB) []byte {
	t.Helper()
	lib := library(t)
	fw, _ := lib.Framework("gz-dept-2023")
	pfw, _ := lib.Framework("cn-project-2020")
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, fw, pfw); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t testing.TB, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// cellsOf lists every non-empty cell of every sheet as "sheet!A1=value",
// with stored (raw) values.
func cellsOf(t testing.TB, data []byte) []string {
	t.Helper()
	f := open(t, data)
	var out []string
	for _, s := range f.GetSheetList() {
		rows, err := f.GetRows(s, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			for j, v := range row {
				if v != "" {
					out = append(out, fmt.Sprintf("%s!%s=%s", s, ref(j, i+1), v))
				}
			}
		}
	}
	return out
}

func diffEval(a, b *evaluation.Evaluation) string {
	var s strings.Builder
	for _, c := range evaluation.Diff(a, b) {
		fmt.Fprintf(&s, "  %s: %q → %q\n", c.Path, c.Old, c.New)
	}
	return s.String()
}

// Write then Read gives back the very evaluation the data file holds, and
// writing what was read gives the same cells again.
func TestRoundTripExamples(t *testing.T) {
	for _, name := range exampleFiles {
		t.Run(name, func(t *testing.T) {
			ev := loadExample(t, name)
			data := writeEval(t, ev)
			got, ds := Read("round.xlsx", data)
			if len(ds) > 0 {
				t.Fatalf("reading an exported example gives findings:\n%v", ds.Error())
			}
			if !reflect.DeepEqual(ev, got) {
				t.Fatalf("round trip changed the evaluation:\n%s", diffEval(ev, got))
			}
			again := writeEval(t, got)
			a, b := cellsOf(t, data), cellsOf(t, again)
			if !slices.Equal(a, b) {
				for _, c := range a {
					if !slices.Contains(b, c) {
						t.Errorf("only in the first write: %s", c)
					}
				}
				for _, c := range b {
					if !slices.Contains(a, c) {
						t.Errorf("only in the second write: %s", c)
					}
				}
				t.Fatal("Write → Read → Write changed the cells")
			}
		})
	}
}

// The round trip must really compare: a changed cell shows up as a
// different evaluation.
func TestRoundTripDetectsChange(t *testing.T) {
	ev := loadExample(t, exampleFiles[0])
	f := open(t, writeEval(t, ev))
	row := findRow(t, f, SheetTargets, "三级指标", ev.Targets[0].Name)
	if err := f.SetCellStr(SheetTargets, ref(columnIndex(targetCols, "actual"), row), "2317"); err != nil {
		t.Fatal(err)
	}
	got, ds := Read("x.xlsx", save(t, f))
	if len(ds) > 0 {
		t.Fatal(ds.Error())
	}
	if reflect.DeepEqual(ev, got) || got.Targets[0].Actual != "2317" {
		t.Fatalf("a changed cell was not read: %q", got.Targets[0].Actual)
	}
}

func save(t testing.TB, f *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// findRow returns the 1-based row of sheet whose column headed header
// holds value.
func findRow(t testing.TB, f *excelize.File, sheet, header, value string) int {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], header)
	if col < 0 {
		t.Fatalf("%s has no column %s", sheet, header)
	}
	for i, row := range rows {
		if col < len(row) && row[col] == value {
			return i + 1
		}
	}
	t.Fatalf("%s: no row with %s = %s", sheet, header, value)
	return 0
}

func TestTemplate(t *testing.T) {
	data := template(t)
	f := open(t, data)
	if got := f.GetSheetList(); !slices.Equal(got, sheetOrder) {
		t.Fatalf("sheets %v, want %v", got, sheetOrder)
	}
	// Drop-down lists.
	lists := map[string][]string{
		SheetFinance:        {incomeNames()[0]},
		SheetTargets:        {"产出指标", "数量指标", "≥", "部分达成"},
		SheetScores:         {"是", "达成"},
		SheetProjectTargets: {"满意度指标", "服务对象满意度指标", "定性"},
		SheetProjectScores:  {"P1", "否"},
		SheetIssues:         {"改进措施"},
	}
	for sheet, want := range lists {
		dvs, err := f.GetDataValidations(sheet)
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for _, dv := range dvs {
			if dv.Type == "list" {
				all.WriteString(dv.Formula1)
			}
		}
		for _, w := range want {
			if !strings.Contains(all.String(), w) {
				t.Errorf("%s: no drop-down offers %q (lists: %s)", sheet, w, all.String())
			}
		}
	}
	// Protection: every sheet protected with no password; headers locked,
	// cells to fill unlocked.
	for _, sheet := range sheetOrder {
		p, err := f.GetSheetProtection(sheet)
		if err != nil {
			t.Fatal(err)
		}
		if !p.SelectUnlockedCells || !p.InsertRows || p.DeleteColumns {
			t.Errorf("%s: not protected as it should be: %+v", sheet, p)
		}
	}
	locked := func(sheet, cell string) bool {
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st.Protection == nil || st.Protection.Locked
	}
	for _, c := range []struct {
		sheet, cell string
		locked      bool
	}{
		{SheetTargets, "A1", true}, {SheetTargets, "A2", false}, {SheetTargets, "G500", false},
		{SheetBasic, "A2", true}, {SheetBasic, "C2", false}, {SheetBasic, "D2", true},
		{SheetScores, "A1", true}, {SheetScores, "A2", true}, {SheetScores, "D2", true},
		{SheetFinance, "A1", true},
	} {
		if got := locked(c.sheet, c.cell); got != c.locked {
			t.Errorf("%s!%s locked = %v, want %v", c.sheet, c.cell, got, c.locked)
		}
	}
	// The framework is listed: every indicator and checklist item code.
	lib := library(t)
	fw, _ := lib.Framework("gz-dept-2023")
	rows, err := f.GetRows(SheetScores)
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]bool{}
	for _, row := range rows[1:] {
		for _, c := range []int{0, 2} {
			if c < len(row) {
				has[row[c]] = true
			}
		}
	}
	n := 0
	fw.Walk(func(in *framework.Indicator, _ int) {
		if !has[in.Code] {
			t.Errorf("indicator %s is not listed on %s", in.Code, SheetScores)
		}
		if in.Rule != nil {
			for _, it := range in.Rule.Items {
				n++
				if !has[it.Code] {
					t.Errorf("checklist item %s is not listed on %s", it.Code, SheetScores)
				}
			}
		}
	})
	if n < 20 {
		t.Fatalf("only %d checklist items in the framework", n)
	}
	// Checklist item rows leave 是否通过 open and the rest shut.
	row := findRow(t, f, SheetScores, "检查项编码", "B5.6")
	if locked(SheetScores, ref(columnIndex(scoreCols, "passed"), row)) || !locked(SheetScores, ref(columnIndex(scoreCols, "work"), row)) {
		t.Error("a checklist item row must open 是否通过 and shut 工作情况")
	}
	// The framework ids are filled in.
	if v, _ := f.GetCellValue(SheetBasic, ref(2, findRow(t, f, SheetBasic, "项目", labelFramework))); v != "gz-dept-2023" {
		t.Errorf("指标框架 = %q", v)
	}
	// Amount cells show yuan with separators.
	id, _ := f.GetCellStyle(SheetProjects, "D2")
	if st, _ := f.GetStyle(id); st.CustomNumFmt == nil || *st.CustomNumFmt != "#,##0.00" {
		t.Errorf("amount format %+v", st)
	}

	// Reading the empty template reports what must be filled in, at the
	// cells to fill, and nothing about the layout itself.
	l, ds := assessed(t, "template.xlsx", data)
	if l == nil {
		t.Fatal(ds)
	}
	ev := l.Value
	if ev == nil || ev.Framework != "gz-dept-2023" || ev.ProjectFramework != "cn-project-2020" {
		t.Fatalf("template reads as %+v", ev)
	}
	if ev.Scores != nil || ev.Targets != nil || ev.Projects != nil {
		t.Errorf("an empty template must read as no data: %+v", ev)
	}
	for _, d := range ds {
		if d.Code == diag.UnknownField || d.Code == codeIgnored || d.Code == diag.Syntax {
			t.Errorf("template layout finding: %v", d)
		}
	}
	want := map[string]string{
		SheetBasic + "!C2": diag.Missing,
		SheetBasic + "!" + ref(2, findRow(t, f, SheetBasic, "项目", labelYear)):         diag.Missing,
		SheetFinance + "!" + ref(3, findRow(t, f, SheetFinance, "项目", labelAdjusted)): diag.Missing,
		SheetBasic + "!" + ref(2, findRow(t, f, SheetBasic, "项目", labelFunctions)):    diag.Missing,
	}
	for _, d := range ds {
		if want[d.Path] == d.Code {
			delete(want, d.Path)
		}
	}
	if len(want) > 0 {
		t.Errorf("missing findings %v in:\n%v", want, ds.Error())
	}
}

// A workbook with mistakes on several sheets gives every one of them in a
// single run, each at its cell, with the value found.
func TestMistakesAllReported(t *testing.T) {
	ev := loadExample(t, exampleFiles[0])
	f := open(t, writeEval(t, ev))
	set := func(sheet, cell, v string) {
		t.Helper()
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	type want struct{ code, cell, text string }
	var wants []want

	// 基本情况: department name deleted.
	nameCell := ref(2, findRow(t, f, SheetBasic, "项目", "部门名称"))
	set(SheetBasic, nameCell, "")
	wants = append(wants, want{diag.Missing, SheetBasic + "!" + nameCell, "部门名称"})

	// 收支情况: a bad amount.
	prior := ref(3, findRow(t, f, SheetFinance, "项目", labelPriorIncome))
	set(SheetFinance, prior, "12,34")
	wants = append(wants, want{diag.BadValue, SheetFinance + "!" + prior, `金额 "12,34" 无法识别：千位分隔符位置不正确`})

	// 收支情况: an income kind not in the list.
	kind := ref(1, findRow(t, f, SheetFinance, "项目", labelIncome))
	set(SheetFinance, kind, "财政拨款")
	wants = append(wants, want{diag.BadChoice, SheetFinance + "!" + kind, `"财政拨款"`})

	// 绩效目标: an unknown direction.
	dir := ref(columnIndex(targetCols, "direction"), findRow(t, f, SheetTargets, "编码", "T2"))
	set(SheetTargets, dir, "大于")
	wants = append(wants, want{diag.BadChoice, SheetTargets + "!" + dir, `"大于"`})

	// 绩效目标: a quantitative actual value that is not a number.
	act := ref(columnIndex(targetCols, "actual"), findRow(t, f, SheetTargets, "编码", "T4"))
	set(SheetTargets, act, "约九成")
	wants = append(wants, want{diag.BadValue, SheetTargets + "!" + act, "约九成"})

	// 指标评分: 是否通过 neither 是 nor 否.
	passed := ref(columnIndex(scoreCols, "passed"), findRow(t, f, SheetScores, "检查项编码", "B5.6"))
	set(SheetScores, passed, "基本通过")
	wants = append(wants, want{diag.BadChoice, SheetScores + "!" + passed, `"基本通过"`})

	// 指标评分: a row for an indicator the framework lacks.
	rows, _ := f.GetRows(SheetScores)
	extra := len(rows) + 2
	set(SheetScores, ref(0, extra), "B9")
	set(SheetScores, ref(columnIndex(scoreCols, "work"), extra), "多填的一行")
	wants = append(wants, want{diag.UnknownRef, SheetScores + "!" + ref(0, extra), "B9"})

	// 指标评分: a checklist item the indicator lacks.
	item := len(rows) + 3
	set(SheetScores, ref(0, item), "B6")
	set(SheetScores, ref(columnIndex(scoreCols, "item"), item), "B6.9")
	set(SheetScores, ref(columnIndex(scoreCols, "passed"), item), "否")
	set(SheetScores, ref(columnIndex(scoreCols, "reason"), item), "原因")
	wants = append(wants, want{diag.UnknownRef, SheetScores + "!" + ref(columnIndex(scoreCols, "item"), item), "B6.9"})

	// 项目: a bad amount in a project; 项目绩效指标: a row for a project
	// that does not exist.
	exec := ref(columnIndex(projectCols, "executed"), findRow(t, f, SheetProjects, "项目编码", "THZFB-2023-03"))
	set(SheetProjects, exec, "1.005元")
	wants = append(wants, want{diag.BadValue, SheetProjects + "!" + exec, "精度超过 1 分"})
	link := fmt.Sprintf("A%d", findRow(t, f, SheetProjectTargets, "项目编码", "THZFB-2023-09"))
	set(SheetProjectTargets, link, "THZFB-2023-99")
	wants = append(wants, want{diag.UnknownRef, SheetProjectTargets + "!" + link, "THZFB-2023-99"})

	// 问题与措施: a type not in the list.
	set(SheetIssues, "A2", "困难")
	wants = append(wants, want{diag.BadChoice, SheetIssues + "!A2", `"困难"`})

	// An unknown sheet is ignored with a warning.
	if _, err := f.NewSheet("草稿"); err != nil {
		t.Fatal(err)
	}
	wants = append(wants, want{codeIgnored, "草稿!A1", "草稿"})

	l, ds := assessed(t, "mistakes.xlsx", save(t, f))
	if l == nil {
		t.Fatal(ds.Error())
	}
	for _, w := range wants {
		found := false
		for _, d := range ds {
			if d.Code == w.code && d.Path == w.cell && strings.Contains(d.Message, w.text) && d.File == "mistakes.xlsx" {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s at %s mentioning %s", w.code, w.cell, w.text)
		}
	}
	// Nothing else is wrong, and no cell is reported twice.
	cells := map[string]int{}
	for _, d := range ds {
		cells[d.Path]++
		if !slices.ContainsFunc(wants, func(w want) bool { return w.cell == d.Path }) {
			t.Errorf("unexpected finding: %v", d)
		}
	}
	for c, n := range cells {
		if n > 1 {
			t.Errorf("%s reported %d times", c, n)
		}
	}
	if t.Failed() {
		t.Log(ds.Error())
	}
}

// Findings made after reading (scoring, consistency) point at cells too.
//
// Tianhe's registers decide its procurement and asset items, so its data
// file enters no checklist checks of its own; the officer here overrules
// two register-decided items, so that checks are on 指标评分 to point at.
func TestLocateLaterFindings(t *testing.T) {
	ev := loadExample(t, exampleFiles[0])
	b5, b6 := ev.Scores["B5"], ev.Scores["B6"]
	b5.Checklist = []evaluation.ItemCheck{{Item: "B5.6", Passed: false, Reason: "两份合同备案超期", Override: "备案系统故障期间线下备案，台账按系统日期记录"}}
	b6.Checklist = []evaluation.ItemCheck{{Item: "B6.6", Passed: true, Override: "标签已于年末补贴，台账未及时更新"}}
	ev.Scores["B5"], ev.Scores["B6"] = b5, b6
	data := writeEval(t, ev)
	l, ds := Load("x.xlsx", data)
	if len(ds) > 0 {
		t.Fatal(ds.Error())
	}
	if !reflect.DeepEqual(ev, l.Value) {
		t.Fatalf("overrides do not round trip:\n%s", diffEval(ev, l.Value))
	}
	got := l.Locate(diag.List{
		{Code: diag.NoDeviation, Path: "targets[2].deviation"},
		{Code: diag.NoReason, Path: "scores.B5.checklist[0].reason"},
		{Code: diag.Missing, Path: "projects[1].scores.P4.level", Message: "需要填写评价等级（met、partly、not_met）"},
		{Code: diag.TotalMismatch, Path: "finance.stated.income"},
		{Code: diag.NarrativeAbsent, Path: "narrative.outlook"},
		{Code: diag.UnknownRef, Path: "weights.A9"},
		{Code: diag.Overruled, Path: "scores.B6.checklist[0].override"},
		{Code: diag.ComputedItem, Path: "scores.B5.checklist[0]", Message: "检查项 B5.6 由台账自动评定；如需改变结果，请在 override 中说明调整原因"},
		{Code: diag.BadValue, Path: "registers.contracts[2].filed"},
		{Code: diag.BadValue, Path: "registers.intentions[5].planned_start"},
		{Code: diag.BadValue, Path: "registers.assets[4]"},
		{Code: diag.BadChoice, Path: "registers.disclosures[1].kind"},
		{Code: diag.BadValue, Path: "registers.assets[7].value"},
		{Code: diag.BadValue, Path: "registers.contracts[0].sme"},
		{Code: diag.BadValue, Path: "registers.contracts"},
		{Code: diag.BadRule, Path: "registers"},
	})
	f := open(t, data)
	want := []string{
		SheetTargets + "!" + ref(columnIndex(targetCols, "deviation"), findRow(t, f, SheetTargets, "编码", "T3")),
		SheetScores + "!" + ref(columnIndex(scoreCols, "reason"), findRow(t, f, SheetScores, "检查项编码", "B5.6")),
		SheetProjects + "!A3",
		SheetFinance + "!" + ref(3, findRow(t, f, SheetFinance, "项目", labelStatedIn)),
		SheetBasic + "!" + ref(2, findRow(t, f, SheetBasic, "项目", "下一步打算")),
		SheetScores + "!A1",
		SheetScores + "!" + ref(columnIndex(scoreCols, "override"), findRow(t, f, SheetScores, "检查项编码", "B6.6")),
		SheetScores + "!" + ref(columnIndex(scoreCols, "item"), findRow(t, f, SheetScores, "检查项编码", "B5.6")),
		SheetContracts + "!I4",
		SheetIntentions + "!C7",
		SheetAssets + "!A6",
		SheetDisclosures + "!A3",
		SheetAssets + "!D9",
		SheetContracts + "!E2",
		SheetContracts + "!A2",
		SheetIntentions + "!A1",
	}
	if len(got) != len(want) {
		t.Fatalf("%d findings located, want %d", len(got), len(want))
	}
	for i, d := range got {
		if d.Path != want[i] || d.File != "x.xlsx" {
			t.Errorf("%d: located at %s, want %s", i, d.Path, want[i])
		}
	}
	if !strings.Contains(got[2].Message, "达成、部分达成、未达成") {
		t.Errorf("choices not named as the workbook shows them: %s", got[2].Message)
	}
	if !strings.Contains(got[7].Message, "“"+headerOverride+"”列") {
		t.Errorf("the override column is not named as the workbook shows it: %s", got[7].Message)
	}
	// The cells are the ones holding the values.
	for _, c := range []struct{ cell, value string }{
		{want[6], "标签已于年末补贴，台账未及时更新"},
		{want[8], "2023-06-26"},
		{want[10], "GZTH-ZC-0042"},
		{want[11], "部门决算"},
	} {
		sheet, cell, _ := strings.Cut(c.cell, "!")
		if v, _ := f.GetCellValue(sheet, cell); v != c.value {
			t.Errorf("%s holds %q, want %q", c.cell, v, c.value)
		}
	}
}

// Numbers stored by other programs (floating-point noise, exponents),
// amounts typed as text and percentages are read as the person meant.
func TestCellForms(t *testing.T) {
	ev := loadExample(t, exampleFiles[0])
	f := open(t, writeEval(t, ev))
	basic := ref(3, findRow(t, f, SheetFinance, "项目", labelBasic))
	adjusted := ref(3, findRow(t, f, SheetFinance, "项目", labelAdjusted))
	initial := ref(3, findRow(t, f, SheetFinance, "项目", labelInitial))
	if err := f.SetCellStr(SheetFinance, basic, "2753.776万元"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellFloat(SheetFinance, adjusted, 33086320.000000004, -1, 64); err != nil {
		t.Fatal(err)
	}
	// A percentage typed into a General cell: the stored value is 0.986
	// and the cell shows 98.6%.
	pct, _ := f.NewStyle(&excelize.Style{NumFmt: 10})
	act := ref(columnIndex(targetCols, "actual"), findRow(t, f, SheetTargets, "编码", "T4"))
	if err := f.SetCellFloat(SheetTargets, act, 0.986, -1, 64); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle(SheetTargets, act, act, pct); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr(SheetFinance, initial, "３０,２１８,６００．００"); err != nil {
		t.Fatal(err)
	}
	got, ds := Read("x.xlsx", save(t, f))
	if len(ds) > 0 {
		t.Fatal(ds.Error())
	}
	if got.Finance.Expenditure.Basic != ev.Finance.Expenditure.Basic {
		t.Errorf("万元 text: %d", got.Finance.Expenditure.Basic)
	}
	if got.Finance.Budget.Adjusted != ev.Finance.Budget.Adjusted {
		t.Errorf("float noise: %d", got.Finance.Budget.Adjusted)
	}
	if got.Finance.Budget.Initial != ev.Finance.Budget.Initial {
		t.Errorf("full-width digits: %d", got.Finance.Budget.Initial)
	}
	if got.Targets[3].Actual != "98.60%" {
		t.Errorf("percentage cell read as %q", got.Targets[3].Actual)
	}
}

// Rows inserted below a list's last row with an empty label continue the
// list; a second value for a single field is reported.
func TestLabelContinuation(t *testing.T) {
	ev := loadExample(t, exampleFiles[1])
	f := open(t, writeEval(t, ev))
	row := findRow(t, f, SheetBasic, "项目", labelTasks)
	if err := f.InsertRows(SheetBasic, row+1, 1); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr(SheetBasic, ref(1, row+1), "插入"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr(SheetBasic, ref(2, row+1), "插入的任务"); err != nil {
		t.Fatal(err)
	}
	dup := findRow(t, f, SheetBasic, "项目", "上级部门")
	if err := f.InsertRows(SheetBasic, dup+1, 1); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr(SheetBasic, ref(0, dup+1), "部门名称"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr(SheetBasic, ref(2, dup+1), "另一个名称"); err != nil {
		t.Fatal(err)
	}
	got, ds := Read("x.xlsx", save(t, f))
	if len(ds) != 1 || ds[0].Code != diag.Duplicate || ds[0].Path != SheetBasic+"!"+ref(2, dup+1) {
		t.Fatalf("findings:\n%v", ds.Error())
	}
	if n := len(got.KeyTasks.Items); n != len(ev.KeyTasks.Items)+1 || got.KeyTasks.Items[1].Text != "插入的任务" {
		t.Errorf("tasks: %+v", got.KeyTasks.Items)
	}
}

// Not a workbook, or a workbook without the required sheets.
func TestNotAWorkbook(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("year: 2023\n"), []byte("PK\x03\x04garbage")} {
		ev, ds := Read("bad.xlsx", data)
		if ev != nil || len(ds) != 1 || ds[0].Code != diag.Syntax || ds[0].File != "bad.xlsx" {
			t.Errorf("%q: %v %v", data, ev, ds)
		}
	}
	f := excelize.NewFile()
	ev, ds := Read("empty.xlsx", save(t, f))
	if ev != nil {
		t.Error("a workbook without the sheets must not read")
	}
	missing := 0
	for _, d := range ds {
		if d.Code == diag.Missing {
			missing++
		}
	}
	if missing != len(requiredSheets) {
		t.Errorf("findings:\n%v", ds.Error())
	}
}

// Deductions beyond the first, extra checklist checks, scores for codes
// the framework lacks, project scores, decimals: all survive the round
// trip.
func TestRoundTripEdges(t *testing.T) {
	ev := loadExample(t, exampleFiles[1])
	in := ev.Scores["B4"]
	in.Deductions = append(in.Deductions,
		evaluation.Deduction{Points: 50, Reason: "第一次", Evidence: []string{"甲", "乙"}},
		evaluation.Deduction{Points: 25, Reason: "第二次"})
	// Checks are listed in the framework's item order.
	in.Checklist = append([]evaluation.ItemCheck{{Item: "B4.1", Passed: true, Evidence: []string{"制度文件"}}}, in.Checklist...)
	ev.Scores["B4"] = in
	ev.Scores["ZZ"] = evaluation.Input{Work: "框架中没有的指标", Deductions: []evaluation.Deduction{{Points: 1, Reason: "a"}, {Points: 2, Reason: "b"}}}
	ev.Targets[0].Deductions = []evaluation.Deduction{{Points: 10, Reason: "x"}, {Points: 20, Reason: "y", Evidence: []string{"z"}}}
	ev.Projects[2].Scores = map[string]evaluation.Input{
		"P4": {NotApplicable: "项目未设满意度指标"},
		"P2": {Deductions: []evaluation.Deduction{{Points: 100, Reason: "目标偏低"}, {Points: 50, Reason: "再扣"}}},
	}
	ev.Projects[0].Code = ""
	ev.Projects[0].Funding = nil
	ev.Projects[0].Scores = map[string]evaluation.Input{"P3": {Work: "无编码项目的评分"}}
	ev.Finance.Sangong.Reception.PriorActual = new(ev.Finance.Sangong.Reception.Actual)
	ev.Finance.Stated.Expenditure = nil
	ev.Department.Staffing.Actual = 0
	data := writeEval(t, ev)
	got, ds := Read("edges.xlsx", data)
	if len(ds) > 0 {
		t.Fatal(ds.Error())
	}
	if !reflect.DeepEqual(ev, got) {
		t.Fatalf("round trip changed the evaluation:\n%s", diffEval(ev, got))
	}
	if a, b := cellsOf(t, data), cellsOf(t, writeEval(t, got)); !slices.Equal(a, b) {
		t.Fatal("Write → Read → Write changed the cells")
	}
}

// Write refuses text longer than a cell holds rather than cut it.
func TestWriteTooLong(t *testing.T) {
	ev := loadExample(t, exampleFiles[1])
	ev.Narrative.Management = strings.Repeat("很长", maxCellChars)
	var buf bytes.Buffer
	fw, pfw := frameworksOf(t, ev)
	if err := Write(&buf, ev, fw, pfw); err == nil || buf.Len() > 0 {
		t.Fatalf("err %v, %d bytes written", err, buf.Len())
	}
}
