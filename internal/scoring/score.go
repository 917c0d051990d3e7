package scoring

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// Frameworks finds a framework by id.
type Frameworks interface {
	Framework(id string) (*framework.Framework, bool)
}

// Score scores the department and each of its projects. Findings are every
// problem met on the way; when any is an error the result is incomplete and
// must not be published.
func Score(ev *evaluation.Evaluation, fws Frameworks) (*Result, diag.List) {
	return ScoreWith(ev, fws, Options{})
}

// ScoreWith is Score with options, such as the working-day calendar that
// register checks count deadlines on.
func ScoreWith(ev *evaluation.Evaluation, fws Frameworks, o Options) (*Result, diag.List) {
	var ds diag.List
	fw, ok := fws.Framework(ev.Framework)
	if !ok {
		ds.Add(diag.UnknownRef, "framework", "未找到指标框架 %q", ev.Framework)
		return nil, ds
	}
	if fw.Scope != framework.ScopeDepartment {
		ds.Add(diag.BadChoice, "framework", "框架 %s 用于%s，不能评价部门整体支出", fw.ID, scopeName(fw.Scope))
		return nil, ds
	}
	if len(ev.Weights) > 0 {
		w, err := fw.WithPoints(ev.Weights)
		if err != nil {
			ds = append(ds, err.(diag.List)...)
			return nil, ds
		}
		fw = w
	}
	s := scorer{ev: ev, fw: fw, inputs: ev.Scores, targets: ev.Targets, path: "", budget: deptBudget(ev), cal: o.Calendar, cycle: o.Cycle}
	res := &Result{Framework: fw.ID, FrameworkName: fw.Name, FrameworkVersion: fw.Version, Points: fw.Total}
	res.Indicators = s.tree(fw.Indicators, fw.Total)
	ds = append(ds, s.ds...)
	res.Total = sum(res.Indicators)
	res.Grade = fw.Grade(res.Total)

	if len(ev.Projects) > 0 {
		pfw, ok := fws.Framework(ev.ProjectFrameworkID())
		switch {
		case !ok:
			ds.Add(diag.UnknownRef, "project_framework", "未找到项目指标框架 %q", ev.ProjectFrameworkID())
		case pfw.Scope != framework.ScopeProject:
			ds.Add(diag.BadChoice, "project_framework", "框架 %s 用于%s，不能评价项目", pfw.ID, scopeName(pfw.Scope))
		default:
			for i := range ev.Projects {
				p := &ev.Projects[i]
				prefix := fmt.Sprintf("projects[%d]", i)
				ps := scorer{ev: ev, fw: pfw, inputs: p.Scores, targets: p.Targets, path: prefix + ".", budget: projectBudget(p), cal: o.Calendar, cycle: o.Cycle}
				pr := ProjectResult{Name: p.Name, Code: p.Code, Framework: pfw.ID, Points: pfw.Total}
				pr.Indicators = ps.tree(pfw.Indicators, pfw.Total)
				pr.Total = sum(pr.Indicators)
				pr.Grade = pfw.Grade(pr.Total)
				ds = append(ds, ps.ds...)
				res.Projects = append(res.Projects, pr)
			}
		}
	}
	return res, ds
}

func scopeName(s string) string { return framework.ScopeName(s) }

// manualEntry returns the index of the officer's entry for a checklist
// item, or -1.
func manualEntry(cs []evaluation.ItemCheck, item string) int {
	for i, c := range cs {
		if c.Item == item {
			return i
		}
	}
	return -1
}

// budgetFigures are what an execution-rate rule compares.
type budgetFigures struct {
	initial, adjusted, executed money.Fen
	executedName                string
	// paths of the initial and adjusted budget fields, for findings
	initialPath, adjustedPath string
}

func deptBudget(ev *evaluation.Evaluation) budgetFigures {
	return budgetFigures{ev.Finance.Budget.Initial, ev.Finance.Budget.Adjusted, ev.Finance.Expenditure.Total(), "决算支出",
		"finance.budget.initial", "finance.budget.adjusted"}
}

