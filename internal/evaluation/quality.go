package evaluation

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/workflow"
)

// QualityRules are the target-quality checks (绩效目标质量审核) a finance
// bureau applies to declared targets: which indicators every project
// needs, what a quantitative indicator must state, which targets are too
// safe to mean anything, and that cost indicators fit the budget. They
// are data: the edges read them from a rules file (rules/quality-*.yaml),
// where each check cites its source or says it is a default, and pass
// them to the assessment pipeline. The zero value checks nothing.
type QualityRules struct {
	ID      string `yaml:"id" json:"id"`
	Name    string `yaml:"name" json:"name"`
	Version string `yaml:"version" json:"version"`
	// Outputs: every project has output indicators (产出指标) of each of
	// these level-2 classes (W190).
	Outputs struct {
		QualityRule `yaml:",inline"`
		Required    []string `yaml:"required" json:"required"`
	} `yaml:"outputs" json:"outputs"`
	// Effects: every project has at least Min effect indicators (效益指标)
	// (W191).
	Effects struct {
		QualityRule `yaml:",inline"`
		Min         int `yaml:"min" json:"min"`
	} `yaml:"effects" json:"effects"`
	// Satisfaction: a project with an indicator of one of the When classes
	// serves people, so it needs a satisfaction indicator (满意度指标)
	// (W192).
	Satisfaction struct {
		QualityRule `yaml:",inline"`
		When        []string `yaml:"when" json:"when"`
	} `yaml:"satisfaction" json:"satisfaction"`
	// Quantitative: a quantitative indicator states its unit (度量单位)
	// and its value (指标值) (W193).
	Quantitative struct {
		QualityRule `yaml:",inline"`
	} `yaml:"quantitative" json:"quantitative"`
	// Trivial: targets that cannot fail say nothing (W194): "≥0" when
	// ZeroFloor, and a project whose every quantitative indicator is
	// "=100%" when AllHundred.
	Trivial struct {
		QualityRule `yaml:",inline"`
		ZeroFloor   bool `yaml:"zero_floor" json:"zero_floor"`
		AllHundred  bool `yaml:"all_hundred" json:"all_hundred"`
	} `yaml:"trivial" json:"trivial"`
	// Cost: a cost indicator (成本指标) stated in money does not exceed
	// the project's initial budget (年初预算数) (W195). Units maps the units
	// counted as money to their size in yuan (元: 1, 万元: 10000).
	Cost struct {
		QualityRule `yaml:",inline"`
		Units       map[string]int64 `yaml:"units" json:"units"`
	} `yaml:"cost" json:"cost"`
	// Milestones: before the evaluation stage, every quantitative
	// indicator of a project states its quarterly milestones (季度节点值),
	// which the monitoring checkpoints compare progress with (W196).
	Milestones struct {
		QualityRule `yaml:",inline"`
	} `yaml:"milestones" json:"milestones"`
	// BelowPrior: a "≥" target below what the same indicator achieved the
	// year before, with no remark (备注) saying why, lowers the bar
	// (W197). Needs last year's actual values (Cycle.PriorActuals).
	BelowPrior struct {
		QualityRule `yaml:",inline"`
	} `yaml:"below_prior" json:"below_prior"`
}

// QualityRule is what every check of the rules file states: whether it
// runs, where it comes from, and whether it is a default rather than a
// published rule.
type QualityRule struct {
	Enabled bool   `yaml:"enabled" json:"enabled"`
	Source  string `yaml:"source" json:"source"`
	Default bool   `yaml:"default" json:"default"`
}

// Validate checks the rules file's values.
func (q *QualityRules) Validate() diag.List {
	var ds diag.List
	if strings.TrimSpace(q.ID) == "" {
		ds.Add(diag.Missing, "id", "缺少规则编号")
	}
	outputs := subcategories[framework.CategoryOutput]
	for i, s := range q.Outputs.Required {
		if !slices.Contains(outputs, s) {
			ds.Add(diag.BadChoice, fmt.Sprintf("outputs.required[%d]", i), "产出指标的二级指标应为 %s 之一，实际为 %q", strings.Join(outputs, "、"), s)
		}
	}
	if q.Effects.Min < 0 {
		ds.Add(diag.BadValue, "effects.min", "效益指标个数不能为负数")
	}
	var all []string
	for _, c := range []string{framework.CategoryOutput, framework.CategoryEffect, framework.CategorySatisfaction} {
		all = append(all, subcategories[c]...)
	}
	for i, s := range q.Satisfaction.When {
		if !slices.Contains(all, s) {
			ds.Add(diag.BadChoice, fmt.Sprintf("satisfaction.when[%d]", i), "二级指标 %q 不存在", s)
		}
	}
	for u, n := range q.Cost.Units {
		if n <= 0 || n > 1_0000_0000 {
			ds.Add(diag.BadValue, "cost.units."+u, "金额单位 %s 折合元数应在 1 至 1 亿之间", u)
		}
	}
	for _, r := range []struct {
		path string
		rule QualityRule
	}{
		{"outputs", q.Outputs.QualityRule}, {"effects", q.Effects.QualityRule}, {"satisfaction", q.Satisfaction.QualityRule},
		{"quantitative", q.Quantitative.QualityRule}, {"trivial", q.Trivial.QualityRule}, {"cost", q.Cost.QualityRule},
		{"milestones", q.Milestones.QualityRule}, {"below_prior", q.BelowPrior.QualityRule},
	} {
		if r.rule.Enabled && strings.TrimSpace(r.rule.Source) == "" {
			ds.Add(diag.Missing, r.path+".source", "每项检查须注明依据（文件名称及条款），没有公开规定的须注明为默认设置")
		}
	}
	return ds
}

