package monitor

import (
	"testing"

	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

func pts(v int64) *num.Points   { p := num.Points(v * 100); return &p }
func fen(yuan int64) *money.Fen { f := money.Yuan(yuan); return &f }

// testRules are the default levels: red beyond 20 points, orange beyond
// 10 or a large project projected below 80%, yellow beyond 5; budgets
// under 10,000 yuan exempt.
func testRules() *WarningRules {
	return &WarningRules{ID: "w", Source: "test", Default: true, Levels: []WarningLevel{
		{Code: "red", Name: "红色", Handling: "暂缓拨款", When: Condition{GapOver: pts(20)}},
		{Code: "orange", Name: "橙色", Handling: "预警", When: Condition{Any: []Condition{
			{GapOver: pts(10)},
			{All: []Condition{{ProjectedBelow: pts(80)}, {BudgetAtLeast: fen(1_000_000)}}},
		}}},
		{Code: "yellow", Name: "黄色", Handling: "提示", When: Condition{GapOver: pts(5)}},
	}, Exempt: &Condition{BudgetBelow: fen(10_000)}}
}

func line(t *testing.T, initial int64, paid map[int]int64, through int) Line {
	t.Helper()
	var curve [12]money.Fen
	for m, v := range paid {
		curve[m-1] = money.Yuan(v)
	}
	ms, err := Execution(Budget{Initial: money.Yuan(initial)}, curve, through, Schedule{})
	if err != nil {
		t.Fatal(err)
	}
	return Line{Code: "P", Name: "项目", Months: ms}
}

func TestWarn(t *testing.T) {
	w := testRules()
	if ds := w.Validate(); len(ds) != 0 {
		t.Fatal(ds)
	}
	// The worked example: 31.20% at the end of July, 27.13 points behind.
	red := w.Warn(line(t, 560_000, map[int]int64{3: 100_000, 7: 74_720}, 7))
	if red == nil || red.Level != "red" || red.Handling != "暂缓拨款" ||
		red.Sentence != "截至7月末执行 31.20%，序时进度 58.33%，落后 27.13 个百分点（红色：落后超过 20 个百分点）" {
		t.Fatalf("worked example: %+v", red)
	}
	// 12 points behind: orange, by the first branch.
	if o := w.Warn(line(t, 100_000, map[int]int64{1: 7_667, 6: 30_000, 7: 1_000}, 7)); o == nil || o.Level != "orange" {
		t.Errorf("12 points behind: %+v", o)
	}
	// A large project 6.50 points behind at the end of March, projected
	// at 74%: orange by the second branch (yellow by its gap alone), and
	// the sentence says the whole condition.
	big := line(t, 2_000_000, map[int]int64{1: 120_000, 2: 130_000, 3: 120_000}, 3)
	if o := w.Warn(big); o == nil || o.Level != "orange" ||
		o.Sentence != big.Sentence()+"（橙色：落后超过 10 个百分点或（预计全年执行率低于 80%且预算 100.00 万元以上））" {
		t.Errorf("large project projected low: %+v (%+v)", o, big.Last())
	}
	// 6 points behind: yellow; 3 behind or ahead: none.
	if y := w.Warn(line(t, 120_000, map[int]int64{7: 62_800}, 7)); y == nil || y.Level != "yellow" {
		t.Errorf("6 points behind: %+v", y)
	}
	if n := w.Warn(line(t, 120_000, map[int]int64{1: 10_000, 2: 10_000, 3: 10_000, 4: 10_000, 5: 10_000, 6: 10_000, 7: 10_000}, 7)); n != nil {
		t.Errorf("on time: %+v", n)
	}
	// Exempt below 10,000 yuan; no budget, no warning.
	if n := w.Warn(line(t, 9_999, nil, 7)); n != nil {
		t.Errorf("exempt: %+v", n)
	}
	if n := w.Warn(line(t, 0, map[int]int64{1: 5}, 7)); n != nil {
		t.Errorf("no budget: %+v", n)
	}
}

// A rules file names every problem.
func TestWarningRulesValidate(t *testing.T) {
	w := testRules()
	w.Levels[1].Code = "red"
	w.Levels[2].Handling = "停止支付"
	w.Levels[0].When = Condition{GapOver: pts(20), ProjectedBelow: pts(50)}
	w.Levels[1].When.Any = []Condition{}
	w.Exempt = &Condition{GapOver: pts(120)}
	got := map[string]bool{}
	for _, d := range w.Validate() {
		got[d.Path] = true
	}
	for _, p := range []string{"levels[1].code", "levels[2].handling", "levels[0].when", "levels[1].when.any", "exempt.gap_over"} {
		if !got[p] {
			t.Errorf("no finding at %s: %v", p, got)
		}
	}
}

// Conditions on the line's scope and the project's kind: a rule file can
// warn new projects earlier than continuing ones, and exempt the
// department's whole from a level.
func TestWarnByScopeAndKind(t *testing.T) {
	w := &WarningRules{ID: "w", Source: "test", Levels: []WarningLevel{
		{Code: "red", Name: "红色", Handling: "预警", When: Condition{All: []Condition{
			{ProjectKind: []string{"new"}}, {GapOver: pts(10)},
		}}},
		{Code: "yellow", Name: "黄色", Handling: "提示", When: Condition{All: []Condition{
			{Scope: ScopeProject}, {GapOver: pts(10)},
		}}},
	}}
	if ds := w.Validate(); len(ds) != 0 {
		t.Fatal(ds)
	}
	// 560,000 paid 174,720 by July: 27.13 points behind.
	l := line(t, 560_000, map[int]int64{3: 100_000, 6: 74_720}, 7)
	l.Kind = "new"
	if got := w.Warn(l); got == nil || got.Level != "red" || got.Sentence != "截至7月末执行 31.20%，序时进度 58.33%，落后 27.13 个百分点（红色：新增项目且落后超过 10 个百分点）" {
		t.Errorf("new project: %+v", got)
	}
	l.Kind = "continuing"
	if got := w.Warn(l); got == nil || got.Level != "yellow" || got.Sentence != "截至7月末执行 31.20%，序时进度 58.33%，落后 27.13 个百分点（黄色：项目且落后超过 10 个百分点）" {
		t.Errorf("continuing project: %+v", got)
	}
	l.Code, l.Kind = "", ""
	if got := w.Warn(l); got != nil {
		t.Errorf("department's whole: %+v", got)
	}
	bad := &WarningRules{ID: "w", Source: "s", Levels: []WarningLevel{{Code: "r", Name: "红", Handling: "预警",
		When: Condition{Any: []Condition{{Scope: "unit"}, {ProjectKind: []string{"old"}}, {ProjectKind: []string{}}}}}}}
	ds := bad.Validate()
	if len(ds) != 3 {
		t.Errorf("want 3 findings, got %v", ds)
	}
}
