package monitor

import (
	"fmt"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// WarningRules say which execution warnings (预警) a monitoring line
// raises: levels from the most severe down, each with the condition that
// raises it and how the finance bureau handles it, and the lines exempt
// from warnings. They are data: the edges read them from a rules file
// (rules/warnings-*.yaml), versioned like frameworks, and no national
// thresholds being published, the file says which values are defaults.
type WarningRules struct {
	ID      string `yaml:"id" json:"id"`
	Name    string `yaml:"name" json:"name"`
	Version string `yaml:"version" json:"version"`
	// Source cites where the levels and thresholds come from; Default
	// says they are defaults, not a published rule.
	Source  string `yaml:"source" json:"source"`
	Default bool   `yaml:"default" json:"default"`
	// Levels, most severe first: a line takes the first whose condition
	// holds.
	Levels []WarningLevel `yaml:"levels" json:"levels"`
	// Exempt lines raise no warning (a small budget, say); nil exempts
	// none.
	Exempt *Condition `yaml:"exempt,omitempty" json:"exempt,omitempty"`
}

// WarningLevel is one level of warning.
type WarningLevel struct {
	Code string `yaml:"code" json:"code"` // red, orange, …
	Name string `yaml:"name" json:"name"` // 红色
	// Handling is what the finance bureau does: 提示, 预警 or 暂缓拨款
	// (recorded, never enforced on the treasury).
	Handling string    `yaml:"handling" json:"handling"`
	When     Condition `yaml:"when" json:"when"`
}

// Handlings are the handlings a level may name.
var Handlings = []string{"提示", "预警", "暂缓拨款"}

// Condition is a test on a monitoring line: exactly one of its fields is
// set. All and Any combine conditions; the others compare a figure of the
// month monitored.
type Condition struct {
	All []Condition `yaml:"all,omitempty" json:"all,omitempty"`
	Any []Condition `yaml:"any,omitempty" json:"any,omitempty"`
	// GapOver: behind time progress by more than this many points.
	GapOver *num.Points `yaml:"gap_over,omitempty" json:"gap_over,omitempty"`
	// ProjectedBelow: the projected year-end rate is below this percent.
	ProjectedBelow *num.Points `yaml:"projected_below,omitempty" json:"projected_below,omitempty"`
	// BudgetAtLeast / BudgetBelow: the budget in force, in money.
	BudgetAtLeast *money.Fen `yaml:"budget_at_least,omitempty" json:"budget_at_least,omitempty"`
	BudgetBelow   *money.Fen `yaml:"budget_below,omitempty" json:"budget_below,omitempty"`
	// Scope: the line is the department's whole (department) or a
	// project's (project).
	Scope string `yaml:"scope,omitempty" json:"scope,omitempty"`
	// ProjectKind: the line is a project of one of these kinds
	// (evaluation.ProjectKinds: new 新增, continuing 延续).
	ProjectKind []string `yaml:"project_kind,omitempty" json:"project_kind,omitempty"`
}

// Scopes a condition may name.
const (
	ScopeDepartment = "department"
	ScopeProject    = "project"
)

// holds reports whether c holds for line l in month m (which has a rate).
func (c *Condition) holds(l *Line, m Month) bool {
	switch {
	case c.All != nil:
		for i := range c.All {
			if !c.All[i].holds(l, m) {
				return false
			}
		}
		return true
	case c.Any != nil:
		return slices.ContainsFunc(c.Any, func(d Condition) bool { return d.holds(l, m) })
	case c.Scope != "":
		return (c.Scope == ScopeProject) == (l.Code != "")
	case c.ProjectKind != nil:
		return l.Code != "" && slices.Contains(c.ProjectKind, l.Kind)
	case c.GapOver != nil:
		return m.Gap > Rate(*c.GapOver)
	case c.ProjectedBelow != nil:
		return m.Projection.Rate < Rate(*c.ProjectedBelow)
	case c.BudgetAtLeast != nil:
		return m.Adjusted >= *c.BudgetAtLeast
	case c.BudgetBelow != nil:
		return m.Adjusted < *c.BudgetBelow
	}
	return false
}

// Words says the condition as a warning's explanation does: "落后超过 20
// 个百分点", "预算 50.00 万元以上且预计全年执行率低于 80%".
func (c *Condition) Words() string {
	join := func(cs []Condition, sep string) string {
		parts := make([]string, len(cs))
		for i := range cs {
			parts[i] = cs[i].Words()
			if len(cs[i].All) > 1 || len(cs[i].Any) > 1 {
				parts[i] = "（" + parts[i] + "）"
			}
		}
		return strings.Join(parts, sep)
	}
	switch {
	case c.All != nil:
		return join(c.All, "且")
	case c.Any != nil:
		return join(c.Any, "或")
	case c.GapOver != nil:
		return fmt.Sprintf("落后超过 %s 个百分点", c.GapOver)
	case c.ProjectedBelow != nil:
		return fmt.Sprintf("预计全年执行率低于 %s%%", c.ProjectedBelow)
	case c.BudgetAtLeast != nil:
		return fmt.Sprintf("预算 %s 万元以上", c.BudgetAtLeast.Wan())
	case c.BudgetBelow != nil:
		return fmt.Sprintf("预算不足 %s 万元", c.BudgetBelow.Wan())
	case c.Scope == ScopeDepartment:
		return "部门整体"
	case c.Scope == ScopeProject:
		return "项目"
	case c.ProjectKind != nil:
		names := make([]string, len(c.ProjectKind))
		for i, k := range c.ProjectKind {
			names[i] = evaluation.ProjectKinds[k]
		}
		return strings.Join(names, "或") + "项目"
	}
	return ""
}

// validate names what is wrong with c at path.
func (c *Condition) validate(ds *diag.List, path string) {
	set := 0
	for _, on := range []bool{c.All != nil, c.Any != nil, c.GapOver != nil, c.ProjectedBelow != nil, c.BudgetAtLeast != nil, c.BudgetBelow != nil, c.Scope != "", c.ProjectKind != nil} {
		if on {
			set++
		}
	}
	if set != 1 {
		ds.Add(diag.BadRule, path, "每个条件须且只须写一项：all、any、gap_over、projected_below、budget_at_least、budget_below、scope 或 project_kind（实际 %d 项）", set)
		return
	}
	if c.Scope != "" && c.Scope != ScopeDepartment && c.Scope != ScopeProject {
		ds.Add(diag.BadChoice, path+".scope", "范围 %q 无效：应为 department（部门整体）或 project（项目）", c.Scope)
	}
	if c.ProjectKind != nil && len(c.ProjectKind) == 0 {
		ds.Add(diag.BadRule, path+".project_kind", "project_kind 下至少要有一个项目属性")
	}
	for i, k := range c.ProjectKind {
		if evaluation.ProjectKinds[k] == "" {
			ds.Add(diag.BadChoice, fmt.Sprintf("%s.project_kind[%d]", path, i), "项目属性 %q 无效：应为 new（新增）或 continuing（延续）", k)
		}
	}
	for _, list := range []struct {
		name string
		cs   []Condition
	}{{"all", c.All}, {"any", c.Any}} {
		if list.cs != nil && len(list.cs) == 0 {
			ds.Add(diag.BadRule, path+"."+list.name, "%s 下至少要有一个条件", list.name)
		}
		for i := range list.cs {
			list.cs[i].validate(ds, fmt.Sprintf("%s.%s[%d]", path, list.name, i))
		}
	}
	for _, p := range []struct {
		name string
		v    *num.Points
	}{{"gap_over", c.GapOver}, {"projected_below", c.ProjectedBelow}} {
		if p.v != nil && (*p.v < 0 || *p.v > num.Points(Full)) {
			ds.Add(diag.BadValue, path+"."+p.name, "百分点或百分比应在 0 至 100 之间，实际为 %s", p.v)
		}
	}
	for _, p := range []struct {
		name string
		v    *money.Fen
	}{{"budget_at_least", c.BudgetAtLeast}, {"budget_below", c.BudgetBelow}} {
		if p.v != nil && *p.v < 0 {
			ds.Add(diag.BadValue, path+"."+p.name, "金额不能为负数")
		}
	}
}

// Validate checks a rules file: an id, a source, at least one level, each
// with a unique code, a name, a known handling and a well-formed condition.
func (w *WarningRules) Validate() diag.List {
	var ds diag.List
	if strings.TrimSpace(w.ID) == "" {
		ds.Add(diag.Missing, "id", "缺少规则编号")
	}
	if strings.TrimSpace(w.Source) == "" {
		ds.Add(diag.Missing, "source", "须注明依据；没有公开规定的，注明为默认设置并写 default: true")
	}
	if len(w.Levels) == 0 {
		ds.Add(diag.Missing, "levels", "至少要有一个预警等级")
	}
	seen := map[string]int{}
	for i := range w.Levels {
		l := &w.Levels[i]
		p := fmt.Sprintf("levels[%d]", i)
		if strings.TrimSpace(l.Code) == "" {
			ds.Add(diag.Missing, p+".code", "缺少预警等级编码")
		} else if j, dup := seen[l.Code]; dup {
			ds.Add(diag.Duplicate, p+".code", "预警等级编码 %s 与 levels[%d] 重复", l.Code, j)
		} else {
			seen[l.Code] = i
		}
		if strings.TrimSpace(l.Name) == "" {
			ds.Add(diag.Missing, p+".name", "缺少预警等级名称")
		}
		if !slices.Contains(Handlings, l.Handling) {
			ds.Add(diag.BadChoice, p+".handling", "处理方式应为 %s 之一，实际为 %q", strings.Join(Handlings, "、"), l.Handling)
		}
		l.When.validate(&ds, p+".when")
	}
	if w.Exempt != nil {
		w.Exempt.validate(&ds, "exempt")
	}
	return ds
}

// Warning is a warning a monitoring line raises, explained in one
// sentence with its numbers.
type Warning struct {
	Level    string // the level's code
	Name     string // 红色
	Handling string
	// Sentence: "截至7月末执行 31.20%，序时进度 58.33%，落后 27.13 个百分点
	// （红色：落后超过 20 个百分点）".
	Sentence string
}

// Warn returns the warning line raises at its month monitored, or nil:
// none when the line has no budget, is exempt, or meets no level.
func (w *WarningRules) Warn(l Line) *Warning {
	if w == nil || len(l.Months) == 0 {
		return nil
	}
	m := l.Last()
	if !m.HasRate || (w.Exempt != nil && w.Exempt.holds(&l, m)) {
		return nil
	}
	for i := range w.Levels {
		lv := &w.Levels[i]
		if lv.When.holds(&l, m) {
			return &Warning{Level: lv.Code, Name: lv.Name, Handling: lv.Handling,
				Sentence: fmt.Sprintf("%s（%s：%s）", l.Sentence(), lv.Name, lv.When.Words())}
		}
	}
	return nil
}