func projectBudget(p *evaluation.Project) budgetFigures {
	return budgetFigures{p.Initial, p.Adjusted, p.Executed, "全年执行数", "initial", "adjusted"}
}

// scorer scores one framework tree against one set of inputs (the
// department's or one project's).
type scorer struct {
	ev      *evaluation.Evaluation
	fw      *framework.Framework
	inputs  map[string]evaluation.Input
	targets []evaluation.Target
	path    string // prefix of finding paths, "" or "projects[2]."
	budget  budgetFigures
	cal     WorkingDays
	cycle   *evaluation.Cycle
	ds      diag.List
}

func (s *scorer) add(code, path, format string, a ...any) {
	s.ds.Add(code, s.path+path, format, a...)
}

func sum(ns []*Node) num.Points {
	var t num.Points
	for _, n := range ns {
		t += n.Score
	}
	return t
}

// tree scores sibling indicators that share points. Indicators that do not
// apply are dropped first and their points handed to the siblings that do,
// so leaves are scored out of the points they finally carry.
func (s *scorer) tree(ins []*framework.Indicator, points num.Points) []*Node {
	nodes := make([]*Node, len(ins))
	applies := make([]bool, len(ins))
	for i, in := range ins {
		nodes[i] = &Node{Code: in.Code, Name: in.Name, BasePoints: in.Points}
		if reason := s.notApplicable(in, true); reason != "" {
			nodes[i].NotApplicable = reason
			continue
		}
		applies[i] = true
	}
	eff := s.allot(ins, applies, points)
	dropped := slices.Contains(applies, false)
	for i, in := range ins {
		n := nodes[i]
		n.Points = eff[i]
		if !applies[i] {
			n.Trace.Notes = append(n.Trace.Notes, "不适用："+n.NotApplicable)
			continue
		}
		if n.Points != in.Points {
			why := "因上级指标分值调整"
			if dropped {
				why = "因同级指标不适用"
			}
			n.Trace.Notes = append(n.Trace.Notes, fmt.Sprintf("%s，分值由 %s 调整为 %s", why, in.Points, n.Points))
		}
		if in.Leaf() {
			s.leaf(in, n)
		} else {
			n.Children = s.tree(in.Children, n.Points)
			n.Score = sum(n.Children)
		}
	}
	return nodes
}

// notApplicable says why an indicator is dropped: the officer marked it, a
// targets rule has no targets of its categories, or every child is dropped.
// Problems (a required indicator dropped) are reported only when report is
// set, so that asking about a parent does not report its children twice.
func (s *scorer) notApplicable(in *framework.Indicator, report bool) string {
	if inp, ok := s.inputs[in.Code]; ok && inp.NotApplicable != "" {
		if in.Required {
			if report {
				s.add(diag.NotApplicable, "scores."+in.Code+".not_applicable", "指标 %s %s为必评指标，不能标为不适用", in.Code, in.Name)
			}
			return ""
		}
		return inp.NotApplicable
	}
	if in.Leaf() {
		if in.Rule != nil && in.Rule.Kind == framework.KindTargets && len(s.targetsOf(in.Rule.Categories)) == 0 {
			if in.Required {
				if report {
					s.add(diag.Missing, "targets", "指标 %s %s 需要至少一个%s", in.Code, in.Name, categoryList(in.Rule.Categories))
				}
				return ""
			}
			return "未设置" + categoryList(in.Rule.Categories)
		}
		return ""
	}
	for _, c := range in.Children {
		if s.notApplicable(c, false) == "" {
			return ""
		}
	}
	return "下级指标均不适用"
}

func categoryList(cs []string) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = framework.CategoryNames[c]
	}
	return strings.Join(names, "或")
}

