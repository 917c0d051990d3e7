package report

import (
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/monitor"
)

// Monitoring is what the monitoring table (绩效目标执行监控表) of a
// checkpoint is built from: the year's declared targets, the department's
// checkpoint report and the execution computed from the payment ledger
// for the same month (monitor.StatusOf).
type Monitoring struct {
	Evaluation *evaluation.Evaluation
	Checkpoint *monitor.Checkpoint
	Status     *monitor.Status
}

// The monitoring tables have ten columns: 一级指标, 二级指标, 三级指标,
// 年度指标值, 1—M月执行情况, 全年预计完成情况, 偏差原因, 完成目标可能性,
// 原因说明 and 备注; the rows above the indicators span them in pairs.
var monitoringColumns = []Column{{Width: 5}, {Width: 6}, {Width: 18}, {Width: 10}, {Width: 11}, {Width: 9}, {Width: 8}, {Width: 6}, {Width: 15}, {Width: 5}}

// BuildMonitoring writes the monitoring tables of a checkpoint as one
// document: 部门整体支出绩效目标执行监控表 (the department's execution and
// indicators), 项目执行情况汇总 (every project's figures on one sheet),
// then one 项目支出绩效目标执行监控表 per coded project, each on its own
// page. Every amount and rate is computed from the status; the words are
// the department's.
func BuildMonitoring(m Monitoring) *Document {
	ev, c, st := m.Evaluation, m.Checkpoint, m.Status
	d := &Document{
		Title:  fmt.Sprintf("%s%d年1—%d月绩效目标执行监控表", ev.Department.Name, ev.Year, c.Month),
		Author: ev.Department.Name,
	}
	rows := monitor.Rows(ev, c)
	d.Blocks = append(d.Blocks, departmentMonitoringTable(ev, c, st, rows), &PageBreak{}, monitoringSummaryTable(ev, c, st, rows))
	n := 0
	for i := range ev.Projects {
		p := &ev.Projects[i]
		if p.Code == "" {
			continue
		}
		n++
		d.Blocks = append(d.Blocks, &PageBreak{}, projectMonitoringTable(ev, c, st, rows, p, n))
	}
	return d
}

// monthsLabel is "1—7月".
func monthsLabel(month int) string {
	if month == 1 {
		return "1月"
	}
	return fmt.Sprintf("1—%d月", month)
}

// line returns the status line of a project code ("" for the department).
func statusLine(st *monitor.Status, code string) (monitor.Line, bool) {
	if code == "" {
		return st.Whole, true
	}
	for _, l := range st.Projects {
		if l.Code == code {
			return l, true
		}
	}
	return monitor.Line{}, false
}

// rateText prints a Rate as a percentage cell.
func rateCell(r monitor.Rate, ok bool) Cell {
	if !ok {
		return Cell{Text: "—", Align: AlignCenter}
	}
	v := float64(r) / 10000
	return Cell{Text: r.String() + "%", Number: &v, Format: "0.00%", Align: AlignRight}
}

// fundsRows are the caption and value rows of the funds: 年初预算数,
// 1—M月执行数, 1—M月执行率 and 全年预计执行数 (entered, else the projection
// from the ledger, marked ※).
func fundsRows(month int, l monitor.Line, ok bool, expected *money.Fen) []Row {
	caption := Row{Cells: []Cell{label("项目资金（万元）", 2, 2), label("年初预算数", 2, 1), label(monthsLabel(month)+"执行数", 2, 1), label(monthsLabel(month)+"执行率", 2, 1), label("全年预计执行数", 2, 1)}}
	values := Row{Cells: []Cell{text("", 2), text("", 2), text("", 2), text("", 2)}}
	if ok {
		last := l.Last()
		exp := spanned(wanCell(last.Projection.Paid), 2)
		exp.Text += "※"
		if expected != nil {
			exp = spanned(wanCell(*expected), 2)
		}
		values.Cells = []Cell{spanned(wanCell(last.Initial), 2), spanned(wanCell(last.PaidToDate), 2), spanned(rateCell(last.Rate, last.HasRate), 2), exp}
	}
	return []Row{caption, values}
}

