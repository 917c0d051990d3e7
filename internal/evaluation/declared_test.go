package evaluation

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/money"
)

// declared is base() with every declaration field filled in consistently:
// the department's funds add up to its initial budget, the project's to
// its own, the period contains the year, the plan lies inside it and the
// milestones rise.
func declared() *Evaluation {
	e := base()
	e.Declaration = &Declaration{
		LongTermGoal: "建设高效机关",
		Funds:        &Funds{AppropriationLocal: wan("2500"), AppropriationUpper: wan("300"), Own: wan("150"), Other: wan("50")},
		Basic:        fen(wan("2400")), Project: fen(wan("600")),
	}
	e.Targets = []Target{{Name: "办件量", Category: "output", Subcategory: "数量指标", Direction: ">=", Target: "100", Actual: "100", Unit: "件",
		Basis: BasisHistory, Milestones: &Milestones{Q1: "20", Q2: "50", Q3: "75", Q4: "100"}, Remark: "按季度统计"}}
	e.Projects = []Project{{
		Name: "会议保障", Code: "P1", Initial: wan("200"), Adjusted: wan("200"), Executed: wan("200"), Goal: "保障会议",
		Kind: ProjectContinuing, Supervisor: "区政府", Manager: "张三",
		Period:      &Period{Start: civil.MustDate(2022, 1, 1), End: civil.MustDate(2024, 12, 31)},
		Funds:       &Funds{AppropriationLocal: wan("180"), Other: wan("20")},
		PeriodTotal: fen(wan("600")),
		Overview:    "概况", Basis: "依据", LongTermGoal: "长期",
		Plan: []PlanStep{{Content: "采购", Start: civil.MustDate(2023, 3, 1), End: civil.MustDate(2023, 5, 31)}},
		Targets: []Target{{Name: "会议场次", Category: "output", Direction: ">=", Target: "40", Actual: "41",
			Basis: BasisPlan, Milestones: &Milestones{Q2: "20", Q4: "40"}}},
	}}
	return e
}

func TestDeclaredFieldsAreOptional(t *testing.T) {
	if ds := base().Validate(); len(ds) != 0 {
		t.Fatalf("an evaluation that declares nothing has findings: %v", ds)
	}
	if ds := declared().Validate(); len(ds) != 0 {
		t.Fatalf("a consistent declaration has findings: %v", ds)
	}
}

