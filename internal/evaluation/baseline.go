package evaluation

import (
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/num"
)

// DeclaredPart is the declared part of a department-year (docs/cycle.md
// §3.1): what the finance bureau approves at 批复 and what a 目标调整
// changes. The store keeps it as the baseline (target_baselines) and
// KeepBaseline sets a document's declared fields from it. Targets and
// projects hold their declared fields only; their year-end fields are
// empty. A target's Adjusted marker, which only the store sets, is part
// of it, so that no upload can add or drop one.
type DeclaredPart struct {
	OverallGoal   string                `json:"overall_goal"`
	KeyTasks      KeyTasks              `json:"key_tasks"`
	Weights       map[string]num.Points `json:"weights,omitempty"`
	BudgetInitial money.Fen             `json:"budget_initial"`
	Declaration   *Declaration          `json:"declaration,omitempty"`
	Targets       []Target              `json:"targets"`
	Projects      []Project             `json:"projects"`
}

// ScopeDepartment is the scope of an adjustment of the department's own
// declared fields and targets; any other scope is a project code.
const ScopeDepartment = "department"

// Declared returns the declared part of e, sharing nothing with it.
func Declared(e *Evaluation) *DeclaredPart {
	d := &DeclaredPart{
		OverallGoal:   e.OverallGoal,
		KeyTasks:      e.KeyTasks,
		Weights:       e.Weights,
		BudgetInitial: e.Finance.Budget.Initial,
		Declaration:   e.Declaration,
	}
	for _, t := range e.Targets {
		d.Targets = append(d.Targets, declaredTarget(t))
	}
	for _, p := range e.Projects {
		d.Projects = append(d.Projects, declaredProject(p))
	}
	return d.Clone()
}

// Clone returns a deep copy of d.
func (d *DeclaredPart) Clone() *DeclaredPart {
	out := new(DeclaredPart)
	deepCopy(reflect.ValueOf(out).Elem(), reflect.ValueOf(d).Elem())
	return out
}

