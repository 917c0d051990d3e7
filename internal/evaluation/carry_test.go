package evaluation

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/workflow"
)

// prevYear is a finished year with everything CarryOver must sort into
// copied, proposed and dropped.
func prevYear() *Evaluation {
	e := base()
	e.Department.ShortName, e.Department.Organisation = "我办", "内设机构 5 个"
	e.Department.Staffing = &Staffing{Authorised: 40, Actual: 38}
	e.Weights = map[string]num.Points{"B6.1": 500}
	share := 2
	e.Report = ReportInfo{Label: "附件2", Date: "2024年3月1日", ShareDecimals: &share}
	pts := num.Points(1000)
	e.Targets = []Target{
		{Code: "T3", Category: "output", Subcategory: "数量指标", Name: "办文数量", Unit: "件", Direction: ">=", Target: "1000", Actual: "1200",
			Points: &pts, Deviation: "超额", Evidence: []string{"台账"}, Deductions: []Deduction{{Points: 1, Reason: "r"}}},
		{Category: "effect", Subcategory: "社会效益指标", Name: "服务水平", Direction: "qualitative", Target: "提升", Actual: "提升", Level: "met"},
	}
	e.Finance.Sangong = &Sangong{Reception: BudgetActual{Budget: wan("10"), Actual: wan("8.5")}}
	e.Finance.PublicFunds = &BudgetActual{Budget: wan("100"), Actual: wan("96")}
	e.Scores = map[string]Input{"B1": {Level: "met"}}
	e.Projects = []Project{{Name: "政务服务", Code: "P-01", Unit: "政务中心", Initial: wan("100"), Adjusted: wan("110"), Executed: wan("105"),
		Funding: &Funding{Appropriation: wan("110")}, Goal: "目标", Achieved: "完成",
		Targets: []Target{{Name: "事项数", Category: "output", Direction: ">=", Target: "5", Actual: "6"}}, Scores: map[string]Input{"P1": {}}}}
	e.Registers = &Registers{
		Assets: []Asset{{Number: "A1", Name: "车", Value: wan("20"), TransferPending: true}},
		Contracts: []Contract{
			{Number: "C-done", Supplier: "甲", Filed: civil.MustDate(2023, 5, 1), Published: civil.MustDate(2023, 5, 2)},
			{Number: "C-unfiled", Supplier: "乙", Published: civil.MustDate(2023, 12, 2)},
		},
		Intentions: []Intention{
			{Project: "2023 采购", PlannedStart: civil.MustDate(2023, 6, 1)},
			{Project: "2024 采购", PlannedStart: civil.MustDate(2024, 2, 1)},
		},
		Disclosures: []Disclosure{{Kind: "budget"}},
	}
	return e
}

