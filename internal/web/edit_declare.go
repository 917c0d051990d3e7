package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
)

// The edit form of a year in the declaration stage (目标申报): the parts
// of the document docs/cycle.md §4 lets the editor change then — the
// department table (年度总体目标, 中长期目标, the year's funds and their
// sources), the department's overall targets and every project's
// declared fields and indicators. Year-end fields (actual values, levels,
// executed amounts) are not on it.
//
// Unlike the year-end form, rows are added and removed here. The form
// posts how many rows of each list it shows (rows.targets, rows.projects,
// rows.projects[i].targets); a button named add asks for one more blank
// row of a list and shows the form again without saving; a checkbox
// remove.<row path> drops the row. The posted fields keep the paths of
// the rows as shown, so reading a form is: the stored data, extended with
// the blank rows shown (declShape), the fields applied by path as the
// year-end form applies them, then the rows marked removed taken out
// (declRemove). Findings about the result name its paths; declMap turns
// them back into the paths of the form.

// maxNewRows bounds how many blank rows a form may add to one list.
const maxNewRows = 50

// declShape is how many rows of each list a declaration form shows.
type declShape struct {
	targets     int
	projects    int
	projTargets []int // per project shown
}

// shapeOf is the shape of the data as it is.
func shapeOf(ev *evaluation.Evaluation) declShape {
	s := declShape{targets: len(ev.Targets), projects: len(ev.Projects)}
	for _, p := range ev.Projects {
		s.projTargets = append(s.projTargets, len(p.Targets))
	}
	return s
}

// rowCount reads a posted row count: at least have (rows are never
// dropped by a count, only by remove), at most have + maxNewRows.
func rowCount(form url.Values, name string, have int) int {
	n, err := strconv.Atoi(strings.TrimSpace(form.Get(name)))
	if err != nil || n < have {
		return have
	}
	return min(n, have+maxNewRows)
}

// postedShape is the shape a posted form shows, with the row asked for
// by its add button.
func postedShape(ev *evaluation.Evaluation, form url.Values) declShape {
	s := declShape{targets: rowCount(form, "rows.targets", len(ev.Targets)), projects: rowCount(form, "rows.projects", len(ev.Projects))}
	add := form.Get("add")
	if add == "targets" && s.targets < len(ev.Targets)+maxNewRows {
		s.targets++
	}
	if add == "projects" && s.projects < len(ev.Projects)+maxNewRows {
		s.projects++
	}
	for i := range s.projects {
		have := 0
		if i < len(ev.Projects) {
			have = len(ev.Projects[i].Targets)
		}
		list := fmt.Sprintf("projects[%d].targets", i)
		n := rowCount(form, "rows."+list, have)
		if add == list && n < have+maxNewRows {
			n++
		}
		s.projTargets = append(s.projTargets, n)
	}
	return s
}

// extend appends the blank rows of the shape to ev.
func (s declShape) extend(ev *evaluation.Evaluation) {
	for len(ev.Targets) < s.targets {
		ev.Targets = append(ev.Targets, evaluation.Target{})
	}
	for len(ev.Projects) < s.projects {
		ev.Projects = append(ev.Projects, evaluation.Project{})
	}
	for i, n := range s.projTargets {
		for len(ev.Projects[i].Targets) < n {
			ev.Projects[i].Targets = append(ev.Projects[i].Targets, evaluation.Target{})
		}
	}
}

// editHidden is a hidden input of the form.
type editHidden struct{ Name, Value string }

// editAdd is a button that adds a blank row to a list.
type editAdd struct{ List, Label string }

// editOption is one choice of a select.
type editOption struct{ Value, Label string }

var (
	categoryOptions  []editOption
	subOptions       []editOption
	directionOptions = []editOption{{framework.AtLeast, "≥"}, {framework.AtMost, "≤"}, {framework.Equal, "="}, {framework.Qualitative, "定性"}}
	basisOptions     []editOption
	kindOptions      = []editOption{{evaluation.ProjectNew, "新增项目"}, {evaluation.ProjectContinuing, "延续项目"}}
)