// allot hands the points of dropped indicators to the ones that apply:
// to the siblings named in RedistributeTo, or else to all, in proportion to
// their points, so the parts still add up to the whole exactly.
func (s *scorer) allot(ins []*framework.Indicator, applies []bool, points num.Points) []num.Points {
	eff := make([]num.Points, len(ins))
	idx := map[string]int{}
	for i, in := range ins {
		idx[in.Code] = i
		if applies[i] {
			eff[i] = in.Points
		}
	}
	any := false
	for _, a := range applies {
		any = any || a
	}
	if !any {
		return eff
	}
	for i, in := range ins {
		if applies[i] {
			continue
		}
		var to []int
		for _, code := range in.RedistributeTo {
			if j, ok := idx[code]; ok && applies[j] {
				to = append(to, j)
			}
		}
		if len(to) == 0 {
			for j := range ins {
				if applies[j] {
					to = append(to, j)
				}
			}
		}
		w := make([]num.Points, len(to))
		for k, j := range to {
			w[k] = ins[j].Points
		}
		for k, share := range num.Split(in.Points, w) {
			eff[to[k]] += share
		}
	}
	// The parent itself may have been rescaled; share its points out in
	// proportion to what each child now carries.
	var total num.Points
	for _, p := range eff {
		total += p
	}
	if total != points {
		eff = num.Split(points, eff)
	}
	return eff
}

// leaf scores one indicator by its rule, then applies any further
// deductions the officer entered, never going below zero.
func (s *scorer) leaf(in *framework.Indicator, n *Node) {
	r := in.Rule
	n.Rule = r.Kind
	inp := s.inputs[in.Code]
	p := "scores." + in.Code
	switch r.Kind {
	case framework.KindTargets:
		s.targetsScore(in, n)
	case framework.KindExecutionRate:
		s.executionRate(r, n)
	case framework.KindRatio:
		s.ratio(in, inp, n, p)
	case framework.KindThreshold:
		s.threshold(r, n)
	case framework.KindChecklist:
		s.checklist(in, inp, n, p)
	case framework.KindQualitative:
		if inp.Level == "" {
			s.add(diag.Missing, p+".level", "指标 %s %s 需要填写评价等级（met、partly、not_met）", in.Code, in.Name)
			return
		}
		s.levelScore(r.LevelBands(), inp.Level, inp.Score, n, p)
		if n.Score < n.Points && inp.Reason == "" {
			s.add(diag.NoReason, p+".reason", "指标 %s %s 扣分 %s 分，未说明原因", in.Code, in.Name, n.Lost())
		} else if n.Score < n.Points {
			n.Trace.Deductions = append(n.Trace.Deductions, Deduction{Points: n.Lost(), Reason: inp.Reason, Evidence: inp.Evidence})
		}
	case framework.KindManual:
		if inp.Score == nil {
			s.add(diag.Missing, p+".score", "指标 %s %s 需要填写得分", in.Code, in.Name)
			return
		}
		if *inp.Score > n.Points || *inp.Score < 0 {
			s.add(diag.ScoreAbove, p+".score", "指标 %s %s 得分 %s 超出 0 至 %s 分", in.Code, in.Name, *inp.Score, n.Points)
			return
		}
		n.Score = *inp.Score
		n.Trace.Formula = fmt.Sprintf("评价人评定 %s 分（满分 %s 分）", n.Score, n.Points)
		if n.Score < n.Points {
			if inp.Reason == "" {
				s.add(diag.NoReason, p+".reason", "指标 %s %s 扣分 %s 分，未说明原因", in.Code, in.Name, n.Lost())
			}
			n.Trace.Deductions = append(n.Trace.Deductions, Deduction{Points: n.Lost(), Reason: inp.Reason, Evidence: inp.Evidence})
		}
	}
	s.extraDeductions(inp.Deductions, n, p+".deductions")
}

// extraDeductions takes off points the officer or reviewer judged lost
// beyond the rule (such as a target set too low), each with a reason.
func (s *scorer) extraDeductions(ds []evaluation.Deduction, n *Node, path string) {
	for i, d := range ds {
		p := fmt.Sprintf("%s[%d]", path, i)
		if d.Reason == "" {
			s.add(diag.NoReason, p+".reason", "扣分 %s 分未说明原因", d.Points)
		}
		if d.Points <= 0 {
			s.add(diag.BadValue, p+".points", "扣分应大于 0")
			continue
		}
		take := min(d.Points, n.Score)
		n.Score -= take
		n.Trace.Deductions = append(n.Trace.Deductions, Deduction{Item: "酌情扣分", Points: take, Reason: d.Reason, Evidence: d.Evidence})
	}
}

