// Package exante is the ex-ante performance evaluation (事前绩效评估) of a
// proposed new project or policy: the record (what is proposed, who
// assessed it, the assessor's entries against an ex-ante framework and
// the report's text), whether a proposal needs one and who assesses it,
// and the assessment that scores the record and gives its conclusion
// (予以支持 / 调整后予以支持 / 不予支持). It is part of the domain core: no
// I/O; edges read the record (internal/datafile) and render its report
// (report.Exante).
package exante

import (
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// Kinds of proposal (评估对象).
const (
	KindNew    = "new"    // 新增项目
	KindPolicy = "policy" // 新出台政策
	// KindContinuing (延续项目) is not a kind of record: Need says a
	// continuing project needs no ex-ante evaluation.
	KindContinuing = "continuing"
)

// KindNames gives the Chinese name of each kind.
var KindNames = map[string]string{KindNew: "新增项目", KindPolicy: "新出台政策", KindContinuing: "延续项目"}

// Assessors: who carries out the ex-ante evaluation.
const (
	AssessorDepartment = "department" // 部门评估
	AssessorFinance    = "finance"    // 财政评估
)

// AssessorNames gives the Chinese name of each assessor.
var AssessorNames = map[string]string{AssessorDepartment: "预算部门", AssessorFinance: "财政部门"}

// DefaultFramework is the built-in ex-ante framework a record uses when it
// names none.
const DefaultFramework = "cn-exante-2024"

// Evaluation is one ex-ante evaluation record.
type Evaluation struct {
	// Framework is the id of the ex-ante framework (scope exante); empty
	// means DefaultFramework.
	Framework string `yaml:"framework,omitempty" json:"framework,omitempty"`
	// Year is the budget year the proposal asks money for.
	Year int `yaml:"year" json:"year"`
	// Department is the proposing department (申报部门).
	Department Department `yaml:"department" json:"department"`
	Project    Project    `yaml:"project" json:"project"`
	// Assessor is who carried out the evaluation: department or finance.
	Assessor string `yaml:"assessor" json:"assessor"`
	// Evaluator names the body that did the work (评估组 or a third
	// party), printed as the report's author; Date is the report's date.
	Evaluator string     `yaml:"evaluator" json:"evaluator"`
	Date      civil.Date `yaml:"date" json:"date,omitzero"`
	// Scores are the assessor's entries against the framework, by
	// indicator code, as a department-year's scores are written.
	Scores map[string]evaluation.Input `yaml:"scores" json:"scores"`
	// Conclusion, when set, is the conclusion the assessor states
	// (support, support_adjusted, reject). One that differs from the
	// conclusion the score gives needs ConclusionReason.
	Conclusion       string `yaml:"conclusion,omitempty" json:"conclusion,omitempty"`
	ConclusionReason string `yaml:"conclusion_reason,omitempty" json:"conclusion_reason,omitempty"`
	Report           Report `yaml:"report" json:"report"`
	// Illustrative, when set, says the record's data are invented.
	Illustrative string `yaml:"illustrative,omitempty" json:"illustrative,omitempty"`
}

// Department is the proposing department.
type Department struct {
	Code string `yaml:"code" json:"code"`
	Name string `yaml:"name" json:"name"`
}

// Project is what is proposed.
type Project struct {
	Code string `yaml:"code" json:"code"`
	Name string `yaml:"name" json:"name"`
	// Kind is new (新增项目) or policy (新出台政策).
	Kind string `yaml:"kind" json:"kind"`
	// Unit is the implementing unit (实施单位), default the department.
	Unit string `yaml:"unit,omitempty" json:"unit,omitempty"`
	// Amount is the money requested (申请预算金额), the figure the
	// thresholds compare.
	Amount money.Fen `yaml:"amount" json:"amount"`
	// Period is the implementation period in words (实施周期).
	Period string `yaml:"period,omitempty" json:"period,omitempty"`
}

// Report is the text of the evaluation report, one field per part of the
// outline. The scores, the score table and the conclusion are computed;
// these are what people write.
type Report struct {
	Subject     string `yaml:"subject" json:"subject"`         // 一、评估对象基本情况
	Work        string `yaml:"work" json:"work"`               // 二、评估工作开展情况
	Assessment  string `yaml:"assessment" json:"assessment"`   // 三、综合评估情况（before the computed scores and conclusion）
	Suggestions string `yaml:"suggestions" json:"suggestions"` // 四、相关建议
	// Other is 其他需要说明的问题, printed only when written.
	Other string `yaml:"other,omitempty" json:"other,omitempty"`
}

// FrameworkID is the framework the record is scored with.
func (e *Evaluation) FrameworkID() string {
	if e.Framework == "" {
		return DefaultFramework
	}
	return e.Framework
}

// UnitName is the implementing unit, or the department when none is named.
func (e *Evaluation) UnitName() string {
	if e.Project.Unit != "" {
		return e.Project.Unit
	}
	return e.Department.Name
}
