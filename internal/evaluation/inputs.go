package evaluation

import (
	"fmt"
	"maps"
	"slices"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/framework"
)

// The scorer's entries (Input) are not only a department-year's: an
// ex-ante evaluation scores a framework from entries of the same form.
// These check a set of entries on its own, at a path prefix such as
// "scores.".

// CheckInputs finds entries the framework cannot take: scores for
// indicators it does not have, a score on a group indicator, and checklist
// entries for an indicator that is not a checklist or for items it does
// not list. A nil framework is not checked.
func CheckInputs(scores map[string]Input, f *framework.Framework, path string) diag.List {
	var ds diag.List
	if f == nil {
		return ds
	}
	for _, code := range slices.Sorted(maps.Keys(scores)) {
		in := scores[code]
		ind := f.Find(code)
		p := path + code
		if ind == nil {
			ds.Add(diag.UnknownRef, p, "框架 %s 中没有指标 %s", f.ID, code)
			continue
		}
		if !ind.Leaf() && in.NotApplicable == "" {
			ds.Add(diag.BadValue, p, "指标 %s 有下级指标，得分由下级汇总，只能标为不适用", code)
			continue
		}
		if len(in.Checklist) == 0 {
			continue
		}
		if ind.Rule == nil || ind.Rule.Kind != framework.KindChecklist {
			ds.Add(diag.BadValue, p+".checklist", "指标 %s 不是检查清单类指标", code)
			continue
		}
		for k, c := range in.Checklist {
			if !slices.ContainsFunc(ind.Rule.Items, func(it framework.ChecklistItem) bool { return it.Code == c.Item }) {
				ds.Add(diag.UnknownRef, fmt.Sprintf("%s.checklist[%d].item", p, k), "指标 %s 没有检查项 %q", code, c.Item)
			}
		}
	}
	return ds
}

// ValidateInputs checks every entry's values and texts as Validate does
// for a department-year's scores: levels from the allowed set, checklist
// entries naming their item, texts by the rule of their kind. path is the
// map's own path ("scores").
func ValidateInputs(scores map[string]Input, path string) diag.List {
	var ds diag.List
	for _, code := range sortedKeys(scores) {
		ds = append(ds, scores[code].validate(path+"."+code)...)
	}
	var c textChecker
	c.scores(path, scores)
	return append(ds, c.ds...)
}
