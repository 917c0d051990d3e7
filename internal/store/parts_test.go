package store

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// Update refuses a write that changes a part of the document not
// editable in the year's stage (docs/cycle.md §4), naming every field,
// and stores nothing; the editable parts of the same stage are saved.
func TestUpdateRefusesFrozenParts(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, _ := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code

		// Declaration stage: year-end fields are not the editor's yet.
		if _, err := s.OpenYears(ctx, []OpenRequest{{Code: code, Year: 2024}}, "operator", ""); err != nil {
			t.Fatal(err)
		}
		r, _ := s.Get(ctx, code, 2024)
		ev := clone(t, r.Evaluation)
		ev.Finance.Expenditure.Basic = money.Yuan(100)
		ev.Narrative.Conclusion = "提前写好的结论"
		ev.OverallGoal = "申报阶段可以修改"
		_, err := s.Update(ctx, code, 2024, ev, nil, r.Version, "editor-a", "申报")
		if apperr.Code(err) != apperr.EFORBIDDEN {
			t.Fatalf("declaration stage, year-end fields: %v", err)
		}
		for _, want := range []string{"目标申报", "基本支出", "自评结论", "本次修改未保存"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("refusal %q does not say %q", err, want)
			}
		}
		if strings.Contains(err.Error(), "部门整体支出绩效目标") {
			t.Errorf("refusal names an editable field: %v", err)
		}
		if again, _ := s.Get(ctx, code, 2024); again.Version != r.Version || again.Evaluation.OverallGoal == "申报阶段可以修改" {
			t.Error("a refused write stored something")
		}
		ev.Finance.Expenditure.Basic, ev.Narrative.Conclusion = r.Evaluation.Finance.Expenditure.Basic, r.Evaluation.Narrative.Conclusion
		ev.Registers = &evaluation.Registers{Contracts: []evaluation.Contract{{Number: "HT-2024-001", Supplier: "某公司", Amount: money.Yuan(5000)}}}
		if _, err := s.Update(ctx, code, 2024, ev, nil, r.Version, "editor-a", "申报"); err != nil {
			t.Fatalf("declaration stage, declared and registers: %v", err)
		}
		// An import replacing the year is held to the same parts.
		e := th
		e.Evaluation, e.Result, e.Source = clone(t, ev), nil, "decl.yaml"
		e.Evaluation.Narrative.Conclusion = "导入时写的结论"
		if _, err := s.Import(ctx, []Entry{e}, "operator", "导入"); apperr.Code(err) != apperr.EFORBIDDEN || !strings.Contains(err.Error(), "自评结论") {
			t.Errorf("import into the declaration stage, year-end text: %v", err)
		}
	})
	eachBackend(t, func(t *testing.T, dsn string) {
		// Execution stage: registers and profile yes, the report's text no.
		s, th, p := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code
		v := approvedYear(t, s, code, p)
		r, _ := s.Get(ctx, code, 2024)
		ev := clone(t, r.Evaluation)
		ev.Problems = append(ev.Problems, "执行中写的问题")
		_, err := s.Update(ctx, code, 2024, ev, nil, v, "editor-a", "执行中")
		if apperr.Code(err) != apperr.EFORBIDDEN || !strings.Contains(err.Error(), "存在的主要问题") || !strings.Contains(err.Error(), "执行监控") {
			t.Fatalf("execution stage, problems: %v", err)
		}
		ev.Problems = r.Evaluation.Problems
		ev.Department.Functions = append(ev.Department.Functions, "新职能")
		ev.Registers = &evaluation.Registers{Assets: []evaluation.Asset{{Number: "ZC-1", Name: "电脑", Value: money.Yuan(6000)}}}
		if _, err := s.Update(ctx, code, 2024, ev, nil, v, "editor-a", "执行中"); err != nil {
			t.Fatalf("execution stage, profile and registers: %v", err)
		}
	})
}
