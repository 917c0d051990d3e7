package workbook

import (
	"reflect"
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
)

// Fields names the cells findings point at as the sheets show them.
func TestFields(t *testing.T) {
	ev := loadExample(t, exampleFiles[0])
	f := open(t, writeEval(t, ev))
	set := func(sheet, cell, v string) {
		t.Helper()
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	name := ref(2, findRow(t, f, SheetBasic, "项目", "部门名称"))
	set(SheetBasic, name, "")
	prior := ref(3, findRow(t, f, SheetFinance, "项目", labelPriorIncome))
	set(SheetFinance, prior, "12,34")
	// A second income row whose label was left empty continues the list.
	income := findRow(t, f, SheetFinance, "项目", labelIncome) + 1
	set(SheetFinance, ref(0, income), "")
	set(SheetFinance, ref(1, income), "事业收入")
	set(SheetFinance, ref(3, income), "abc")
	reception := ref(4, findRow(t, f, SheetFinance, "项目", labelReception))
	set(SheetFinance, reception, "-")
	actual := ref(columnIndex(targetCols, "actual"), findRow(t, f, SheetTargets, "编码", "T4"))
	set(SheetTargets, actual, "约九成")
	data := save(t, f)

	_, ds := assessed(t, "fields.xlsx", data)
	want := map[string]string{
		SheetBasic + "!" + name:                 "部门名称",
		SheetFinance + "!" + prior:              "上年收入 · 金额（元）",
		SheetFinance + "!" + ref(3, income):     "收入 · 金额（元）",
		SheetFinance + "!" + reception:          "公务接待费 · 实际数（元）",
		SheetTargets + "!" + actual:             "实际完成值",
		SheetFinance + "!A1":                    "", // a whole sheet
		SheetFinance:                            "", // no cell
		SheetTargets + "!" + ref(3, 1):          "", // the header row
		SheetTargets + "!" + ref(3, 2) + "junk": "", // not a cell
	}
	var refs []string
	for r := range want {
		refs = append(refs, r)
	}
	// The findings of the workbook point at the cells changed above.
	found := map[string]bool{}
	for _, d := range ds.Errors() {
		found[d.Path] = true
	}
	for _, r := range []string{SheetBasic + "!" + name, SheetFinance + "!" + prior, SheetFinance + "!" + ref(3, income), SheetFinance + "!" + reception, SheetTargets + "!" + actual} {
		if !found[r] {
			t.Errorf("no error at %s in:\n%s", r, diag.List(ds).Error())
		}
	}
	got := Fields(data, refs)
	for r, w := range want {
		if got[r] != w {
			t.Errorf("Fields[%s] = %q, want %q", r, got[r], w)
		}
		if _, ok := got[r]; ok && w == "" {
			t.Errorf("Fields has %s, which names no field", r)
		}
	}
	if got := Fields([]byte("not a workbook"), refs); !reflect.DeepEqual(got, map[string]string{}) {
		t.Errorf("Fields of garbage: %v", got)
	}
	if got := Fields(data, nil); len(got) != 0 {
		t.Errorf("Fields of no references: %v", got)
	}
}
