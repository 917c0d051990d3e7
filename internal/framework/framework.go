// Package framework defines indicator frameworks (评价指标体系): a tree of
// indicators with points, the rule that scores each leaf, and the grade
// bands. Frameworks are data: they are written as files, decoded by an edge
// package, and validated here before any scoring.
package framework

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/num"
)

// Scope says what a framework scores.
const (
	ScopeDepartment = "department" // 部门整体支出
	ScopeProject    = "project"    // 项目支出
	// ScopeExante frameworks score an ex-ante evaluation (事前绩效评估) of
	// a proposed project or policy; their grades are the conclusions.
	ScopeExante = "exante"
)

// Scopes lists every scope with its Chinese name.
var Scopes = []struct{ Code, Name string }{
	{ScopeDepartment, "部门整体支出"},
	{ScopeProject, "项目支出"},
	{ScopeExante, "事前绩效评估"},
}

// ScopeName is the Chinese name of a scope, or the scope itself when it is
// not one.
func ScopeName(scope string) string {
	for _, s := range Scopes {
		if s.Code == scope {
			return s.Name
		}
	}
	return scope
}

// Framework is one version of an indicator framework.
type Framework struct {
	ID          string   `yaml:"id" json:"id"`
	Name        string   `yaml:"name" json:"name"`
	Version     string   `yaml:"version" json:"version"`
	Scope       string   `yaml:"scope" json:"scope"`
	Description string   `yaml:"description,omitempty" json:"description,omitempty"`
	Sources     []string `yaml:"sources,omitempty" json:"sources,omitempty"`
	// Total is the points of the whole framework, normally 100.
	Total num.Points `yaml:"total" json:"total"`
	// Grades are the grade bands, best first. Empty means DefaultGrades.
	Grades     []Grade      `yaml:"grades,omitempty" json:"grades,omitempty"`
	Indicators []*Indicator `yaml:"indicators" json:"indicators"`
	// Origin is where the framework came from ("built-in" or a file path)
	// and Source the file's bytes; both are set by the loader, so that a
	// store can keep the exact version an evaluation was scored with.
	Origin string `yaml:"-" json:"-"`
	Source []byte `yaml:"-" json:"-"`
}

// Grade is a band: scores at or above Min (and below the next band's Min)
// get Name.
type Grade struct {
	Name string     `yaml:"name" json:"name"`
	Min  num.Points `yaml:"min" json:"min"`
	// Default marks a threshold that is the framework's own default
	// rather than one a source fixes.
	Default bool `yaml:"default,omitempty" json:"default,omitempty"`
}

// DefaultGrades are the Ministry of Finance bands: 优 90-100, 良 80-89,
// 中 60-79, 差 0-59 (《项目支出绩效评价管理办法》财预〔2020〕10号, 第二十六条).
var DefaultGrades = []Grade{
	{Name: "优", Min: num.Whole(90)},
	{Name: "良", Min: num.Whole(80)},
	{Name: "中", Min: num.Whole(60)},
	{Name: "差", Min: 0},
}

// Indicator is a node of the framework tree: a group with children, or a
// leaf with a rule.
type Indicator struct {
	Code   string     `yaml:"code" json:"code"`
	Name   string     `yaml:"name" json:"name"`
	Points num.Points `yaml:"points" json:"points"`
	// Definition (指标解释) says what the indicator measures.
	Definition string `yaml:"definition,omitempty" json:"definition,omitempty"`
	// Standard (评分标准) says how it is scored, in words.
	Standard string `yaml:"standard,omitempty" json:"standard,omitempty"`
	// Source cites the rule's legal or official basis.
	Source string `yaml:"source,omitempty" json:"source,omitempty"`
	// Required indicators may not be marked not applicable.
	Required bool `yaml:"required,omitempty" json:"required,omitempty"`
	// Default marks points that are the framework's own default rather
	// than points a source fixes.
	Default bool `yaml:"default,omitempty" json:"default,omitempty"`
	// RedistributeTo names the sibling codes that receive this
	// indicator's points when it does not apply; empty means all
	// applicable siblings, in proportion to their points.
	RedistributeTo []string     `yaml:"redistribute_to,omitempty" json:"redistribute_to,omitempty"`
	Rule           *Rule        `yaml:"rule,omitempty" json:"rule,omitempty"`
	Children       []*Indicator `yaml:"children,omitempty" json:"children,omitempty"`
}

