package workbook

import (
	"fmt"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// The declaration sheets: 项目申报 holds the declared fields of each
// project (项目支出绩效目标申报表) on one row, 实施进度计划 the steps of its
// implementation schedule, one a row. Both link a row to 项目 by the
// project's code or name, as 项目绩效指标 does, and both are optional
// when read. The department's declared fields are rows of 基本情况
// (中长期目标) and 收支情况 (四、年度资金申报); the indicators' basis,
// quarterly milestones and remark are columns of 绩效目标 and 项目绩效指标.

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

// declaration writes 项目申报: a row for every project, so that an empty
// one shows which projects are still to declare.
func (w *writer) declaration(ev *evaluation.Evaluation) {
	s := SheetDeclaration
	w.sheet(s, declarationCols, true, 2)
	c := func(key string) int { return columnIndex(declarationCols, key) }
	for i := range ev.Projects {
		p := &ev.Projects[i]
		row := i + 2
		for k, v := range projectLink(p) {
			w.str(s, k, row, v, -1)
		}
		w.str(s, c("kind"), row, display(kindKeys, kindNames, p.Kind), -1)
		w.str(s, c("supervisor"), row, p.Supervisor, -1)
		w.str(s, c("manager"), row, p.Manager, -1)
		if p.Period != nil {
			w.date(s, c("start"), row, p.Period.Start)
			w.date(s, c("end"), row, p.Period.End)
		}
		w.fenPtr(s, c("period_total"), row, p.PeriodTotal, w.amount)
		if f := p.Funds; f != nil {
			w.fen(s, c("local"), row, f.AppropriationLocal, w.amount)
			w.fen(s, c("upper"), row, f.AppropriationUpper, w.amount)
			w.fen(s, c("own"), row, f.Own, w.amount)
			w.fen(s, c("other"), row, f.Other, w.amount)
		}
		w.str(s, c("overview"), row, p.Overview, -1)
		w.str(s, c("basis"), row, p.Basis, -1)
		w.str(s, c("long_term_goal"), row, p.LongTermGoal, -1)
	}
	w.protect(s)
}

// plan writes 实施进度计划, the projects' steps in order.
func (w *writer) plan(ev *evaluation.Evaluation) {
	s := SheetPlan
	w.sheet(s, planCols, true, 2)
	c := func(key string) int { return columnIndex(planCols, key) }
	row := 2
	for i := range ev.Projects {
		p := &ev.Projects[i]
		for _, st := range p.Plan {
			for k, v := range projectLink(p) {
				w.str(s, k, row, v, -1)
			}
			w.str(s, c("content"), row, st.Content, -1)
			w.date(s, c("start"), row, st.Start)
			w.date(s, c("end"), row, st.End)
			row++
		}
	}
	w.protect(s)
}

// ---------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------

// declaration reads 项目申报 into the projects it names. A row naming a
// project only (no declared field filled) declares nothing; a project on
// two rows is reported.
func (r *reader) declaration() {
	if !r.present[SheetDeclaration] {
		return
	}
	s := r.openSheet(SheetDeclaration, declarationCols)
	if s == nil {
		return
	}
	var fields []string
	for _, c := range declarationCols[len(projectLinkCols):] {
		fields = append(fields, c.key)
	}
	seen := map[int]string{}
	for i := 1; i < len(s.rows); i++ {
		if s.empty(i, fields...) {
			continue
		}
		k := r.projectOf(s, i)
		if k < 0 {
			continue
		}
		if cell, dup := seen[k]; dup {
			r.add(diag.Duplicate, s.at(i, "project"), "项目“%s”已在 %s 填写申报信息，每个项目只能填写一行", r.ev.Projects[k].Name, cell)
			continue
		}
		seen[k] = s.at(i, "project")
		path := fmt.Sprintf("projects[%d]", k)
		p := &r.ev.Projects[k]
		p.Kind = s.choice(i, "kind", path+".kind", "项目属性", kindKeys, kindNames, kindAliases)
		p.Supervisor = s.textAt(i, "supervisor", path+".supervisor")
		p.Manager = s.textAt(i, "manager", path+".manager")
		if !s.empty(i, "start", "end") {
			r.at(path+".period", s.at(i, "start"))
			p.Period = &evaluation.Period{
				Start: s.date(i, "start", path+".period.start", "项目开始时间"),
				End:   s.date(i, "end", path+".period.end", "项目结束时间"),
			}
		}
		p.PeriodTotal = s.moneyPtr(i, "period_total", path+".period_total", "项目总资金")
		if !s.empty(i, "local", "upper", "own", "other") {
			r.at(path+".funds", s.at(i, "local"))
			var f evaluation.Funds
			for _, c := range []struct {
				key, name, what string
				to              *money.Fen
			}{
				{"local", "appropriation_local", "财政拨款本级", &f.AppropriationLocal},
				{"upper", "appropriation_upper", "财政拨款上级", &f.AppropriationUpper},
				{"own", "own", "自有资金", &f.Own},
				{"other", "other", "其他资金", &f.Other},
			} {
				*c.to, _ = s.money(i, c.key, path+".funds."+c.name, c.what)
			}
			p.Funds = &f
		}
		p.Overview = s.textAt(i, "overview", path+".overview")
		p.Basis = s.textAt(i, "basis", path+".basis")
		p.LongTermGoal = s.textAt(i, "long_term_goal", path+".long_term_goal")
	}
}

// plan reads 实施进度计划: each row a step of the project it names, in
// the order of the rows.
func (r *reader) plan() {
	if !r.present[SheetPlan] {
		return
	}
	s := r.openSheet(SheetPlan, planCols)
	if s == nil {
		return
	}
	for i := 1; i < len(s.rows); i++ {
		if s.empty(i, "content", "start", "end") {
			if !s.empty(i, "project", "project_name") {
				r.add(diag.Missing, s.at(i, "content"), "%s填写了项目，但缺少实施内容和时间", rowNumber(i))
			}
			continue
		}
		k := r.projectOf(s, i)
		if k < 0 {
			continue
		}
		p := &r.ev.Projects[k]
		path := fmt.Sprintf("projects[%d].plan[%d]", k, len(p.Plan))
		r.at(path, s.at(i, "content"))
		p.Plan = append(p.Plan, evaluation.PlanStep{
			Content: s.textAt(i, "content", path+".content"),
			Start:   s.date(i, "start", path+".start", "开始时间"),
			End:     s.date(i, "end", path+".end", "完成时间"),
		})
	}
}