func (s *scorer) executionRate(r *framework.Rule, n *Node) {
	b := s.budget
	base, baseName, basePath := b.adjusted, "全年预算数", b.adjustedPath
	if r.Budget == "initial" {
		base, baseName, basePath = b.initial, "年初预算数", b.initialPath
	}
	n.Trace.Inputs = []Fact{{b.executedName, b.executed.Wan() + "万元"}, {baseName, base.Wan() + "万元"}}
	if base <= 0 {
		s.add(diag.Missing, basePath, "%s为 0，无法计算预算执行率", baseName)
		return
	}
	rate := big.NewRat(int64(b.executed), int64(base))
	capped := minRat(rate, pct(r.CapPercent()))
	n.Score = n.Points.Times(capped)
	n.Trace.Formula = fmt.Sprintf("执行率 = %s ÷ %s = %s%%；得分 = %s × %s%% = %s",
		b.executed.Wan(), base.Wan(), pctText(rate), n.Points, pctText(capped), n.Score)
	if n.Score < n.Points {
		n.Trace.Deductions = append(n.Trace.Deductions, Deduction{Item: "预算执行率", Points: n.Lost(),
			Reason: fmt.Sprintf("预算执行率%s%%，未达到100%%", pctText(rate))})
	}
}

func (s *scorer) ratio(in *framework.Indicator, inp evaluation.Input, n *Node, p string) {
	r := in.Rule
	var actual, target *big.Rat
	actualName := "实际值"
	switch {
	case r.Measure != "":
		m, err := s.ev.Measure(r.Measure)
		if err != nil {
			s.add(diag.Missing, "finance", "指标 %s %s：%v", in.Code, in.Name, err)
			return
		}
		actual, actualName = m.Value, framework.Measures[r.Measure].Short
		n.Trace.Notes = append(n.Trace.Notes, m.Formula)
	case inp.Actual != nil:
		actual = inp.Actual.Rat()
	default:
		s.add(diag.Missing, p+".actual", "指标 %s %s 需要填写实际值", in.Code, in.Name)
		return
	}
	switch {
	case r.Target != nil:
		target = r.Target.Rat()
	case inp.Target != nil:
		target = inp.Target.Rat()
	default:
		s.add(diag.Missing, p+".target", "指标 %s %s 需要填写目标值", in.Code, in.Name)
		return
	}
	n.Trace.Inputs = []Fact{{actualName, num.FromRat(actual).String()}, {"目标值", num.FromRat(target).String()}, {"方向", r.Direction}}
	share, formula := compare(r.Direction, actual, target, pct(r.CapPercent()))
	n.Score = n.Points.Times(share)
	n.Trace.Formula = fmt.Sprintf("%s；得分 = %s × %s%% = %s", formula, n.Points, pctText(share), n.Score)
	if n.Score < n.Points {
		reason := inp.Reason
		if reason == "" {
			reason = "未达到目标值"
		}
		n.Trace.Deductions = append(n.Trace.Deductions, Deduction{Points: n.Lost(), Reason: reason, Evidence: inp.Evidence})
	}
}

// ratOne is 1, for comparisons only: it is never changed.
var ratOne = big.NewRat(1, 1)