// monitoringIndicatorRows are the indicators of one scope with their
// entries, grouped as the declaration groups them.
func monitoringIndicatorRows(month int, ts []evaluation.Target, rows []monitor.Row, project string) []Row {
	heading := head("一级指标", "二级指标", "三级指标", "年度指标值", monthsLabel(month)+"执行情况", "全年预计完成情况", "偏差原因", "完成目标可能性", "原因说明", "备注")
	entries := map[string]monitor.Row{}
	for _, r := range rows {
		if r.Project == project {
			entries[r.Target.Code] = r
		}
	}
	center := func(s string) Cell { return Cell{Text: s, Align: AlignCenter} }
	return groupedIndicatorRows(heading, ts, func(_ int, t evaluation.Target) []Cell {
		r := entries[t.Code]
		e := r.Entry
		value := targetValue(t)
		toDate := strings.TrimSpace(e.ToDate)
		if toDate != "" && t.Direction != "qualitative" && t.Unit != "" {
			toDate += t.Unit
		}
		if r.Behind {
			toDate += fmt.Sprintf("\n（未达%s节点值%s）", shortQuarter(r.Quarter), r.Milestone)
		}
		expected := strings.TrimSpace(e.Expected)
		if expected != "" && t.Direction != "qualitative" && t.Unit != "" {
			expected += t.Unit
		}
		causes := make([]string, len(e.Causes))
		for i, k := range e.Causes {
			causes[i] = monitor.Causes[k]
		}
		why := strings.TrimSpace(e.Explanation)
		if m := strings.TrimSpace(e.Measures); m != "" {
			if why != "" {
				why += "\n"
			}
			why += "纠偏措施：" + m
		}
		remark := strings.TrimSpace(e.Remark)
		return []Cell{text(t.Name, 1), center(value), center(toDate), center(expected), center(strings.Join(causes, "、")),
			center(monitor.Likelihoods[e.Likelihood]), text(why, 1), text(remark, 1)}
	})
}

// targetValue prints a declared value with its direction and unit:
// "≥1000人次", "良好".
func targetValue(t evaluation.Target) string {
	if t.Direction == "qualitative" {
		return t.Target
	}
	return directionSign[t.Direction] + t.Target + t.Unit
}

func shortQuarter(q int) string {
	if q < 1 || q > 4 {
		return ""
	}
	return fmt.Sprintf("Q%d", q)
}

// monitoringNotes are the notes every monitoring table carries.
func monitoringNotes(month int) []string {
	return []string{
		fmt.Sprintf("注：金额单位为万元；%s执行数为国库集中支付数（退款已冲减），执行率 = 执行数 ÷ 年初预算数；※为按本单位当年%s支付额推算的全年预计执行数（部门未填报）。", monthsLabel(month), monthsLabel(month)),
		fmt.Sprintf("季度节点值为截至季度末的累计值，%d月末对照%s末节点值；偏差原因分为经费保障、制度保障、人员保障、硬件条件保障和其他。", month, orNone(monitor.QuarterNames[monitor.MilestoneQuarter(month)])),
	}
}

func orNone(s string) string {
	if s == "" {
		return "（尚无到期）季度"
	}
	return s
}

// departmentMonitoringTable is 部门整体支出绩效目标执行监控表.
func departmentMonitoringTable(ev *evaluation.Evaluation, c *monitor.Checkpoint, st *monitor.Status, rows []monitor.Row) *Table {
	t := &Table{
		Title:    "部门整体支出绩效目标执行监控表",
		Sheet:    "部门整体监控表",
		Subtitle: fmt.Sprintf("（%d年%s）", ev.Year, monthsLabel(c.Month)),
		Columns:  monitoringColumns,
	}
	t.Rows = append(t.Rows, Row{Cells: []Cell{label("部门（单位）名称", 2, 1), text(ev.Department.Name, 4), label("预算单位编码", 2, 1), text(ev.Department.Code, 2)}})
	fr := fundsRows(c.Month, st.Whole, true, nil)
	fr[0].Cells[0].Text = "部门资金（万元）"
	t.Rows = append(t.Rows, fr...)
	t.Rows = append(t.Rows, Row{Cells: []Cell{label("年度总体目标", 2, 1), text(strings.TrimSpace(ev.OverallGoal), 8)}})
	t.Rows = append(t.Rows, monitoringIndicatorRows(c.Month, ev.Targets, rows, "")...)
	t.Notes = monitoringNotes(c.Month)
	return t
}

