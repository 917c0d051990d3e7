package exante

import (
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/scoring"
)

// Frameworks finds a framework by id; datafile.Library is one.
type Frameworks interface {
	Framework(id string) (*framework.Framework, bool)
}

// Options are what the edge knows beyond the record.
type Options struct {
	// Thresholds are the configured amounts; zero means
	// DefaultThresholds.
	Thresholds Thresholds
	// ReadErrors says the reader found errors: the record is checked but
	// not scored.
	ReadErrors bool
}

// Assessment is a checked and, when it has no errors, scored record.
type Assessment struct {
	Evaluation *Evaluation
	Framework  *framework.Framework
	// Result is the score tree with traces; nil when the record has
	// errors. Its Grade is the conclusion's Chinese name.
	Result *scoring.ProjectResult
	// Scored is the conclusion the score gives; Conclusion is the
	// record's: the one the assessor states, or else Scored. Both are
	// codes (framework.ConclusionSupport, …) and empty without a result.
	Scored, Conclusion string
	// Requirement is whether the proposal needs an ex-ante evaluation and
	// who assesses it, under Thresholds.
	Requirement Requirement
	Thresholds  Thresholds
	Findings    diag.List
}

// Assess is the one pipeline of an ex-ante record: validate it, look up
// its framework, check the entries against it, score, conclude, and say
// whether the proposal needed the evaluation and whether the right body
// assessed it. Every problem is in Findings.
func Assess(ev *Evaluation, fws Frameworks, o Options) *Assessment {
	th := o.Thresholds
	if th == (Thresholds{}) {
		th = DefaultThresholds
	}
	a := &Assessment{Evaluation: ev, Thresholds: th}
	ds := ev.Validate()
	id := ev.FrameworkID()
	fw, ok := fws.Framework(id)
	switch {
	case !ok:
		ds.Add(diag.UnknownRef, "framework", "未找到事前绩效评估指标框架 %q", id)
	case fw.Scope != framework.ScopeExante:
		ds.Add(diag.BadChoice, "framework", "框架 %s 用于%s，不能用于事前绩效评估", fw.ID, framework.ScopeName(fw.Scope))
	default:
		a.Framework = fw
		ds = append(ds, evaluation.CheckInputs(ev.Scores, fw, "scores.")...)
	}
	if ev.Project.Amount > 0 && KindNames[ev.Project.Kind] != "" {
		a.Requirement = th.Need(ev.Project.Kind, ev.Project.Amount)
		switch r := a.Requirement; {
		case !r.Needed:
			ds.Add(diag.ExanteNotNeeded, "project.amount", "%s；本记录仍按框架评分", r.Reason)
		case r.Assessor == AssessorFinance && ev.Assessor == AssessorDepartment:
			ds.Add(diag.ExanteAssessor, "assessor", "评估主体为预算部门，但%s", r.Reason)
		}
	}
	if o.ReadErrors || ds.Err() != nil || a.Framework == nil {
		a.Findings = ds
		return a
	}
	res, sds := scoring.ScoreInputs(a.Framework, ev.Scores)
	ds = append(ds, sds...)
	if sds.Err() == nil {
		a.Result = res
		a.Scored = framework.ConclusionCode(res.Grade)
		a.Conclusion = a.Scored
		if ev.Conclusion != "" && ev.Conclusion != a.Scored {
			stated, scored := framework.ConclusionName(ev.Conclusion), res.Grade
			if strings.TrimSpace(ev.ConclusionReason) == "" {
				ds.Add(diag.ConclusionNoReason, "conclusion_reason", "评估结论填为“%s”，与综合得分 %s 分对应的“%s”不同，需在 conclusion_reason 中说明理由", stated, res.Total, scored)
			} else {
				ds.Add(diag.ConclusionStated, "conclusion", "评估结论填为“%s”，与综合得分 %s 分对应的“%s”不同，理由：%s", stated, res.Total, scored, ev.ConclusionReason)
				a.Conclusion = ev.Conclusion
			}
		}
	}
	a.Findings = ds
	return a
}