func TestValidateDeclared(t *testing.T) {
	for _, c := range []struct {
		name, path, code string
		set              func(e *Evaluation)
		words            string // the message names this
	}{
		{"department funds", "declaration.funds", diag.DeclaredFunds, func(e *Evaluation) { e.Declaration.Funds.Own = wan("151") }, "部门年度资金合计 3001.00 万元"},
		{"department funds by rounding", "declaration.funds", diag.RoundingDiff, func(e *Evaluation) { e.Declaration.Funds.Own += 3 }, "舍入误差"},
		{"basic and project", "declaration.project", diag.DeclaredFunds, func(e *Evaluation) { e.Declaration.Project = fen(wan("700")) }, "基本支出与项目支出之和"},
		{"negative basic", "declaration.basic", diag.BadValue, func(e *Evaluation) { e.Declaration.Basic = fen(-1) }, "负数"},
		{"negative fund", "declaration.funds.other", diag.BadValue, func(e *Evaluation) { e.Declaration.Funds.Other = -1 }, "负数"},
		{"project funds", "projects[0].funds", diag.DeclaredFunds, func(e *Evaluation) { e.Projects[0].Funds.Own = wan("1") }, "项目 会议保障 年度资金合计 201.00 万元"},
		{"period total", "projects[0].period_total", diag.DeclaredFunds, func(e *Evaluation) { e.Projects[0].PeriodTotal = fen(wan("100")) }, "项目总资金"},
		{"kind", "projects[0].kind", diag.BadChoice, func(e *Evaluation) { e.Projects[0].Kind = "old" }, "项目属性"},
		{"period misses the year", "projects[0].period", diag.DeclaredDates, func(e *Evaluation) {
			e.Projects[0].Period = &Period{Start: civil.MustDate(2024, 1, 1), End: civil.MustDate(2024, 12, 31)}
			e.Projects[0].Plan = nil
		}, "不包含 2023 年度"},
		{"period ended before", "projects[0].period", diag.DeclaredDates, func(e *Evaluation) {
			e.Projects[0].Period.End = civil.MustDate(2022, 12, 31)
		}, "2022-12-31"},
		{"period reversed", "projects[0].period.end", diag.DeclaredDates, func(e *Evaluation) {
			e.Projects[0].Period = &Period{Start: civil.MustDate(2023, 6, 1), End: civil.MustDate(2023, 1, 1)}
		}, "早于开始时间"},
		{"period without start", "projects[0].period.start", diag.Missing, func(e *Evaluation) { e.Projects[0].Period.Start = civil.Date{} }, "开始时间"},
		{"plan reversed", "projects[0].plan[0].end", diag.DeclaredDates, func(e *Evaluation) {
			e.Projects[0].Plan[0].End = civil.MustDate(2023, 2, 1)
		}, "实施进度计划“采购”完成时间 2023-02-01 早于开始时间"},
		{"plan after the period", "projects[0].plan[0].end", diag.DeclaredDates, func(e *Evaluation) {
			e.Projects[0].Plan[0].End = civil.MustDate(2025, 2, 1)
		}, "晚于项目结束时间"},
		{"plan without content", "projects[0].plan[0].content", diag.Missing, func(e *Evaluation) { e.Projects[0].Plan[0].Content = " " }, "实施内容"},
		{"basis", "targets[0].basis", diag.BadChoice, func(e *Evaluation) { e.Targets[0].Basis = "guess" }, "取值依据"},
		{"milestones decrease", "targets[0].milestones.q3", diag.Milestones, func(e *Evaluation) { e.Targets[0].Milestones.Q3 = "40" }, "第3季度节点值 40 小于第2季度的 50"},
		{"milestones decrease across a gap", "projects[0].targets[0].milestones.q4", diag.Milestones, func(e *Evaluation) {
			e.Projects[0].Targets[0].Milestones.Q4 = "10"
		}, "第4季度节点值 10 小于第2季度的 20"},
		{"milestone not a number", "targets[0].milestones.q1", diag.BadValue, func(e *Evaluation) { e.Targets[0].Milestones.Q1 = "两成" }, "季度节点值应为数值"},
		{"milestones on a qualitative target", "targets[0].milestones", diag.Milestones, func(e *Evaluation) {
			e.Targets[0].Direction, e.Targets[0].Target, e.Targets[0].Level = "qualitative", "好", "met"
		}, "定性指标"},
		{"milestone text", "targets[0].milestones.q1", diag.BadText, func(e *Evaluation) { e.Targets[0].Milestones.Q1 = "2\x000" }, "季度节点值"},
		{"remark text", "targets[0].remark", diag.BadText, func(e *Evaluation) { e.Targets[0].Remark = "a\nb" }, "备注"},
		{"manager text", "projects[0].manager", diag.BadText, func(e *Evaluation) { e.Projects[0].Manager = "张\u200b三" }, "项目负责人"},
		{"long-term goal text", "declaration.long_term_goal", diag.TextTooLong, func(e *Evaluation) {
			e.Declaration.LongTermGoal = strings.Repeat("目", 20001)
		}, "中长期目标"},
		{"plan text", "projects[0].plan[0].content", diag.BadText, func(e *Evaluation) { e.Projects[0].Plan[0].Content = "采\n购" }, "实施内容"},
	} {
		e := declared()
		c.set(e)
		ds := e.Validate()
		var hit *diag.Finding
		for i, d := range ds {
			if d.Path == c.path && d.Code == c.code {
				hit = &ds[i]
			}
		}
		if hit == nil {
			t.Errorf("%s: no %s at %s in %v", c.name, c.code, c.path, ds)
			continue
		}
		if !strings.Contains(hit.Message, c.words) {
			t.Errorf("%s: message %q does not say %q", c.name, hit.Message, c.words)
		}
	}
}

// A ≤ indicator's milestones may fall (a cost brought down through the
// year); an open-ended period that started before the year contains it.
func TestValidateDeclaredAllows(t *testing.T) {
	e := declared()
	e.Targets[0].Direction = "<="
	e.Targets[0].Milestones = &Milestones{Q1: "120", Q2: "110", Q4: "100"}
	e.Projects[0].Period.End = civil.Date{}
	e.Projects[0].Funds = &Funds{AppropriationUpper: wan("200")}
	if ds := e.Validate(); len(ds) != 0 {
		t.Fatalf("findings: %v", ds)
	}
}

// Declared amounts over the ceiling are reported once by the amount check
// and never summed.
func TestValidateDeclaredHugeAmounts(t *testing.T) {
	e := declared()
	e.Declaration.Funds.Own = money.MaxAmount + 1
	e.Declaration.Funds.Other = money.MaxAmount + 1
	ds := e.Validate()
	if len(findings(ds, "declaration.funds.own")) != 1 {
		t.Errorf("the amount over the ceiling is not reported: %v", ds)
	}
	if len(findings(ds, "declaration.funds")) != 0 {
		t.Errorf("amounts over the ceiling were summed: %v", ds)
	}
}

func TestDeclaredFieldLabels(t *testing.T) {
	e := declared()
	for path, want := range map[string]string{
		"declaration.funds.own":                 "部门年度资金自有资金",
		"projects[0].period.start":              "项目“会议保障”项目起止时间开始时间",
		"projects[0].plan[0].end":               "项目“会议保障”实施进度计划“采购”完成时间",
		"targets[0].milestones.q2":              "绩效目标“办件量”季度节点值第二季度",
		"projects[0].targets[0].basis":          "项目“会议保障”绩效指标“会议场次”取值依据",
		"projects[0].funds.appropriation_upper": "项目“会议保障”年度资金构成财政拨款（上级）",
	} {
		if got := e.FieldLabel(path); got != want {
			t.Errorf("FieldLabel(%q) = %q, want %q", path, got, want)
		}
	}
}
