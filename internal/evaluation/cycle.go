package evaluation

import (
	"github.com/jixiao/jixiao/internal/civil"

	"fmt"
	"strings"

	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
)

// Cycle are the facts about a stored department-year that its document
// does not hold: the records kept beside it (docs/cycle.md §8). The store
// builds it; the assessment pipeline reads it. A plain data file has none
// (nil), and every item decided from these records then stays as typed.
type Cycle struct {
	// Exante are the year's ex-ante evaluation records (事前绩效评估), by
	// project code.
	Exante map[string]ExanteRecord
	// ExanteFrom is the amount from which a new project needs an ex-ante
	// evaluation (the department threshold of the ex-ante rules file);
	// ExanteFinanceFrom the amount from which the finance bureau assesses
	// it. ExanteDefault says they are the rules file's defaults, not a
	// published local rule.
	ExanteFrom, ExanteFinanceFrom money.Fen
	ExanteDefault                 bool
	// PriorActuals are last year's actual values (实际完成值) of the
	// indicators of the year this one was opened from, by PriorKey; nil
	// when there is no such year. The target-quality checks compare
	// declared targets with them (W197).
	PriorActuals map[string]string
	// Monitoring is the year's in-year monitoring as kept by the store:
	// its checkpoint reports and warnings. Nil when the year did not run
	// its execution stage here (imported at year end): there is nothing
	// to judge monitoring by.
	Monitoring *Monitoring
	// Rectification are the rectification items (整改事项) of the
	// department's earlier years: every item of the year before, and the
	// items of older years not yet closed. Nil when no earlier year has
	// any: the results-application item then stays as typed, and there is
	// nothing to report or warn about.
	Rectification *Rectification
}

// Monitoring is what the monitoring item of 绩效管理 is decided from.
type Monitoring struct {
	Checkpoints []CheckpointRecord
	Warnings    []WarningRecord
}

// CheckpointRecord is one checkpoint report (绩效监控报告) of the year.
type CheckpointRecord struct {
	Month int
	// Accepted says the finance bureau accepted it; Status names where it
	// stands otherwise, in words.
	Accepted bool
	Status   string
	// Due is the date it was due; Submitted the date it was first
	// submitted (zero: never).
	Due, Submitted civil.Date
}

// Late says the report was submitted after it was due.
func (r CheckpointRecord) Late() bool {
	return !r.Submitted.IsZero() && !r.Due.IsZero() && r.Due.Before(r.Submitted)
}

// WarningRecord is one execution warning (预警) of the year.
type WarningRecord struct {
	ID          int64
	Month       int
	ProjectCode string // "" for the department as a whole
	Level       string // the level's name (红色, …)
	// Handled says the finance bureau passed or dismissed it, or it
	// cleared; State names its state in words.
	Handled bool
	State   string
}

// PriorKey names an indicator across years: its project's code ("" for
// the department's own targets) and its code, or its name when it has
// none. PriorActualsOf keys every indicator both ways.
func PriorKey(project, code, name string) string {
	if code != "" {
		return project + "/" + code
	}
	return project + "/\x00" + name
}

// PriorActualsOf gathers the actual values of a year's indicators by
// PriorKey, by code and by name: the department's targets and those of
// every coded project. Look one up with PriorActual.
func PriorActualsOf(prev *Evaluation) map[string]string {
	out := map[string]string{}
	add := func(project string, ts []Target) {
		for _, t := range ts {
			if strings.TrimSpace(t.Actual) != "" {
				// By code and by name: a year opened from one whose
				// indicators had no codes gives them codes.
				if t.Code != "" {
					out[PriorKey(project, t.Code, "")] = t.Actual
				}
				out[PriorKey(project, "", t.Name)] = t.Actual
			}
		}
	}
	add("", prev.Targets)
	for _, p := range prev.Projects {
		if p.Code != "" {
			add(p.Code, p.Targets)
		}
	}
	return out
}