// compare returns the share of points earned by actual against target in
// the direction, capped, with the formula.
func compare(dir string, actual, target, cp *big.Rat) (*big.Rat, string) {
	a, t := num.RatString(actual), num.RatString(target)
	switch dir {
	case framework.AtMost:
		if actual.Sign() <= 0 || actual.Cmp(target) <= 0 {
			return big.NewRat(1, 1), fmt.Sprintf("实际值 %s 不高于目标值 %s，达成", a, t)
		}
		r := new(big.Rat).Quo(target, actual)
		return minRat(r, cp), fmt.Sprintf("目标值 %s ÷ 实际值 %s = %s%%", t, a, pctText(r))
	case framework.Equal:
		if actual.Cmp(target) == 0 {
			return big.NewRat(1, 1), fmt.Sprintf("实际值 %s 等于目标值，达成", a)
		}
		if target.Sign() == 0 {
			return new(big.Rat), fmt.Sprintf("实际值 %s 不等于目标值 0", a)
		}
		dev := new(big.Rat).Quo(new(big.Rat).Abs(new(big.Rat).Sub(actual, target)), new(big.Rat).Abs(target))
		r := new(big.Rat).Sub(big.NewRat(1, 1), dev)
		if r.Sign() < 0 {
			r.SetInt64(0)
		}
		return r, fmt.Sprintf("偏离度 |%s − %s| ÷ %s = %s%%，得分比例 = 1 − 偏离度 = %s%%", a, t, t, pctText(dev), pctText(r))
	default: // AtLeast
		if target.Sign() <= 0 {
			return big.NewRat(1, 1), fmt.Sprintf("目标值 %s，实际值 %s，达成", t, a)
		}
		// The target being positive, actual ÷ target ≥ 1 when actual ≥ target.
		if actual.Cmp(target) >= 0 && cp.Cmp(ratOne) == 0 {
			return big.NewRat(1, 1), fmt.Sprintf("实际值 %s 不低于目标值 %s，达成", a, t)
		}
		r := new(big.Rat).Quo(actual, target)
		if r.Sign() < 0 {
			r.SetInt64(0)
		}
		return minRat(r, cp), fmt.Sprintf("实际值 %s ÷ 目标值 %s = %s%%", a, t, pctText(r))
	}
}

func (s *scorer) threshold(r *framework.Rule, n *Node) {
	m, err := s.ev.Measure(r.Measure)
	if err != nil {
		s.add(diag.Missing, "finance", "指标 %s %s：%v", n.Code, n.Name, err)
		return
	}
	title := framework.Measures[r.Measure].Short
	limit := r.Limit.Rat()
	n.Trace.Inputs = []Fact{{title, money.Decimal(m.Value, 2) + "%"}, {"限值", r.Limit.String() + "%"}}
	n.Trace.Notes = append(n.Trace.Notes, m.Formula)
	excess := new(big.Rat).Sub(m.Value, limit)
	word := "超过"
	if r.Direction == "min" {
		excess.Neg(excess)
		word = "低于"
	}
	if excess.Sign() <= 0 {
		n.Score = n.Points
		n.Trace.Formula = fmt.Sprintf("%s%s%%，未%s限值%s%%，得满分 %s", title, money.Decimal(m.Value, 2), word, r.Limit, n.Points)
		return
	}
	steps := new(big.Rat).Quo(excess, r.StepSize().Rat())
	if r.Steps == "ceil" && !steps.IsInt() {
		q := new(big.Int).Quo(steps.Num(), steps.Denom())
		steps.SetInt(q.Add(q, big.NewInt(1)))
	}
	ded := r.Deduct.Times(steps)
	take := min(ded, n.Points)
	n.Score = n.Points - take
	n.Trace.Formula = fmt.Sprintf("%s限值 %s 个百分点，按每 %s 个百分点扣 %s 分计 %s 档，扣 %s 分（扣完为止）；得分 %s",
		word, money.Decimal(excess, 2), r.StepSize(), *r.Deduct, money.Decimal(steps, 2), ded, n.Score)
	n.Trace.Deductions = append(n.Trace.Deductions, Deduction{Item: title, Points: take,
		Reason: fmt.Sprintf("%s%s%%，%s限值%s%%", title, money.Decimal(m.Value, 2), word, r.Limit)})
}

