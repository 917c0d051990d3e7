package evaluation

import (
	"math/big"
	"testing"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/money"
)

// wan parses an amount in 万元 as officials type it.
func wan(s string) money.Fen {
	f, err := money.Parse(s + "万")
	if err != nil {
		panic(err)
	}
	return f
}

func fen(f money.Fen) *money.Fen { return &f }

// base is an evaluation with nothing for Consistency to remark on.
func base() *Evaluation {
	e := &Evaluation{
		Department: Department{Name: "区政府办", Code: "001", Functions: []string{"职能"}},
		Year:       2023, Framework: "gz-dept-2023", OverallGoal: "目标",
		KeyTasks:  KeyTasks{Items: []Task{{Lead: "一是", Text: "任务"}}},
		Problems:  []string{"问题"},
		Measures:  []string{"措施"},
		Narrative: Narrative{Management: "管理", Conclusion: "结论", Achievements: "成效"},
	}
	e.Finance.Income = []Income{{Kind: "general_public", Amount: wan("2753.78")}, {Kind: "other", Amount: wan("554.86")}}
	e.Finance.Budget = Budget{Initial: wan("3000"), Adjusted: wan("3308.64")}
	e.Finance.Expenditure = Expenditure{Basic: wan("2000"), Project: wan("1308.64")}
	return e
}

func findings(ds diag.List, path string) diag.List {
	var out diag.List
	for _, d := range ds {
		if d.Path == path {
			out = append(out, d)
		}
	}
	return out
}

func TestConsistencyBaseIsClean(t *testing.T) {
	if ds := base().Consistency(); len(ds) != 0 {
		t.Fatalf("findings on a clean evaluation:\n%v", ds)
	}
	if ds := base().Validate(); len(ds) != 0 {
		t.Fatalf("Validate findings on a clean evaluation:\n%v", ds)
	}
}

func TestConsistencyStatedTotals(t *testing.T) {
	tests := []struct {
		name   string
		income []string // parts in 万元
		stated string   // 万元
		want   string   // code, or "" for none
	}{
		// 2753.78 + 554.86 = 3308.64 = stated: nothing to say.
		{"equal", []string{"2753.78", "554.86"}, "3308.64", ""},
		// The reference report: parts add to 3308.64, stated 3308.63. All
		// figures are whole 0.01万 (100 yuan), each may be off by 50
		// yuan, 3 figures → ±150 yuan; the difference is 100 yuan: rounding.
		{"reference rounding", []string{"2753.78", "554.86"}, "3308.63", diag.RoundingDiff},
		// Off by 1万 = 10,000 yuan ≫ 150 yuan: a real mismatch.
		{"off by 1万", []string{"2753.78", "554.86"}, "3309.64", diag.TotalMismatch},
		{"off by 1万 below", []string{"2753.78", "554.86"}, "3307.64", diag.TotalMismatch},
		// 0.02万 = 200 yuan > 150 yuan: beyond rounding of 3 figures.
		{"off by 0.02万", []string{"2753.78", "554.86"}, "3308.62", diag.TotalMismatch},
		// Three parts: 4 figures × 50 yuan = ±200 yuan; 0.02万 = 200: rounding.
		{"three parts 0.02万", []string{"1000.01", "1000.01", "1000.01"}, "3000.01", diag.RoundingDiff},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := base()
			e.Finance.Income = nil
			for _, p := range tc.income {
				e.Finance.Income = append(e.Finance.Income, Income{Kind: "other", Amount: wan(p)})
			}
			e.Finance.Stated = &StatedTotals{Income: fen(wan(tc.stated))}
			got := findings(e.Consistency(), "finance.stated.income")
			if tc.want == "" {
				if len(got) != 0 {
					t.Errorf("unexpected:\n%v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Code != tc.want {
				t.Errorf("want one %s, got:\n%v", tc.want, got)
			}
		})
	}
	t.Run("exact yuan figures off by one fen", func(t *testing.T) {
		// Figures in fen have unit 1: any difference is a mismatch.
		e := base()
		e.Finance.Income = []Income{{Kind: "other", Amount: 27537761}, {Kind: "other", Amount: 5548559}}
		e.Finance.Stated = &StatedTotals{Income: fen(27537761 + 5548559 + 1)}
		if got := findings(e.Consistency(), "finance.stated.income"); len(got) != 1 || got[0].Code != diag.TotalMismatch {
			t.Errorf("got %v", got)
		}
	})
	t.Run("stated expenditure", func(t *testing.T) {
		e := base() // basic 2000 + project 1308.64 = 3308.64
		e.Finance.Stated = &StatedTotals{Expenditure: fen(wan("3308.63"))}
		if got := findings(e.Consistency(), "finance.stated.expenditure"); len(got) != 1 || got[0].Code != diag.RoundingDiff {
			t.Errorf("got %v", got)
		}
		e.Finance.Stated = &StatedTotals{Expenditure: fen(wan("3308.64"))}
		if got := findings(e.Consistency(), "finance.stated.expenditure"); len(got) != 0 {
			t.Errorf("got %v", got)
		}
	})
}

