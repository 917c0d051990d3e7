package exante

import (
	"fmt"

	"github.com/jixiao/jixiao/internal/money"
)

// Thresholds say from which amount a new project or policy needs an
// ex-ante evaluation by its department, and from which amount the finance
// bureau assesses it instead. They are configuration: local rules differ.
type Thresholds struct {
	Department money.Fen // from this amount the department assesses
	Finance    money.Fen // from this amount the finance bureau assesses
}

// DefaultThresholds are 1,000,000 yuan for the department and 5,000,000
// yuan for the finance bureau: the rule of one development zone (2024),
// taken as the default because no national rule fixes amounts.
var DefaultThresholds = Thresholds{Department: money.Yuan(1_000_000), Finance: money.Yuan(5_000_000)}

// Default reports whether t are the default thresholds.
func (t Thresholds) Default() bool { return t == DefaultThresholds }

// Check says what is wrong with configured thresholds, in Chinese, or "".
func (t Thresholds) Check() string {
	switch {
	case t.Department <= 0:
		return "部门评估起点金额应大于 0"
	case t.Finance < t.Department:
		return fmt.Sprintf("财政评估起点金额 %s 元不能低于部门评估起点金额 %s 元", t.Finance.YuanText(), t.Department.YuanText())
	}
	return ""
}

// Requirement is whether a proposal needs an ex-ante evaluation, who
// assesses it, and why, in words.
type Requirement struct {
	Needed bool
	// Assessor is department or finance when Needed.
	Assessor string
	Reason   string
}

// Need says whether a proposal of the kind (new, policy or continuing)
// and amount needs an ex-ante evaluation and who assesses it: none for a
// continuing project or below the department threshold, the department
// from it, the finance bureau from the finance threshold.
func (t Thresholds) Need(kind string, amount money.Fen) Requirement {
	name := KindNames[kind]
	if name == "" {
		name = "项目"
	}
	note := ""
	if t.Default() {
		note = "（默认标准，各地规定不同）"
	}
	amt := WanText(amount) + "万元"
	switch {
	case kind == KindContinuing:
		return Requirement{Reason: "延续项目不需要开展事前绩效评估"}
	case amount < t.Department:
		return Requirement{Reason: fmt.Sprintf("%s申请金额%s，低于需开展事前绩效评估的%s万元%s", name, amt, WanText(t.Department), note)}
	case amount < t.Finance:
		return Requirement{Needed: true, Assessor: AssessorDepartment,
			Reason: fmt.Sprintf("%s申请金额%s，达到%s万元、低于%s万元，由预算部门开展事前绩效评估%s", name, amt, WanText(t.Department), WanText(t.Finance), note)}
	default:
		return Requirement{Needed: true, Assessor: AssessorFinance,
			Reason: fmt.Sprintf("%s申请金额%s，达到%s万元，由财政部门开展事前绩效评估%s", name, amt, WanText(t.Finance), note)}
	}
}

// WanText prints an amount in 万元 without trailing zeros (money.Fen.WanShort).
func WanText(f money.Fen) string { return f.WanShort() }