func (s *scorer) checklist(in *framework.Indicator, inp evaluation.Input, n *Node, p string) {
	items := in.Rule.Items
	w := make([]num.Points, len(items))
	for i, it := range items {
		w[i] = it.Points
	}
	pts := w
	if n.Points != in.Points {
		pts = num.Split(n.Points, w)
	}
	idx := map[string]int{}
	for i, it := range items {
		idx[it.Code] = i
	}
	failed := make([]*evaluation.ItemCheck, len(items))
	seen := make([]bool, len(items))
	for i := range inp.Checklist {
		c := &inp.Checklist[i]
		cp := fmt.Sprintf("%s.checklist[%d]", p, i)
		j, ok := idx[c.Item]
		if !ok {
			s.add(diag.UnknownRef, cp+".item", "指标 %s 没有检查项 %q", in.Code, c.Item)
			continue
		}
		if seen[j] {
			s.add(diag.Duplicate, cp+".item", "检查项 %s 重复填写", c.Item)
			continue
		}
		seen[j] = true
		if c.Passed {
			continue
		}
		failed[j] = c
		if c.Reason == "" {
			s.add(diag.NoReason, cp+".reason", "检查项 %s 未通过，未说明原因", c.Item)
		}
		if c.Deduct != nil && (*c.Deduct <= 0 || *c.Deduct > pts[j]) {
			s.add(diag.ScoreAbove, cp+".deduct", "检查项 %s 扣分 %s 应大于 0 且不超过其分值 %s", c.Item, *c.Deduct, pts[j])
		}
	}
	// Items with a register check are decided by the records, unless the
	// officer overrules the result with a reason.
	computed := make([]*Deduction, len(items))
	checked := make([]bool, len(items))
	for j, it := range items {
		if !s.decides(it.Check) {
			continue
		}
		if m := manualEntry(inp.Checklist, it.Code); m >= 0 {
			c := inp.Checklist[m]
			cp := fmt.Sprintf("%s.checklist[%d]", p, m)
			if c.Override == "" {
				s.add(diag.ComputedItem, cp, "检查项 %s 由%s自动评定；如需改变结果，请在 override 中说明调整原因", it.Code, recordsName(it.Check))
				continue
			}
			s.add(diag.Overruled, cp+".override", "检查项 %s 的台账评定结果被人工调整：%s", it.Code, c.Override)
			n.Trace.Notes = append(n.Trace.Notes, fmt.Sprintf("%s 人工调整台账评定结果，原因：%s", it.Code, c.Override))
			continue
		}
		failed[j] = nil
		checked[j] = true
		if !it.Check.AppliesToYear(s.ev.Year) {
			n.Trace.Notes = append(n.Trace.Notes, fmt.Sprintf("%s 依据的规定自%s起施行，%d 年度不按台账评定，不扣分", it.Code, it.Check.EffectiveFrom.Chinese(), s.ev.Year))
			continue
		}
		if it.Check.Default {
			n.Trace.Notes = append(n.Trace.Notes, fmt.Sprintf("%s 的期限或限值为本指标框架的默认值，并非法规规定", it.Code))
		}
		found, summary, record, err := s.runCheck(it.Check)
		if err != nil {
			s.add(diag.BadRule, "registers", "检查项 %s 无法按台账评定：%v", it.Code, err)
			continue
		}
		if record != "" {
			n.Trace.Records = append(n.Trace.Records, record)
		}
		if len(found) == 0 {
			n.Trace.Notes = append(n.Trace.Notes, fmt.Sprintf("%s %s核对：%s，未发现问题", it.Code, recordsName(it.Check), summary))
			continue
		}
		reason, summary, evidence := summarise(found)
		if it.Check.Default {
			reason += "（本框架默认标准）"
			summary += "（本框架默认标准）"
		}
		computed[j] = &Deduction{Item: it.Code + " " + it.Text, Points: checkedLoss(it.Check, pts[j], len(found)), Reason: reason, Summary: summary, Evidence: evidence}
	}
	n.Score = n.Points
	var parts []string
	n.Items = make([]*Node, len(items))
	for j, it := range items {
		item := &Node{Code: it.Code, Name: it.Text, Points: pts[j], BasePoints: it.Points, Score: pts[j], Rule: RuleItem}
		n.Items[j] = item
		if d := computed[j]; d != nil {
			n.Score -= d.Points
			parts = append(parts, fmt.Sprintf("%s %s/%s", it.Code, pts[j]-d.Points, pts[j]))
			n.Trace.Deductions = append(n.Trace.Deductions, *d)
			item.lose(*d)
			continue
		}
		c := failed[j]
		if c == nil || checked[j] {
			parts = append(parts, fmt.Sprintf("%s %s/%s", it.Code, pts[j], pts[j]))
			item.Trace.Formula = fmt.Sprintf("检查项通过，得 %s 分", pts[j])
			continue
		}
		lost := pts[j]
		if c.Deduct != nil && *c.Deduct > 0 && *c.Deduct <= pts[j] {
			lost = *c.Deduct
		}
		n.Score -= lost
		parts = append(parts, fmt.Sprintf("%s %s/%s", it.Code, pts[j]-lost, pts[j]))
		reason := c.Reason
		if c.Override != "" {
			reason += "（人工调整台账评定结果：" + c.Override + "）"
		}
		d := Deduction{Item: it.Code + " " + it.Text, Points: lost, Reason: reason, Evidence: c.Evidence}
		n.Trace.Deductions = append(n.Trace.Deductions, d)
		item.lose(d)
	}
	n.Trace.Formula = fmt.Sprintf("检查项得分合计：%s = %s", strings.Join(parts, " + "), n.Score)
	n.Trace.Inputs = append(n.Trace.Inputs, Fact{"检查项", fmt.Sprintf("%d 项，未通过 %d 项", len(items), len(n.Trace.Deductions))})
	if len(inp.Evidence) > 0 {
		n.Trace.Inputs = append(n.Trace.Inputs, Fact{"佐证材料", strings.Join(inp.Evidence, "；")})
	}
}