// Validate checks what must hold for the record to be scored and
// reported: required fields present, choices valid, texts by the rule of
// their kind. It returns every problem found.
func (e *Evaluation) Validate() diag.List {
	var ds diag.List
	req := func(path, value, what string) {
		if strings.TrimSpace(value) == "" {
			ds.Add(diag.Missing, path, "缺少%s", what)
		}
	}
	if e.Year < 2000 || e.Year > 2100 {
		ds.Add(diag.BadValue, "year", "预算年度应为 2000 至 2100 之间的整数，实际为 %d", e.Year)
	}
	req("department.code", e.Department.Code, "申报部门的预算单位编码")
	req("department.name", e.Department.Name, "申报部门名称")
	req("project.code", e.Project.Code, "项目编码")
	req("project.name", e.Project.Name, "项目名称")
	switch k := e.Project.Kind; {
	case k == "":
		ds.Add(diag.Missing, "project.kind", "缺少评估对象类型（new 新增项目或 policy 新出台政策）")
	case k != KindNew && k != KindPolicy:
		ds.Add(diag.BadChoice, "project.kind", "评估对象类型应为 new（新增项目）或 policy（新出台政策），实际为 %q", k)
	}
	switch {
	case e.Project.Amount == 0:
		ds.Add(diag.Missing, "project.amount", "缺少申请预算金额")
	case e.Project.Amount < 0:
		ds.Add(diag.BadValue, "project.amount", "申请预算金额不能为负数")
	}
	switch a := e.Assessor; {
	case a == "":
		ds.Add(diag.Missing, "assessor", "缺少评估主体（department 预算部门或 finance 财政部门）")
	case AssessorNames[a] == "":
		ds.Add(diag.BadChoice, "assessor", "评估主体应为 department（预算部门）或 finance（财政部门），实际为 %q", a)
	}
	req("evaluator", e.Evaluator, "评估单位（报告落款）")
	if e.Date.IsZero() {
		ds.Add(diag.Missing, "date", "缺少评估报告日期")
	}
	if len(e.Scores) == 0 {
		ds.Add(diag.Missing, "scores", "缺少评分")
	}
	if e.Conclusion != "" && framework.ConclusionName(e.Conclusion) == "" {
		ds.Add(diag.BadChoice, "conclusion", "评估结论应为 support（予以支持）、support_adjusted（调整后予以支持）或 reject（不予支持），实际为 %q", e.Conclusion)
	}
	for _, p := range []struct{ path, what, text string }{
		{"report.subject", "评估对象基本情况", e.Report.Subject},
		{"report.work", "评估工作开展情况", e.Report.Work},
		{"report.assessment", "综合评估情况", e.Report.Assessment},
		{"report.suggestions", "相关建议", e.Report.Suggestions},
	} {
		if strings.TrimSpace(p.text) == "" {
			ds.Add(diag.NarrativeAbsent, p.path, "评估报告“%s”部分为空，请由评估人撰写", p.what)
		}
	}
	ds = append(ds, evaluation.ValidateInputs(e.Scores, "scores")...)
	return append(ds, e.checkTexts()...)
}

func (e *Evaluation) checkTexts() diag.List {
	var ds diag.List
	check := func(path, what string, kind evaluation.TextKind, s string) {
		msg := evaluation.CheckText(kind, s)
		if msg == "" {
			return
		}
		code := diag.BadText
		if strings.HasPrefix(msg, "过长") {
			code = diag.TextTooLong
		}
		ds.Add(code, path, "%s%s", what, msg)
	}
	check("framework", "框架编号", evaluation.TextCode, e.Framework)
	check("department.code", "预算单位编码", evaluation.TextCode, e.Department.Code)
	check("department.name", "部门名称", evaluation.TextName, e.Department.Name)
	check("project.code", "项目编码", evaluation.TextCode, e.Project.Code)
	check("project.name", "项目名称", evaluation.TextName, e.Project.Name)
	check("project.unit", "实施单位", evaluation.TextName, e.Project.Unit)
	check("project.period", "实施周期", evaluation.TextLine, e.Project.Period)
	check("evaluator", "评估单位", evaluation.TextName, e.Evaluator)
	check("conclusion_reason", "结论调整理由", evaluation.TextParagraph, e.ConclusionReason)
	check("report.subject", "评估对象基本情况", evaluation.TextParagraph, e.Report.Subject)
	check("report.work", "评估工作开展情况", evaluation.TextParagraph, e.Report.Work)
	check("report.assessment", "综合评估情况", evaluation.TextParagraph, e.Report.Assessment)
	check("report.suggestions", "相关建议", evaluation.TextParagraph, e.Report.Suggestions)
	check("report.other", "其他需要说明的问题", evaluation.TextParagraph, e.Report.Other)
	check("illustrative", "示例说明", evaluation.TextParagraph, e.Illustrative)
	return ds
}
