package evaluation

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/workflow"
)

func qualityRules() *QualityRules {
	q := &QualityRules{ID: "q"}
	on := QualityRule{Enabled: true, Source: "test"}
	q.Outputs.QualityRule, q.Outputs.Required = on, []string{"数量指标", "质量指标", "时效指标", "成本指标"}
	q.Effects.QualityRule, q.Effects.Min = on, 1
	q.Satisfaction.QualityRule, q.Satisfaction.When = QualityRule{Enabled: true, Source: "test", Default: true}, []string{"社会效益指标"}
	q.Quantitative.QualityRule = on
	q.Trivial.QualityRule, q.Trivial.ZeroFloor, q.Trivial.AllHundred = on, true, true
	q.Cost.QualityRule, q.Cost.Units = on, map[string]int64{"元": 1, "万元": 10000}
	return q
}

func target(cat, sub, name, unit, dir, value string) Target {
	return Target{Category: cat, Subcategory: sub, Name: name, Unit: unit, Direction: dir, Target: value}
}

// byPath returns the messages of the findings with the code, by path.
func byPath(ds diag.List, code string) map[string]string {
	out := map[string]string{}
	for _, d := range ds {
		if d.Code == code {
			out[d.Path] = d.Message
		}
	}
	return out
}

func TestQuality(t *testing.T) {
	out, eff, sat := framework.CategoryOutput, framework.CategoryEffect, framework.CategorySatisfaction
	good := Project{Name: "完整项目", Initial: money.Yuan(500_000), Targets: []Target{
		target(out, "数量指标", "培训人次", "人次", ">=", "1200"),
		target(out, "质量指标", "考核合格率", "%", ">=", "95"),
		target(out, "时效指标", "完成时间", "月", "<=", "10"),
		target(out, "成本指标", "人均培训成本", "元", "<=", "400"),
		target(eff, "社会效益指标", "持证上岗率", "%", ">=", "90"),
		target(sat, "服务对象满意度指标", "学员满意度", "%", ">=", "90"),
	}}
	bad := Project{Name: "粗糙项目", Initial: money.Yuan(100_000), Targets: []Target{
		target(out, "数量指标", "服务人次", "", ">=", "0"),
		target(out, "成本指标", "项目成本", "万元", "<=", "12"),
		target(eff, "社会效益指标", "群众获得感", "", "qualitative", "明显提升"),
	}}
	hundred := Project{Name: "百分百项目", Targets: []Target{
		target(out, "数量指标", "完成率", "%", "=", "100"),
		target(out, "质量指标", "合格率", "%", "=", "100.0"),
	}}
	ev := &Evaluation{Targets: []Target{target(out, "数量指标", "办文数量", "件", ">=", "")}, Projects: []Project{good, bad, hundred}}
	ds := ev.Quality(qualityRules())

	for code, want := range map[string]map[string]string{
		diag.QualityOutputs: {
			"projects[1].targets": "缺少产出指标中的质量指标、时效指标",
			"projects[2].targets": "缺少产出指标中的时效指标、成本指标",
		},
		diag.QualityEffects:      {"projects[2].targets": "效益指标有 0 个，应至少设置 1 个"},
		diag.QualitySatisfaction: {"projects[1].targets": "设有社会效益指标，面向服务对象，应设置服务对象满意度指标（默认审核规则"},
		diag.QualityQuantitative: {"targets[0].target": "“办文数量”缺少指标值", "projects[1].targets[0].unit": "“服务人次”缺少度量单位"},
		diag.QualityTrivial:      {"projects[1].targets[0].target": "“≥0”", "projects[2].targets": "全部为“=100%”"},
		diag.QualityCost:         {"projects[1].targets[1].target": "12万元 超过项目年初预算 10.00 万元"},
	} {
		got := byPath(ds, code)
		if len(got) != len(want) {
			t.Errorf("%s: %d findings, want %d: %v", code, len(got), len(want), got)
		}
		for path, text := range want {
			if !strings.Contains(got[path], text) {
				t.Errorf("%s at %s = %q, want it to say %q", code, path, got[path], text)
			}
		}
	}
	for _, d := range ds {
		if d.Severity != diag.Warning || strings.HasPrefix(d.Path, "projects[0]") {
			t.Errorf("unexpected finding %v", d)
		}
	}

	// A rule switched off is not checked; no rules, no findings.
	q := qualityRules()
	q.Outputs.Enabled = false
	if got := byPath(ev.Quality(q), diag.QualityOutputs); len(got) != 0 {
		t.Errorf("a rule switched off found %v", got)
	}
	if ds := ev.Quality(nil); ds != nil {
		t.Errorf("nil rules found %v", ds)
	}
}

