package exante

import (
	"strings"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/money"
)

// Rules are the ex-ante scope rules (事前绩效评估范围): from which amount a
// new project or policy needs an ex-ante evaluation, and from which the
// finance bureau assesses it. They are data: the edges read them from a
// rules file (rules/exante-*.yaml, datafile.ExanteRules), which cites its
// source or says it is a default; command-line flags override them.
type Rules struct {
	ID      string `yaml:"id" json:"id"`
	Name    string `yaml:"name" json:"name"`
	Version string `yaml:"version" json:"version"`
	// DepartmentFrom and FinanceFrom are the thresholds (Thresholds).
	DepartmentFrom money.Fen `yaml:"department_from" json:"department_from"`
	FinanceFrom    money.Fen `yaml:"finance_from" json:"finance_from"`
	// Source names the rule the amounts come from; Default says no
	// published rule of the bureau using the file fixes them.
	Source  string `yaml:"source" json:"source"`
	Default bool   `yaml:"default" json:"default"`
}

// Thresholds are the rules' amounts.
func (r *Rules) Thresholds() Thresholds {
	return Thresholds{Department: r.DepartmentFrom, Finance: r.FinanceFrom}
}

// Validate checks the rules file's values.
func (r *Rules) Validate() diag.List {
	var ds diag.List
	if strings.TrimSpace(r.ID) == "" {
		ds.Add(diag.Missing, "id", "缺少规则编号")
	}
	if strings.TrimSpace(r.Source) == "" {
		ds.Add(diag.Missing, "source", "须注明金额标准的依据（文件名称及条款），没有公开规定的须注明为默认设置")
	}
	if msg := r.Thresholds().Check(); msg != "" {
		path := "finance_from"
		if r.DepartmentFrom <= 0 {
			path = "department_from"
		}
		ds.Add(diag.BadValue, path, "%s", msg)
	}
	return ds
}
