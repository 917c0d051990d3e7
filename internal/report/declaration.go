package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
)

// The declaration tables have nine columns: two for the row labels above
// the indicators, which are 一级指标, 二级指标, 三级指标, 指标性质, 指标值,
// 度量单位, 取值依据, 季度节点值 and 备注.
var declarationColumns = []Column{{Width: 7}, {Width: 9}, {Width: 18}, {Width: 6}, {Width: 14}, {Width: 7}, {Width: 8}, {Width: 13}, {Width: 11}}

// BuildDeclaration writes the target declaration of a department-year
// (绩效目标申报表) in the national layout: 部门整体支出绩效目标申报表, then one
// 项目支出绩效目标申报表 per project, each on a page of its own. It needs no
// scores: only what the department declared.
func BuildDeclaration(ev *evaluation.Evaluation) *Document {
	d := &Document{
		Title:  fmt.Sprintf("%s%d年度绩效目标申报表", ev.Department.Name, ev.Year),
		Author: ev.Department.Name,
	}
	d.Blocks = append(d.Blocks, DepartmentDeclarationTable(ev))
	for i := range ev.Projects {
		d.Blocks = append(d.Blocks, &PageBreak{}, ProjectDeclarationTable(ev, i))
	}
	return d
}

// DepartmentDeclarationTable is 部门整体支出绩效目标申报表: the department,
// the year's funds by source and by use, its goals and tasks, then every
// overall indicator as declared.
func DepartmentDeclarationTable(ev *evaluation.Evaluation) *Table {
	t := &Table{
		Title:    "部门整体支出绩效目标申报表",
		Sheet:    "部门整体支出绩效目标申报表",
		Subtitle: fmt.Sprintf("（%d年度）", ev.Year),
		Columns:  declarationColumns,
	}
	decl := ev.Declaration
	if decl == nil {
		decl = &evaluation.Declaration{}
	}
	t.Rows = append(t.Rows, Row{Cells: []Cell{label("部门（单位）名称", 2, 1), text(ev.Department.Name, 3), label("预算单位编码", 2, 1), text(ev.Department.Code, 2)}})
	t.Rows = append(t.Rows, fundRows("年度资金（万元）", ev.Finance.Budget.Initial, decl.Funds)...)
	t.Rows[len(t.Rows)-2].Cells[0].RowSpan = 3
	t.Rows = append(t.Rows, Row{Cells: []Cell{label("其中：基本支出", 1, 1), optWan(decl.Basic, 2), label("项目支出", 2, 1), optWan(decl.Project, 2)}})
	t.Rows = append(t.Rows,
		Row{Cells: []Cell{label("中长期目标", 2, 1), text(decl.LongTermGoal, 7)}},
		Row{Cells: []Cell{label("年度目标", 2, 1), text(strings.TrimSpace(ev.OverallGoal), 7)}},
		Row{Cells: []Cell{label("年度主要任务", 2, 1), text(tasksText(ev.KeyTasks), 7)}},
	)
	t.Rows = append(t.Rows, declaredIndicatorRows(ev.Targets)...)
	t.Notes = declarationNotes(ev)
	return t
}

