package workbook

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// The declared fields of the Qinghe example are where an officer looks
// for them: 项目申报, 实施进度计划, the 申报资金 rows of 收支情况, the
// milestone columns of 项目绩效指标.
func TestDeclarationCells(t *testing.T) {
	ev := loadExample(t, exampleFiles[1])
	cells := cellsOf(t, writeEval(t, ev))
	has := func(sheet, header, value string) {
		t.Helper()
		f := open(t, writeEval(t, ev))
		row := findRow(t, f, sheet, header, value)
		if row < 2 {
			t.Errorf("%s: no %s %s", sheet, header, value)
		}
	}
	has(SheetDeclaration, "项目属性", "延续")
	has(SheetDeclaration, "项目负责人", "王某")
	has(SheetPlan, "实施内容", "年终绩效考核和资金清算")
	has(SheetProjectTargets, "三季度节点值", "89")
	has(SheetProjectTargets, "取值依据", "历史标准")
	has(SheetBasic, "项目", "中长期目标")
	for _, want := range []string{"收支情况!D", "=52300000"} {
		if !slices.ContainsFunc(cells, func(c string) bool { return strings.Contains(c, want) }) {
			t.Errorf("no cell holds %s", want)
		}
	}
	// Every project gets its row on 项目申报, declared or not.
	f := open(t, writeEval(t, ev))
	for _, p := range ev.Projects {
		findRow(t, f, SheetDeclaration, "项目编码", p.Code)
	}
}

// A changed milestone, project kind or plan date is read: the round trip
// compares the declared fields too.
func TestDeclarationChangesAreRead(t *testing.T) {
	ev := loadExample(t, exampleFiles[1])
	f := open(t, writeEval(t, ev))
	row := findRow(t, f, SheetProjectTargets, "三级指标", "居民电子健康档案建档率")
	if err := f.SetCellStr(SheetProjectTargets, ref(2+columnIndex(targetCols, "q3"), row), "89.5"); err != nil {
		t.Fatal(err)
	}
	drow := findRow(t, f, SheetDeclaration, "项目编码", "QHWJ-2024-01")
	if err := f.SetCellStr(SheetDeclaration, ref(columnIndex(declarationCols, "kind"), drow), "新增"); err != nil {
		t.Fatal(err)
	}
	prow := findRow(t, f, SheetPlan, "实施内容", "年终绩效考核和资金清算")
	if err := f.SetCellStr(SheetPlan, ref(columnIndex(planCols, "start"), prow), "2024/12/2"); err != nil {
		t.Fatal(err)
	}
	got, ds := Read("x.xlsx", save(t, f))
	if len(ds) > 0 {
		t.Fatal(ds.Error())
	}
	p := got.Projects[0]
	if p.Targets[0].Milestones.Q3 != "89.5" || p.Kind != evaluation.ProjectNew || p.Plan[2].Start != civil.MustDate(2024, 12, 2) {
		t.Fatalf("changes not read: q3 %q, kind %q, start %v", p.Targets[0].Milestones.Q3, p.Kind, p.Plan[2].Start)
	}
}

// Declared fields at their edges survive Write → Read: a period with an
// end only, funds all zero, a department that declares only its basic
// spending, a milestone in the third quarter only, a project linked by
// name, a qualitative indicator's basis.
func TestDeclarationRoundTripEdges(t *testing.T) {
	ev := loadExample(t, exampleFiles[0])
	zero := money.Fen(0)
	ev.Declaration = &evaluation.Declaration{Basic: &zero}
	p := &ev.Projects[1]
	p.Code = ""
	p.Kind = evaluation.ProjectNew
	p.Period = &evaluation.Period{End: civil.MustDate(2023, 12, 31)}
	p.Funds = &evaluation.Funds{}
	p.Plan = []evaluation.PlanStep{{Content: "只有内容"}, {Content: "第二步", End: civil.MustDate(2023, 6, 30)}}
	p.Targets[0].Milestones = &evaluation.Milestones{Q3: "7"}
	p.Targets[0].Basis = evaluation.BasisOther
	p.Targets[0].Remark = "备注文字"
	ev.Targets[0].Basis = evaluation.BasisIndustry
	got, ds := Read("x.xlsx", writeEval(t, ev))
	if ds.Err() != nil {
		t.Fatal(ds.Error())
	}
	if !reflect.DeepEqual(ev, got) {
		t.Fatalf("round trip changed the evaluation:\n%s", diffEval(ev, got))
	}
}