// ExanteRecord is what the assessment needs of one stored ex-ante
// evaluation.
type ExanteRecord struct {
	ID   int64
	Name string
	// Concluded says the conclusion was given (status concluded);
	// Conclusion is then framework.ConclusionSupport, ConclusionAdjusted or
	// ConclusionReject, and Total the score.
	Concluded  bool
	Conclusion string
	Total      string
}

// Supported reports whether the record lets its project into the budget:
// concluded 予以支持 or 调整后予以支持.
func (r ExanteRecord) Supported() bool {
	return r.Concluded && (r.Conclusion == framework.ConclusionSupport || r.Conclusion == framework.ConclusionAdjusted)
}

// Describe names the record for a trace: "事前绩效评估 #3（予以支持，86.00 分）".
func (r ExanteRecord) Describe() string {
	if !r.Concluded {
		return fmt.Sprintf("事前绩效评估 #%d（尚未出具结论）", r.ID)
	}
	return fmt.Sprintf("事前绩效评估 #%d（%s，%s 分）", r.ID, framework.ConclusionName(r.Conclusion), r.Total)
}

// ExanteNeed is one project of the year that needs an ex-ante evaluation:
// a new project (新增) whose initial budget reaches the threshold.
type ExanteNeed struct {
	// Index is the project's position in Evaluation.Projects.
	Index   int
	Project *Project
	// Finance says the finance bureau assesses it (amount at or above
	// ExanteFinanceFrom); otherwise the department does.
	Finance bool
	// Record is the project's ex-ante evaluation, if one is stored.
	Record *ExanteRecord
}

// Met reports whether the project has the supported evaluation it needs.
func (n ExanteNeed) Met() bool { return n.Record != nil && n.Record.Supported() }

// Problem says in Chinese what is missing, or "" when the need is met.
func (n ExanteNeed) Problem() string {
	p := n.Project
	code := p.Code
	if strings.TrimSpace(code) == "" {
		code = "未填项目编码"
	}
	head := fmt.Sprintf("新增项目“%s”（%s）年初预算 %s 万元", p.Name, code, p.Initial.WanShort())
	switch r := n.Record; {
	case r == nil:
		return head + "，未开展事前绩效评估"
	case !r.Concluded:
		return head + "，" + r.Describe()
	case !r.Supported():
		return head + "，" + r.Describe() + "，不能纳入预算"
	}
	return ""
}

// ExanteNeeds lists the projects of ev that need an ex-ante evaluation
// under c's thresholds, each with its record; none when c is nil or sets
// no threshold.
func (c *Cycle) ExanteNeeds(ev *Evaluation) []ExanteNeed {
	if c == nil || c.ExanteFrom <= 0 {
		return nil
	}
	var out []ExanteNeed
	for i := range ev.Projects {
		p := &ev.Projects[i]
		if p.Kind != ProjectNew || p.Initial < c.ExanteFrom {
			continue
		}
		n := ExanteNeed{Index: i, Project: p, Finance: c.ExanteFinanceFrom > 0 && p.Initial >= c.ExanteFinanceFrom}
		if r, ok := c.Exante[p.Code]; ok && p.Code != "" {
			n.Record = &r
		}
		out = append(out, n)
	}
	return out
}

// ExanteRule says the threshold in words, for a trace: "新增项目年初预算达到
// 100 万元（默认标准，各地规定不同）".
func (c *Cycle) ExanteRule() string {
	s := fmt.Sprintf("新增项目年初预算达到 %s 万元", c.ExanteFrom.WanShort())
	if c.ExanteDefault {
		s += "（默认标准，各地规定不同）"
	}
	return s
}

// PriorActual is last year's actual value of an indicator: by its code,
// else by its name.
func (c *Cycle) PriorActual(project, code, name string) (string, bool) {
	if c == nil {
		return "", false
	}
	if code != "" {
		if v, ok := c.PriorActuals[PriorKey(project, code, "")]; ok {
			return v, true
		}
	}
	v, ok := c.PriorActuals[PriorKey(project, "", name)]
	return v, ok
}