// ProjectDeclarationTable is 项目支出绩效目标申报表 for project i: who runs
// it, its period and funds, why and how it is done, its goals, then its
// indicators as declared.
func ProjectDeclarationTable(ev *evaluation.Evaluation, i int) *Table {
	p := &ev.Projects[i]
	t := &Table{
		Title:    "项目支出绩效目标申报表",
		Sheet:    fmt.Sprintf("申报项目%d", i+1),
		Subtitle: fmt.Sprintf("（%d年度）", ev.Year),
		Columns:  declarationColumns,
	}
	or := func(s, def string) string {
		if strings.TrimSpace(s) == "" {
			return def
		}
		return s
	}
	period := ""
	if p.Period != nil && !p.Period.Start.IsZero() {
		period = p.Period.Start.Chinese() + "起"
		if !p.Period.End.IsZero() {
			period = p.Period.Start.Chinese() + "至" + p.Period.End.Chinese()
		}
	}
	t.Rows = append(t.Rows,
		Row{Cells: []Cell{label("项目名称", 2, 1), text(p.Name, 3), label("项目编码", 2, 1), text(p.Code, 2)}},
		Row{Cells: []Cell{label("主管部门", 2, 1), text(or(p.Supervisor, ev.Department.Name), 3), label("实施单位", 2, 1), text(or(p.Unit, ev.Department.Name), 2)}},
		Row{Cells: []Cell{label("项目属性", 2, 1), text(evaluation.ProjectKinds[p.Kind], 3), label("项目负责人", 2, 1), text(p.Manager, 2)}},
		Row{Cells: []Cell{label("项目起止时间", 2, 1), text(period, 3), label("项目总资金（万元）", 2, 1), optWan(p.PeriodTotal, 2)}},
	)
	t.Rows = append(t.Rows, fundRows("年度资金（万元）", p.Initial, p.Funds)...)
	t.Rows = append(t.Rows,
		Row{Cells: []Cell{label("项目概况", 2, 1), text(p.Overview, 7)}},
		Row{Cells: []Cell{label("立项依据", 2, 1), text(p.Basis, 7)}},
	)
	plan := []Row{{Cells: []Cell{label("实施进度计划", 2, 1), label("实施内容", 3, 1), label("开始时间", 2, 1), label("完成时间", 2, 1)}}}
	for _, s := range p.Plan {
		plan = append(plan, Row{Cells: []Cell{text(s.Content, 3), dateCell(s.Start, 2), dateCell(s.End, 2)}})
	}
	if len(p.Plan) == 0 {
		plan = append(plan, Row{Cells: []Cell{text("", 3), text("", 2), text("", 2)}})
	}
	plan[0].Cells[0].RowSpan = len(plan)
	t.Rows = append(t.Rows, plan...)
	t.Rows = append(t.Rows,
		Row{Cells: []Cell{label("长期目标", 2, 1), text(p.LongTermGoal, 7)}},
		Row{Cells: []Cell{label("年度目标", 2, 1), text(strings.TrimSpace(p.Goal), 7)}},
	)
	t.Rows = append(t.Rows, declaredIndicatorRows(p.Targets)...)
	t.Notes = []string{"注：金额单位为万元；季度节点值依次为截至第一至第四季度末应达到的累计值，“—”为未设节点。"}
	return t
}

// fundRows are two rows: the captions 资金总额, 财政拨款（本级）, 财政拨款
// （上级）, 自有资金, 其他资金 under a label spanning both, and their amounts.
// Without declared sources the total is given and the sources are blank.
func fundRows(name string, total money.Fen, f *evaluation.Funds) []Row {
	caption := Row{Cells: []Cell{label(name, 2, 2), label("资金总额", 1, 1), label("财政拨款（本级）", 2, 1), label("财政拨款（上级）", 2, 1), label("自有资金", 1, 1), label("其他资金", 1, 1)}}
	values := Row{Cells: []Cell{wanCell(total), text("", 2), text("", 2), text("", 1), text("", 1)}}
	if f != nil {
		values.Cells = []Cell{wanCell(total), spanned(wanCell(f.AppropriationLocal), 2), spanned(wanCell(f.AppropriationUpper), 2), wanCell(f.Own), wanCell(f.Other)}
	}
	return []Row{caption, values}
}

func spanned(c Cell, cols int) Cell { c.ColSpan = cols; return c }

// optWan is an amount in 万元 if given, else a blank cell.
func optWan(f *money.Fen, cols int) Cell {
	if f == nil {
		return text("", cols)
	}
	return spanned(wanCell(*f), cols)
}

func dateCell(d civil.Date, cols int) Cell {
	if d.IsZero() {
		return Cell{ColSpan: cols, Align: AlignCenter}
	}
	return Cell{Text: d.String(), ColSpan: cols, Align: AlignCenter}
}

// tasksText lists the key tasks in one cell: "一是…；二是…".
func tasksText(k evaluation.KeyTasks) string {
	var parts []string
	for _, t := range k.Items {
		parts = append(parts, strings.TrimRight(t.Lead+strings.TrimSpace(t.Text), "。；;"))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "；") + "。"
}