// Mistakes on the declaration sheets are each reported at their cell, and
// the checks of the declared fields (E188, E189, E212) point at cells too.
func TestDeclarationMistakes(t *testing.T) {
	ev := loadExample(t, exampleFiles[1])
	f := open(t, writeEval(t, ev))
	set := func(sheet, cell, v string) {
		t.Helper()
		if err := f.SetCellStr(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	type want struct{ code, cell, text string }
	var wants []want
	dc := func(key string) int { return columnIndex(declarationCols, key) }
	r1 := findRow(t, f, SheetDeclaration, "项目编码", "QHWJ-2024-01")
	r2 := findRow(t, f, SheetDeclaration, "项目编码", "QHWJ-2024-02")

	set(SheetDeclaration, ref(dc("kind"), r1), "老项目")
	wants = append(wants, want{diag.BadChoice, SheetDeclaration + "!" + ref(dc("kind"), r1), "项目属性"})
	set(SheetDeclaration, ref(dc("end"), r1), "2026-13-01")
	wants = append(wants, want{diag.BadValue, SheetDeclaration + "!" + ref(dc("end"), r1), "项目结束时间"})
	set(SheetDeclaration, ref(dc("own"), r1), "10000")
	wants = append(wants, want{diag.DeclaredFunds, SheetDeclaration + "!" + ref(dc("local"), r1), "年度资金合计"})
	// A second row for the first project, and a row for no project.
	set(SheetDeclaration, ref(0, r2), "QHWJ-2024-01")
	set(SheetDeclaration, ref(dc("manager"), r2), "李某")
	wants = append(wants, want{diag.Duplicate, SheetDeclaration + "!" + ref(0, r2), "只能填写一行"})
	set(SheetDeclaration, ref(0, r2+5), "QHWJ-2024-99")
	set(SheetDeclaration, ref(dc("manager"), r2+5), "赵某")
	wants = append(wants, want{diag.UnknownRef, SheetDeclaration + "!" + ref(0, r2+5), "QHWJ-2024-99"})

	pc := func(key string) int { return columnIndex(planCols, key) }
	pr := findRow(t, f, SheetPlan, "实施内容", "年终绩效考核和资金清算")
	set(SheetPlan, ref(pc("end"), pr), "2024-11-01")
	wants = append(wants, want{diag.DeclaredDates, SheetPlan + "!" + ref(pc("end"), pr), "早于开始时间"})
	set(SheetPlan, ref(0, pr+1), "QHWJ-2024-02")
	wants = append(wants, want{diag.Missing, SheetPlan + "!" + ref(pc("content"), pr+1), "缺少实施内容"})

	tr := findRow(t, f, SheetProjectTargets, "三级指标", "居民电子健康档案建档率")
	set(SheetProjectTargets, ref(2+columnIndex(targetCols, "q3"), tr), "80")
	wants = append(wants, want{diag.Milestones, SheetProjectTargets + "!" + ref(2+columnIndex(targetCols, "q3"), tr), "不应减少"})
	set(SheetProjectTargets, ref(2+columnIndex(targetCols, "basis"), tr), "估计")
	wants = append(wants, want{diag.BadChoice, SheetProjectTargets + "!" + ref(2+columnIndex(targetCols, "basis"), tr), "取值依据"})

	own := ref(3, findRow(t, f, SheetFinance, "项目", labelDeclOwn))
	set(SheetFinance, own, "900000")
	local := ref(3, findRow(t, f, SheetFinance, "项目", labelDeclLocal))
	wants = append(wants, want{diag.DeclaredFunds, SheetFinance + "!" + local, "部门年度资金合计"})

	l, ds := assessed(t, "declared.xlsx", save(t, f))
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
	if t.Failed() {
		t.Log(ds.Error())
	}
}

// An empty template declares nothing.
func TestTemplateDeclaresNothing(t *testing.T) {
	ev, ds := Read("t.xlsx", template(t))
	if ev == nil {
		t.Fatal(ds)
	}
	if ev.Declaration != nil {
		t.Errorf("template reads a declaration: %+v", ev.Declaration)
	}
	for _, d := range ds {
		if strings.HasPrefix(d.Path, SheetDeclaration) || strings.HasPrefix(d.Path, SheetPlan) {
			t.Errorf("template finding on a declaration sheet: %v", d)
		}
	}
}
