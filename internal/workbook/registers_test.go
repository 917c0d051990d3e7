package workbook

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
)

func TestDateSerials(t *testing.T) {
	for _, c := range []struct {
		date   civil.Date
		serial int
	}{
		{civil.MustDate(1900, time.January, 1), 1},
		{civil.MustDate(1900, time.February, 28), 59},
		{civil.MustDate(1900, time.March, 1), 61},
		{civil.MustDate(2023, time.June, 9), 45086},
		{civil.MustDate(9999, time.December, 31), maxSerial},
	} {
		n, ok := dateSerial(c.date)
		if !ok || n != c.serial {
			t.Errorf("serial of %s = %d, %v; want %d", c.date, n, ok, c.serial)
		}
		d, err := serialDate(strconv.Itoa(c.serial), false)
		if err != nil || d != c.date {
			t.Errorf("date of %d = %s, %v; want %s", c.serial, d, err, c.date)
		}
	}
	// Every day from 1900 on converts back to itself.
	for d := civil.MustDate(1900, time.January, 1); d.Year() < 2101; d = d.AddDays(1) {
		n, _ := dateSerial(d)
		if got, err := serialDate(strconv.Itoa(n), false); err != nil || got != d {
			t.Fatalf("%s → %d → %s, %v", d, n, got, err)
		}
	}
	// A time of day is dropped; the 1904 system counts from 1904-01-01.
	if d, err := serialDate("45086.75", false); err != nil || d.String() != "2023-06-09" {
		t.Errorf("45086.75 → %s, %v", d, err)
	}
	if d, err := serialDate("43624", true); err != nil || d.String() != "2023-06-09" {
		t.Errorf("1904 system: %s, %v", d, err)
	}
	for _, v := range []string{"0", "60", "-1", "2958466", "1e300", "NaN"} {
		if d, err := serialDate(v, false); err == nil {
			t.Errorf("serial %s read as %s", v, d)
		}
	}
	// Dates before 1900 have no serial.
	if _, ok := dateSerial(civil.MustDate(1899, time.December, 31)); ok {
		t.Error("1899-12-31 has a serial")
	}
}

func TestParseDateText(t *testing.T) {
	for in, want := range map[string]string{
		"2023-06-09": "2023-06-09", "2023/6/9": "2023-06-09", "2023.06.09": "2023-06-09",
		"2023年6月9日": "2023-06-09", " 2023-06-09 ": "2023-06-09", "2023-06-09T00:00:00Z": "2023-06-09",
	} {
		if d, err := parseDateText(in); err != nil || d.String() != want {
			t.Errorf("%q → %s, %v", in, d, err)
		}
	}
	for _, in := range []string{"2023-13-01", "2023-02-29", "23-06-09", "2023-06", "六月九日", "2023-06-09-01", "2023-6-9x"} {
		if d, err := parseDateText(in); err == nil {
			t.Errorf("%q read as %s", in, d)
		}
	}
}