func TestConsistencyFinance(t *testing.T) {
	e := base()
	e.Finance.Expenditure.Project += 1 // one fen over the adjusted budget
	if got := findings(e.Consistency(), "finance.expenditure"); len(got) != 1 || got[0].Code != diag.TotalMismatch {
		t.Errorf("expenditure over budget: %v", got)
	}
	e = base()
	e.Finance.Sangong = &Sangong{Reception: BudgetActual{Budget: 100, Actual: -1}}
	if got := findings(e.Consistency(), "finance.sangong.reception"); len(got) != 1 || got[0].Code != diag.BadValue {
		t.Errorf("negative sangong: %v", got)
	}
	e = base()
	e.Projects = []Project{
		{Name: "a", Adjusted: wan("100"), Executed: wan("100.01")},
		{Name: "b", Adjusted: wan("100"), Executed: wan("90"), Funding: &Funding{Appropriation: wan("80"), CarriedOver: wan("10"), Other: wan("9.99")}},
		{Name: "c", Adjusted: wan("100"), Executed: wan("100"), Funding: &Funding{Appropriation: wan("90"), CarriedOver: wan("10")}},
	}
	ds := e.Consistency()
	if got := findings(ds, "projects[0].executed"); len(got) != 1 || got[0].Code != diag.TotalMismatch {
		t.Errorf("project over budget: %v", got)
	}
	if got := findings(ds, "projects[1].funding"); len(got) != 1 || got[0].Code != diag.TotalMismatch {
		t.Errorf("funding 99.99 ≠ 100: %v", got)
	}
	if len(findings(ds, "projects[2].funding"))+len(findings(ds, "projects[2].executed")) != 0 {
		t.Errorf("clean project flagged: %v", ds)
	}
}

func TestConsistencyDeviations(t *testing.T) {
	tests := []struct {
		name      string
		dir       string
		tgt, act  string
		level     string
		deviation string
		want      bool // W130 expected
	}{
		{">= met", ">=", "100", "100", "", "", false},
		{">= missed", ">=", "100", "99", "", "", true},
		{">= missed with cause", ">=", "100", "80", "", "受疫情影响", false},
		// 149/100 < 1.5: not far exceeded.
		{">= 149%", ">=", "100", "149", "", "", false},
		// 150/100 = 1.5 ≥ 1.5: far exceeded, cause needed.
		{">= 150%", ">=", "100", "150", "", "", true},
		{">= 300%", ">=", "10", "30", "", "", true},
		{">= 300% with cause", ">=", "10", "30", "", "需求增加", false},
		{"<= met", "<=", "10", "8", "", "", false},
		{"<= missed", "<=", "10", "12", "", "", true},
		{"= met", "=", "100", "100", "", "", false},
		{"= off", "=", "100", "101", "", "", true},
		{"qualitative met", "qualitative", "完成", "完成", "met", "", false},
		{"qualitative partly", "qualitative", "完成", "部分完成", "partly", "", true},
		{"qualitative not met", "qualitative", "完成", "未完成", "not_met", "", true},
		{"non-numeric skipped", ">=", "很多", "很少", "", "", false},
		{"blank cause counts as none", ">=", "100", "50", "", "  ", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := base()
			e.Targets = []Target{{Category: "output", Name: "指标", Direction: tc.dir, Target: tc.tgt, Actual: tc.act, Level: tc.level, Deviation: tc.deviation}}
			got := findings(e.Consistency(), "targets[0].deviation")
			if tc.want && (len(got) != 1 || got[0].Code != diag.NoDeviation || got[0].Severity != diag.Warning) {
				t.Errorf("want one W130, got %v", got)
			}
			if !tc.want && len(got) != 0 {
				t.Errorf("want none, got %v", got)
			}
			// The same target inside a project is checked too.
			e.Targets, e.Projects = nil, []Project{{Name: "p", Targets: []Target{e.Targets[0]}}}
			if got := findings(e.Consistency(), "projects[0].targets[0].deviation"); (len(got) == 1) != tc.want {
				t.Errorf("in a project: %v", got)
			}
		})
	}
}

