package evaluation

import (
	"reflect"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/workflow"
)

// leafPaths lists a path to every field reachable from t, with [0] for a
// list element; maps end a path.
func leafPaths(t reflect.Type, path string, seen map[reflect.Type]bool, out *[]string, types map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if t.PkgPath() != reflect.TypeFor[Evaluation]().PkgPath() {
			*out = append(*out, path) // civil.Date and the like are leaves
			return
		}
		types[t] = true
		if seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		for i := range t.NumField() {
			tag, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			p := tag
			if path != "" {
				p = path + "." + tag
			}
			leafPaths(t.Field(i).Type, p, seen, out, types)
		}
	case reflect.Slice:
		leafPaths(t.Elem(), path+"[0]", seen, out, types)
	default:
		*out = append(*out, path)
	}
}

func TestEveryFieldHasAPart(t *testing.T) {
	var paths []string
	types := map[reflect.Type]bool{}
	leafPaths(reflect.TypeFor[Evaluation](), "", map[reflect.Type]bool{}, &paths, types)
	if len(paths) < 100 {
		t.Fatalf("walked only %d fields", len(paths))
	}
	known := map[string]bool{}
	for _, p := range workflow.Parts {
		known[p] = true
	}
	for _, p := range paths {
		if part := PartOf(p); !known[part] {
			t.Errorf("PartOf(%q) = %q, not a part", p, part)
		}
	}
	// A type that places any field places every field, so that a new
	// field of a target or project cannot fall into its parent's part
	// unnoticed.
	for typ := range types {
		listed, missing := 0, []string{}
		for i := range typ.NumField() {
			tag, _, _ := strings.Cut(typ.Field(i).Tag.Get("yaml"), ",")
			if fieldParts[typ.Name()+"."+tag] != "" {
				listed++
			} else {
				missing = append(missing, tag)
			}
		}
		if listed > 0 && len(missing) > 0 {
			t.Errorf("%s places %d fields in a part but not %v", typ.Name(), listed, missing)
		}
	}
}

func TestPartOfFollowsTheCycleTable(t *testing.T) {
	for path, want := range map[string]string{
		"year": workflow.PartFixed, "department.code": workflow.PartFixed, "framework": workflow.PartFixed,
		"department.name": workflow.PartMaster, "department.functions[2]": workflow.PartProfile,
		"department.staffing.actual": workflow.PartProfile, "overall_goal": workflow.PartDeclared,
		"weights.A1.2": workflow.PartDeclared, "finance.budget.initial": workflow.PartDeclared,
		"finance.budget.adjusted": workflow.PartYearEnd, "finance.income[1].amount": workflow.PartYearEnd,
		"finance.prior_income": workflow.PartPrior, "finance.sangong.reception.prior_actual": workflow.PartPrior,
		"finance.sangong.reception.actual": workflow.PartYearEnd, "targets[3].target": workflow.PartDeclared,
		"targets[3].actual": workflow.PartYearEnd, "targets[3].adjusted.reason": workflow.PartAdjusted,
		"projects[0].initial": workflow.PartDeclared, "projects[0].executed": workflow.PartYearEnd,
		"projects[0].targets[1].milestones.q2": workflow.PartDeclared, "projects[0].targets[1].level": workflow.PartYearEnd,
		"projects[0].plan[0].end": workflow.PartDeclared, "projects[0].scores.C1.score": workflow.PartYearEnd,
		"registers.contracts[7].amount": workflow.PartRegisters, "registers.assets[0].idle": workflow.PartRegisters,
		"problems[0]": workflow.PartYearEnd, "narrative.conclusion": workflow.PartYearEnd,
		"scores.B5.checklist[0].passed": workflow.PartYearEnd,
		"nonsense":                      "", "targets[x].actual": "", "finance.nothing": "",
	} {
		if got := PartOf(path); got != want {
			t.Errorf("PartOf(%q) = %q, want %q", path, got, want)
		}
	}
}