// levelScore scores a qualitative judgement: the level's band of the
// points, at the chosen score or the highest score the band allows. A
// band's upper bound that starts the next band up is not in it: partly
// met on 10 points is at most 7.99, since 8 is met.
func (s *scorer) levelScore(bands []framework.LevelBand, level string, chosen *num.Points, n *Node, p string) {
	var band *framework.LevelBand
	for i := range bands {
		if bands[i].Level == level {
			band = &bands[i]
		}
	}
	if band == nil {
		s.add(diag.BadChoice, p+".level", "评价等级应为 met（达成）、partly（部分达成）或 not_met（未达成），实际为 %q", level)
		return
	}
	lo := n.Points.Times(pct(band.Min))
	hi := n.Points.Times(pct(band.Max))
	top, upper := hi, fmt.Sprintf("%s%%（含）", band.Max)
	if framework.ExclusiveMax(bands, *band) {
		top, upper = hi-1, fmt.Sprintf("%s%%（不含）", band.Max)
	}
	n.Score = top
	if chosen != nil {
		if *chosen < lo || *chosen > top {
			if top < hi {
				s.add(diag.ScoreAbove, p+".score", "%s的得分应不低于 %s 分且低于 %s 分（%s 分及以上属于更高一档），实际为 %s", framework.LevelNames[level], lo, hi, hi, *chosen)
			} else {
				s.add(diag.ScoreAbove, p+".score", "%s的得分应在 %s 至 %s 分之间，实际为 %s", framework.LevelNames[level], lo, hi, *chosen)
			}
			return
		}
		n.Score = *chosen
	}
	n.Trace.Inputs = append(n.Trace.Inputs, Fact{"评价等级", framework.LevelNames[level]})
	n.Trace.Formula = fmt.Sprintf("%s：得分区间 %s%%（含）至 %s × %s = %s–%s 分，评定 %s 分", framework.LevelNames[level], band.Min, upper, n.Points, lo, top, n.Score)
}

func pct(d num.Decimal) *big.Rat { return new(big.Rat).Quo(d.Rat(), big.NewRat(100, 1)) }

func pctText(r *big.Rat) string {
	return money.Decimal(new(big.Rat).Mul(r, big.NewRat(100, 1)), 2)
}

func minRat(a, b *big.Rat) *big.Rat {
	if a.Cmp(b) <= 0 {
		return new(big.Rat).Set(a)
	}
	return new(big.Rat).Set(b)
}