// Date cells are read whether they hold a serial (formatted as a date or
// not) or text; an empty date cell is the zero Date.
func TestRegisterDateForms(t *testing.T) {
	ev := loadExample(t, exampleFiles[0])
	f := open(t, writeEval(t, ev))
	col := func(key string) int { return columnIndex(contractCols, key) }
	// Row 2 is contract 0: text, a General serial, a formatted serial
	// (as written) and an empty cell.
	if err := f.SetCellStr(SheetContracts, ref(col("awarded"), 2), "2023-03-02"); err != nil {
		t.Fatal(err)
	}
	signed := ref(col("signed"), 2)
	if err := f.SetCellInt(SheetContracts, signed, 44994); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle(SheetContracts, signed, signed, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr(SheetContracts, ref(col("filed"), 2), ""); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr(SheetContracts, ref(col("published"), 3), "2023/4/22"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStr(SheetContracts, ref(col("sme"), 3), ""); err != nil {
		t.Fatal(err)
	}
	got, ds := Read("x.xlsx", save(t, f))
	if len(ds) > 0 {
		t.Fatal(ds.Error())
	}
	k := got.Registers.Contracts
	if k[0].Awarded.String() != "2023-03-02" || k[0].Signed.String() != "2023-03-09" || !k[0].Filed.IsZero() ||
		k[0].Published != ev.Registers.Contracts[0].Published || k[1].Published.String() != "2023-04-22" || k[1].SME {
		t.Errorf("contracts read as %+v", k[:2])
	}
}

// Bad register cells are reported at their cells, naming the value found
// and what is expected.
func TestRegisterMistakes(t *testing.T) {
	ev := loadExample(t, exampleFiles[0])
	f := open(t, writeEval(t, ev))
	set := func(sheet string, col, row int, v string) string {
		t.Helper()
		cell := ref(col, row)
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
		return sheet + "!" + cell
	}
	type want struct{ code, cell, text string }
	wants := []want{
		{diag.BadValue, set(SheetContracts, columnIndex(contractCols, "filed"), 4, "2023-06-31"), `"2023-06-31"`},
		{diag.BadValue, set(SheetIntentions, columnIndex(intentionCols, "published"), 3, "二月二十日"), "YYYY-MM-DD"},
		{diag.BadChoice, set(SheetDisclosures, columnIndex(disclosureCols, "kind"), 3, "财务信息"), `"财务信息"`},
		{diag.BadChoice, set(SheetContracts, columnIndex(contractCols, "sme"), 5, "大型企业"), `"大型企业"`},
		{diag.BadChoice, set(SheetAssets, columnIndex(assetCols, "label_missing"), 2, "不详"), `应为“是”或“否”`},
		{diag.BadValue, set(SheetAssets, columnIndex(assetCols, "value"), 3, "约25万"), "约25万"},
	}
	// A serial out of range, and a disclosure with no kind.
	bad := ref(columnIndex(assetCols, "inventory"), 4)
	if err := f.SetCellInt(SheetAssets, bad, 99999999); err != nil {
		t.Fatal(err)
	}
	wants = append(wants, want{diag.BadValue, SheetAssets + "!" + bad, "99999999"},
		want{diag.Missing, set(SheetDisclosures, columnIndex(disclosureCols, "kind"), 10, ""), "公开类别"})
	set(SheetDisclosures, columnIndex(disclosureCols, "title"), 10, "2023年预算调整")

	l, ds := assessed(t, "x.xlsx", save(t, f))
	if l == nil {
		t.Fatal(ds.Error())
	}
	for _, w := range wants {
		if !slices.ContainsFunc(ds, func(d diag.Finding) bool {
			return d.Code == w.code && d.Path == w.cell && strings.Contains(d.Message, w.text)
		}) {
			t.Errorf("no %s at %s mentioning %s", w.code, w.cell, w.text)
		}
	}
	for _, d := range ds {
		if !slices.ContainsFunc(wants, func(w want) bool { return w.cell == d.Path }) {
			t.Errorf("unexpected finding: %v", d)
		}
	}
	if t.Failed() {
		t.Log(ds.Error())
	}
	if testing.Verbose() {
		t.Log(ds.Error())
	}
	// The bad date names the expected form.
	for _, d := range ds {
		if d.Path == wants[0].cell && !strings.Contains(d.Message, "YYYY-MM-DD") {
			t.Errorf("the date finding does not give the form: %s", d.Message)
		}
	}
}

// Registers are nil when the register sheets are absent or empty, and
// present as soon as one holds a record.
func TestRegistersOptional(t *testing.T) {
	ev := loadExample(t, exampleFiles[0])
	data := writeEval(t, ev)

	f := open(t, data)
	for _, s := range registerSheets {
		if err := f.DeleteSheet(s); err != nil {
			t.Fatal(err)
		}
	}
	got, ds := Read("x.xlsx", save(t, f))
	if len(ds) > 0 {
		t.Fatal(ds.Error())
	}
	if got.Registers != nil {
		t.Errorf("registers without register sheets: %+v", got.Registers)
	}
	want := *ev
	want.Registers = nil
	if !reflect.DeepEqual(&want, got) {
		t.Fatalf("without register sheets:\n%s", diffEval(&want, got))
	}

	// Only 信息公开, with one record.
	f = open(t, data)
	for _, s := range registerSheets[:3] {
		if err := f.DeleteSheet(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.RemoveRow(SheetDisclosures, 2); err != nil {
		t.Fatal(err)
	}
	if err := f.RemoveRow(SheetDisclosures, 2); err != nil {
		t.Fatal(err)
	}
	got, ds = Read("x.xlsx", save(t, f))
	if len(ds) > 0 {
		t.Fatal(ds.Error())
	}
	if got.Registers == nil || !reflect.DeepEqual(got.Registers, &evaluation.Registers{Disclosures: ev.Registers.Disclosures[2:]}) {
		t.Errorf("registers: %+v", got.Registers)
	}

	// An evaluation without registers writes empty register sheets, which
	// read back as none.
	q := loadExample(t, exampleFiles[1])
	if q.Registers != nil {
		t.Fatal("the Qinghe example now has registers; pick another")
	}
	f = open(t, writeEval(t, q))
	for _, s := range registerSheets {
		rows, err := f.GetRows(s)
		if err != nil || len(rows) != 1 {
			t.Errorf("%s: %d rows, %v", s, len(rows), err)
		}
	}
}

// The template lays out the register sheets for filling in and marks the
// checklist items the registers decide.
func TestTemplateRegisters(t *testing.T) {
	f := open(t, template(t))
	// Date columns: date format and a date validation; 是/否 and 公开类别
	// drop-downs.
	for _, c := range []struct {
		sheet string
		cols  []column
	}{{SheetIntentions, intentionCols}, {SheetContracts, contractCols}, {SheetAssets, assetCols}, {SheetDisclosures, disclosureCols}} {
		dvs, err := f.GetDataValidations(c.sheet)
		if err != nil {
			t.Fatal(err)
		}
		for i, col := range c.cols {
			cn := colName(i)
			var dv *excelize.DataValidation
			for _, v := range dvs {
				if strings.HasPrefix(v.Sqref, cn+"2:") {
					dv = v
				}
			}
			switch {
			case col.kind == inDate:
				if dv == nil || dv.Type != "date" {
					t.Errorf("%s %s: no date validation", c.sheet, col.header)
				}
				id, _ := f.GetCellStyle(c.sheet, cn+"5")
				if st, _ := f.GetStyle(id); st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "yyyy-mm-dd" {
					t.Errorf("%s %s: not formatted as a date", c.sheet, col.header)
				}
			case col.list != nil:
				if dv == nil || dv.Type != "list" || !strings.Contains(dv.Formula1, col.list[len(col.list)-1]) {
					t.Errorf("%s %s: no drop-down", c.sheet, col.header)
				}
			}
		}
		if p, err := f.GetSheetProtection(c.sheet); err != nil || !p.SelectUnlockedCells || !p.InsertRows {
			t.Errorf("%s: protection %+v, %v", c.sheet, p, err)
		}
	}
	dvs, _ := f.GetDataValidations(SheetDisclosures)
	for _, n := range []string{"部门预算", "部门决算", "绩效信息"} {
		if !slices.ContainsFunc(dvs, func(dv *excelize.DataValidation) bool { return strings.Contains(dv.Formula1, n) }) {
			t.Errorf("公开类别 does not offer %s", n)
		}
	}
	// Items decided from the registers say so; their override cell is
	// open, while an item the officer decides has it shut.
	locked := func(cell string) bool {
		id, _ := f.GetCellStyle(SheetScores, cell)
		st, _ := f.GetStyle(id)
		return st == nil || st.Protection == nil || st.Protection.Locked
	}
	text := func(row int) string {
		v, _ := f.GetCellValue(SheetScores, ref(columnIndex(scoreCols, "text"), row))
		return v
	}
	override := columnIndex(scoreCols, "override")
	computed := findRow(t, f, SheetScores, "检查项编码", "B5.6")
	if !strings.Contains(text(computed), "由台账自动评定") || !strings.Contains(text(computed), SheetContracts) {
		t.Errorf("B5.6 is not marked as decided by the registers: %q", text(computed))
	}
	if locked(ref(override, computed)) || locked(ref(columnIndex(scoreCols, "passed"), computed)) {
		t.Error("B5.6 must leave 是否通过 and the override reason open")
	}
	manual := findRow(t, f, SheetScores, "检查项编码", "B5.2")
	if strings.Contains(text(manual), "由台账自动评定") || !locked(ref(override, manual)) {
		t.Error("B5.2 is decided by the officer: no register mark, override shut")
	}
	if !locked(ref(override, findRow(t, f, SheetScores, "指标编码", "B5"))) {
		t.Error("an indicator row must shut the override column")
	}
	// 填表说明 explains the registers and the override column.
	rows, _ := f.GetRows(SheetGuide)
	var guide strings.Builder
	for _, r := range rows {
		guide.WriteString(strings.Join(r, ""))
	}
	for _, w := range append(slices.Clone(registerSheets), headerOverride, "由台账自动评定", "2023-06-09") {
		if !strings.Contains(guide.String(), w) {
			t.Errorf("填表说明 does not mention %s", w)
		}
	}
	// The empty template reads as no registers.
	ev, _ := Read("t.xlsx", template(t))
	if ev == nil || ev.Registers != nil {
		t.Errorf("template registers: %+v", ev)
	}
}

// An override written on an indicator row is reported; one on an item row
// is read.
func TestOverrideColumn(t *testing.T) {
	ev := loadExample(t, exampleFiles[0])
	f := open(t, writeEval(t, ev))
	col := columnIndex(scoreCols, "override")
	item := findRow(t, f, SheetScores, "检查项编码", "B6.5")
	ind := findRow(t, f, SheetScores, "指标编码", "B6")
	for _, c := range []struct {
		row int
		v   string
	}{{item, "调拨手续已于12月办结"}, {ind, "写错行"}} {
		if err := f.SetCellStr(SheetScores, ref(col, c.row), c.v); err != nil {
			t.Fatal(err)
		}
	}
	got, ds := Read("x.xlsx", save(t, f))
	if len(ds) != 2 {
		t.Fatalf("findings:\n%v", ds.Error())
	}
	// The item row has an override but no 是否通过; the indicator row does
	// not use the column.
	for _, d := range ds {
		switch d.Code {
		case diag.Missing:
			if d.Path != SheetScores+"!"+ref(columnIndex(scoreCols, "passed"), item) {
				t.Errorf("missing 是否通过 at %s", d.Path)
			}
		case diag.UnknownField:
			if d.Path != SheetScores+"!"+ref(col, ind) {
				t.Errorf("override on the indicator row at %s", d.Path)
			}
		default:
			t.Errorf("unexpected %v", d)
		}
	}
	if len(got.Scores["B6"].Checklist) != 0 {
		t.Errorf("an item without 是否通过 was read: %+v", got.Scores["B6"].Checklist)
	}
}