// declarationNotes are the notes under the department table.
func declarationNotes(ev *evaluation.Evaluation) []string {
	notes := []string{"注：金额单位为万元；年度资金总额为年初预算数；季度节点值依次为截至第一至第四季度末应达到的累计值，“—”为未设节点。"}
	if ev.Illustrative != "" {
		notes = append(notes, "说明："+ev.Illustrative)
	}
	return notes
}

// categoryOrder is the order of level-1 indicators in the tables.
var categoryOrder = []string{framework.CategoryOutput, framework.CategoryEffect, framework.CategorySatisfaction}

// declaredIndicatorRows are the heading row and one row per target,
// grouped by level-1 and level-2 indicator (in the order the national
// table lists them, targets in their own order within a group).
func declaredIndicatorRows(ts []evaluation.Target) []Row {
	return groupedIndicatorRows(head("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "取值依据", "季度节点值", "备注"), ts,
		func(_ int, t evaluation.Target) []Cell { return declaredCells(t) })
}

// groupedIndicatorRows are heading and one row per target of ts, sorted
// by level-1 and level-2 indicator as the national tables list them
// (targets in their own order within a group) with the two levels as
// merged cells; cells gives the cells of a target (by its index in ts)
// from 三级指标 on. With no target, one row of dashes.
func groupedIndicatorRows(heading Row, ts []evaluation.Target, cells func(int, evaluation.Target) []Cell) []Row {
	rows := []Row{heading}
	order := make([]int, len(ts))
	for i := range order {
		order[i] = i
	}
	rank := func(t evaluation.Target) (int, int) {
		c := slices.Index(categoryOrder, t.Category)
		if c < 0 {
			c = len(categoryOrder)
		}
		s := slices.Index(evaluation.Subcategories(t.Category), t.Subcategory)
		if s < 0 {
			s = 99
		}
		return c, s
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ac, as := rank(ts[a])
		bc, bs := rank(ts[b])
		if ac != bc {
			return ac - bc
		}
		return as - bs
	})
	if len(order) == 0 {
		empty := Row{Cells: []Cell{text("—", 1)}}
		for range len(heading.Cells) - 1 {
			empty.Cells = append(empty.Cells, text("", 1))
		}
		return append(rows, empty)
	}
	for i := 0; i < len(order); {
		cat := ts[order[i]].Category
		j := i
		for j < len(order) && ts[order[j]].Category == cat {
			j++
		}
		var group []Row
		for k := i; k < j; {
			sub := ts[order[k]].Subcategory
			m := k
			for m < j && ts[order[m]].Subcategory == sub {
				m++
			}
			for n := k; n < m; n++ {
				cs := cells(order[n], ts[order[n]])
				if n == k {
					subName := sub
					if subName == "" {
						subName = "—"
					}
					cs = append([]Cell{{Text: subName, RowSpan: m - k, Align: AlignCenter}}, cs...)
				}
				group = append(group, Row{Cells: cs})
			}
			k = m
		}
		catName := framework.CategoryNames[cat]
		if catName == "" {
			catName = cat
		}
		group[0].Cells = append([]Cell{label(catName, 1, len(group))}, group[0].Cells...)
		rows = append(rows, group...)
		i = j
	}
	return rows
}

// directionSign is how the declaration tables print 指标性质.
var directionSign = map[string]string{framework.AtLeast: "≥", framework.AtMost: "≤", framework.Equal: "=", framework.Qualitative: "定性"}

// declaredCells are the cells of a target from 三级指标 on.
func declaredCells(t evaluation.Target) []Cell {
	sign := directionSign[t.Direction]
	if sign == "" {
		sign = t.Direction
	}
	milestones := ""
	if m := t.Milestones; m != nil && *m != (evaluation.Milestones{}) {
		qs := m.Quarters()
		for q := range qs {
			if strings.TrimSpace(qs[q]) == "" {
				qs[q] = "—"
			}
		}
		milestones = strings.Join(qs[:], " / ")
	}
	center := func(s string) Cell { return Cell{Text: s, Align: AlignCenter} }
	return []Cell{text(t.Name, 1), center(sign), center(t.Target), center(t.Unit), center(evaluation.BasisNames[t.Basis]), center(milestones), text(t.Remark, 1)}
}
