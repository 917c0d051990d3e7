// Package results applies evaluation results to the next year's budget
// (结果应用, docs/cycle.md §2, §10): a rules file (rules/results-*.yaml,
// read by datafile.ResultsRules) maps a scope (the department overall or a
// project), a project type and a grade to a suggestion (优先保障, 据实保障,
// 核减 N%, 调整用途, 取消或暂停, 不新增资金 …), each rule citing its source;
// Suggest computes the suggestion for one department or project and the
// amount it implies for next year's budget, in exact fen. It does no I/O.
package results

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// Scopes a rule applies to.
const (
	ScopeDepartment = "department" // 部门整体
	ScopeProject    = "project"    // 项目
)

// ScopeNames names the scopes.
var ScopeNames = map[string]string{ScopeDepartment: "部门整体", ScopeProject: "项目"}

// Project types (项目类型 for results application).
const (
	Recurring = "recurring" // 经常性项目
	OneOff    = "one_off"   // 一次性项目
	Phased    = "phased"    // 阶段性项目
	Exempt    = "exempt"    // 豁免（如直接补助个人的资金）
)

// Types lists the project types in order.
var Types = []string{Recurring, OneOff, Phased, Exempt}

// TypeNames names the project types.
var TypeNames = map[string]string{Recurring: "经常性", OneOff: "一次性", Phased: "阶段性", Exempt: "豁免"}

// Grades are the grades a rule may name (framework.DefaultGrades).
var Grades = []string{"优", "良", "中", "差"}

// Effects of a suggestion on next year's budget figure.
const (
	// Keep: the figure stays this year's budget (优先保障, 据实保障, 不新增资金).
	Keep = "keep"
	// Reduce: the figure is this year's budget cut by the rule's percent (核减).
	Reduce = "reduce"
	// Zero: nothing is arranged for it next year (取消或暂停, 调整用途).
	Zero = "zero"
)

var effectNames = map[string]string{Keep: "按本年预算数", Reduce: "按本年预算数核减", Zero: "不安排"}

// Certainties of a rule's source (/work/shared/domain/cycle.md).
const (
	Confirmed = "confirmed" // read in a public source
	Likely    = "likely"    // the usual wording, not read in full
	None      = "none"      // no published rule found
)

var certaintyNames = map[string]string{Confirmed: "已查实", Likely: "通行表述，原文待核实", None: "未找到公开规定"}

// Rules are one results rules file.
type Rules struct {
	ID      string `yaml:"id" json:"id"`
	Name    string `yaml:"name" json:"name"`
	Version string `yaml:"version" json:"version"`
	// Principle cites the national principle the rules follow.
	Principle string `yaml:"principle" json:"principle"`
	// Suggestions by key: their Chinese name and effect.
	Suggestions map[string]Suggestion `yaml:"suggestions" json:"suggestions"`
	// ReducePercent is the cut of a reduce rule that names none, in
	// percent with two decimals (10 is 10%, stored as 1000 hundredths).
	ReducePercent        num.Points `yaml:"reduce_percent" json:"reduce_percent"`
	ReducePercentSource  string     `yaml:"reduce_percent_source" json:"reduce_percent_source"`
	ReducePercentDefault bool       `yaml:"reduce_percent_default" json:"reduce_percent_default"`
	// KindTypes is the default project type by the project's 项目属性
	// (evaluation.Project.Kind: continuing, new; none for a project
	// that states none); the reviewer may set another when deciding.
	KindTypes       map[string]string `yaml:"kind_types" json:"kind_types"`
	KindTypesSource string            `yaml:"kind_types_source" json:"kind_types_source"`
	// Rules map scope × type × grade to a suggestion: every combination
	// is covered by exactly one rule.
	Rules []Rule `yaml:"rules" json:"rules"`
	// NoRectification applies instead of the grade's rule when the caller
	// says the previous year's rectification is not done (not to exempt
	// projects).
	NoRectification Rule `yaml:"no_rectification" json:"no_rectification"`
}

