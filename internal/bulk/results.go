package bulk

import (
	"fmt"
	"io"
	"time"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/results"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
	"github.com/xuri/excelize/v2"
)

// resultsColumns are the results workbook's columns and widths (in
// characters; a CJK character counts two).
var resultsColumns = []struct {
	title string
	width float64
}{
	{"序号", 6},
	{"部门编码", 12},
	{"部门名称", 30},
	{"所属地区", 12},
	{"状态", 8},
	{"范围", 8},
	{"项目编码", 16},
	{"项目名称", 30},
	{"项目属性", 9},
	{"项目类型", 9},
	{"复核后等级", 10},
	{"等级口径", 40},
	{"适用规则", 16},
	{"处理建议", 22},
	{"年初预算数（元）", 18},
	{"建议金额（元）", 18},
	{"决定", 22},
	{"决定金额（元）", 18},
	{"决定理由", 40},
	{"决定人", 12},
	{"决定时间", 17},
	{"说明", 120},
}

// WriteResults writes the results workbook of a year (结果应用): one row
// per department overall and per project, with the grade after review,
// project type, rule, suggestion, implied amount and the decision; money
// as numbers with two decimals and thousands separators, the heading row
// frozen and printed on every page.
func WriteResults(w io.Writer, year int, ys []*store.ResultsYear, rules *results.Rules) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "结果应用"
	sw, err := printedSheet(f, sheet)
	if err != nil {
		return err
	}
	border := []excelize.Border{{Type: "left", Style: 1, Color: "000000"}, {Type: "right", Style: 1, Color: "000000"},
		{Type: "top", Style: 1, Color: "000000"}, {Type: "bottom", Style: 1, Color: "000000"}}
	style := func(s *excelize.Style) (int, error) {
		s.Border = border
		if s.Font == nil {
			s.Font = &excelize.Font{Family: "宋体"}
		}
		return f.NewStyle(s)
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14, Family: "宋体"},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	head, err := style(&excelize.Style{Font: &excelize.Font{Bold: true, Family: "宋体"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E7E6E6"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	if err != nil {
		return err
	}
	text, err := style(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "center"}})
	if err != nil {
		return err
	}
	centred, err := style(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return err
	}
	amount, err := style(&excelize.Style{CustomNumFmt: strPtr("#,##0.00"), Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	if err != nil {
		return err
	}
	whole, err := style(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}})
	if err != nil {
		return err
	}
	for i, c := range resultsColumns {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(resultsColumns), 1)
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: title, Value: fmt.Sprintf("%d年度绩效评价结果应用表", year)}},
		excelize.RowOpts{Height: 28}); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", last); err != nil {
		return err
	}
	heads := make([]any, len(resultsColumns))
	for i, c := range resultsColumns {
		heads[i] = excelize.Cell{StyleID: head, Value: c.title}
	}
	if err := sw.SetRow("A2", heads, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	money := func(f money.Fen) excelize.Cell { return excelize.Cell{StyleID: amount, Value: float64(f) / 100} }
	n := 0
	for _, y := range ys {
		for _, r := range y.Rows() {
			n++
			scope, kind := "部门整体", ""
			if r.Scope != store.ResultScopeDepartment {
				scope, kind = "项目", evaluation.ProjectKinds[r.Kind]
			}
			cells := []any{
				excelize.Cell{StyleID: whole, Value: n},
				excelize.Cell{StyleID: text, Value: y.DepartmentCode},
				excelize.Cell{StyleID: text, Value: y.Department},
				excelize.Cell{StyleID: text, Value: y.Region},
				excelize.Cell{StyleID: centred, Value: workflow.StatusName(workflow.Evaluation, y.Status)},
				excelize.Cell{StyleID: centred, Value: scope},
				excelize.Cell{StyleID: text, Value: r.ProjectCode},
				excelize.Cell{StyleID: text, Value: r.ProjectName},
				excelize.Cell{StyleID: centred, Value: kind},
				excelize.Cell{StyleID: centred, Value: r.TypeName()},
				excelize.Cell{StyleID: centred, Value: r.Grade},
				excelize.Cell{StyleID: text, Value: r.GradeNote},
			}
			if s := r.Suggestion; s != nil {
				cells = append(cells, excelize.Cell{StyleID: text, Value: s.Rule.ID}, excelize.Cell{StyleID: text, Value: s.Name},
					money(r.Base), money(s.Amount))
			} else {
				cells = append(cells, excelize.Cell{StyleID: text}, excelize.Cell{StyleID: text}, money(r.Base), excelize.Cell{StyleID: amount})
			}
			note := r.Problem
			if r.Suggestion != nil {
				note = r.Suggestion.Trace
			}
			if d := r.Decision; d != nil {
				cells = append(cells, excelize.Cell{StyleID: text, Value: store.DecisionName(rules, d.Decision, d.Base, d.Decided)}, money(d.Decided),
					excelize.Cell{StyleID: text, Value: d.Reason}, excelize.Cell{StyleID: text, Value: d.DecidedBy},
					excelize.Cell{StyleID: centred, Value: d.DecidedAt.In(chinaTime).Format("2006-01-02 15:04")})
				if r.Stale() {
					note = "决定作出后等级、类型或预算数已变化，请复核。" + note
				}
			} else {
				cells = append(cells, excelize.Cell{StyleID: centred, Value: "未决定"}, excelize.Cell{StyleID: amount},
					excelize.Cell{StyleID: text}, excelize.Cell{StyleID: text}, excelize.Cell{StyleID: text})
			}
			cells = append(cells, excelize.Cell{StyleID: text, Value: note})
			cell, _ := excelize.CoordinatesToCellName(1, n+2)
			if err := sw.SetRow(cell, cells); err != nil {
				return err
			}
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// chinaTime is the zone decision times are printed in (Beijing time).
var chinaTime = time.FixedZone("CST", 8*3600)