func init() {
	for _, c := range []string{framework.CategoryOutput, framework.CategoryEffect, framework.CategorySatisfaction} {
		categoryOptions = append(categoryOptions, editOption{c, framework.CategoryNames[c]})
		for _, s := range evaluation.Subcategories(c) {
			subOptions = append(subOptions, editOption{s, framework.CategoryNames[c] + "·" + s})
		}
	}
	for _, b := range evaluation.BasisOrder {
		basisOptions = append(basisOptions, editOption{b, evaluation.BasisNames[b]})
	}
}

// declMoneyHint is how a declared amount may be typed.
const declMoneyHint = "可填元或万元，可带千位分隔符，如 1,200,000 或 120万元"

func declMoney(kind editKind, path, label, name, value string, set func(ev *evaluation.Evaluation, v *money.Fen)) *editField {
	f := editMoneyField(kind, path, label, name, value, set)
	f.Hint, f.wan = declMoneyHint, true
	return f
}

func declChoice(kind editKind, path, label, name, value string, opts []editOption, set func(ev *evaluation.Evaluation, s string)) *editField {
	f := editTextField(kind, path, label, name, value, set)
	f.Options = opts
	return f
}

func dateInput(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func declDate(path, label, name string, d civil.Date, set func(ev *evaluation.Evaluation, d civil.Date)) *editField {
	return &editField{Path: path, Label: label, name: name, Kind: ekDate, Value: dateInput(d), Hint: "格式 YYYY-MM-DD",
		set: func(ev *evaluation.Evaluation, v editValue) { set(ev, v.date) }}
}

// declaration returns ev's declaration block, made when absent.
func declaration(ev *evaluation.Evaluation) *evaluation.Declaration {
	if ev.Declaration == nil {
		ev.Declaration = &evaluation.Declaration{}
	}
	return ev.Declaration
}

// addFundsFields adds the four sources of declared funds to g, whose
// clear removes them.
func addFundsFields(g *editGroup, path, name string, f *evaluation.Funds, funds func(ev *evaluation.Evaluation) **evaluation.Funds) {
	var v [4]string
	if f != nil {
		v = [4]string{fenInput(f.AppropriationLocal), fenInput(f.AppropriationUpper), fenInput(f.Own), fenInput(f.Other)}
	}
	at := func(ev *evaluation.Evaluation) *evaluation.Funds {
		p := funds(ev)
		if *p == nil {
			*p = &evaluation.Funds{}
		}
		return *p
	}
	for i, part := range []struct {
		key, label string
		set        func(f *evaluation.Funds, v money.Fen)
	}{
		{"appropriation_local", "财政拨款（本级）", func(f *evaluation.Funds, v money.Fen) { f.AppropriationLocal = v }},
		{"appropriation_upper", "财政拨款（上级）", func(f *evaluation.Funds, v money.Fen) { f.AppropriationUpper = v }},
		{"own", "自有资金", func(f *evaluation.Funds, v money.Fen) { f.Own = v }},
		{"other", "其他资金", func(f *evaluation.Funds, v money.Fen) { f.Other = v }},
	} {
		g.add(declMoney(ekMoneyZero, path+"."+part.key, part.label, name+part.label, v[i],
			func(ev *evaluation.Evaluation, x *money.Fen) { part.set(at(ev), *x) }))
	}
	g.clear = func(ev *evaluation.Evaluation) { *funds(ev) = nil }
}

// declTargetGroup adds the declared fields of one indicator.
func declTargetGroup(sec *editSection, path, what string, n int, t evaluation.Target, at func(ev *evaluation.Evaluation) *evaluation.Target) {
	legend := fmt.Sprintf("指标 %d", n)
	if t.Name != "" {
		legend += "：" + strings.TrimSpace(t.Code+" "+t.Name)
	}
	name := fmt.Sprintf("%s第 %d 项", what, n)
	if t.Name != "" {
		name = fmt.Sprintf("%s“%s”", what, t.Name)
	}
	g := sec.group(path, legend, "")
	g.Remove = "remove." + path
	g.add(editTextField(ekText, path+".code", "指标编码", name+"指标编码", t.Code,
		func(ev *evaluation.Evaluation, s string) { at(ev).Code = s }))
	g.add(declChoice(ekChoiceReq, path+".category", "一级指标", name+"一级指标", t.Category, categoryOptions,
		func(ev *evaluation.Evaluation, s string) { at(ev).Category = s }))
	g.add(declChoice(ekChoice, path+".subcategory", "二级指标", name+"二级指标", t.Subcategory, subOptions,
		func(ev *evaluation.Evaluation, s string) { at(ev).Subcategory = s }))
	g.add(editTextField(ekText, path+".name", "三级指标（指标名称）", name+"指标名称", t.Name,
		func(ev *evaluation.Evaluation, s string) { at(ev).Name = s }))
	g.add(declChoice(ekChoiceReq, path+".direction", "指标性质", name+"指标性质", t.Direction, directionOptions,
		func(ev *evaluation.Evaluation, s string) { at(ev).Direction = s }))
	g.add(editTextField(ekText, path+".target", "指标值", name+"指标值", t.Target,
		func(ev *evaluation.Evaluation, s string) { at(ev).Target = s }))
	g.add(editTextField(ekText, path+".unit", "度量单位", name+"度量单位", t.Unit,
		func(ev *evaluation.Evaluation, s string) { at(ev).Unit = s }))
	g.add(declChoice(ekChoice, path+".basis", "取值依据", name+"取值依据", t.Basis, basisOptions,
		func(ev *evaluation.Evaluation, s string) { at(ev).Basis = s }))
	var q [4]string
	if t.Milestones != nil {
		q = t.Milestones.Quarters()
	}
	for i, part := range []struct {
		key, label string
		set        func(m *evaluation.Milestones, s string)
	}{
		{"q1", "一季度节点值", func(m *evaluation.Milestones, s string) { m.Q1 = s }},
		{"q2", "二季度节点值", func(m *evaluation.Milestones, s string) { m.Q2 = s }},
		{"q3", "三季度节点值", func(m *evaluation.Milestones, s string) { m.Q3 = s }},
		{"q4", "四季度节点值", func(m *evaluation.Milestones, s string) { m.Q4 = s }},
	} {
		g.add(editTextField(ekText, path+".milestones."+part.key, part.label, name+part.label, q[i],
			func(ev *evaluation.Evaluation, s string) {
				t := at(ev)
				if t.Milestones == nil {
					t.Milestones = &evaluation.Milestones{}
				}
				part.set(t.Milestones, s)
			}))
	}
	g.add(editTextField(ekText, path+".remark", "备注", name+"备注", t.Remark,
		func(ev *evaluation.Evaluation, s string) { at(ev).Remark = s }))
}

// buildDeclarationForm lays out the declaration form for ev, which holds
// the rows to show (the stored ones and any blank ones added).
func buildDeclarationForm(ev *evaluation.Evaluation) ([]*editSection, []editHidden) {
	dept := &editSection{ID: "declaration", Title: "部门整体支出绩效目标申报",
		Note: "金额可填元或万元（如 27,537,760.00 或 2753.78万元）。年终的实际完成值在“开始年终自评”后填写。"}
	d := ev.Declaration
	if d == nil {
		d = &evaluation.Declaration{}
	}
	g := dept.group("declaration", "目标与资金", "")
	g.add(editTextField(ekParagraph, "overall_goal", "年度总体目标", "年度总体目标", ev.OverallGoal,
		func(ev *evaluation.Evaluation, s string) { ev.OverallGoal = s }))
	g.add(editTextField(ekParagraph, "declaration.long_term_goal", "中长期目标", "中长期目标", d.LongTermGoal,
		func(ev *evaluation.Evaluation, s string) { declaration(ev).LongTermGoal = s }))
	g.add(declMoney(ekMoney, "finance.budget.initial", "年度资金总额（年初预算数）", "年度资金总额（年初预算数）", fenInput(ev.Finance.Budget.Initial),
		func(ev *evaluation.Evaluation, v *money.Fen) { ev.Finance.Budget.Initial = *v }))
	g.add(declMoney(ekMoneyOpt, "declaration.basic", "其中：基本支出（选填）", "年度资金中的基本支出", fenPtrInput(d.Basic),
		func(ev *evaluation.Evaluation, v *money.Fen) { declaration(ev).Basic = v }))
	g.add(declMoney(ekMoneyOpt, "declaration.project", "其中：项目支出（选填）", "年度资金中的项目支出", fenPtrInput(d.Project),
		func(ev *evaluation.Evaluation, v *money.Fen) { declaration(ev).Project = v }))
	g = dept.group("declaration.funds", "年度资金构成（选填）", "四项合计应等于年度资金总额；全部留空表示不填报资金构成。")
	addFundsFields(g, "declaration.funds", "年度资金构成：", d.Funds, func(ev *evaluation.Evaluation) **evaluation.Funds { return &declaration(ev).Funds })

	targets := &editSection{ID: "targets", Title: "部门整体绩效目标",
		Note: "定量指标（≥、≤、=）须填指标值和度量单位；季度节点值为截至各季度末的累计值。勾选“删除”的指标在保存时删除。"}
	for i, t := range ev.Targets {
		declTargetGroup(targets, fmt.Sprintf("targets[%d]", i), "绩效目标", i+1, t,
			func(ev *evaluation.Evaluation) *evaluation.Target { return &ev.Targets[i] })
	}
	targets.Adds = []editAdd{{"targets", "添加绩效目标"}}
	sections := []*editSection{dept, targets}
	hidden := []editHidden{{"rows.targets", strconv.Itoa(len(ev.Targets))}, {"rows.projects", strconv.Itoa(len(ev.Projects))}}

	for i, p := range ev.Projects {
		pp := fmt.Sprintf("projects[%d]", i)
		title := fmt.Sprintf("项目 %d", i+1)
		name := fmt.Sprintf("第 %d 个项目", i+1)
		if p.Name != "" {
			title += "：" + p.Name
			name = "项目“" + p.Name + "”"
		}
		sec := &editSection{ID: editFieldID("", pp), Title: title}
		at := func(ev *evaluation.Evaluation) *evaluation.Project { return &ev.Projects[i] }
		g := sec.group(pp, fmt.Sprintf("项目 %d 基本信息", i+1), "")
		g.Remove = "remove." + pp
		g.add(editTextField(ekText, pp+".name", "项目名称", name+"项目名称", p.Name,
			func(ev *evaluation.Evaluation, s string) { at(ev).Name = s }))
		g.add(editTextField(ekText, pp+".code", "项目编码", name+"项目编码", p.Code,
			func(ev *evaluation.Evaluation, s string) { at(ev).Code = s }))
		g.add(declChoice(ekChoice, pp+".kind", "项目属性", name+"项目属性", p.Kind, kindOptions,
			func(ev *evaluation.Evaluation, s string) { at(ev).Kind = s }))
		g.add(editTextField(ekText, pp+".supervisor", "主管部门", name+"主管部门", p.Supervisor,
			func(ev *evaluation.Evaluation, s string) { at(ev).Supervisor = s }))
		g.add(editTextField(ekText, pp+".unit", "实施单位", name+"实施单位", p.Unit,
			func(ev *evaluation.Evaluation, s string) { at(ev).Unit = s }))
		g.add(editTextField(ekText, pp+".manager", "项目负责人", name+"项目负责人", p.Manager,
			func(ev *evaluation.Evaluation, s string) { at(ev).Manager = s }))
		var start, end civil.Date
		if p.Period != nil {
			start, end = p.Period.Start, p.Period.End
		}
		period := func(ev *evaluation.Evaluation) *evaluation.Period {
			if at(ev).Period == nil {
				at(ev).Period = &evaluation.Period{}
			}
			return at(ev).Period
		}
		g.add(declDate(pp+".period.start", "项目开始日期", name+"项目开始日期", start,
			func(ev *evaluation.Evaluation, d civil.Date) { period(ev).Start = d }))
		g.add(declDate(pp+".period.end", "项目结束日期", name+"项目结束日期", end,
			func(ev *evaluation.Evaluation, d civil.Date) { period(ev).End = d }))
		g.add(declMoney(ekMoney, pp+".initial", "年度资金总额（年初预算数）", name+"年度资金总额", fenInput(p.Initial),
			func(ev *evaluation.Evaluation, v *money.Fen) { at(ev).Initial = *v }))
		g.add(declMoney(ekMoneyOpt, pp+".period_total", "项目总资金（选填）", name+"项目总资金", fenPtrInput(p.PeriodTotal),
			func(ev *evaluation.Evaluation, v *money.Fen) { at(ev).PeriodTotal = v }))
		g.add(editTextField(ekParagraph, pp+".overview", "项目概况", name+"项目概况", p.Overview,
			func(ev *evaluation.Evaluation, s string) { at(ev).Overview = s }))
		g.add(editTextField(ekParagraph, pp+".basis", "立项依据", name+"立项依据", p.Basis,
			func(ev *evaluation.Evaluation, s string) { at(ev).Basis = s }))
		g.add(editTextField(ekParagraph, pp+".long_term_goal", "长期目标", name+"长期目标", p.LongTermGoal,
			func(ev *evaluation.Evaluation, s string) { at(ev).LongTermGoal = s }))
		g.add(editTextField(ekParagraph, pp+".goal", "年度目标", name+"年度目标", p.Goal,
			func(ev *evaluation.Evaluation, s string) { at(ev).Goal = s }))
		fg := sec.group(pp+".funds", "年度资金构成（选填）", "四项合计应等于年度资金总额；全部留空表示不填报资金构成。")
		addFundsFields(fg, pp+".funds", name+"资金构成：", p.Funds, func(ev *evaluation.Evaluation) **evaluation.Funds { return &at(ev).Funds })
		for j, t := range p.Targets {
			declTargetGroup(sec, fmt.Sprintf("%s.targets[%d]", pp, j), name+"绩效指标", j+1, t,
				func(ev *evaluation.Evaluation) *evaluation.Target { return &ev.Projects[i].Targets[j] })
		}
		sec.Adds = []editAdd{{pp + ".targets", "为本项目添加绩效指标"}}
		hidden = append(hidden, editHidden{"rows." + pp + ".targets", strconv.Itoa(len(p.Targets))})
		sections = append(sections, sec)
	}
	sections = append(sections, &editSection{ID: "new-project", Title: "添加项目",
		Note: "添加后填写项目的申报信息和绩效指标；勾选“删除”的项目连同其指标在保存时删除。",
		Adds: []editAdd{{"projects", "添加项目"}}})
	return sections, hidden
}

// removed is the set of row paths a posted form marks for removal.
func removedRows(form url.Values) map[string]bool {
	out := map[string]bool{}
	for k, vs := range form {
		if path, ok := strings.CutPrefix(k, "remove."); ok && len(vs) > 0 && vs[0] != "" {
			out[path] = true
		}
	}
	return out
}

// declMap maps the paths of the data with rows removed back to the rows
// of the form.
type declMap struct {
	targets, projects []int   // new index → form index
	projTargets       [][]int // per new project index
}

// declRemove takes the rows marked removed out of ev and says where the
// rows left were on the form. It also drops milestones and periods left
// entirely empty.
func declRemove(ev *evaluation.Evaluation, removed map[string]bool) declMap {
	var m declMap
	var ts []evaluation.Target
	for i, t := range ev.Targets {
		if !removed[fmt.Sprintf("targets[%d]", i)] {
			ts, m.targets = append(ts, t), append(m.targets, i)
		}
	}
	ev.Targets = ts
	var ps []evaluation.Project
	for i, p := range ev.Projects {
		pp := fmt.Sprintf("projects[%d]", i)
		if removed[pp] {
			continue
		}
		var pts []evaluation.Target
		var idx []int
		for j, t := range p.Targets {
			if !removed[fmt.Sprintf("%s.targets[%d]", pp, j)] {
				pts, idx = append(pts, t), append(idx, j)
			}
		}
		p.Targets = pts
		if p.Period != nil && p.Period.Start.IsZero() && p.Period.End.IsZero() {
			p.Period = nil
		}
		ps, m.projects, m.projTargets = append(ps, p), append(m.projects, i), append(m.projTargets, idx)
	}
	ev.Projects = ps
	clearMilestones(ev.Targets)
	for i := range ev.Projects {
		clearMilestones(ev.Projects[i].Targets)
	}
	return m
}

func clearMilestones(ts []evaluation.Target) {
	for i := range ts {
		if m := ts[i].Milestones; m != nil && *m == (evaluation.Milestones{}) {
			ts[i].Milestones = nil
		}
	}
}

var rowPath = regexp.MustCompile(`^(targets|projects)\[(\d+)\](\.targets\[(\d+)\])?`)

// form maps a data path of the data with rows removed to the form's.
func (m declMap) form(path string) string {
	g := rowPath.FindStringSubmatchIndex(path)
	if g == nil {
		return path
	}
	i, _ := strconv.Atoi(path[g[4]:g[5]])
	list := path[g[2]:g[3]]
	if list == "targets" {
		if i < len(m.targets) {
			return fmt.Sprintf("targets[%d]", m.targets[i]) + path[g[1]:]
		}
		return path
	}
	if i >= len(m.projects) {
		return path
	}
	out := fmt.Sprintf("projects[%d]", m.projects[i])
	if g[8] >= 0 {
		j, _ := strconv.Atoi(path[g[8]:g[9]])
		if j < len(m.projTargets[i]) {
			j = m.projTargets[i][j]
		}
		out += fmt.Sprintf(".targets[%d]", j)
	}
	return out + path[g[1]:]
}

// declarationOptions are the pipeline's options for a declaration just
// changed: errors refuse the save, and the target-quality checks run, so
// that their findings show beside the fields as the editor types.
func declarationOptions() assess.Options {
	opts := changeOptions()
	opts.Quality = datafile.DefaultQuality()
	return opts
}

// readDeclaration reads a posted declaration form (its version already
// checked) the one way the save, the add buttons and the preview do: the
// rows shown, the fields applied, the rows marked removed taken out, the
// reason, the assessment pipeline for the year's stage with the quality
// checks, every finding on the field of the form it is about.
func readDeclaration(r *http.Request, sc *scored, version int) (*editSubmission, error) {
	form := r.PostForm
	ev, err := cloneEvaluation(sc.rec.Evaluation)
	if err != nil {
		return nil, err
	}
	shape := postedShape(ev, form)
	before := shapeOf(ev)
	shape.extend(ev)
	lists := registerLists()
	view := postedView(lists, ev, form)
	p := newDeclarationPage(sc, ev, lists, view)
	p.useUnit(form.Get("unit"))
	removed := removedRows(form)
	p.markRemoved(removed) // a project removed takes its indicators with it
	p.apply(form, ev)
	m := declRemove(ev, removed)
	rm := removeListRows(lists, ev, removed)
	dropEmptyRegisters(ev)
	adding := form.Get("add") != ""
	p.Reason = form.Get("reason")
	reason, problem := readChangeReason(p.Reason)
	if problem != "" && !adding {
		p.ReasonError = problem
		p.Errors = append(p.Errors, editProblem{"修改原因：" + problem, "edit-reason"})
	}
	for _, d := range sc.rescore(ev, declarationOptions()).Findings {
		d.Path = rm.form(m.form(d.Path))
		p.attach(d)
	}
	p.keepMaster(ev, sc.rec.Master())
	if adding {
		p.quietNewRows(before, view)
	}
	return &editSubmission{page: p, ev: ev, version: version, reason: reason, adding: adding}, nil
}

// quietNewRows drops the errors of rows not stored yet (quietRows): of
// targets and projects beyond the stored shape, and of the lists v shows.
func (p *editPage) quietNewRows(stored declShape, v rowsView) {
	isNew := func(path string) bool {
		g := rowPath.FindStringSubmatch(path)
		if g == nil {
			return v.newRow(path)
		}
		i, _ := strconv.Atoi(g[2])
		if g[1] == "targets" {
			return i >= stored.targets
		}
		if i >= stored.projects {
			return true
		}
		if g[4] != "" {
			j, _ := strconv.Atoi(g[4])
			return j >= stored.projTargets[i]
		}
		return false
	}
	p.quietRows(isNew)
}
