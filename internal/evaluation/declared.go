package evaluation

import (
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// validateDeclared checks the fields of the target declaration (申报表):
// choices, that declared funds add up to the budget they split (E188),
// that the project period contains the year and plan steps end after they
// start (E189), and that quarterly milestones sit on quantitative
// indicators and, for a ≥ indicator, do not decrease (E212). Every field
// is optional: an evaluation that declares nothing gets no finding.
func (e *Evaluation) validateDeclared() diag.List {
	var ds diag.List
	bounded := e.amountsBounded()
	if d := e.Declaration; d != nil {
		negativeFunds(&ds, "declaration.funds", d.Funds)
		negativeAmount(&ds, "declaration.basic", d.Basic)
		negativeAmount(&ds, "declaration.project", d.Project)
		if bounded {
			if d.Funds != nil {
				compareDeclared(&ds, "declaration.funds", "部门年度资金合计", d.Funds.Total(), "年初预算数", e.Finance.Budget.Initial)
			}
			if d.Basic != nil && d.Project != nil {
				compareDeclared(&ds, "declaration.project", "基本支出与项目支出之和", money.MustSum(*d.Basic, *d.Project), "年初预算数", e.Finance.Budget.Initial)
			}
		}
	}
	for i, p := range e.Projects {
		pp := fmt.Sprintf("projects[%d]", i)
		if p.Kind != "" && ProjectKinds[p.Kind] == "" {
			ds.Add(diag.BadChoice, pp+".kind", "项目属性应为 new（新增）或 continuing（延续），实际为 %q", p.Kind)
		}
		negativeFunds(&ds, pp+".funds", p.Funds)
		negativeAmount(&ds, pp+".period_total", p.PeriodTotal)
		if bounded {
			if p.Funds != nil {
				compareDeclared(&ds, pp+".funds", fmt.Sprintf("项目 %s 年度资金合计", p.Name), p.Funds.Total(), "年初预算数", p.Initial)
			}
			if p.PeriodTotal != nil && *p.PeriodTotal < p.Initial {
				ds.Add(diag.DeclaredFunds, pp+".period_total", "项目 %s 项目总资金 %s 万元少于本年度年初预算数 %s 万元", p.Name, p.PeriodTotal.Wan(), p.Initial.Wan())
			}
		}
		e.checkPeriod(&ds, pp, &p)
		for j, t := range p.Targets {
			checkDeclaredTarget(&ds, fmt.Sprintf("%s.targets[%d]", pp, j), t)
		}
	}
	for i, t := range e.Targets {
		checkDeclaredTarget(&ds, fmt.Sprintf("targets[%d]", i), t)
	}
	return ds
}

// negativeFunds reports declared sources below zero.
func negativeFunds(ds *diag.List, path string, f *Funds) {
	if f == nil {
		return
	}
	for _, c := range []struct {
		name string
		v    money.Fen
	}{{"appropriation_local", f.AppropriationLocal}, {"appropriation_upper", f.AppropriationUpper}, {"own", f.Own}, {"other", f.Other}} {
		if c.v < 0 {
			ds.Add(diag.BadValue, path+"."+c.name, "金额不能为负数")
		}
	}
}

// negativeAmount reports an optional amount below zero.
func negativeAmount(ds *diag.List, path string, v *money.Fen) {
	if v != nil && *v < 0 {
		ds.Add(diag.BadValue, path, "金额不能为负数")
	}
}

// compareDeclared checks that declared parts add up to the amount they
// split: equal is fine, a difference within what rounding each figure to
// its unit explains is a note (I141), anything else E188.
func compareDeclared(ds *diag.List, path, what string, sum money.Fen, wholeName string, whole money.Fen) {
	if sum == whole {
		return
	}
	diff := sum - whole
	if diff < 0 {
		diff = -diff
	}
	tol := roundingTolerance(sum, whole)
	if diff <= tol {
		ds.Add(diag.RoundingDiff, path, "%s %s 万元与%s %s 万元相差 %s 元，在舍入误差（±%s 元）以内", what, sum.Wan(), wholeName, whole.Wan(), diff.YuanText(), tol.YuanText())
		return
	}
	ds.Add(diag.DeclaredFunds, path, "%s %s 万元与%s %s 万元不符，相差 %s 元", what, sum.Wan(), wholeName, whole.Wan(), diff.YuanText())
}

// checkPeriod checks a project's period against the year and its plan
// steps against the period.
func (e *Evaluation) checkPeriod(ds *diag.List, pp string, p *Project) {
	var first, last civil.Date
	if e.Year >= 2000 && e.Year <= 2100 {
		first, last = civil.MustDate(e.Year, 1, 1), civil.MustDate(e.Year, 12, 31)
	}
	if pr := p.Period; pr != nil {
		switch {
		case pr.Start.IsZero():
			ds.Add(diag.Missing, pp+".period.start", "缺少项目开始时间")
		case !pr.End.IsZero() && pr.End.Before(pr.Start):
			ds.Add(diag.DeclaredDates, pp+".period.end", "项目 %s 结束时间 %s 早于开始时间 %s", p.Name, pr.End, pr.Start)
		case !first.IsZero() && (pr.Start.After(last) || !pr.End.IsZero() && pr.End.Before(first)):
			ds.Add(diag.DeclaredDates, pp+".period", "项目 %s 起止时间 %s 至 %s 不包含 %d 年度", p.Name, pr.Start, endText(pr.End), e.Year)
		}
	}
	for k, s := range p.Plan {
		sp := fmt.Sprintf("%s.plan[%d]", pp, k)
		if strings.TrimSpace(s.Content) == "" {
			ds.Add(diag.Missing, sp+".content", "缺少实施内容")
		}
		switch {
		case !s.Start.IsZero() && !s.End.IsZero() && s.End.Before(s.Start):
			ds.Add(diag.DeclaredDates, sp+".end", "实施进度计划“%s”完成时间 %s 早于开始时间 %s", s.Content, s.End, s.Start)
		case p.Period != nil && !p.Period.Start.IsZero() && !s.Start.IsZero() && s.Start.Before(p.Period.Start):
			ds.Add(diag.DeclaredDates, sp+".start", "实施进度计划“%s”开始时间 %s 早于项目开始时间 %s", s.Content, s.Start, p.Period.Start)
		case p.Period != nil && !p.Period.End.IsZero() && !s.End.IsZero() && s.End.After(p.Period.End):
			ds.Add(diag.DeclaredDates, sp+".end", "实施进度计划“%s”完成时间 %s 晚于项目结束时间 %s", s.Content, s.End, p.Period.End)
		}
	}
}

func endText(d civil.Date) string {
	if d.IsZero() {
		return "（未定）"
	}
	return d.String()
}

// checkDeclaredTarget checks a target's basis and milestones.
func checkDeclaredTarget(ds *diag.List, p string, t Target) {
	if t.Basis != "" && BasisNames[t.Basis] == "" {
		ds.Add(diag.BadChoice, p+".basis", "取值依据应为 plan（计划标准）、industry（行业标准）、history（历史标准）或 other（其他），实际为 %q", t.Basis)
	}
	m := t.Milestones
	if m == nil || *m == (Milestones{}) {
		return
	}
	if t.Direction == framework.Qualitative {
		ds.Add(diag.Milestones, p+".milestones", "定性指标“%s”不设季度节点值，只有定量指标（≥、≤、=）设置", t.Name)
		return
	}
	var prev *num.Decimal
	prevQ, prevText := 0, ""
	for q, v := range m.Quarters() {
		if strings.TrimSpace(v) == "" {
			continue
		}
		qp := fmt.Sprintf("%s.milestones.q%d", p, q+1)
		d, err := num.ParseDecimal(v)
		if err != nil {
			ds.Add(diag.BadValue, qp, "季度节点值应为数值：%v", err)
			continue
		}
		if t.Direction == framework.AtLeast && prev != nil && d.Cmp(*prev) < 0 {
			ds.Add(diag.Milestones, qp, "指标“%s”第%d季度节点值 %s 小于第%d季度的 %s：≥ 指标的节点值为截至各季度末的累计值，不应减少", t.Name, q+1, v, prevQ, prevText)
		}
		prev, prevQ, prevText = &d, q+1, v
	}
}