// Quality checks the declared targets against the rules: the department's
// overall targets for what a quantitative indicator must state, and each
// project's indicator set as a whole. Every finding is a warning naming
// the project or indicator and the rule; a default rule says it is one.
// It checks a year at year end without the records beside it; QualityIn
// checks a year in its stage with them.
func (e *Evaluation) Quality(q *QualityRules) diag.List {
	return e.QualityIn(q, workflow.Evaluation, nil)
}

// QualityIn is Quality for a year in a stage, with the records a store
// keeps beside it (c, nil for a plain file): quarterly milestones are
// asked for before the evaluation stage (W196), and targets are compared
// with last year's actual values when c has them (W197).
func (e *Evaluation) QualityIn(q *QualityRules, stage string, c *Cycle) diag.List {
	if q == nil {
		return nil
	}
	var ds diag.List
	ds = append(ds, q.indicators(e.Targets, "targets")...)
	ds = append(ds, q.belowPrior(e.Targets, "targets", "", c)...)
	beforeYearEnd := stage == workflow.Declaration || stage == workflow.Execution
	for i := range e.Projects {
		p := &e.Projects[i]
		path := fmt.Sprintf("projects[%d]", i)
		ds = append(ds, q.project(p, path)...)
		ds = append(ds, q.indicators(p.Targets, path+".targets")...)
		if beforeYearEnd {
			ds = append(ds, q.milestones(p, path)...)
		}
		if p.Code != "" {
			ds = append(ds, q.belowPrior(p.Targets, path+".targets", p.Code, c)...)
		}
	}
	return ds
}

// milestones asks for the quarterly milestones of a project's
// quantitative indicators (W196).
func (q *QualityRules) milestones(p *Project, path string) diag.List {
	r := q.Milestones
	if !r.Enabled {
		return nil
	}
	var ds diag.List
	for i, t := range p.Targets {
		if !quantitative(t) {
			continue
		}
		if m := t.Milestones; m == nil || (m.Q1 == "" && m.Q2 == "" && m.Q3 == "" && m.Q4 == "") {
			ds.Add(diag.QualityMilestones, fmt.Sprintf("%s.targets[%d].milestones", path, i), "项目“%s”的定量指标“%s”未设季度节点值，执行监控时无从比较进度%s", p.Name, t.Name, ruleNote(r.QualityRule))
		}
	}
	return ds
}

// belowPrior finds "≥" targets below last year's actual value of the same
// indicator (by code, else by name) that no remark explains (W197).
func (q *QualityRules) belowPrior(ts []Target, path, project string, c *Cycle) diag.List {
	r := q.BelowPrior
	if !r.Enabled || c == nil || len(c.PriorActuals) == 0 {
		return nil
	}
	var ds diag.List
	for i, t := range ts {
		if t.Direction != framework.AtLeast || strings.TrimSpace(t.Remark) != "" {
			continue
		}
		prior, ok := c.PriorActual(project, t.Code, t.Name)
		if !ok {
			continue
		}
		v, err := num.ParseDecimal(t.Target)
		if err != nil {
			continue
		}
		pv, err := num.ParseDecimal(prior)
		if err != nil {
			continue
		}
		if v.Rat().Cmp(pv.Rat()) < 0 {
			ds.Add(diag.QualityBelowPrior, fmt.Sprintf("%s[%d].target", path, i), "指标“%s”的指标值 ≥%s%s 低于上年实际完成值 %s%s，请提高指标值或在备注中说明原因%s", t.Name, t.Target, t.Unit, prior, t.Unit, ruleNote(r.QualityRule))
		}
	}
	return ds
}

// ruleNote is how a finding names a default rule.
func ruleNote(r QualityRule) string {
	if r.Default {
		return "（默认审核规则，可按本地规定调整）"
	}
	return ""
}