func TestConsistencyNarrative(t *testing.T) {
	e := base()
	e.Narrative.Conclusion = "  "
	e.Problems, e.Measures = nil, nil
	ds := e.Consistency()
	for _, p := range []string{"narrative.conclusion", "problems", "measures"} {
		if got := findings(ds, p); len(got) != 1 || got[0].Code != diag.NarrativeAbsent {
			t.Errorf("%s: %v", p, got)
		}
	}
}

func TestMeasure(t *testing.T) {
	pct := func(a, b int64) *big.Rat { return new(big.Rat).Mul(big.NewRat(a, b), big.NewRat(100, 1)) }
	tests := []struct {
		name    string
		measure string
		setup   func(e *Evaluation)
		want    *big.Rat // nil: error expected
	}{
		// (2000 + 1308.64) / 3308.64 = 100%.
		{"execution full", "execution_rate", func(e *Evaluation) {}, big.NewRat(100, 1)},
		// 950 / 1000 = 95%.
		{"execution 95", "execution_rate", func(e *Evaluation) {
			e.Finance.Budget.Adjusted = money.Yuan(1000)
			e.Finance.Expenditure = Expenditure{Basic: money.Yuan(500), Project: money.Yuan(450)}
		}, big.NewRat(95, 1)},
		// 1 / 3 exactly, no rounding inside the value.
		{"execution third", "execution_rate", func(e *Evaluation) {
			e.Finance.Budget.Adjusted = 3
			e.Finance.Expenditure = Expenditure{Basic: 1}
		}, pct(1, 3)},
		{"execution zero budget", "execution_rate", func(e *Evaluation) { e.Finance.Budget.Adjusted = 0 }, nil},
		// 73 / 1000 = 7.3%.
		{"carryover", "carryover_rate", func(e *Evaluation) {
			e.Finance.Budget.Adjusted = money.Yuan(1000)
			e.Finance.Carryover = money.Yuan(73)
		}, big.NewRat(73, 10)},
		{"carryover zero", "carryover_rate", func(e *Evaluation) {}, new(big.Rat)},
		// (104 + 100) / (100 + 100) = 102%.
		{"sangong", "sangong_rate", func(e *Evaluation) {
			e.Finance.Sangong = &Sangong{Reception: BudgetActual{Budget: money.Yuan(100), Actual: money.Yuan(104)},
				VehicleOperation: BudgetActual{Budget: money.Yuan(100), Actual: money.Yuan(100)}}
		}, big.NewRat(102, 1)},
		// Nothing budgeted and nothing spent: 0, within budget.
		{"sangong zero zero", "sangong_rate", func(e *Evaluation) { e.Finance.Sangong = &Sangong{} }, new(big.Rat)},
		// Spent with no budget: no ratio.
		{"sangong zero budget spent", "sangong_rate", func(e *Evaluation) {
			e.Finance.Sangong = &Sangong{Overseas: BudgetActual{Actual: 1}}
		}, nil},
		{"sangong missing", "sangong_rate", func(e *Evaluation) {}, nil},
		// 45 / 50 = 90%.
		{"public funds", "public_funds_rate", func(e *Evaluation) {
			e.Finance.PublicFunds = &BudgetActual{Budget: money.Yuan(50), Actual: money.Yuan(45)}
		}, big.NewRat(90, 1)},
		{"public funds missing", "public_funds_rate", func(e *Evaluation) {}, nil},
		{"unknown", "growth_rate", func(e *Evaluation) {}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := base()
			tc.setup(e)
			m, err := e.Measure(tc.measure)
			if tc.want == nil {
				if err == nil {
					t.Errorf("want an error, got %s", m.Value.RatString())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Value.Cmp(tc.want) != 0 || m.Name != tc.measure || m.Formula == "" {
				t.Errorf("%s = %s (%q), want %s", tc.measure, m.Value.RatString(), m.Formula, tc.want.RatString())
			}
		})
	}
}

func TestIncomeTotals(t *testing.T) {
	e := base()
	e.Finance.Income = append(e.Finance.Income, Income{Kind: "other", Amount: wan("1")})
	// 2753.78 + 554.86 + 1 = 3309.64万.
	if e.IncomeTotal() != wan("3309.64") || e.IncomeOf("other") != wan("555.86") || e.IncomeOf("business") != 0 {
		t.Errorf("total %s, other %s", e.IncomeTotal().Wan(), e.IncomeOf("other").Wan())
	}
	if e.Finance.Income[0].Label() != "一般公共预算财政拨款收入" {
		t.Errorf("label %q", e.Finance.Income[0].Label())
	}
}

func TestValidatePaths(t *testing.T) {
	tests := []struct {
		name   string
		break_ func(e *Evaluation)
		code   string
		path   string
	}{
		{"no name", func(e *Evaluation) { e.Department.Name = " " }, diag.Missing, "department.name"},
		{"year", func(e *Evaluation) { e.Year = 23 }, diag.BadValue, "year"},
		{"income kind", func(e *Evaluation) { e.Finance.Income[1].Kind = "lottery" }, diag.BadChoice, "finance.income[1].kind"},
		{"negative carryover", func(e *Evaluation) { e.Finance.Carryover = -1 }, diag.BadValue, "finance.carryover"},
		{"no adjusted budget", func(e *Evaluation) { e.Finance.Budget.Adjusted = 0 }, diag.Missing, "finance.budget.adjusted"},
		{"target direction", func(e *Evaluation) {
			e.Targets = []Target{{Category: "output", Name: "x", Direction: ">", Target: "1", Actual: "1"}}
		}, diag.BadChoice, "targets[0].direction"},
		{"target subcategory", func(e *Evaluation) {
			e.Targets = []Target{{Category: "output", Subcategory: "社会效益指标", Name: "x", Direction: ">=", Target: "1", Actual: "1"}}
		}, diag.BadChoice, "targets[0].subcategory"},
		{"target actual", func(e *Evaluation) {
			e.Targets = []Target{{Category: "effect", Name: "x", Direction: "<=", Target: "1", Actual: "一"}}
		}, diag.BadValue, "targets[0].actual"},
		{"duplicate target code", func(e *Evaluation) {
			e.Targets = []Target{{Code: "T", Category: "output", Name: "x", Direction: "=", Target: "1", Actual: "1"},
				{Code: "T", Category: "output", Name: "y", Direction: "=", Target: "1", Actual: "1"}}
		}, diag.Duplicate, "targets[1].code"},
		{"duplicate project code", func(e *Evaluation) { e.Projects = []Project{{Name: "a", Code: "P"}, {Name: "b", Code: "P"}} }, diag.Duplicate, "projects[1].code"},
		{"score level", func(e *Evaluation) { e.Scores = map[string]Input{"B1": {Level: "good"}} }, diag.BadChoice, "scores.B1.level"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := base()
			tc.break_(e)
			ds := e.Validate()
			if len(findings(ds, tc.path)) == 0 || findings(ds, tc.path)[0].Code != tc.code {
				t.Errorf("want %s at %s, got:\n%v", tc.code, tc.path, ds)
			}
		})
	}
}