// deepCopy sets dst to a copy of src sharing no pointer, slice or map
// with it. Unexported fields (those of civil.Date) are values, copied
// with their struct.
func deepCopy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.Pointer:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		p := reflect.New(src.Type().Elem())
		deepCopy(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Slice:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := range src.Len() {
			deepCopy(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			dst.SetZero()
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		for _, k := range src.MapKeys() {
			v := reflect.New(src.Type().Elem()).Elem()
			deepCopy(v, src.MapIndex(k))
			m.SetMapIndex(k, v)
		}
		dst.Set(m)
	case reflect.Struct:
		dst.Set(src)
		for i := range src.NumField() {
			if src.Type().Field(i).IsExported() {
				deepCopy(dst.Field(i), src.Field(i))
			}
		}
	default:
		dst.Set(src)
	}
}

// declaredTarget keeps a target's declared fields (and its Adjusted
// marker).
func declaredTarget(t Target) Target {
	return Target{
		Code: t.Code, Category: t.Category, Subcategory: t.Subcategory, Name: t.Name, Unit: t.Unit,
		Direction: t.Direction, Target: t.Target, Points: t.Points,
		Basis: t.Basis, Milestones: t.Milestones, Remark: t.Remark, Adjusted: t.Adjusted,
	}
}

// declaredProject keeps a project's declared fields and its targets'.
func declaredProject(p Project) Project {
	out := Project{
		Name: p.Name, Code: p.Code, Unit: p.Unit, Initial: p.Initial, Goal: p.Goal,
		Kind: p.Kind, Supervisor: p.Supervisor, Manager: p.Manager, Period: p.Period, Funds: p.Funds,
		PeriodTotal: p.PeriodTotal, Overview: p.Overview, Basis: p.Basis, Plan: p.Plan, LongTermGoal: p.LongTermGoal,
	}
	for _, t := range p.Targets {
		out.Targets = append(out.Targets, declaredTarget(t))
	}
	return out
}

// withDeclaredTarget is t with the declared fields of d and t's own
// year-end fields.
func withDeclaredTarget(t, d Target) Target {
	t.Code, t.Category, t.Subcategory, t.Name, t.Unit = d.Code, d.Category, d.Subcategory, d.Name, d.Unit
	t.Direction, t.Target, t.Points = d.Direction, d.Target, d.Points
	t.Basis, t.Milestones, t.Remark, t.Adjusted = d.Basis, d.Milestones, d.Remark, d.Adjusted
	return t
}

// withDeclaredProject is p with the declared fields of d and p's own
// year-end fields; targets are merged by the caller.
func withDeclaredProject(p, d Project) Project {
	p.Name, p.Code, p.Unit, p.Initial, p.Goal = d.Name, d.Code, d.Unit, d.Initial, d.Goal
	p.Kind, p.Supervisor, p.Manager, p.Period, p.Funds = d.Kind, d.Supervisor, d.Manager, d.Period, d.Funds
	p.PeriodTotal, p.Overview, p.Basis, p.Plan, p.LongTermGoal = d.PeriodTotal, d.Overview, d.Basis, d.Plan, d.LongTermGoal
	return p
}

// targetKey identifies a target within its scope: its code, else (a
// target of a year whose codes were never assigned) its name.
func targetKey(code, name string) string {
	if code != "" {
		return code
	}
	return "\x00" + name
}

// KeepBaseline makes the evaluation carry the approved declared part b
// (the latest baseline): the department's declared fields, and those of
// every project and indicator matched by code (by name where the baseline
// has no code), are set to b's; year-end fields stay as e has them. It
// returns
//
//   - a warning BaselineKept (W183) for each declared field e stated
//     otherwise, at e's path, naming the field (FieldLabel) and both
//     values; a field e left empty is filled in silently;
//   - a warning BaselineKept for each project or indicator of b that e
//     lacks, which is put back with its declared fields;
//   - a warning NotDeclared (W182) for each project or indicator of e in
//     no baseline, which is kept (and scored) as e has it.
//
// Projects and indicators come in b's order, those not declared after
// them. b is not changed and nothing of it is shared with e.
func (e *Evaluation) KeepBaseline(b *DeclaredPart) diag.List {
	b = b.Clone()
	// Findings name fields by e as it came: the slices are replaced, not
	// changed in place, so a shallow copy keeps the original.
	orig := *e
	var ds diag.List
	kept := func(path string, given, approved any) {
		a, g := map[string]string{}, map[string]string{}
		flatten(reflect.ValueOf(approved), path, a)
		flatten(reflect.ValueOf(given), path, g)
		for _, p := range slices.Sorted(maps.Keys(g)) {
			if g[p] == a[p] {
				continue
			}
			shown := "“" + a[p] + "”"
			if a[p] == "" {
				shown = "为空"
			}
			ds.Add(diag.BaselineKept, p, "%s“%s”与批复的绩效目标不一致（批复%s），已保留批复值；如需变更请申请目标调整", orig.FieldLabel(p), g[p], shown)
		}
	}
	kept("overall_goal", e.OverallGoal, b.OverallGoal)
	kept("key_tasks", e.KeyTasks, b.KeyTasks)
	kept("weights", e.Weights, b.Weights)
	kept("finance.budget.initial", e.Finance.Budget.Initial, b.BudgetInitial)
	kept("declaration", e.Declaration, b.Declaration)
	e.OverallGoal, e.KeyTasks, e.Weights, e.Finance.Budget.Initial, e.Declaration = b.OverallGoal, b.KeyTasks, b.Weights, b.BudgetInitial, b.Declaration

	e.Targets = keepTargets(&ds, &orig, "targets", e.Targets, b.Targets, kept)

	given := map[string]int{}
	for i, p := range e.Projects {
		if _, dup := given[targetKey(p.Code, p.Name)]; !dup {
			given[targetKey(p.Code, p.Name)] = i
		}
	}
	used := make([]bool, len(e.Projects))
	var projects []Project
	for _, d := range b.Projects {
		i, ok := given[targetKey(d.Code, d.Name)]
		if !ok {
			ds.Add(diag.BaselineKept, "projects", "批复的项目“%s”（编码 %s）不在上传的数据中，已按批复恢复；项目不再实施请申请目标调整", d.Name, d.Code)
			projects = append(projects, d)
			continue
		}
		used[i] = true
		p := e.Projects[i]
		pp := fmt.Sprintf("projects[%d]", i)
		dp := declaredProject(p)
		dp.Targets = nil
		dTargets := d.Targets
		d.Targets = nil
		kept(pp, dp, d)
		merged := withDeclaredProject(p, d)
		merged.Targets = keepTargets(&ds, &orig, pp+".targets", p.Targets, dTargets, kept)
		projects = append(projects, merged)
	}
	for i, p := range e.Projects {
		if !used[i] {
			ds.Add(diag.NotDeclared, fmt.Sprintf("projects[%d]", i), "项目“%s”不在批复的绩效目标中（未经申报），其指标照常评分，请向财政部门说明", p.Name)
			projects = append(projects, p)
		}
	}
	e.Projects = projects
	return ds
}

// keepTargets merges the targets of one scope: given (e's, at path) with
// the approved ones.
func keepTargets(ds *diag.List, orig *Evaluation, path string, given, approved []Target, kept func(string, any, any)) []Target {
	at := map[string]int{}
	for i, t := range given {
		if _, dup := at[targetKey(t.Code, t.Name)]; !dup {
			at[targetKey(t.Code, t.Name)] = i
		}
	}
	used := make([]bool, len(given))
	var out []Target
	for _, d := range approved {
		i, ok := at[targetKey(d.Code, d.Name)]
		if !ok {
			ds.Add(diag.BaselineKept, path, "批复的绩效指标“%s”（编码 %s）不在上传的数据中，已按批复恢复；指标不再适用请申请目标调整或在偏差原因中说明", d.Name, d.Code)
			out = append(out, d)
			continue
		}
		used[i] = true
		kept(fmt.Sprintf("%s[%d]", path, i), declaredTarget(given[i]), d)
		out = append(out, withDeclaredTarget(given[i], d))
	}
	for i, t := range given {
		if !used[i] {
			code := t.Code
			if code == "" {
				code = "无"
			}
			ds.Add(diag.NotDeclared, fmt.Sprintf("%s[%d]", path, i), "%s（编码 %s）不在批复的绩效目标中（未经申报），照常评分，复核时可能调整", orig.FieldLabel(fmt.Sprintf("%s[%d]", path, i)), code)
			out = append(out, t)
		}
	}
	return out
}

// Scope returns the part of d a 目标调整 of scope changes: for
// ScopeDepartment the department's declared fields and targets (no
// projects), for a project code that project alone. It is false when d
// has no project with the code.
func (d *DeclaredPart) Scope(scope string) (*DeclaredPart, bool) {
	if scope == ScopeDepartment {
		out := *d
		out.Projects = nil
		return out.Clone(), true
	}
	for _, p := range d.Projects {
		if p.Code == scope {
			return (&DeclaredPart{Projects: []Project{p}}).Clone(), true
		}
	}
	return nil, false
}

// Adjust returns the baseline that approving adjustment number (with its
// reason) of scope makes of d: the scope's part replaced by proposed
// (shaped as Scope returns it) and, on every indicator of the scope that
// the adjustment changed or added, Adjusted set to {number, from, reason}
// where from is the indicator as first approved (kept from an earlier
// adjustment's marker, nil for an indicator an adjustment added). An
// indicator the proposal leaves as it was keeps its marker. d is not
// changed. The error, in Chinese, names what is wrong with proposed.
func (d *DeclaredPart) Adjust(scope string, proposed *DeclaredPart, number int, reason string) (*DeclaredPart, error) {
	if proposed == nil {
		return nil, fmt.Errorf("缺少调整后的绩效目标")
	}
	out := d.Clone()
	p := proposed.Clone()
	mark := func(path string, old, new []Target) ([]Target, error) {
		prev := map[string]Target{}
		for _, t := range old {
			prev[t.Code] = t
		}
		seen := map[string]bool{}
		for i := range new {
			t := &new[i]
			if t.Code == "" {
				return nil, fmt.Errorf("%s第 %d 项绩效指标“%s”缺少指标编码", path, i+1, t.Name)
			}
			if seen[t.Code] {
				return nil, fmt.Errorf("%s的指标编码 %s 重复", path, t.Code)
			}
			seen[t.Code] = true
			o, had := prev[t.Code]
			t.Adjusted = o.Adjusted
			*t = declaredTarget(*t)
			if had && reflect.DeepEqual(declaredTarget(*t), declaredTarget(o)) {
				continue
			}
			a := &Adjusted{Number: number, Reason: reason}
			switch {
			case o.Adjusted != nil:
				a.From = o.Adjusted.From
			case had:
				a.From = &AdjustedFrom{Direction: o.Direction, Target: o.Target, Unit: o.Unit}
			}
			t.Adjusted = a
		}
		return new, nil
	}
	if scope == ScopeDepartment {
		if len(p.Projects) > 0 {
			return nil, fmt.Errorf("部门整体目标调整不能包含项目；项目的目标请按项目分别申请调整")
		}
		ts, err := mark("部门整体绩效目标", out.Targets, p.Targets)
		if err != nil {
			return nil, err
		}
		out.OverallGoal, out.KeyTasks, out.Weights, out.BudgetInitial, out.Declaration = p.OverallGoal, p.KeyTasks, p.Weights, p.BudgetInitial, p.Declaration
		out.Targets = ts
		return out, nil
	}
	if len(p.Projects) != 1 || p.Projects[0].Code != scope {
		return nil, fmt.Errorf("项目目标调整应只包含编码为 %s 的一个项目", scope)
	}
	for i, old := range out.Projects {
		if old.Code != scope {
			continue
		}
		np := declaredProject(p.Projects[0])
		ts, err := mark("项目“"+np.Name+"”", old.Targets, np.Targets)
		if err != nil {
			return nil, err
		}
		np.Targets = ts
		out.Projects[i] = np
		return out, nil
	}
	return nil, fmt.Errorf("批复的绩效目标中没有编码为 %s 的项目", scope)
}
