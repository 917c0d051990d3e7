package monitor

import (
	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// Checkpoint is what a department reports at a monitoring checkpoint
// (绩效目标执行监控, e.g. January–July reported in August): for each
// declared indicator, its progress to date and the outlook for the year,
// and for each project the spending expected for the whole year. It is
// the data of a monitoring_reports row; the figures of the payment
// ledger are computed, never entered.
type Checkpoint struct {
	Month int `json:"month"`
	// Targets are the department's own indicators (部门整体); Projects
	// the projects', by project code.
	Targets  []Progress        `json:"targets,omitempty"`
	Projects []ProjectProgress `json:"projects,omitempty"`
}

// ProjectProgress is one project's part of a checkpoint report.
type ProjectProgress struct {
	Code string `json:"code"`
	// Expected is the spending expected for the whole year (全年预计执行数)
	// as the department states it; nil when not entered.
	Expected   *money.Fen `json:"expected,omitempty"`
	Indicators []Progress `json:"indicators,omitempty"`
}

// Progress is one indicator's row of the monitoring table.
type Progress struct {
	Code string `json:"code"`
	// ToDate is the progress to the checkpoint's month end (1–M月执行情况)
	// and Expected the value expected at the year's end (全年预计完成情况):
	// numbers for quantitative indicators, words for qualitative ones.
	ToDate   string `json:"to_date,omitempty"`
	Expected string `json:"expected,omitempty"`
	// Causes of a deviation (偏差原因), any of Causes' keys.
	Causes []string `json:"causes,omitempty"`
	// Likelihood of reaching the target (完成目标可能性), one of
	// Likelihoods' keys; Explanation (原因说明) says why.
	Likelihood  string `json:"likelihood,omitempty"`
	Explanation string `json:"explanation,omitempty"`
	// Measures are the corrective measures (纠偏措施); Remark (备注).
	Measures string `json:"measures,omitempty"`
	Remark   string `json:"remark,omitempty"`
}

// Deviation causes, as the 项目支出绩效目标执行监控表 of 财预〔2019〕136号
// lists them (经费保障、制度保障、人员保障、硬件条件保障、其他).
const (
	CauseFunds    = "funds"
	CauseRules    = "rules"
	CauseStaff    = "staff"
	CauseHardware = "hardware"
	CauseOther    = "other"
)

// CauseOrder lists the causes in the order the form prints them.
var CauseOrder = []string{CauseFunds, CauseRules, CauseStaff, CauseHardware, CauseOther}

// Causes names the causes.
var Causes = map[string]string{
	CauseFunds: "经费保障", CauseRules: "制度保障", CauseStaff: "人员保障", CauseHardware: "硬件条件保障", CauseOther: "其他",
}

// Likelihoods of reaching the target.
const (
	Certain    = "certain"
	Possible   = "possible"
	Impossible = "impossible"
)

// LikelihoodOrder lists the likelihoods in the order the form offers them.
var LikelihoodOrder = []string{Certain, Possible, Impossible}

// Likelihoods names the likelihoods.
var Likelihoods = map[string]string{Certain: "确定能", Possible: "有可能", Impossible: "完全不可能"}

// MilestoneQuarter is the quarter whose milestone is due by the end of
// month: the last quarter ended on or before it (July: the second
// quarter, end of June), 0 before the first quarter ends. A milestone is
// cumulative to its quarter's end, so progress at the end of July is held
// to June's milestone, not to September's.
func MilestoneQuarter(month int) int { return month / 3 }

// QuarterNames names quarters 1–4.
var QuarterNames = [5]string{"", "第一季度", "第二季度", "第三季度", "第四季度"}

// Milestone returns the milestone of t due by the end of month, and the
// quarter it belongs to; "" when none is declared for that quarter.
func Milestone(t evaluation.Target, month int) (string, int) {
	q := MilestoneQuarter(month)
	if q < 1 || q > 4 || t.Milestones == nil {
		return "", q
	}
	return strings.TrimSpace(t.Milestones.Quarters()[q-1]), q
}

// Row is one declared indicator with its entry, as the form and the table
// list them.
type Row struct {
	// Project is the project's code; "" for a department indicator.
	Project string
	Target  evaluation.Target
	// Milestone is the declared milestone due by the checkpoint (see
	// MilestoneQuarter) and Quarter its quarter; Milestone "" for none.
	Milestone string
	Quarter   int
	Entry     Progress
	// Path is the row's field path in the checkpoint's data, for findings.
	Path string
	// Behind: the progress to date is behind the milestone.
	Behind bool
}

// Rows pairs every declared indicator with a code of ev with its entry in
// c (an empty entry when there is none), department indicators first,
// then each coded project's in order.
func Rows(ev *evaluation.Evaluation, c *Checkpoint) []Row {
	var out []Row
	add := func(project string, targets []evaluation.Target, entries []Progress, path string) {
		for _, t := range targets {
			if t.Code == "" {
				continue
			}
			r := Row{Project: project, Target: t, Path: path + "[]"}
			r.Milestone, r.Quarter = Milestone(t, c.Month)
			for i, e := range entries {
				if e.Code == t.Code {
					r.Entry, r.Path = e, fmt.Sprintf("%s[%d]", path, i)
					break
				}
			}
			r.Behind = behind(t.Direction, r.Entry.ToDate, r.Milestone)
			out = append(out, r)
		}
	}
	add("", ev.Targets, c.Targets, "targets")
	for _, p := range ev.Projects {
		if p.Code == "" {
			continue
		}
		var entries []Progress
		path := "projects[]"
		if i := c.project(p.Code); i >= 0 {
			entries, path = c.Projects[i].Indicators, fmt.Sprintf("projects[%d].indicators", i)
		}
		add(p.Code, p.Targets, entries, path)
	}
	return out
}

// project returns the index of the project with code in c, or -1.
func (c *Checkpoint) project(code string) int {
	for i, p := range c.Projects {
		if p.Code == code {
			return i
		}
	}
	return -1
}

// ProjectEntry returns the entry of the project with code, if any.
func (c *Checkpoint) ProjectEntry(code string) (ProjectProgress, bool) {
	if i := c.project(code); i >= 0 {
		return c.Projects[i], true
	}
	return ProjectProgress{}, false
}

// behind says whether progress to date falls short of a milestone: below
// it for ≥ and = indicators (milestones are cumulative), above it for ≤
// indicators. Values that are not numbers are not compared.
func behind(direction, toDate, milestone string) bool {
	if milestone == "" || strings.TrimSpace(toDate) == "" || direction == framework.Qualitative {
		return false
	}
	v, err1 := num.ParseDecimal(strings.TrimSpace(toDate))
	m, err2 := num.ParseDecimal(milestone)
	if err1 != nil || err2 != nil {
		return false
	}
	if direction == framework.AtMost {
		return v.Cmp(m) > 0
	}
	return v.Cmp(m) < 0
}

// misses says whether an expected year-end value falls short of the
// target value, by the indicator's direction; false when either is not a
// number.
func misses(direction, expected, target string) bool {
	if direction == framework.Qualitative || strings.TrimSpace(expected) == "" {
		return false
	}
	v, err1 := num.ParseDecimal(strings.TrimSpace(expected))
	t, err2 := num.ParseDecimal(strings.TrimSpace(target))
	if err1 != nil || err2 != nil {
		return false
	}
	switch direction {
	case framework.AtMost:
		return v.Cmp(t) > 0
	case framework.Equal:
		return v.Cmp(t) != 0
	}
	return v.Cmp(t) < 0
}

// ValidateCheckpoint checks a checkpoint report against the declared
// targets of ev, every problem at once, in Chinese. With complete set (a
// submission), every declared indicator must have its progress, expected
// value and likelihood, and every project its expected spending (E235); a
// draft may be saved with gaps. Paths are those of the checkpoint's data.
func ValidateCheckpoint(ev *evaluation.Evaluation, c *Checkpoint, complete bool) diag.List {
	var ds diag.List
	if c.Month < 1 || c.Month > 12 {
		ds.Add(diag.CheckpointMonth, "month", "监控月份 %d 无效：应为 1 至 12", c.Month)
		return ds
	}
	projects := map[string]*evaluation.Project{}
	for i := range ev.Projects {
		if p := &ev.Projects[i]; p.Code != "" {
			projects[p.Code] = p
		}
	}
	checkEntries(&ds, "targets", "部门整体", ev.Targets, c.Targets)
	seen := map[string]bool{}
	for i, pp := range c.Projects {
		path := fmt.Sprintf("projects[%d]", i)
		p := projects[pp.Code]
		switch {
		case p == nil:
			ds.Add(diag.CheckpointUnknown, path+".code", "项目编码“%s”不是本年度申报的项目", pp.Code)
			continue
		case seen[pp.Code]:
			ds.Add(diag.CheckpointUnknown, path+".code", "项目“%s”（编码 %s）填报了两次", p.Name, pp.Code)
			continue
		}
		seen[pp.Code] = true
		if pp.Expected != nil {
			if *pp.Expected < 0 {
				ds.Add(diag.CheckpointSpending, path+".expected", "项目“%s”全年预计执行数 %s 元不能为负数", p.Name, pp.Expected.YuanText())
			} else if p.Initial > 0 && *pp.Expected > p.Initial {
				ds.Add(diag.CheckpointOverBudget, path+".expected", "项目“%s”全年预计执行数 %s 元超过年初预算数 %s 元，请核实或说明预算调整", p.Name, pp.Expected.YuanText(), p.Initial.YuanText())
			}
		}
		checkEntries(&ds, path+".indicators", "项目“"+p.Name+"”", p.Targets, pp.Indicators)
	}
	for _, r := range Rows(ev, c) {
		checkRow(&ds, r, c.Month, complete)
	}
	if complete {
		for i := range ev.Projects {
			p := &ev.Projects[i]
			if p.Code == "" {
				continue
			}
			if e, ok := c.ProjectEntry(p.Code); !ok || e.Expected == nil {
				ds.Add(diag.CheckpointIncomplete, "projects[]", "项目“%s”（编码 %s）未填写全年预计执行数", p.Name, p.Code)
			}
		}
	}
	return ds
}

// checkEntries refuses entries for indicators the scope did not declare,
// and entries given twice.
func checkEntries(ds *diag.List, path, scope string, targets []evaluation.Target, entries []Progress) {
	declared := map[string]bool{}
	for _, t := range targets {
		if t.Code != "" {
			declared[t.Code] = true
		}
	}
	seen := map[string]bool{}
	for i, e := range entries {
		p := fmt.Sprintf("%s[%d].code", path, i)
		switch {
		case !declared[e.Code]:
			ds.Add(diag.CheckpointUnknown, p, "%s没有编码为“%s”的申报指标", scope, e.Code)
		case seen[e.Code]:
			ds.Add(diag.CheckpointUnknown, p, "%s的指标“%s”填报了两次", scope, e.Code)
		}
		seen[e.Code] = true
	}
}

// checkRow checks one declared indicator's entry.
func checkRow(ds *diag.List, r Row, month int, complete bool) {
	t, e := r.Target, r.Entry
	name := fmt.Sprintf("指标“%s”", t.Name)
	if r.Project != "" {
		name = fmt.Sprintf("项目 %s 的指标“%s”", r.Project, t.Name)
	}
	quantitative := t.Direction != framework.Qualitative
	for _, f := range []struct{ field, label, v string }{{"to_date", fmt.Sprintf("1—%d月执行情况", month), e.ToDate}, {"expected", "全年预计完成情况", e.Expected}} {
		v := strings.TrimSpace(f.v)
		if v == "" {
			if complete {
				ds.Add(diag.CheckpointIncomplete, r.Path+"."+f.field, "%s未填写%s", name, f.label)
			}
			continue
		}
		if quantitative {
			if _, err := num.ParseDecimal(v); err != nil {
				ds.Add(diag.CheckpointNotNumber, r.Path+"."+f.field, "%s的%s应为数值（度量单位 %s），实际为 %q", name, f.label, orDash(t.Unit), v)
			}
		}
	}
	for i, c := range e.Causes {
		if Causes[c] == "" {
			ds.Add(diag.CheckpointChoice, fmt.Sprintf("%s.causes[%d]", r.Path, i), "%s的偏差原因 %q 无效：应为经费保障、制度保障、人员保障、硬件条件保障或其他", name, c)
		}
	}
	if e.Likelihood != "" && Likelihoods[e.Likelihood] == "" {
		ds.Add(diag.CheckpointChoice, r.Path+".likelihood", "%s的完成可能性 %q 无效：应为确定能、有可能或完全不可能", name, e.Likelihood)
	}
	if e.Likelihood == "" && complete {
		ds.Add(diag.CheckpointIncomplete, r.Path+".likelihood", "%s未选择完成目标可能性", name)
	}
	if r.Behind {
		ds.Add(diag.CheckpointMilestone, r.Path+".to_date", "%s截至%d月末执行情况 %s 未达到%s末节点值 %s", name, month, strings.TrimSpace(e.ToDate), QuarterNames[r.Quarter], r.Milestone)
	}
	doubt := e.Likelihood == Possible || e.Likelihood == Impossible
	if doubt || r.Behind {
		why := "完成可能性为“" + Likelihoods[e.Likelihood] + "”"
		if !doubt {
			why = "未达到" + QuarterNames[r.Quarter] + "节点值"
		}
		if len(e.Causes) == 0 {
			ds.Add(diag.CheckpointNoCause, r.Path+".causes", "%s%s，请选择偏差原因", name, why)
		}
		if strings.TrimSpace(e.Explanation) == "" {
			ds.Add(diag.CheckpointNoCause, r.Path+".explanation", "%s%s，请填写原因说明", name, why)
		}
	}
	if e.Likelihood == Certain && misses(t.Direction, e.Expected, t.Target) {
		ds.Add(diag.CheckpointContradicts, r.Path+".likelihood", "%s全年预计完成 %s，未达到年度指标值 %s%s，与“确定能”完成不符", name, strings.TrimSpace(e.Expected), t.Target, t.Unit)
	}
	for _, c := range e.Causes {
		if c == CauseOther && strings.TrimSpace(e.Explanation) == "" && !doubt && !r.Behind {
			ds.Add(diag.CheckpointOtherCause, r.Path+".explanation", "%s选择了“其他”偏差原因，请在原因说明中写明", name)
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// Choice is one option of a form: the stored key and its name.
type Choice struct{ Key, Name string }

// CauseChoices lists the deviation causes in form order.
func CauseChoices() []Choice { return choices(CauseOrder, Causes) }

// LikelihoodChoices lists the likelihoods in form order.
func LikelihoodChoices() []Choice { return choices(LikelihoodOrder, Likelihoods) }

func choices(order []string, names map[string]string) []Choice {
	out := make([]Choice, len(order))
	for i, k := range order {
		out[i] = Choice{k, names[k]}
	}
	return out
}