// Leaf reports whether the indicator is scored by its own rule.
func (in *Indicator) Leaf() bool { return len(in.Children) == 0 }

// Grade returns the band for a score.
func (f *Framework) Grade(score num.Points) string {
	for _, g := range f.GradeBands() {
		if score >= g.Min {
			return g.Name
		}
	}
	return ""
}

// GradeBands returns the framework's bands, or the default ones.
func (f *Framework) GradeBands() []Grade {
	if len(f.Grades) > 0 {
		return f.Grades
	}
	return DefaultGrades
}

// Walk calls fn for every indicator, parents before children, with its depth
// (top level is 1).
func (f *Framework) Walk(fn func(in *Indicator, depth int)) {
	var walk func([]*Indicator, int)
	walk = func(ins []*Indicator, depth int) {
		for _, in := range ins {
			fn(in, depth)
			walk(in.Children, depth+1)
		}
	}
	walk(f.Indicators, 1)
}

// Find returns the indicator with the code, or nil.
func (f *Framework) Find(code string) *Indicator {
	var found *Indicator
	f.Walk(func(in *Indicator, _ int) {
		if in.Code == code && found == nil {
			found = in
		}
	})
	return found
}

// WithPoints returns a copy of the framework in which the indicators named
// in points carry new points, as a bureau configures a split the framework
// leaves open (such as 履职效能's output, effect and spending parts). The
// copy must still validate: parts must still add up to their parent.
func (f *Framework) WithPoints(points map[string]num.Points) (*Framework, error) {
	g := *f
	var errs diag.List
	seen := map[string]bool{}
	var clone func([]*Indicator) []*Indicator
	clone = func(ins []*Indicator) []*Indicator {
		out := make([]*Indicator, len(ins))
		for i, in := range ins {
			c := *in
			if p, ok := points[in.Code]; ok {
				c.Points = p
				seen[in.Code] = true
			}
			c.Children = clone(in.Children)
			out[i] = &c
		}
		return out
	}
	g.Indicators = clone(f.Indicators)
	codes := make([]string, 0, len(points))
	for code := range points {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		if !seen[code] {
			errs.Add(diag.UnknownRef, "weights."+code, "框架 %s 中没有指标 %s", f.ID, code)
		}
	}
	errs = append(errs, g.Validate()...)
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return &g, nil
}