// A rules file names every problem: unknown classes, a negative minimum,
// a unit of no size, an enabled check without its source.
func TestQualityRulesValidate(t *testing.T) {
	q := qualityRules()
	q.Outputs.Required = append(q.Outputs.Required, "速度指标")
	q.Effects.Min = -1
	q.Satisfaction.When = []string{"幸福指标"}
	q.Cost.Units["千元"] = 0
	q.Trivial.Source = ""
	got := map[string]bool{}
	for _, d := range q.Validate() {
		got[d.Path] = true
	}
	for _, p := range []string{"outputs.required[4]", "effects.min", "satisfaction.when[0]", "cost.units.千元", "trivial.source"} {
		if !got[p] {
			t.Errorf("no finding at %s: %v", p, got)
		}
	}
	if ds := qualityRules().Validate(); len(ds) != 0 {
		t.Errorf("valid rules: %v", ds)
	}
}

// Before year end a project's quantitative indicators need quarterly
// milestones (W196); declared targets are compared with last year's
// actual values when the store gives them (W197), by code or by name, and
// a remark explains a lower bar away.
func TestQualityInStage(t *testing.T) {
	q := qualityRules()
	q.Milestones.QualityRule = QualityRule{Enabled: true, Source: "test", Default: true}
	q.BelowPrior.QualityRule = QualityRule{Enabled: true, Source: "test", Default: true}
	out := framework.CategoryOutput
	withMilestones := target(out, "数量指标", "培训人次", "人次", ">=", "1200")
	withMilestones.Code = "T1"
	withMilestones.Milestones = &Milestones{Q1: "200", Q2: "600", Q3: "900", Q4: "1200"}
	without := target(out, "质量指标", "考核合格率", "%", ">=", "95")
	qualitative := target(out, "时效指标", "按期完成", "", "qualitative", "按期完成")
	ev := &Evaluation{
		Targets:  []Target{target(out, "数量指标", "办件量", "件", ">=", "9000")},
		Projects: []Project{{Code: "P1", Name: "培训项目", Targets: []Target{withMilestones, without, qualitative}}},
	}
	ms := byPath(ev.QualityIn(q, workflow.Declaration, nil), diag.QualityMilestones)
	if len(ms) != 1 || !strings.Contains(ms["projects[0].targets[1].milestones"], "考核合格率") || !strings.Contains(ms["projects[0].targets[1].milestones"], "默认") {
		t.Errorf("W196 in the declaration stage: %v", ms)
	}
	if ms := byPath(ev.QualityIn(q, workflow.Evaluation, nil), diag.QualityMilestones); len(ms) != 0 {
		t.Errorf("W196 at year end: %v", ms)
	}
	if ms := byPath(ev.Quality(q), diag.QualityMilestones); len(ms) != 0 {
		t.Errorf("W196 from Quality (a year-end file): %v", ms)
	}

	c := &Cycle{PriorActuals: PriorActualsOf(&Evaluation{
		Targets: []Target{{Name: "办件量", Actual: "9800"}},
		Projects: []Project{{Code: "P1", Targets: []Target{
			{Code: "T1", Name: "培训人数（旧名）", Actual: "1150"},
			{Name: "考核合格率", Actual: "97.5"},
		}}},
	})}
	below := byPath(ev.QualityIn(q, workflow.Declaration, c), diag.QualityBelowPrior)
	if len(below) != 2 || !strings.Contains(below["targets[0].target"], "≥9000件 低于上年实际完成值 9800件") || below["projects[0].targets[1].target"] == "" {
		t.Errorf("W197: %v", below)
	}
	ev.Projects[0].Targets[1].Remark = "新教材启用，首年合格率预计下降"
	ev.Targets[0].Target = "9800"
	if below := byPath(ev.QualityIn(q, workflow.Declaration, c), diag.QualityBelowPrior); len(below) != 0 {
		t.Errorf("W197 after a remark and a target at last year's level: %v", below)
	}
}