func (q *QualityRules) project(p *Project, path string) diag.List {
	var ds diag.List
	has := map[string]int{}
	for _, t := range p.Targets {
		has[t.Category]++
		has[t.Category+"/"+t.Subcategory]++
	}
	name := p.Name
	if r := q.Outputs; r.Enabled {
		var missing []string
		for _, s := range r.Required {
			if has[framework.CategoryOutput+"/"+s] == 0 {
				missing = append(missing, s)
			}
		}
		if len(missing) > 0 {
			ds.Add(diag.QualityOutputs, path+".targets", "项目“%s”缺少产出指标中的%s%s", name, strings.Join(missing, "、"), ruleNote(r.QualityRule))
		}
	}
	if r := q.Effects; r.Enabled && has[framework.CategoryEffect] < r.Min {
		ds.Add(diag.QualityEffects, path+".targets", "项目“%s”的效益指标有 %d 个，应至少设置 %d 个%s", name, has[framework.CategoryEffect], r.Min, ruleNote(r.QualityRule))
	}
	if r := q.Satisfaction; r.Enabled && has[framework.CategorySatisfaction] == 0 {
		for _, s := range r.When {
			if has[framework.CategoryEffect+"/"+s] > 0 || has[framework.CategoryOutput+"/"+s] > 0 {
				ds.Add(diag.QualitySatisfaction, path+".targets", "项目“%s”设有%s，面向服务对象，应设置服务对象满意度指标%s", name, s, ruleNote(r.QualityRule))
				break
			}
		}
	}
	if r := q.Trivial; r.Enabled && r.AllHundred {
		n, hundred := 0, 0
		for _, t := range p.Targets {
			if !quantitative(t) {
				continue
			}
			n++
			if t.Direction == framework.Equal && t.Unit == "%" && isNumber(t.Target, 100) {
				hundred++
			}
		}
		if n >= 2 && hundred == n {
			ds.Add(diag.QualityTrivial, path+".targets", "项目“%s”的定量指标全部为“=100%%”，无法反映实际完成程度，请按计划、行业或历史标准设置指标值%s", name, ruleNote(r.QualityRule))
		}
	}
	if r := q.Cost; r.Enabled && p.Initial > 0 {
		for i, t := range p.Targets {
			yuan, ok := r.Units[t.Unit]
			if t.Subcategory != "成本指标" || !ok || !quantitative(t) {
				continue
			}
			v, err := num.ParseDecimal(t.Target)
			if err != nil {
				continue
			}
			// The target in fen: value × yuan per unit × 100.
			fen := new(big.Rat).Mul(v.Rat(), big.NewRat(yuan*100, 1))
			if fen.Cmp(new(big.Rat).SetInt64(int64(p.Initial))) > 0 {
				ds.Add(diag.QualityCost, fmt.Sprintf("%s.targets[%d].target", path, i), "成本指标“%s”的指标值 %s%s 超过项目年初预算 %s 万元，成本指标应与预算一致%s", t.Name, t.Target, t.Unit, p.Initial.Wan(), ruleNote(r.QualityRule))
			}
		}
	}
	return ds
}

// indicators checks each quantitative indicator on its own.
func (q *QualityRules) indicators(ts []Target, path string) diag.List {
	var ds diag.List
	for i, t := range ts {
		if !quantitative(t) {
			continue
		}
		p := fmt.Sprintf("%s[%d]", path, i)
		if r := q.Quantitative; r.Enabled {
			if strings.TrimSpace(t.Unit) == "" {
				ds.Add(diag.QualityQuantitative, p+".unit", "定量指标“%s”缺少度量单位%s", t.Name, ruleNote(r.QualityRule))
			}
			if strings.TrimSpace(t.Target) == "" {
				ds.Add(diag.QualityQuantitative, p+".target", "定量指标“%s”缺少指标值%s", t.Name, ruleNote(r.QualityRule))
			}
		}
		if r := q.Trivial; r.Enabled && r.ZeroFloor && t.Direction == framework.AtLeast && isNumber(t.Target, 0) {
			ds.Add(diag.QualityTrivial, p+".target", "指标“%s”的指标值为“≥0”，任何结果都能达到，不能反映绩效%s", t.Name, ruleNote(r.QualityRule))
		}
	}
	return ds
}

func quantitative(t Target) bool {
	switch t.Direction {
	case framework.AtLeast, framework.AtMost, framework.Equal:
		return true
	}
	return false
}

// isNumber reports whether s is the number n.
func isNumber(s string, n int64) bool {
	d, err := num.ParseDecimal(s)
	return err == nil && d.Rat().Cmp(big.NewRat(n, 1)) == 0
}
