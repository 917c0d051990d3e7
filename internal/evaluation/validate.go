package evaluation

import (
	"fmt"
	"maps"
	"math/big"
	"slices"
	"strings"

	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Validate checks what must hold for the evaluation to be scored and
// reported: required fields present, codes and choices valid. It returns
// every problem found. It is ValidateFor the evaluation stage.
func (e *Evaluation) Validate() diag.List { return e.ValidateFor(workflow.Evaluation) }

// ValidateFor checks the evaluation as a year in the stage needs it
// (workflow.Declaration, Execution or Evaluation; empty is Evaluation).
// Before the evaluation stage the year-end fields are not required (income
// and the adjusted budget of the final accounts, the actual value and
// level of a target), and an actual value or level entered is an error
// (E184): year-end values are entered once the self-evaluation starts.
func (e *Evaluation) ValidateFor(stage string) diag.List {
	yearEnd := stage == "" || stage == workflow.Evaluation
	var ds diag.List
	req := func(path, value, what string) {
		if strings.TrimSpace(value) == "" {
			ds.Add(diag.Missing, path, "缺少%s", what)
		}
	}
	req("department.name", e.Department.Name, "部门名称")
	req("department.code", e.Department.Code, "预算单位编码")
	if len(e.Department.Functions) == 0 {
		ds.Add(diag.Missing, "department.functions", "缺少部门职能")
	}
	if e.Year < 2000 || e.Year > 2100 {
		ds.Add(diag.BadValue, "year", "年度应为 2000 至 2100 之间的整数，实际为 %d", e.Year)
	}
	req("framework", e.Framework, "指标框架编号")
	req("overall_goal", e.OverallGoal, "部门整体支出绩效目标")
	if len(e.KeyTasks.Items) == 0 {
		ds.Add(diag.Missing, "key_tasks.items", "缺少年度重点工作任务")
	}
	for i, t := range e.KeyTasks.Items {
		req(fmt.Sprintf("key_tasks.items[%d].text", i), t.Text, "任务内容")
	}
	ds = append(ds, e.Finance.validate(yearEnd)...)
	ds = append(ds, e.checkAmounts()...)
	for _, c := range []struct {
		path string
		v    *int
	}{{"report.share_decimals", e.Report.ShareDecimals}, {"report.growth_decimals", e.Report.GrowthDecimals}} {
		if c.v != nil && (*c.v < 0 || *c.v > 4) {
			ds.Add(diag.BadValue, c.path, "小数位数应为 0 至 4，实际为 %d", *c.v)
		}
	}
	ds = append(ds, validateTargets(e.Targets, "targets", yearEnd)...)
	for code, in := range e.Scores {
		ds = append(ds, in.validate("scores."+code)...)
	}
	if e.Registers != nil {
		ds = append(ds, e.Registers.validate()...)
	}
	codes := map[string]int{}
	for i, p := range e.Projects {
		pp := fmt.Sprintf("projects[%d]", i)
		req(pp+".name", p.Name, "项目名称")
		if p.Code != "" {
			if j, dup := codes[p.Code]; dup {
				ds.Add(diag.Duplicate, pp+".code", "项目编码 %s 与 projects[%d] 重复", p.Code, j)
			}
			codes[p.Code] = i
		}
		for _, f := range []struct {
			name string
			v    money.Fen
		}{{"initial", p.Initial}, {"adjusted", p.Adjusted}, {"executed", p.Executed}} {
			if f.v < 0 {
				ds.Add(diag.BadValue, pp+"."+f.name, "金额不能为负数")
			}
		}
		ds = append(ds, validateTargets(p.Targets, pp+".targets", yearEnd)...)
		for code, in := range p.Scores {
			ds = append(ds, in.validate(pp+".scores."+code)...)
		}
	}
	ds = append(ds, e.validateDeclared()...)
	ds = append(ds, e.checkTexts()...)
	return ds
}

func (f *Finance) validate(yearEnd bool) diag.List {
	var ds diag.List
	if len(f.Income) == 0 && yearEnd {
		ds.Add(diag.Missing, "finance.income", "缺少收入情况")
	}
	for i, in := range f.Income {
		p := fmt.Sprintf("finance.income[%d]", i)
		if _, ok := IncomeKinds[in.Kind]; !ok {
			ds.Add(diag.BadChoice, p+".kind", "收入类型 %q 不在允许范围内，可用：%s", in.Kind, strings.Join(IncomeKindOrder, "、"))
		}
		if in.Amount < 0 {
			ds.Add(diag.BadValue, p+".amount", "收入金额不能为负数")
		}
	}
	for _, c := range []struct {
		path string
		v    money.Fen
	}{
		{"finance.expenditure.basic", f.Expenditure.Basic}, {"finance.expenditure.project", f.Expenditure.Project},
		{"finance.budget.initial", f.Budget.Initial}, {"finance.budget.adjusted", f.Budget.Adjusted},
		{"finance.carryover", f.Carryover}, {"finance.prior_income", f.PriorIncome},
	} {
		if c.v < 0 {
			ds.Add(diag.BadValue, c.path, "金额不能为负数")
		}
	}
	if f.Budget.Adjusted == 0 && yearEnd {
		ds.Add(diag.Missing, "finance.budget.adjusted", "缺少全年预算数")
	}
	return ds
}

var subcategories = map[string][]string{
	framework.CategoryOutput:       {"数量指标", "质量指标", "时效指标", "成本指标"},
	framework.CategoryEffect:       {"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"},
	framework.CategorySatisfaction: {"服务对象满意度指标"},
}

// Subcategories returns the level-2 classes of a target category.
func Subcategories(category string) []string { return subcategories[category] }

func validateTargets(ts []Target, path string, yearEnd bool) diag.List {
	var ds diag.List
	codes := map[string]int{}
	for i, t := range ts {
		p := fmt.Sprintf("%s[%d]", path, i)
		if !yearEnd {
			if strings.TrimSpace(t.Actual) != "" {
				ds.Add(diag.YearEndEarly, p+".actual", "年终自评开始前不填写实际完成值（“%s”）；请在“开始年终自评”后填写", t.Name)
			}
			if t.Level != "" {
				ds.Add(diag.YearEndEarly, p+".level", "年终自评开始前不填写评价等级（“%s”）；请在“开始年终自评”后填写", t.Name)
			}
		}
		if t.Code != "" {
			if j, dup := codes[t.Code]; dup {
				ds.Add(diag.Duplicate, p+".code", "指标编码 %s 与 %s[%d] 重复", t.Code, path, j)
			}
			codes[t.Code] = i
		}
		if strings.TrimSpace(t.Name) == "" {
			ds.Add(diag.Missing, p+".name", "缺少指标名称")
		}
		subs, ok := subcategories[t.Category]
		if !ok {
			ds.Add(diag.BadChoice, p+".category", "指标类别应为 output（产出）、effect（效益）或 satisfaction（满意度），实际为 %q", t.Category)
		} else if t.Subcategory != "" && !contains(subs, t.Subcategory) {
			ds.Add(diag.BadChoice, p+".subcategory", "%s的二级指标应为 %s 之一，实际为 %q", framework.CategoryNames[t.Category], strings.Join(subs, "、"), t.Subcategory)
		}
		switch t.Direction {
		case framework.AtLeast, framework.AtMost, framework.Equal:
			if _, err := num.ParseDecimal(t.Target); err != nil {
				ds.Add(diag.BadValue, p+".target", "定量指标的目标值应为数值：%v", err)
			}
			if _, err := num.ParseDecimal(t.Actual); err != nil && yearEnd {
				ds.Add(diag.BadValue, p+".actual", "定量指标的实际完成值应为数值：%v", err)
			}
		case framework.Qualitative:
			switch {
			case t.Level == "" && yearEnd:
				ds.Add(diag.Missing, p+".level", "定性指标需要填写评价等级（met、partly、not_met）")
			case t.Level != "" && framework.LevelNames[t.Level] == "":
				ds.Add(diag.BadChoice, p+".level", "评价等级应为 met、partly 或 not_met，实际为 %q", t.Level)
			}
			if strings.TrimSpace(t.Target) == "" {
				ds.Add(diag.Missing, p+".target", "缺少指标值")
			}
		default:
			ds.Add(diag.BadChoice, p+".direction", "指标方向应为 >=、<=、= 或 qualitative，实际为 %q", t.Direction)
		}
		if t.Points != nil && *t.Points <= 0 {
			ds.Add(diag.BadValue, p+".points", "分值应大于 0")
		}
	}
	return ds
}

func (in Input) validate(path string) diag.List {
	var ds diag.List
	if in.Level != "" && framework.LevelNames[in.Level] == "" {
		ds.Add(diag.BadChoice, path+".level", "评价等级应为 met、partly 或 not_met，实际为 %q", in.Level)
	}
	for i, c := range in.Checklist {
		if c.Item == "" {
			ds.Add(diag.Missing, fmt.Sprintf("%s.checklist[%d].item", path, i), "缺少检查项编码")
		}
	}
	return ds
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// CheckFramework finds what the data names that the frameworks lack:
// scores for indicators they do not have, inputs that do not fit the
// indicator's rule, checklist items the indicator does not list and
// weights (调整分值) of indicators they do not have. A nil framework is
// not checked (its absence is reported where it is looked up).
func (e *Evaluation) CheckFramework(fw, pfw *framework.Framework) diag.List {
	var ds diag.List
	check := func(scores map[string]Input, f *framework.Framework, path string) {
		ds = append(ds, CheckInputs(scores, f, path)...)
	}
	check(e.Scores, fw, "scores.")
	for i, p := range e.Projects {
		check(p.Scores, pfw, fmt.Sprintf("projects[%d].scores.", i))
	}
	if fw != nil {
		for _, code := range slices.Sorted(maps.Keys(e.Weights)) {
			if fw.Find(code) == nil {
				ds.Add(diag.UnknownRef, "weights."+code, "框架 %s 中没有指标 %s", fw.ID, code)
			}
		}
	}
	return ds
}

// Consistency finds what is likely wrong though it can be scored: parts
// against stated totals (telling rounding from a real mismatch), expenditure
// against income, targets missed without a cause, narrative left empty.
func (e *Evaluation) Consistency() diag.List {
	var ds diag.List
	f := e.Finance
	bounded := e.amountsBounded()
	if !bounded {
		// Validate reports the amounts; sums of them mean nothing.
		f = Finance{}
	}
	if f.Stated != nil {
		if f.Stated.Income != nil {
			parts := make([]money.Fen, len(f.Income))
			for i, in := range f.Income {
				parts[i] = in.Amount
			}
			compareTotal(&ds, "finance.stated.income", "收入合计", *f.Stated.Income, parts)
		}
		if f.Stated.Expenditure != nil {
			compareTotal(&ds, "finance.stated.expenditure", "支出合计", *f.Stated.Expenditure, []money.Fen{f.Expenditure.Basic, f.Expenditure.Project})
		}
	}
	if f.Budget.Adjusted > 0 {
		r := big.NewRat(int64(f.Expenditure.Total()), int64(f.Budget.Adjusted))
		if r.Cmp(big.NewRat(1, 1)) > 0 {
			ds.Add(diag.TotalMismatch, "finance.expenditure", "决算支出 %s 万元超过全年预算数 %s 万元", f.Expenditure.Total().Wan(), f.Budget.Adjusted.Wan())
		}
	}
	if f.Sangong != nil {
		for _, c := range []struct {
			name string
			ba   BudgetActual
		}{{"overseas", f.Sangong.Overseas}, {"vehicle_purchase", f.Sangong.VehiclePurchase}, {"vehicle_operation", f.Sangong.VehicleOperation}, {"reception", f.Sangong.Reception}} {
			if c.ba.Actual < 0 || c.ba.Budget < 0 {
				ds.Add(diag.BadValue, "finance.sangong."+c.name, "金额不能为负数")
			}
		}
	}
	deviations(&ds, e.Targets, "targets")
	for i, p := range e.Projects {
		deviations(&ds, p.Targets, fmt.Sprintf("projects[%d].targets", i))
		if p.Executed > p.Adjusted && p.Adjusted > 0 {
			ds.Add(diag.TotalMismatch, fmt.Sprintf("projects[%d].executed", i), "项目 %s 全年执行数 %s 万元超过全年预算数 %s 万元", p.Name, p.Executed.Wan(), p.Adjusted.Wan())
		}
		if p.Funding != nil && bounded {
			fsum := money.MustSum(p.Funding.Appropriation, p.Funding.CarriedOver, p.Funding.Other)
			if fsum != p.Adjusted {
				ds.Add(diag.TotalMismatch, fmt.Sprintf("projects[%d].funding", i), "项目 %s 资金来源合计 %s 万元与全年预算数 %s 万元不符", p.Name, fsum.Wan(), p.Adjusted.Wan())
			}
		}
	}
	n := e.Narrative
	for _, c := range []struct{ path, text, what string }{
		{"narrative.management", n.Management, "部门整体绩效管理情况"},
		{"narrative.conclusion", n.Conclusion, "自评结论"},
		{"narrative.achievements", n.Achievements, "履职效能分析"},
	} {
		if strings.TrimSpace(c.text) == "" {
			ds.Add(diag.NarrativeAbsent, c.path, "“%s”段落为空，报告中将缺少该部分的文字说明", c.what)
		}
	}
	if len(e.Problems) == 0 {
		ds.Add(diag.NarrativeAbsent, "problems", "未列出存在的主要问题")
	}
	if len(e.Measures) == 0 {
		ds.Add(diag.NarrativeAbsent, "measures", "未列出下一步改进措施")
	}
	return ds
}

// compareTotal checks that parts add up to a stated total. A figure that
// is a whole number of some unit (a power of ten of fen, at most 0.01 万元,
// the coarsest precision reports print) may have been rounded to it and be
// off by half that unit. A difference within the sum of those half-units is
// a rounding difference; beyond it, a mismatch.
func compareTotal(ds *diag.List, path, what string, total money.Fen, parts []money.Fen) {
	s := money.MustSum(parts...)
	if s == total {
		return
	}
	diff := s - total
	if diff < 0 {
		diff = -diff
	}
	tol := roundingTolerance(append([]money.Fen{total}, parts...)...)
	if diff <= tol {
		ds.Add(diag.RoundingDiff, path, "%s %s 万元与各分项之和 %s 万元相差 %s 元，在各数取整的舍入误差（±%s 元）以内",
			what, total.Wan(), s.Wan(), diff.YuanText(), tol.YuanText())
		return
	}
	ds.Add(diag.TotalMismatch, path, "%s %s 元与各分项之和 %s 元不符，相差 %s 元（舍入误差至多 %s 元）", what, total.YuanText(), s.YuanText(), diff.YuanText(), tol.YuanText())
}

// roundingTolerance is how far figures may be off in total if each was
// rounded to its unit: the sum of their half-units.
func roundingTolerance(vs ...money.Fen) money.Fen {
	var tol money.Fen
	for _, v := range vs {
		tol += money.Fen(roundingUnit(v) / 2)
	}
	return tol
}

// roundingUnit is the largest power of ten of fen, up to 10,000 fen (0.01
// 万元), that divides v: the precision v may have been rounded to.
func roundingUnit(v money.Fen) int64 {
	unit := int64(1)
	for next := int64(10); next <= 10_000; next *= 10 {
		if int64(v)%next != 0 {
			break
		}
		unit = next
	}
	return unit
}

func deviations(ds *diag.List, ts []Target, path string) {
	for i, t := range ts {
		if strings.TrimSpace(t.Deviation) != "" {
			continue
		}
		p := fmt.Sprintf("%s[%d].deviation", path, i)
		switch t.Direction {
		case framework.Qualitative:
			if t.Level != "" && t.Level != framework.LevelMet {
				ds.Add(diag.NoDeviation, p, "定性指标“%s”%s，未说明偏差原因", t.Name, framework.LevelNames[t.Level])
			}
		case framework.AtLeast, framework.AtMost, framework.Equal:
			tg, err1 := num.ParseDecimal(t.Target)
			ac, err2 := num.ParseDecimal(t.Actual)
			if err1 != nil || err2 != nil {
				continue
			}
			missed := (t.Direction == framework.AtLeast && ac.Cmp(tg) < 0) ||
				(t.Direction == framework.AtMost && ac.Cmp(tg) > 0) ||
				(t.Direction == framework.Equal && ac.Cmp(tg) != 0)
			if missed {
				ds.Add(diag.NoDeviation, p, "指标“%s”目标 %s%s，实际 %s%s，未说明偏差原因", t.Name, t.Target, t.Unit, t.Actual, t.Unit)
				continue
			}
			// Far exceeded (by half or more) suggests the target was set
			// too low: the cause must be stated (财预〔2020〕10号 附件2).
			if t.Direction == framework.AtLeast && tg.Sign() > 0 {
				r := new(big.Rat).Quo(ac.Rat(), tg.Rat())
				if r.Cmp(big.NewRat(3, 2)) >= 0 {
					ds.Add(diag.NoDeviation, p, "指标“%s”实际 %s%s 超出目标 %s%s 五成以上，应说明偏差原因（目标是否设置偏低）", t.Name, t.Actual, t.Unit, t.Target, t.Unit)
				}
			}
		}
	}
}

func (r *Registers) validate() diag.List {
	var ds diag.List
	for i, in := range r.Intentions {
		if strings.TrimSpace(in.Project) == "" {
			ds.Add(diag.Missing, fmt.Sprintf("registers.intentions[%d].project", i), "缺少采购项目名称")
		}
	}
	seen := map[string]int{}
	for i, k := range r.Contracts {
		p := fmt.Sprintf("registers.contracts[%d]", i)
		switch j, dup := seen[k.Number]; {
		case strings.TrimSpace(k.Number) == "":
			ds.Add(diag.Missing, p+".number", "缺少合同编号")
		case dup:
			ds.Add(diag.Duplicate, p+".number", "合同编号 %s 与 registers.contracts[%d] 重复", k.Number, j)
		}
		seen[k.Number] = i
		if k.Amount < 0 {
			ds.Add(diag.BadValue, p+".amount", "合同金额不能为负数")
		}
		for _, d := range []struct {
			name       string
			before, at civil.Date
		}{{"signed", k.Awarded, k.Signed}, {"published", k.Signed, k.Published}, {"filed", k.Signed, k.Filed}} {
			if !d.before.IsZero() && !d.at.IsZero() && d.at.Before(d.before) {
				ds.Add(diag.BadValue, p+"."+d.name, "合同 %s 的日期 %s 早于前一环节的日期 %s", k.Number, d.at, d.before)
			}
		}
	}
	assets := map[string]int{}
	for i, a := range r.Assets {
		p := fmt.Sprintf("registers.assets[%d]", i)
		switch j, dup := assets[a.Number]; {
		case strings.TrimSpace(a.Number) == "":
			ds.Add(diag.Missing, p+".number", "缺少资产编号")
		case dup:
			ds.Add(diag.Duplicate, p+".number", "资产编号 %s 与 registers.assets[%d] 重复", a.Number, j)
		}
		assets[a.Number] = i
		if a.Value < 0 {
			ds.Add(diag.BadValue, p+".value", "资产价值不能为负数")
		}
	}
	for i, d := range r.Disclosures {
		p := fmt.Sprintf("registers.disclosures[%d]", i)
		if _, ok := DisclosureKinds[d.Kind]; !ok {
			ds.Add(diag.BadChoice, p+".kind", "公开类别应为 budget（部门预算）、final_accounts（部门决算）或 performance（绩效信息），实际为 %q", d.Kind)
		}
		if !d.Approved.IsZero() && !d.Published.IsZero() && d.Published.Before(d.Approved) {
			ds.Add(diag.BadValue, p+".published", "公开日期 %s 早于批复日期 %s", d.Published, d.Approved)
		}
	}
	return ds
}