// Suggestion is what a rule suggests, by key.
type Suggestion struct {
	Name   string `yaml:"name" json:"name"`
	Effect string `yaml:"effect" json:"effect"`
}

// Rule is one row of the rules: for Scope, the Types (projects only) and
// Grades listed, suggest Suggestion (with Percent for a reduce).
type Rule struct {
	ID         string   `yaml:"id" json:"id"`
	Scope      string   `yaml:"scope" json:"scope"`
	Types      []string `yaml:"types,omitempty" json:"types,omitempty"`
	Grades     []string `yaml:"grades,omitempty" json:"grades,omitempty"`
	Suggestion string   `yaml:"suggestion" json:"suggestion"`
	// Percent is the cut of a reduce suggestion (0: Rules.ReducePercent).
	Percent   num.Points `yaml:"percent,omitempty" json:"percent,omitempty"`
	Source    string     `yaml:"source" json:"source"`
	Certainty string     `yaml:"certainty" json:"certainty"`
	// Default says no published rule of the bureau using the file fixes
	// this row: it is this file's default, to be set locally.
	Default bool `yaml:"default" json:"default"`
}

// Validate checks the rules file; messages are in Chinese and every
// problem is listed.
func (r *Rules) Validate() diag.List {
	var ds diag.List
	if strings.TrimSpace(r.ID) == "" {
		ds.Add(diag.Missing, "id", "缺少规则编号")
	}
	if strings.TrimSpace(r.Principle) == "" {
		ds.Add(diag.Missing, "principle", "须注明结果应用所依据的原则性规定（文件名称及条款）")
	}
	keys := make([]string, 0, len(r.Suggestions))
	for k := range r.Suggestions {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		ds.Add(diag.Missing, "suggestions", "至少须定义一种处理建议")
	}
	for _, k := range keys {
		s := r.Suggestions[k]
		path := "suggestions." + k
		if strings.TrimSpace(k) == "" || strings.ContainsAny(k, " \t\n") {
			ds.Add(diag.BadValue, path, "处理建议的编码 %q 无效", k)
		}
		if strings.TrimSpace(s.Name) == "" {
			ds.Add(diag.Missing, path+".name", "缺少处理建议“%s”的名称", k)
		}
		if _, ok := effectNames[s.Effect]; !ok {
			ds.Add(diag.BadChoice, path+".effect", "处理建议“%s”对预算的影响 %q 无效：应为 keep（按本年预算数）、reduce（核减）或 zero（不安排）", k, s.Effect)
		}
	}
	if r.ReducePercent <= 0 || r.ReducePercent >= num.Whole(100) {
		ds.Add(diag.BadValue, "reduce_percent", "默认核减比例应大于 0 且小于 100（百分比），实际为 %s", r.ReducePercent)
	}
	if strings.TrimSpace(r.ReducePercentSource) == "" {
		ds.Add(diag.Missing, "reduce_percent_source", "须注明默认核减比例的依据，没有公开规定的须注明为默认设置")
	}
	for _, k := range []string{"continuing", "new", "none"} {
		t, ok := r.KindTypes[k]
		switch {
		case !ok:
			ds.Add(diag.Missing, "kind_types."+k, "缺少项目属性“%s”对应的默认项目类型", kindNames[k])
		case TypeNames[t] == "":
			ds.Add(diag.BadChoice, "kind_types."+k, "项目类型 %q 无效：%s", t, typeChoices())
		}
	}
	for k := range r.KindTypes {
		if kindNames[k] == "" {
			ds.Add(diag.UnknownField, "kind_types."+k, "未知的项目属性 %q（可用：continuing 延续、new 新增、none 未填）", k)
		}
	}
	if strings.TrimSpace(r.KindTypesSource) == "" {
		ds.Add(diag.Missing, "kind_types_source", "须注明默认项目类型的依据，没有公开规定的须注明为默认设置")
	}
	ids := map[string]bool{}
	covered := map[string]string{}
	for i, rule := range r.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		r.checkRule(&ds, path, rule, ids)
		for _, key := range cells(rule) {
			if prev, ok := covered[key]; ok {
				ds.Add(diag.Duplicate, path, "规则 %s 与规则 %s 都适用于%s", rule.ID, prev, cellName(key))
				continue
			}
			covered[key] = rule.ID
		}
	}
	for _, key := range allCells() {
		if _, ok := covered[key]; !ok {
			ds.Add(diag.Missing, "rules", "没有规则适用于%s", cellName(key))
		}
	}
	nr := r.NoRectification
	if nr.ID == "" && nr.Suggestion == "" && nr.Source == "" {
		ds.Add(diag.Missing, "no_rectification", "缺少“上年问题未整改”规则")
	} else {
		nr.Scope = ScopeProject // checked as a project rule without cells
		r.checkRule(&ds, "no_rectification", nr, ids)
		if len(nr.Types) > 0 || len(nr.Grades) > 0 {
			ds.Add(diag.BadValue, "no_rectification", "“上年问题未整改”规则适用于各类型、各等级（豁免项目除外），不设 types、grades")
		}
	}
	return ds
}

