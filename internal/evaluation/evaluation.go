// Package evaluation is the data of one department-year (部门年度绩效自评):
// the department, its finances, its performance targets, the evidence and
// scores the officer enters, its projects, and the paragraphs a person
// writes. It computes the figures a report states and checks the data for
// mistakes; it does no I/O.
package evaluation

import (
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// Evaluation is one department's self-evaluation for one year.
type Evaluation struct {
	Department Department `yaml:"department" json:"department"`
	Year       int        `yaml:"year" json:"year"`
	// Framework is the id of the department framework that scores it.
	Framework string `yaml:"framework" json:"framework"`
	// Weights re-set points the framework leaves to configuration, by
	// indicator code (e.g. the split of 履职效能).
	Weights map[string]num.Points `yaml:"weights,omitempty" json:"weights,omitempty"`
	// ProjectFramework scores the projects; default cn-project-2020.
	ProjectFramework string `yaml:"project_framework,omitempty" json:"project_framework,omitempty"`
	// Illustrative says which figures were invented for an example, so a
	// report made from it is never mistaken for an official one.
	Illustrative string `yaml:"illustrative,omitempty" json:"illustrative,omitempty"`

	KeyTasks    KeyTasks `yaml:"key_tasks" json:"key_tasks"`
	OverallGoal string   `yaml:"overall_goal" json:"overall_goal"`
	// Declaration is what the department table of the target declaration
	// (部门整体支出绩效目标申报表) adds to the overall goal; optional.
	Declaration *Declaration     `yaml:"declaration,omitempty" json:"declaration,omitempty"`
	Finance     Finance          `yaml:"finance" json:"finance"`
	Targets     []Target         `yaml:"targets" json:"targets"`
	Scores      map[string]Input `yaml:"scores,omitempty" json:"scores,omitempty"`
	Projects    []Project        `yaml:"projects,omitempty" json:"projects,omitempty"`
	Registers   *Registers       `yaml:"registers,omitempty" json:"registers,omitempty"`
	Problems    []string         `yaml:"problems,omitempty" json:"problems,omitempty"`
	Measures    []string         `yaml:"measures,omitempty" json:"measures,omitempty"`
	Narrative   Narrative        `yaml:"narrative" json:"narrative"`
	Report      ReportInfo       `yaml:"report,omitempty" json:"report,omitempty"`
}

// Department is the budget unit (预算单位) being evaluated.
type Department struct {
	Name string `yaml:"name" json:"name"`
	// ShortName is how the report refers to itself ("我办", "我局").
	ShortName string `yaml:"short_name,omitempty" json:"short_name,omitempty"`
	// Code is the budget unit code (预算单位编码).
	Code   string `yaml:"code" json:"code"`
	Parent string `yaml:"parent,omitempty" json:"parent,omitempty"`
	Region string `yaml:"region,omitempty" json:"region,omitempty"`
	// Functions (部门职能) are listed one per entry.
	Functions []string `yaml:"functions" json:"functions"`
	// Organisation (设置机构及人员情况) is optional; some cities add it.
	Organisation string    `yaml:"organisation,omitempty" json:"organisation,omitempty"`
	Staffing     *Staffing `yaml:"staffing,omitempty" json:"staffing,omitempty"`
}

// Staffing is the authorised and actual headcount (编制 and 实有人数).
type Staffing struct {
	Authorised int `yaml:"authorised" json:"authorised"`
	Actual     int `yaml:"actual" json:"actual"`
}

// KeyTasks (年度总体工作和重点工作任务) is an introduction and numbered
// tasks, each with a lead phrase printed in bold ("一是…").
type KeyTasks struct {
	Intro string `yaml:"intro,omitempty" json:"intro,omitempty"`
	Items []Task `yaml:"items" json:"items"`
}

// Task is one key task.
type Task struct {
	Lead string `yaml:"lead" json:"lead"`
	Text string `yaml:"text" json:"text"`
}

// Income source kinds (收入来源), as final-account tables classify them.
var IncomeKinds = map[string]string{
	"general_public":  "一般公共预算财政拨款收入",
	"government_fund": "政府性基金预算财政拨款收入",
	"state_capital":   "国有资本经营预算财政拨款收入",
	"business":        "事业收入",
	"operating":       "经营收入",
	"subordinate":     "附属单位上缴收入",
	"other":           "其他收入",
}

// IncomeKindOrder is the order final-account tables list income sources in.
var IncomeKindOrder = []string{"general_public", "government_fund", "state_capital", "business", "operating", "subordinate", "other"}

// Finance is the year's final-account (决算) picture.
type Finance struct {
	Income []Income `yaml:"income" json:"income"`
	// PriorIncome is last year's final-account income (上年决算收入).
	PriorIncome money.Fen `yaml:"prior_income" json:"prior_income"`
	// IncomeChangeReasons explain the change on last year.
	IncomeChangeReasons []string `yaml:"income_change_reasons,omitempty" json:"income_change_reasons,omitempty"`
	// Expenditure splits final-account spending into basic and project.
	Expenditure Expenditure `yaml:"expenditure" json:"expenditure"`
	// Budget is the year's budget: initial (年初预算) and adjusted (全年预算).
	Budget Budget `yaml:"budget" json:"budget"`
	// Carryover is the appropriation carry-over and surplus at year end
	// (年末财政拨款结转和结余).
	Carryover money.Fen `yaml:"carryover" json:"carryover"`
	// Sangong is the "three public expenses" budget and actual.
	Sangong *Sangong `yaml:"sangong,omitempty" json:"sangong,omitempty"`
	// PublicFunds (公用经费) budget and actual.
	PublicFunds *BudgetActual `yaml:"public_funds,omitempty" json:"public_funds,omitempty"`
	// Stated totals, if the source document prints them, are checked
	// against the sum of their parts.
	Stated *StatedTotals `yaml:"stated,omitempty" json:"stated,omitempty"`
}

// Income is one source of income.
type Income struct {
	Kind   string    `yaml:"kind" json:"kind"`
	Name   string    `yaml:"name,omitempty" json:"name,omitempty"`
	Amount money.Fen `yaml:"amount" json:"amount"`
}

// Label returns the income's display name.
func (in Income) Label() string {
	if in.Name != "" {
		return in.Name
	}
	return IncomeKinds[in.Kind]
}

// Expenditure is final-account spending by type.
type Expenditure struct {
	Basic   money.Fen `yaml:"basic" json:"basic"`     // 基本支出
	Project money.Fen `yaml:"project" json:"project"` // 项目支出
}

// Total is basic plus project expenditure.
func (e Expenditure) Total() money.Fen { return money.MustSum(e.Basic, e.Project) }

// Budget is the year's budget.
type Budget struct {
	Initial  money.Fen `yaml:"initial" json:"initial"`   // 年初预算数
	Adjusted money.Fen `yaml:"adjusted" json:"adjusted"` // 全年预算数（调整后）
}

// BudgetActual is a budgeted and an actual amount, with last year's actual.
type BudgetActual struct {
	Budget      money.Fen  `yaml:"budget" json:"budget"`
	Actual      money.Fen  `yaml:"actual" json:"actual"`
	PriorActual *money.Fen `yaml:"prior_actual,omitempty" json:"prior_actual,omitempty"`
}

// Sangong is the "三公" expenses: overseas trips (因公出国（境）),
// vehicle purchase (公务用车购置) and operation (公务用车运行维护),
// and official receptions (公务接待).
type Sangong struct {
	Overseas         BudgetActual `yaml:"overseas" json:"overseas"`
	VehiclePurchase  BudgetActual `yaml:"vehicle_purchase" json:"vehicle_purchase"`
	VehicleOperation BudgetActual `yaml:"vehicle_operation" json:"vehicle_operation"`
	Reception        BudgetActual `yaml:"reception" json:"reception"`
}

// Total adds up the four parts.
func (s *Sangong) Total() BudgetActual {
	var t BudgetActual
	for _, p := range []BudgetActual{s.Overseas, s.VehiclePurchase, s.VehicleOperation, s.Reception} {
		t.Budget = money.MustSum(t.Budget, p.Budget)
		t.Actual = money.MustSum(t.Actual, p.Actual)
	}
	return t
}

// StatedTotals are totals as a source document prints them, to be checked
// against the parts.
type StatedTotals struct {
	Income      *money.Fen `yaml:"income,omitempty" json:"income,omitempty"`
	Expenditure *money.Fen `yaml:"expenditure,omitempty" json:"expenditure,omitempty"`
}

// Target is a performance indicator of the overall goal or of a project
// (绩效指标): what was promised, what was achieved.
type Target struct {
	Code string `yaml:"code,omitempty" json:"code,omitempty"`
	// Category is output, effect or satisfaction; Subcategory the level-2
	// class (数量, 质量, 时效, 成本, 经济效益, 社会效益, 生态效益,
	// 可持续影响, 服务对象满意度).
	Category    string `yaml:"category" json:"category"`
	Subcategory string `yaml:"subcategory" json:"subcategory"`
	Name        string `yaml:"name" json:"name"`
	Unit        string `yaml:"unit,omitempty" json:"unit,omitempty"`
	// Direction is ">=", "<=", "=" or "qualitative".
	Direction string `yaml:"direction" json:"direction"`
	// Target and Actual are numbers for quantitative indicators and words
	// for qualitative ones.
	Target string `yaml:"target" json:"target"`
	Actual string `yaml:"actual" json:"actual"`
	// Level is the judgement of a qualitative indicator: met, partly or
	// not_met; Score may place it inside its band (default: the top).
	Level string      `yaml:"level,omitempty" json:"level,omitempty"`
	Score *num.Points `yaml:"score,omitempty" json:"score,omitempty"`
	// Points is the indicator's weight; when no target of its part sets
	// one, the part's points are shared equally.
	Points *num.Points `yaml:"points,omitempty" json:"points,omitempty"`
	// Deviation (偏差原因分析及改进措施) explains a miss or a large excess.
	Deviation  string      `yaml:"deviation,omitempty" json:"deviation,omitempty"`
	Deductions []Deduction `yaml:"deductions,omitempty" json:"deductions,omitempty"`
	Evidence   []string    `yaml:"evidence,omitempty" json:"evidence,omitempty"`

	// Declared with the target, all optional: the basis of the target
	// value (取值依据), the quarterly milestones of a quantitative
	// indicator (季度节点值, cumulative to the end of each quarter) and a
	// remark (备注).
	Basis      string      `yaml:"basis,omitempty" json:"basis,omitempty"`
	Milestones *Milestones `yaml:"milestones,omitempty" json:"milestones,omitempty"`
	Remark     string      `yaml:"remark,omitempty" json:"remark,omitempty"`

	// Adjusted is set by the store, never by the department, on an
	// indicator an approved 目标调整 changed or added (docs/cycle.md §4).
	Adjusted *Adjusted `yaml:"adjusted,omitempty" json:"adjusted,omitempty"`
}

// Adjusted says that an approved target adjustment (目标调整) changed an
// indicator: the adjustment's number, the indicator as approved before
// it was first adjusted (nil for an indicator the adjustment added) and
// the adjustment's reason.
type Adjusted struct {
	Number int           `yaml:"number" json:"number"`
	From   *AdjustedFrom `yaml:"from,omitempty" json:"from,omitempty"`
	Reason string        `yaml:"reason" json:"reason"`
}

// AdjustedFrom is an indicator's value before its adjustment.
type AdjustedFrom struct {
	Direction string `yaml:"direction" json:"direction"`
	Target    string `yaml:"target" json:"target"`
	Unit      string `yaml:"unit,omitempty" json:"unit,omitempty"`
}

// Target value bases (取值依据), as 财预〔2021〕101号 classifies them.
const (
	BasisPlan     = "plan"
	BasisIndustry = "industry"
	BasisHistory  = "history"
	BasisOther    = "other"
)

// BasisOrder lists the bases in the order forms offer them.
var BasisOrder = []string{BasisPlan, BasisIndustry, BasisHistory, BasisOther}

// BasisNames names the bases.
var BasisNames = map[string]string{BasisPlan: "计划标准", BasisIndustry: "行业标准", BasisHistory: "历史标准", BasisOther: "其他"}

// Milestones are the values an indicator is to reach by the end of each
// quarter (季度节点值); an empty one is not set.
type Milestones struct {
	Q1 string `yaml:"q1,omitempty" json:"q1,omitempty"`
	Q2 string `yaml:"q2,omitempty" json:"q2,omitempty"`
	Q3 string `yaml:"q3,omitempty" json:"q3,omitempty"`
	Q4 string `yaml:"q4,omitempty" json:"q4,omitempty"`
}

// Quarters returns the four values in order.
func (m Milestones) Quarters() [4]string { return [4]string{m.Q1, m.Q2, m.Q3, m.Q4} }

// Deduction is points taken off by judgement, always with a reason.
type Deduction struct {
	Points   num.Points `yaml:"points" json:"points"`
	Reason   string     `yaml:"reason" json:"reason"`
	Evidence []string   `yaml:"evidence,omitempty" json:"evidence,omitempty"`
}

// Input is what the officer enters for one framework indicator: the
// outcome of each checklist item, a qualitative level, a manual score, or
// that the indicator does not apply; and the evidence behind it.
type Input struct {
	// NotApplicable, when set, is the reason the indicator does not apply.
	NotApplicable string      `yaml:"not_applicable,omitempty" json:"not_applicable,omitempty"`
	Checklist     []ItemCheck `yaml:"checklist,omitempty" json:"checklist,omitempty"`
	Level         string      `yaml:"level,omitempty" json:"level,omitempty"`
	Score         *num.Points `yaml:"score,omitempty" json:"score,omitempty"`
	// Target and Actual feed a ratio rule that does not take them from a
	// measure or the framework.
	Target *num.Decimal `yaml:"target,omitempty" json:"target,omitempty"`
	Actual *num.Decimal `yaml:"actual,omitempty" json:"actual,omitempty"`
	Reason string       `yaml:"reason,omitempty" json:"reason,omitempty"`
	// Work is what was done, in the officer's words, for the report's
	// paragraph on this indicator.
	Work       string      `yaml:"work,omitempty" json:"work,omitempty"`
	Evidence   []string    `yaml:"evidence,omitempty" json:"evidence,omitempty"`
	Deductions []Deduction `yaml:"deductions,omitempty" json:"deductions,omitempty"`
}

// ItemCheck is the outcome of one checklist item. Items not listed passed.
type ItemCheck struct {
	Item   string `yaml:"item" json:"item"`
	Passed bool   `yaml:"passed" json:"passed"`
	// Deduct, for a failed item, takes off only part of its points.
	Deduct   *num.Points `yaml:"deduct,omitempty" json:"deduct,omitempty"`
	Reason   string      `yaml:"reason,omitempty" json:"reason,omitempty"`
	Evidence []string    `yaml:"evidence,omitempty" json:"evidence,omitempty"`
	// Override, for an item the framework decides from the registers, is
	// the officer's reason for replacing the computed result with this
	// entry; it is kept in the history and shown to the reviewer.
	Override string `yaml:"override,omitempty" json:"override,omitempty"`
}

// Project is one project (项目) with its own self-evaluation table.
type Project struct {
	Name string `yaml:"name" json:"name"`
	Code string `yaml:"code,omitempty" json:"code,omitempty"`
	// Unit implementing the project (实施单位), default the department.
	Unit string `yaml:"unit,omitempty" json:"unit,omitempty"`
	// Initial (年初预算数), Adjusted (全年预算数) and Executed (全年执行数).
	Initial  money.Fen `yaml:"initial" json:"initial"`
	Adjusted money.Fen `yaml:"adjusted" json:"adjusted"`
	Executed money.Fen `yaml:"executed" json:"executed"`
	// Funding splits the year's funds: current appropriation (当年财政拨款),
	// carry-over from last year (上年结转资金), other (其他资金).
	Funding  *Funding         `yaml:"funding,omitempty" json:"funding,omitempty"`
	Goal     string           `yaml:"goal" json:"goal"`
	Achieved string           `yaml:"achieved" json:"achieved"`
	Targets  []Target         `yaml:"targets" json:"targets"`
	Scores   map[string]Input `yaml:"scores,omitempty" json:"scores,omitempty"`

	// The declared fields of 项目支出绩效目标申报表, all optional.

	// Kind is new (新增) or continuing (延续).
	Kind string `yaml:"kind,omitempty" json:"kind,omitempty"`
	// Supervisor is the supervising department (主管部门), default the
	// department; Manager the person in charge (项目负责人), a name only.
	Supervisor string `yaml:"supervisor,omitempty" json:"supervisor,omitempty"`
	Manager    string `yaml:"manager,omitempty" json:"manager,omitempty"`
	// Period is the project's whole duration (项目起止时间).
	Period *Period `yaml:"period,omitempty" json:"period,omitempty"`
	// Funds are the sources of the year's declared funds (年度资金构成),
	// which add up to Initial.
	Funds *Funds `yaml:"funds,omitempty" json:"funds,omitempty"`
	// PeriodTotal is the funds of the whole period (项目总资金).
	PeriodTotal *money.Fen `yaml:"period_total,omitempty" json:"period_total,omitempty"`
	// Overview (项目概况) and Basis (立项依据) are paragraphs.
	Overview string `yaml:"overview,omitempty" json:"overview,omitempty"`
	Basis    string `yaml:"basis,omitempty" json:"basis,omitempty"`
	// Plan is the implementation schedule (实施进度计划).
	Plan []PlanStep `yaml:"plan,omitempty" json:"plan,omitempty"`
	// LongTermGoal is the goal of the whole period (长期目标); Goal is
	// the year's (年度目标).
	LongTermGoal string `yaml:"long_term_goal,omitempty" json:"long_term_goal,omitempty"`
}

// Project kinds (项目属性).
const (
	ProjectNew        = "new"
	ProjectContinuing = "continuing"
)

// ProjectKinds names the project kinds.
var ProjectKinds = map[string]string{ProjectNew: "新增", ProjectContinuing: "延续"}

// Declaration is the department table of the target declaration
// (部门整体支出绩效目标申报表) beyond the overall goal and targets.
type Declaration struct {
	// LongTermGoal is the medium- and long-term goal (中长期目标).
	LongTermGoal string `yaml:"long_term_goal,omitempty" json:"long_term_goal,omitempty"`
	// Funds are the sources of the year's funds (年度资金), which add up to
	// finance.budget.initial.
	Funds *Funds `yaml:"funds,omitempty" json:"funds,omitempty"`
	// Basic and Project split the year's funds by use (基本支出, 项目支出).
	Basic   *money.Fen `yaml:"basic,omitempty" json:"basic,omitempty"`
	Project *money.Fen `yaml:"project,omitempty" json:"project,omitempty"`
}

// Funds are the sources of declared funds (资金构成): the appropriation
// of this level of government (财政拨款 本级) and of higher levels (上级),
// the unit's own funds (自有资金) and other funds (其他资金).
type Funds struct {
	AppropriationLocal money.Fen `yaml:"appropriation_local" json:"appropriation_local"`
	AppropriationUpper money.Fen `yaml:"appropriation_upper" json:"appropriation_upper"`
	Own                money.Fen `yaml:"own" json:"own"`
	Other              money.Fen `yaml:"other" json:"other"`
}

// Appropriation is the appropriation of both levels (财政拨款).
func (f Funds) Appropriation() money.Fen {
	return money.MustSum(f.AppropriationLocal, f.AppropriationUpper)
}

// Total adds up the four sources.
func (f Funds) Total() money.Fen {
	return money.MustSum(f.AppropriationLocal, f.AppropriationUpper, f.Own, f.Other)
}

// Period is a span of days, both ends included; a zero end is not yet
// known.
type Period struct {
	Start civil.Date `yaml:"start" json:"start"`
	End   civil.Date `yaml:"end" json:"end"`
}

// PlanStep is one step of a project's implementation schedule.
type PlanStep struct {
	Content string     `yaml:"content" json:"content"`
	Start   civil.Date `yaml:"start" json:"start"`
	End     civil.Date `yaml:"end" json:"end"`
}

// Funding is where a project's year funds came from.
type Funding struct {
	Appropriation money.Fen `yaml:"appropriation" json:"appropriation"`
	CarriedOver   money.Fen `yaml:"carried_over" json:"carried_over"`
	Other         money.Fen `yaml:"other" json:"other"`
}

// Narrative holds the paragraphs only a person can write. Each is plain
// text; an empty one leaves its place in the report to generated text or
// is flagged by the checker.
type Narrative struct {
	// Management (部门整体绩效管理情况).
	Management string `yaml:"management" json:"management"`
	// Conclusion opens the self-evaluation conclusion (自评结论); the
	// score and grade sentence is generated after it.
	Conclusion string `yaml:"conclusion" json:"conclusion"`
	// TargetSetting says how the overall targets were set and monitored.
	TargetSetting string `yaml:"target_setting,omitempty" json:"target_setting,omitempty"`
	// Achievements describes the year's results (履职效能分析).
	Achievements string `yaml:"achievements" json:"achievements"`
	// Outlook closes the duty-performance analysis.
	Outlook string `yaml:"outlook,omitempty" json:"outlook,omitempty"`
	// ProblemsIntro and MeasuresIntro open sections 三 and 四.
	ProblemsIntro string `yaml:"problems_intro,omitempty" json:"problems_intro,omitempty"`
	MeasuresIntro string `yaml:"measures_intro,omitempty" json:"measures_intro,omitempty"`
}

// ReportInfo is what the report prints around the body.
type ReportInfo struct {
	Label string `yaml:"label,omitempty" json:"label,omitempty"` // 附件2
	Date  string `yaml:"date,omitempty" json:"date,omitempty"`   // 落款日期
	// ShareDecimals and GrowthDecimals are how many decimals the report
	// prints for shares (占总收入的83.23%) and year-on-year growth
	// (增幅14.2%). Local practice differs (some cities print growth to
	// two decimals); the defaults are 2 and 1, as the reference reports.
	ShareDecimals  *int `yaml:"share_decimals,omitempty" json:"share_decimals,omitempty"`
	GrowthDecimals *int `yaml:"growth_decimals,omitempty" json:"growth_decimals,omitempty"`
}

// ShareDecimalsOr returns the share decimals, or def when not set.
func (r ReportInfo) ShareDecimalsOr(def int) int {
	if r.ShareDecimals != nil {
		return *r.ShareDecimals
	}
	return def
}

// GrowthDecimalsOr returns the growth decimals, or def when not set.
func (r ReportInfo) GrowthDecimalsOr(def int) int {
	if r.GrowthDecimals != nil {
		return *r.GrowthDecimals
	}
	return def
}

// ProjectFrameworkID returns the framework that scores the projects.
func (e *Evaluation) ProjectFrameworkID() string {
	if e.ProjectFramework != "" {
		return e.ProjectFramework
	}
	return "cn-project-2020"
}

// SelfName is how the report refers to the department.
func (e *Evaluation) SelfName() string {
	if e.Department.ShortName != "" {
		return e.Department.ShortName
	}
	return "本部门"
}