// projectMonitoringTable is 项目支出绩效目标执行监控表 for project p, the
// n-th coded project.
func projectMonitoringTable(ev *evaluation.Evaluation, c *monitor.Checkpoint, st *monitor.Status, rows []monitor.Row, p *evaluation.Project, n int) *Table {
	t := &Table{
		Title:    "项目支出绩效目标执行监控表",
		Sheet:    fmt.Sprintf("监控项目%d", n),
		Subtitle: fmt.Sprintf("（%d年%s）", ev.Year, monthsLabel(c.Month)),
		Columns:  monitoringColumns,
	}
	unit := p.Unit
	if strings.TrimSpace(unit) == "" {
		unit = ev.Department.Name
	}
	supervisor := p.Supervisor
	if strings.TrimSpace(supervisor) == "" {
		supervisor = ev.Department.Name
	}
	t.Rows = append(t.Rows,
		Row{Cells: []Cell{label("项目名称", 2, 1), text(p.Name, 4), label("项目编码", 2, 1), text(p.Code, 2)}},
		Row{Cells: []Cell{label("主管部门", 2, 1), text(supervisor, 4), label("实施单位", 2, 1), text(unit, 2)}},
	)
	l, ok := statusLine(st, p.Code)
	pe, _ := c.ProjectEntry(p.Code)
	t.Rows = append(t.Rows, fundsRows(c.Month, l, ok, pe.Expected)...)
	t.Rows = append(t.Rows, Row{Cells: []Cell{label("年度目标", 2, 1), text(strings.TrimSpace(p.Goal), 8)}})
	t.Rows = append(t.Rows, monitoringIndicatorRows(c.Month, p.Targets, rows, p.Code)...)
	t.Notes = monitoringNotes(c.Month)
	return t
}

// monitoringSummaryTable lists every coded project's figures and how its
// indicators stand: 项目执行情况汇总.
func monitoringSummaryTable(ev *evaluation.Evaluation, c *monitor.Checkpoint, st *monitor.Status, rows []monitor.Row) *Table {
	ml := monthsLabel(c.Month)
	t := &Table{
		Title:    "项目支出绩效目标执行情况汇总表",
		Sheet:    "项目汇总",
		Subtitle: fmt.Sprintf("（%d年%s）", ev.Year, ml),
		Columns:  []Column{{Width: 28}, {Width: 11}, {Width: 11}, {Width: 10}, {Width: 12}, {Width: 6}, {Width: 7}, {Width: 7}},
	}
	t.Rows = append(t.Rows, head("项目名称（编码）", "年初预算数", ml+"执行数", ml+"执行率", "全年预计执行数", "指标数", "未达节点值", "可能无法完成"))
	var total, paid, expected money.Fen
	for i := range ev.Projects {
		p := &ev.Projects[i]
		if p.Code == "" {
			continue
		}
		l, ok := statusLine(st, p.Code)
		if !ok {
			continue
		}
		last := l.Last()
		exp := last.Projection.Paid
		mark := "※"
		if pe, _ := c.ProjectEntry(p.Code); pe.Expected != nil {
			exp, mark = *pe.Expected, ""
		}
		var count, behind, doubt int
		for _, r := range rows {
			if r.Project != p.Code {
				continue
			}
			count++
			if r.Behind {
				behind++
			}
			if r.Entry.Likelihood == monitor.Possible || r.Entry.Likelihood == monitor.Impossible {
				doubt++
			}
		}
		total, paid, expected = money.MustSum(total, last.Initial), money.MustSum(paid, last.PaidToDate), money.MustSum(expected, exp)
		e := wanCell(exp)
		e.Text += mark
		t.Rows = append(t.Rows, Row{Cells: []Cell{text(p.Name+"（"+p.Code+"）", 1), wanCell(last.Initial), wanCell(last.PaidToDate),
			rateCell(last.Rate, last.HasRate), e, intCell(count), intCell(behind), intCell(doubt)}})
	}
	tp := st.Whole.Last().TimeProgress
	var r monitor.Rate
	if total > 0 {
		r = monitor.RateOf(paid, total)
	}
	t.Rows = append(t.Rows, Row{KeepWithPrevious: true, Cells: []Cell{label("合计", 1, 1), wanCell(total), wanCell(paid), rateCell(r, total > 0), wanCell(expected), text("", 1), text("", 1), text("", 1)}})
	t.Notes = []string{fmt.Sprintf("注：金额单位为万元；%d月末序时进度 %s%%；※为按%s支付额推算的全年预计执行数（部门未填报）；未达节点值为%s执行情况未达到季度节点值的指标数，可能无法完成为完成可能性为“有可能”或“完全不可能”的指标数。", c.Month, tp, ml, ml)}
	return t
}

func intCell(n int) Cell {
	v := float64(n)
	return Cell{Text: fmt.Sprint(n), Number: &v, Format: "0", Align: AlignCenter}
}