var kindNames = map[string]string{"continuing": "延续", "new": "新增", "none": "未填"}

func typeChoices() string {
	parts := make([]string, len(Types))
	for i, t := range Types {
		parts[i] = t + "（" + TypeNames[t] + "）"
	}
	return "应为 " + strings.Join(parts, "、")
}

// checkRule checks one rule's own fields.
func (r *Rules) checkRule(ds *diag.List, path string, rule Rule, ids map[string]bool) {
	name := rule.ID
	switch {
	case strings.TrimSpace(rule.ID) == "":
		ds.Add(diag.Missing, path+".id", "缺少规则编号")
		name = path
	case ids[rule.ID]:
		ds.Add(diag.Duplicate, path+".id", "规则编号 %s 重复", rule.ID)
	}
	ids[rule.ID] = true
	if ScopeNames[rule.Scope] == "" {
		ds.Add(diag.BadChoice, path+".scope", "规则 %s 的范围 %q 无效：应为 department（部门整体）或 project（项目）", name, rule.Scope)
	}
	if rule.Scope == ScopeDepartment && len(rule.Types) > 0 {
		ds.Add(diag.BadValue, path+".types", "规则 %s 适用于部门整体，不设项目类型", name)
	}
	if rule.Scope == ScopeProject && path != "no_rectification" && len(rule.Types) == 0 {
		ds.Add(diag.Missing, path+".types", "规则 %s 适用于项目，须列出项目类型", name)
	}
	for j, t := range rule.Types {
		if TypeNames[t] == "" {
			ds.Add(diag.BadChoice, fmt.Sprintf("%s.types[%d]", path, j), "规则 %s 的项目类型 %q 无效：%s", name, t, typeChoices())
		}
	}
	if path != "no_rectification" && len(rule.Grades) == 0 {
		ds.Add(diag.Missing, path+".grades", "规则 %s 须列出适用的等级（优、良、中、差）", name)
	}
	for j, g := range rule.Grades {
		if !validGrade(g) {
			ds.Add(diag.BadChoice, fmt.Sprintf("%s.grades[%d]", path, j), "规则 %s 的等级 %q 无效：应为优、良、中或差", name, g)
		}
	}
	s, ok := r.Suggestions[rule.Suggestion]
	if !ok {
		ds.Add(diag.BadChoice, path+".suggestion", "规则 %s 的处理建议 %q 未在 suggestions 中定义", name, rule.Suggestion)
	}
	if rule.Percent != 0 && (!ok || s.Effect != Reduce) {
		ds.Add(diag.BadValue, path+".percent", "规则 %s 的处理建议不是核减，不设核减比例", name)
	}
	if rule.Percent < 0 || rule.Percent >= num.Whole(100) {
		ds.Add(diag.BadValue, path+".percent", "规则 %s 的核减比例应大于 0 且小于 100（百分比），实际为 %s", name, rule.Percent)
	}
	if strings.TrimSpace(rule.Source) == "" {
		ds.Add(diag.Missing, path+".source", "规则 %s 须注明依据（文件名称及条款），没有公开规定的须注明为默认设置", name)
	}
	if certaintyNames[rule.Certainty] == "" {
		ds.Add(diag.BadChoice, path+".certainty", "规则 %s 的依据可靠程度 %q 无效：应为 confirmed（已查实）、likely（通行表述，待核实）或 none（未找到公开规定）", name, rule.Certainty)
	}
	if rule.Certainty == None && !rule.Default {
		ds.Add(diag.BadValue, path+".default", "规则 %s 没有公开规定为依据，须注明为默认设置（default: true）", name)
	}
}