// Validate checks the whole framework and returns every problem: ids and
// codes present and unique, points adding up at every level, every leaf
// with a rule whose parameters are present and sensible, no rule on a
// group, grade bands in order.
func (f *Framework) Validate() diag.List {
	var ps diag.List
	if f.ID == "" {
		ps.Add(diag.Missing, "id", "缺少框架编号")
	} else if strings.ContainsAny(f.ID, " /\\\t") {
		ps.Add(diag.BadValue, "id", "框架编号 %q 不能含空格或斜杠", f.ID)
	}
	if f.Name == "" {
		ps.Add(diag.Missing, "name", "缺少框架名称")
	}
	if f.Version == "" {
		ps.Add(diag.Missing, "version", "缺少版本号")
	}
	if f.Scope != ScopeDepartment && f.Scope != ScopeProject && f.Scope != ScopeExante {
		ps.Add(diag.BadChoice, "scope", "适用范围应为 %s、%s 或 %s，实际为 %q", ScopeDepartment, ScopeProject, ScopeExante, f.Scope)
	}
	if f.Total <= 0 {
		ps.Add(diag.BadValue, "total", "总分应大于 0")
	}
	for i, g := range f.Grades {
		p := fmt.Sprintf("grades[%d]", i)
		if g.Name == "" {
			ps.Add(diag.Missing, p+".name", "缺少等级名称")
		}
		if i > 0 && g.Min >= f.Grades[i-1].Min {
			ps.Add(diag.BadValue, p+".min", "等级下限应从高到低排列：%s 不低于上一等级的 %s", g.Min, f.Grades[i-1].Min)
		}
		if g.Min > f.Total {
			ps.Add(diag.BadValue, p+".min", "等级下限 %s 超过总分 %s", g.Min, f.Total)
		}
	}
	if n := len(f.Grades); n > 0 && f.Grades[n-1].Min != 0 {
		ps.Add(diag.BadValue, fmt.Sprintf("grades[%d].min", n-1), "最低等级的下限应为 0，才能覆盖所有得分")
	}
	if len(f.Indicators) == 0 {
		ps.Add(diag.Missing, "indicators", "框架没有指标")
	}
	if sum := sumPoints(f.Indicators); len(f.Indicators) > 0 && sum != f.Total {
		ps.Add(diag.PointsSum, "indicators", "一级指标分值合计 %s，与总分 %s 不符", sum, f.Total)
	}
	codes := map[string]string{}
	var walk func(ins []*Indicator, path string)
	walk = func(ins []*Indicator, path string) {
		siblings := map[string]bool{}
		for _, in := range ins {
			if in != nil {
				siblings[in.Code] = true
			}
		}
		for i, in := range ins {
			p := fmt.Sprintf("%s[%d]", path, i)
			if in == nil {
				ps.Add(diag.Missing, p, "指标为空")
				continue
			}
			switch {
			case in.Code == "":
				ps.Add(diag.Missing, p+".code", "缺少指标编码")
			case codes[in.Code] != "":
				ps.Add(diag.Duplicate, p+".code", "指标编码 %s 重复（已用于 %s）", in.Code, codes[in.Code])
			default:
				codes[in.Code] = p
			}
			if in.Name == "" {
				ps.Add(diag.Missing, p+".name", "缺少指标名称")
			}
			if in.Points <= 0 {
				ps.Add(diag.BadValue, p+".points", "分值应大于 0")
			}
			for j, to := range in.RedistributeTo {
				if to == in.Code || !siblings[to] {
					ps.Add(diag.UnknownRef, fmt.Sprintf("%s.redistribute_to[%d]", p, j), "%q 不是同级的其他指标", to)
				}
			}
			if in.Required && len(in.RedistributeTo) > 0 {
				ps.Add(diag.BadValue, p+".redistribute_to", "必评指标不会被剔除，不应设置分值转移")
			}
			if in.Leaf() {
				if in.Rule == nil {
					ps.Add(diag.Missing, p+".rule", "末级指标 %s 缺少评分规则", in.Code)
				} else {
					ps = append(ps, in.Rule.validate(in.Points).Prefix(p+".rule")...)
				}
				continue
			}
			if in.Rule != nil {
				ps.Add(diag.BadRule, p+".rule", "指标 %s 有下级指标，不能再设评分规则", in.Code)
			}
			if sum := sumPoints(in.Children); sum != in.Points {
				ps.Add(diag.PointsSum, p+".children", "指标 %s 的下级指标分值合计 %s，与其分值 %s 不符", in.Code, sum, in.Points)
			}
			walk(in.Children, p+".children")
		}
	}
	walk(f.Indicators, "indicators")
	if f.Scope == ScopeExante {
		ps = append(ps, f.validateExante()...)
	}
	return ps
}

func sumPoints(ins []*Indicator) num.Points {
	var s num.Points
	for _, in := range ins {
		if in != nil {
			s += in.Points
		}
	}
	return s
}

// Codes returns every indicator code in tree order.
func (f *Framework) Codes() []string {
	var cs []string
	f.Walk(func(in *Indicator, _ int) { cs = append(cs, in.Code) })
	return cs
}

// HasCode reports whether the framework has an indicator with the code.
func (f *Framework) HasCode(code string) bool { return slices.Contains(f.Codes(), code) }
