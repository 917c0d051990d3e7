package evaluation

import (
	"reflect"
	"strings"

	"github.com/jixiao/jixiao/internal/workflow"
)

// fieldParts assigns the fields of the document to the parts of
// docs/cycle.md §3.1, by the Go type that holds a field and the field's
// name in the file. A field not listed belongs to the part of the field
// that holds it. A type with any field listed has every field listed
// (TestEveryFieldHasAPart): a new field of a target or a project must be
// placed on purpose.
var fieldParts = map[string]string{
	"Evaluation.year": workflow.PartFixed, "Evaluation.framework": workflow.PartFixed,
	"Evaluation.project_framework": workflow.PartFixed, "Evaluation.department": workflow.PartProfile,
	"Evaluation.illustrative": workflow.PartProfile, "Evaluation.weights": workflow.PartDeclared,
	"Evaluation.key_tasks": workflow.PartDeclared, "Evaluation.overall_goal": workflow.PartDeclared,
	"Evaluation.declaration": workflow.PartDeclared, "Evaluation.finance": workflow.PartYearEnd,
	"Evaluation.targets": workflow.PartDeclared, "Evaluation.scores": workflow.PartYearEnd,
	"Evaluation.projects": workflow.PartDeclared, "Evaluation.registers": workflow.PartRegisters,
	"Evaluation.problems": workflow.PartYearEnd, "Evaluation.measures": workflow.PartYearEnd,
	"Evaluation.narrative": workflow.PartYearEnd, "Evaluation.report": workflow.PartYearEnd,

	"Department.code": workflow.PartFixed, "Department.name": workflow.PartMaster, "Department.parent": workflow.PartMaster,
	"Department.region": workflow.PartMaster, "Department.short_name": workflow.PartProfile,
	"Department.functions": workflow.PartProfile, "Department.organisation": workflow.PartProfile,
	"Department.staffing": workflow.PartProfile,

	"Finance.income": workflow.PartYearEnd, "Finance.prior_income": workflow.PartPrior,
	"Finance.income_change_reasons": workflow.PartYearEnd, "Finance.expenditure": workflow.PartYearEnd,
	"Finance.budget": workflow.PartYearEnd, "Finance.carryover": workflow.PartYearEnd,
	"Finance.sangong": workflow.PartYearEnd, "Finance.public_funds": workflow.PartYearEnd,
	"Finance.stated": workflow.PartYearEnd,
	"Budget.initial": workflow.PartDeclared, "Budget.adjusted": workflow.PartYearEnd,
	"BudgetActual.budget": workflow.PartYearEnd, "BudgetActual.actual": workflow.PartYearEnd,
	"BudgetActual.prior_actual": workflow.PartPrior,

	"Target.code": workflow.PartDeclared, "Target.category": workflow.PartDeclared,
	"Target.subcategory": workflow.PartDeclared, "Target.name": workflow.PartDeclared,
	"Target.unit": workflow.PartDeclared, "Target.direction": workflow.PartDeclared,
	"Target.target": workflow.PartDeclared, "Target.points": workflow.PartDeclared,
	"Target.basis": workflow.PartDeclared, "Target.milestones": workflow.PartDeclared,
	"Target.remark": workflow.PartDeclared, "Target.adjusted": workflow.PartAdjusted,
	"Target.actual": workflow.PartYearEnd, "Target.level": workflow.PartYearEnd, "Target.score": workflow.PartYearEnd,
	"Target.deviation": workflow.PartYearEnd, "Target.deductions": workflow.PartYearEnd,
	"Target.evidence": workflow.PartYearEnd,

	"Project.code": workflow.PartDeclared, "Project.name": workflow.PartDeclared, "Project.unit": workflow.PartDeclared,
	"Project.initial": workflow.PartDeclared, "Project.goal": workflow.PartDeclared, "Project.targets": workflow.PartDeclared,
	"Project.kind": workflow.PartDeclared, "Project.supervisor": workflow.PartDeclared,
	"Project.manager": workflow.PartDeclared, "Project.period": workflow.PartDeclared,
	"Project.funds": workflow.PartDeclared, "Project.period_total": workflow.PartDeclared,
	"Project.overview": workflow.PartDeclared, "Project.basis": workflow.PartDeclared,
	"Project.plan": workflow.PartDeclared, "Project.long_term_goal": workflow.PartDeclared,
	"Project.adjusted": workflow.PartYearEnd, "Project.executed": workflow.PartYearEnd,
	"Project.funding": workflow.PartYearEnd, "Project.achieved": workflow.PartYearEnd,
	"Project.scores": workflow.PartYearEnd,
}

// PartOf says which part of the document (workflow.Parts) the field at a
// data path belongs to ("finance.budget.initial" is declared,
// "targets[2].actual" year-end, "registers.contracts[0].amount"
// registers); "" for a path that names no field of the document. Inside
// a map (scores, weights) the map's part holds.
func PartOf(path string) string {
	t := reflect.TypeFor[Evaluation]()
	part := ""
	rest := path
	for rest != "" {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch t.Kind() {
		case reflect.Struct:
			name, tail := nextName(rest)
			f, ok := fieldTypeByYAML(t, name)
			if !ok {
				return ""
			}
			if p := fieldParts[t.Name()+"."+name]; p != "" {
				part = p
			}
			t, rest = f, tail
		case reflect.Slice:
			_, tail, ok := nextIndex(rest)
			if !ok {
				return ""
			}
			t, rest = t.Elem(), tail
		case reflect.Map:
			return part
		default:
			return ""
		}
	}
	return part
}

func fieldTypeByYAML(t reflect.Type, name string) (reflect.Type, bool) {
	for i := range t.NumField() {
		tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if tag == name {
			return t.Field(i).Type, true
		}
	}
	return nil, false
}