func validGrade(g string) bool {
	for _, x := range Grades {
		if g == x {
			return true
		}
	}
	return false
}

// cells are the scope/type/grade keys a rule covers.
func cells(rule Rule) []string {
	types := rule.Types
	if rule.Scope == ScopeDepartment {
		types = []string{""}
	}
	var out []string
	for _, t := range types {
		for _, g := range rule.Grades {
			out = append(out, rule.Scope+"/"+t+"/"+g)
		}
	}
	return out
}

func allCells() []string {
	var out []string
	for _, g := range Grades {
		out = append(out, ScopeDepartment+"//"+g)
	}
	for _, t := range Types {
		for _, g := range Grades {
			out = append(out, ScopeProject+"/"+t+"/"+g)
		}
	}
	return out
}

func cellName(key string) string {
	parts := strings.SplitN(key, "/", 3)
	if len(parts) != 3 {
		return key
	}
	if parts[0] == ScopeDepartment {
		return "部门整体评价等级为“" + parts[2] + "”"
	}
	return TypeNames[parts[1]] + "项目评价等级为“" + parts[2] + "”"
}

// TypeFor is the default project type of a project of kind (项目属性:
// evaluation.ProjectContinuing, ProjectNew, or "" when none is stated).
func (r *Rules) TypeFor(kind string) string {
	k := kind
	if k == "" {
		k = "none"
	}
	if t, ok := r.KindTypes[k]; ok {
		return t
	}
	return Recurring
}

// Input is what a suggestion is computed from.
type Input struct {
	Scope string
	// Type is the project type (projects only).
	Type string
	// Grade is the grade after review (优, 良, 中, 差).
	Grade string
	// Base is this year's budget the implied amount is computed from.
	Base money.Fen
	// BaseName names the figure Base is (年初预算数).
	BaseName string
	// RectificationOpen says the previous year's rectification is not
	// done: the no-rectification rule then applies (not to exempt
	// projects).
	RectificationOpen bool
}

// Result is the suggestion for one department or project.
type Result struct {
	// Rule is the rule applied; GradeRule the grade's rule when the
	// no-rectification rule replaced it (else equal to Rule).
	Rule, GradeRule Rule
	// Suggestion is the key, Name its words with the percent
	// ("核减10%").
	Suggestion, Name string
	Effect           string
	// Percent is the cut of a reduce, in hundredths of a percent.
	Percent num.Points
	Base    money.Fen
	// Amount is the figure the suggestion implies for next year.
	Amount money.Fen
	// Trace explains the result in one Chinese paragraph.
	Trace string
}