func TestCarryOver(t *testing.T) {
	prev := prevYear()
	before, _ := json.Marshal(prev)
	ev := CarryOver(prev, 2024)
	if after, _ := json.Marshal(prev); string(after) != string(before) {
		t.Fatal("CarryOver changed the previous year")
	}
	if ev.Year != 2024 || ev.Department.Code != "001" || ev.Department.ShortName != "我办" || ev.Department.Staffing.Actual != 38 ||
		ev.Framework != prev.Framework || ev.Weights["B6.1"] != 500 || ev.OverallGoal != "目标" || len(ev.KeyTasks.Items) != 1 {
		t.Errorf("profile, frameworks, weights or goals not copied: %+v", ev)
	}
	if ev.Report.Label != "附件2" || ev.Report.Date != "" || *ev.Report.ShareDecimals != 2 {
		t.Errorf("report settings = %+v, want label and decimals without the date", ev.Report)
	}
	// Prior-year figures from last year's final accounts.
	if ev.Finance.PriorIncome != wan("3308.64") {
		t.Errorf("prior income = %s 万元, want 3308.64", ev.Finance.PriorIncome.Wan())
	}
	if r := ev.Finance.Sangong.Reception; r.PriorActual == nil || *r.PriorActual != wan("8.5") || r.Budget != 0 || r.Actual != 0 {
		t.Errorf("三公 reception = %+v", r)
	}
	if pf := ev.Finance.PublicFunds; pf == nil || *pf.PriorActual != wan("96") || pf.Actual != 0 {
		t.Errorf("public funds = %+v", pf)
	}
	if len(ev.Finance.Income) != 0 || ev.Finance.Budget != (Budget{}) || ev.Finance.Expenditure != (Expenditure{}) {
		t.Errorf("finances carried: %+v", ev.Finance)
	}
	// Targets as proposals: declared fields kept, year-end fields empty,
	// a code given where there was none (above the highest T-number).
	want0 := Target{Code: "T3", Category: "output", Subcategory: "数量指标", Name: "办文数量", Unit: "件", Direction: ">=", Target: "1000", Points: prev.Targets[0].Points}
	if got := ev.Targets[0]; got.Code != want0.Code || got.Name != want0.Name || got.Target != "1000" || got.Actual != "" || got.Deviation != "" ||
		got.Evidence != nil || got.Deductions != nil || *got.Points != 1000 || got.Points == prev.Targets[0].Points {
		t.Errorf("target 0 = %+v", got)
	}
	if got := ev.Targets[1]; got.Code != "T4" || got.Level != "" || got.Actual != "" || got.Target != "提升" {
		t.Errorf("target 1 = %+v, want code T4 without level or actual", got)
	}
	p := ev.Projects[0]
	if p.Code != "P-01" || p.Name != "政务服务" || p.Unit != "政务中心" || p.Goal != "目标" || p.Initial != 0 || p.Adjusted != 0 ||
		p.Executed != 0 || p.Funding != nil || p.Achieved != "" || p.Scores != nil || p.Targets[0].Code != "T1" || p.Targets[0].Actual != "" {
		t.Errorf("project = %+v", p)
	}
	if ev.Scores != nil || ev.Problems != nil || ev.Measures != nil || ev.Narrative != (Narrative{}) {
		t.Error("scores, problems, measures or narrative carried over")
	}
	r := ev.Registers
	if len(r.Assets) != 1 || !r.Assets[0].TransferPending || len(r.Disclosures) != 0 ||
		len(r.Contracts) != 1 || r.Contracts[0].Number != "C-unfiled" || len(r.Intentions) != 1 || r.Intentions[0].Project != "2024 采购" {
		t.Errorf("registers = %+v", r)
	}
	// The proposal is a valid declaration, and not yet a valid year-end
	// self-evaluation.
	if ds := ev.ValidateFor(workflow.Declaration); ds.Err() != nil {
		t.Errorf("declaration findings: %v", ds.Errors())
	}
	if ds := ev.ValidateFor(workflow.Evaluation); ds.Err() == nil {
		t.Error("the proposal validates as a finished self-evaluation")
	}
}

// Before the evaluation stage the year-end fields are not required, and a
// year-end value entered is E184 naming the field.
func TestValidateForStage(t *testing.T) {
	e := base()
	e.Finance.Income, e.Finance.Budget.Adjusted = nil, 0
	e.Targets = []Target{{Code: "T1", Category: "output", Name: "办文", Direction: ">=", Target: "10"},
		{Code: "T2", Category: "effect", Name: "服务", Direction: "qualitative", Target: "提升"}}
	for _, stage := range []string{workflow.Declaration, workflow.Execution} {
		if ds := e.ValidateFor(stage); len(ds) != 0 {
			t.Errorf("%s: %v", stage, ds)
		}
	}
	ds := e.ValidateFor(workflow.Evaluation)
	for _, path := range []string{"finance.income", "finance.budget.adjusted", "targets[0].actual", "targets[1].level"} {
		if len(findings(ds, path)) == 0 {
			t.Errorf("evaluation stage: no finding at %s in %v", path, ds)
		}
	}
	if got := e.Validate(); len(got) != len(ds) {
		t.Errorf("Validate = %v, want ValidateFor(evaluation) = %v", got, ds)
	}
	e.Targets[0].Actual, e.Targets[1].Level = "12", "met"
	ds = e.ValidateFor(workflow.Declaration)
	var codes []string
	for _, d := range ds {
		codes = append(codes, d.Code+" "+d.Path)
		if !strings.Contains(d.Message, "开始年终自评") {
			t.Errorf("message %q does not say when to enter it", d.Message)
		}
	}
	if !slices.Equal(codes, []string{diag.YearEndEarly + " targets[0].actual", diag.YearEndEarly + " targets[1].level"}) {
		t.Errorf("findings = %v", ds)
	}
}
