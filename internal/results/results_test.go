package results_test

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/results"
)

func TestDefaultRules(t *testing.T) {
	r := datafile.DefaultResults()
	if ds := r.Validate(); len(ds) != 0 {
		t.Fatalf("built-in rules: %v", ds)
	}
	if r.ReducePercent != num.Whole(10) || !r.ReducePercentDefault {
		t.Errorf("reduce percent %s default %v: want 10, marked default", r.ReducePercent, r.ReducePercentDefault)
	}
	for _, rule := range append(r.Rules, r.NoRectification) {
		if rule.Certainty != results.Confirmed && !rule.Default {
			t.Errorf("rule %s is %s but not marked default", rule.ID, rule.Certainty)
		}
	}
	if r.TypeFor("continuing") != results.Recurring || r.TypeFor("new") != results.OneOff || r.TypeFor("") != results.Recurring {
		t.Error("default project types by kind")
	}
}

func TestSuggest(t *testing.T) {
	r := datafile.DefaultResults()
	base := money.Yuan(560000)
	for _, tc := range []struct {
		in         results.Input
		rule, name string
		amount     money.Fen
	}{
		{results.Input{Scope: results.ScopeProject, Type: results.OneOff, Grade: "中", Base: base}, "one-off-fair", "核减10%", money.Yuan(504000)},
		{results.Input{Scope: results.ScopeProject, Type: results.Recurring, Grade: "优", Base: base}, "recurring-good", "优先保障", base},
		{results.Input{Scope: results.ScopeProject, Type: results.Recurring, Grade: "中", Base: base}, "recurring-fair", "不新增资金", base},
		{results.Input{Scope: results.ScopeProject, Type: results.Recurring, Grade: "差", Base: base}, "recurring-poor", "取消或暂停", 0},
		{results.Input{Scope: results.ScopeProject, Type: results.OneOff, Grade: "差", Base: base}, "one-off-poor", "不再安排同类新增资金", 0},
		{results.Input{Scope: results.ScopeProject, Type: results.Exempt, Grade: "差", Base: base, RectificationOpen: true}, "exempt", "据实保障", base},
		{results.Input{Scope: results.ScopeProject, Type: results.Recurring, Grade: "优", Base: base, RectificationOpen: true}, "no-rectification", "整改到位前暂缓安排", 0},
		{results.Input{Scope: results.ScopeDepartment, Type: results.Exempt, Grade: "良", Base: base}, "dept-good", "保障预算总额", base},
		{results.Input{Scope: results.ScopeDepartment, Grade: "差", Base: 12345}, "dept-poor", "核减10%", 11111}, // 111.105 yuan → 111.11
	} {
		got, err := r.Suggest(tc.in)
		if err != nil {
			t.Fatalf("%+v: %v", tc.in, err)
		}
		if got.Rule.ID != tc.rule || got.Name != tc.name || got.Amount != tc.amount {
			t.Errorf("%+v: rule %s %s %s, want %s %s %s", tc.in, got.Rule.ID, got.Name, got.Amount, tc.rule, tc.name, tc.amount)
		}
		if !strings.Contains(got.Trace, tc.rule) || !strings.Contains(got.Trace, tc.in.Grade) {
			t.Errorf("trace %q does not name rule and grade", got.Trace)
		}
	}
	got, _ := r.Suggest(results.Input{Scope: results.ScopeProject, Type: results.OneOff, Grade: "中", Base: base, BaseName: "年初预算数"})
	if want := "核减10%，年初预算数 560,000.00 元 × (100% − 10%) = 504,000.00 元"; !strings.Contains(got.Trace, want) {
		t.Errorf("trace %q lacks %q", got.Trace, want)
	}
	if _, err := r.Suggest(results.Input{Scope: results.ScopeProject, Type: "x", Grade: "中"}); err == nil {
		t.Error("unknown type accepted")
	}
	if _, err := r.Suggest(results.Input{Scope: results.ScopeProject, Type: results.Phased, Grade: "合格"}); err == nil {
		t.Error("unknown grade accepted")
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	data := []byte(`id: r
principle: p
suggestions: {keep: {name: 保, effect: keep}, cut: {name: 减, effect: halve}}
reduce_percent: 120
kind_types: {continuing: recurring, new: weekly, old: recurring}
rules:
  - {id: a, scope: department, grades: [优, 良, 中, 差], suggestion: keep, source: s, certainty: confirmed}
  - {id: a, scope: department, grades: [优], suggestion: gone, source: "", certainty: none}
  - {id: c, scope: project, types: [recurring, annual], grades: [优], suggestion: keep, percent: 5, source: s, certainty: likely}
`)
	r, ds := datafile.ResultsRules("x.yaml", data)
	if r != nil {
		t.Fatal("invalid rules accepted")
	}
	text := ds.Error()
	for _, want := range []string{"对预算的影响 \"halve\" 无效", "默认核减比例应大于 0 且小于 100", "reduce_percent_source", "项目类型 \"weekly\" 无效",
		"未知的项目属性 \"old\"", "规则编号 a 重复", "处理建议 \"gone\" 未在 suggestions 中定义", "须注明依据", "须注明为默认设置",
		"项目类型 \"annual\" 无效", "不是核减，不设核减比例", "规则 a 与规则 a 都适用于部门整体评价等级为“优”",
		"没有规则适用于一次性项目评价等级为“差”", "缺少“上年问题未整改”规则", "kind_types.none"} {
		if !strings.Contains(text, want) {
			t.Errorf("errors lack %q:\n%s", want, text)
		}
	}
	for _, d := range ds {
		if d.Severity == diag.Error && d.Line == 0 && d.Path != "rules" && d.Path != "no_rectification" && !strings.HasSuffix(d.Path, "_source") && d.Path != "kind_types.none" {
			t.Errorf("finding without a line: %v", d)
		}
	}
}