// Suggest computes the suggestion for in: the rule covering its scope,
// type and grade (or the no-rectification rule), and the amount implied.
func (r *Rules) Suggest(in Input) (Result, error) {
	if !validGrade(in.Grade) {
		return Result{}, fmt.Errorf("等级“%s”不是优、良、中、差之一，无法给出结果应用建议", in.Grade)
	}
	typ := in.Type
	if in.Scope == ScopeDepartment {
		typ = ""
	} else if TypeNames[typ] == "" {
		return Result{}, fmt.Errorf("项目类型“%s”无效：%s", in.Type, typeChoices())
	}
	key := in.Scope + "/" + typ + "/" + in.Grade
	var rule *Rule
	for i := range r.Rules {
		for _, c := range cells(r.Rules[i]) {
			if c == key {
				rule = &r.Rules[i]
			}
		}
	}
	if rule == nil {
		return Result{}, fmt.Errorf("结果应用规则中没有适用于%s的规则", cellName(key))
	}
	out := Result{Rule: *rule, GradeRule: *rule, Base: in.Base}
	what := ScopeNames[in.Scope]
	if in.Scope == ScopeProject {
		what = TypeNames[typ] + "项目"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s评价等级为“%s”，适用规则 %s（%s）", what, in.Grade, rule.ID, rule.Source)
	if in.RectificationOpen && typ != Exempt {
		out.Rule = r.NoRectification
		fmt.Fprintf(&b, "；上年问题未整改到位，改按规则 %s（%s）", out.Rule.ID, out.Rule.Source)
	}
	s := r.Suggestions[out.Rule.Suggestion]
	out.Suggestion, out.Name, out.Effect = out.Rule.Suggestion, s.Name, s.Effect
	baseName := in.BaseName
	if baseName == "" {
		baseName = "本年预算数"
	}
	switch s.Effect {
	case Keep:
		out.Amount = in.Base
		fmt.Fprintf(&b, "：%s，按%s %s 元安排", s.Name, baseName, in.Base.YuanText())
	case Reduce:
		out.Percent = out.Rule.Percent
		if out.Percent == 0 {
			out.Percent = r.ReducePercent
		}
		out.Amount = Cut(in.Base, out.Percent)
		out.Name = s.Name + out.Percent.String() + "%"
		fmt.Fprintf(&b, "：%s，%s %s 元 × (100%% − %s%%) = %s 元", out.Name, baseName, in.Base.YuanText(), out.Percent, out.Amount.YuanText())
		if out.Rule.Percent == 0 && r.ReducePercentDefault {
			fmt.Fprintf(&b, "（核减比例为默认设置：%s）", r.ReducePercentSource)
		}
	case Zero:
		fmt.Fprintf(&b, "：%s，下年度不安排（%s %s 元）", s.Name, baseName, in.Base.YuanText())
	}
	if out.Rule.Default {
		b.WriteString("；该规则为默认设置，各地按本地规定调整")
	}
	b.WriteString("。")
	out.Trace = b.String()
	return out, nil
}

// Cut is base reduced by pct hundredths of a percent, rounded half away
// from zero to the fen.
func Cut(base money.Fen, pct num.Points) money.Fen {
	r := new(big.Rat).SetFrac64(int64(base)*(10000-int64(pct)), 10000)
	return money.Fen(money.Round(r, 0).Num().Int64())
}

// SuggestionName names a suggestion key ("" when unknown).
func (r *Rules) SuggestionName(key string) string { return r.Suggestions[key].Name }

// SuggestionKeys lists the suggestion keys in a stable order: keep
// effects first, then reduce, then zero, each by key.
func (r *Rules) SuggestionKeys() []string {
	keys := make([]string, 0, len(r.Suggestions))
	for k := range r.Suggestions {
		keys = append(keys, k)
	}
	rank := map[string]int{Keep: 0, Reduce: 1, Zero: 2}
	sort.Slice(keys, func(i, j int) bool {
		a, b := r.Suggestions[keys[i]], r.Suggestions[keys[j]]
		if rank[a.Effect] != rank[b.Effect] {
			return rank[a.Effect] < rank[b.Effect]
		}
		return keys[i] < keys[j]
	})
	return keys
}

// CertaintyName names a certainty in Chinese.
func CertaintyName(c string) string { return certaintyNames[c] }
