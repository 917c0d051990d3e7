package monitor

import (
	"fmt"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// Status is a department-year's budget execution at the end of a month:
// the department as a whole and each project with a code, from the
// year's data (its budgets) and its payments.
type Status struct {
	Code, Name string // the department
	Year       int
	Through    int // the month monitored (1–12)
	// Whole is the department as a whole: its initial budget against every
	// payment of the unit, basic expenditure included.
	Whole    Line
	Projects []Line
	// Unmatched are payments of project codes the year does not have,
	// by code: the ledger's import refuses those, so this stays empty
	// unless the year's projects changed since.
	Unmatched map[string]money.Fen
}

// Line is one row of the monitoring table: a project (Code set) or the
// department (Code "").
type Line struct {
	// Code is the project's code, "" for the department's whole.
	Code, Name string
	// Kind is a project's kind (evaluation.ProjectKinds), "" when not
	// declared and for the department's whole.
	Kind string `json:",omitempty"`
	// Months are months 1 to Through; Last is the one monitored.
	Months []Month
	// Warning is the warning the line raises under the rules applied by
	// Status.Warn; nil for none.
	Warning *Warning `json:",omitempty"`
}

// Warn applies warning rules to the department and every project.
func (s *Status) Warn(w *WarningRules) {
	s.Whole.Warning = w.Warn(s.Whole)
	for i := range s.Projects {
		s.Projects[i].Warning = w.Warn(s.Projects[i])
	}
}

// Last is the month monitored.
func (l Line) Last() Month { return l.Months[len(l.Months)-1] }

// Sentence says where the line stands in the words of a warning:
// "截至7月末执行 31.20%，序时进度 58.33%，落后 27.13 个百分点".
func (l Line) Sentence() string {
	m := l.Last()
	if !m.HasRate {
		return fmt.Sprintf("截至%d月末支付 %s 万元，无预算数，不计算执行率", m.Month, m.PaidToDate.Wan())
	}
	s := fmt.Sprintf("截至%d月末执行 %s%%，序时进度 %s%%", m.Month, m.Rate, m.TimeProgress)
	switch {
	case m.Gap > 0:
		s += fmt.Sprintf("，落后 %s 个百分点", m.Gap)
	case m.Gap < 0:
		s += fmt.Sprintf("，超前 %s 个百分点", -m.Gap)
	default:
		s += "，与序时进度持平"
	}
	return s
}

// StatusOf computes the status of ev at the end of month through from
// its payments (the rows of ev's unit), against the initial budgets
// (年初预算数). StatusWith takes the year's budget changes too.
func StatusOf(ev *evaluation.Evaluation, rows []MonthlyPaid, through int, s Schedule) (*Status, error) {
	return StatusWith(ev, rows, nil, through, s)
}

// StatusWith computes the status of ev at the end of month through from
// its payments and its budget changes by month (both the rows of ev's
// unit, changes summed by unit, project and month as payments are): a
// project's budget in force is its initial budget (年初预算数) plus its
// changes so far; the unit's is the department's initial budget plus
// every change of the unit, projects and basic expenditure alike. The
// adjusted figure of the year's data (全年预算数), known only at year end,
// is not used.
func StatusWith(ev *evaluation.Evaluation, rows, changes []MonthlyPaid, through int, s Schedule) (*Status, error) {
	curves, err := Curves(rows, false)
	if err != nil {
		return nil, err
	}
	u := Unit{Code: ev.Department.Code, Name: ev.Department.Name, Year: ev.Year, Initial: ev.Finance.Budget.Initial}
	for i := range ev.Projects {
		if p := &ev.Projects[i]; p.Code != "" {
			u.Projects = append(u.Projects, UnitProject{Code: p.Code, Name: p.Name, Kind: p.Kind, Initial: p.Initial})
		}
	}
	if u.Changes, err = Curves(changes, false); err != nil {
		return nil, err
	}
	return u.Status(curves, through, s)
}

// Unit is what a department-year's status is computed from besides its
// payments: the department's and each coded project's initial budget. A
// store computing the status of a whole province reads these for every
// department-year at once instead of every year's document.
type Unit struct {
	Code, Name string
	Year       int
	Initial    money.Fen
	Projects   []UnitProject
	// Changes are the unit's budget changes by project ("" for basic
	// expenditure) and month (Curves of the change sums); nil for none.
	Changes map[Key]*[12]money.Fen
}

// UnitProject is a project of a Unit.
type UnitProject struct {
	Code, Name string
	// Kind is the project's kind (new or continuing), "" when not declared.
	Kind    string
	Initial money.Fen
}

// Status computes the unit's status at the end of month through from the
// curves of its payments (Curves by project). The map is walked whole:
// pass the unit's own curves (a store computing many units groups them by
// unit first); curves of other units are ignored: the department line counts every payment of the unit, basic
// expenditure included, each project line its own.
func (u *Unit) Status(curves map[Key]*[12]money.Fen, through int, s Schedule) (*Status, error) {
	st := &Status{Code: u.Code, Name: u.Name, Year: u.Year, Through: through}
	known := make(map[string]bool, len(u.Projects))
	for _, p := range u.Projects {
		known[p.Code] = true
		var curve [12]money.Fen
		if c := curves[Key{Unit: u.Code, Project: p.Code}]; c != nil {
			curve = *c
		}
		budget, err := BudgetWith(p.Initial, u.Changes[Key{Unit: u.Code, Project: p.Code}])
		if err != nil {
			return nil, err
		}
		months, err := Execution(budget, curve, through, s)
		if err != nil {
			return nil, err
		}
		st.Projects = append(st.Projects, Line{Code: p.Code, Name: p.Name, Kind: p.Kind, Months: months})
	}
	var unit [12]money.Fen
	var err error
	add := func(k Key, c *[12]money.Fen) error {
		if k.Project != "" && !known[k.Project] {
			if st.Unmatched == nil {
				st.Unmatched = map[string]money.Fen{}
			}
			var sum money.Fen
			for _, v := range c {
				if sum, err = money.Add(sum, v); err != nil {
					return err
				}
			}
			st.Unmatched[k.Project] = sum
		}
		for m, v := range c {
			if unit[m], err = money.Add(unit[m], v); err != nil {
				return err
			}
		}
		return nil
	}
	for k, c := range curves {
		if k.Unit == u.Code {
			if err := add(k, c); err != nil {
				return nil, err
			}
		}
	}
	var unitChanges *[12]money.Fen
	for k, c := range u.Changes {
		if k.Unit != u.Code {
			continue
		}
		if unitChanges == nil {
			unitChanges = new([12]money.Fen)
		}
		for m, v := range c {
			if unitChanges[m], err = money.Add(unitChanges[m], v); err != nil {
				return nil, err
			}
		}
	}
	budget, err := BudgetWith(u.Initial, unitChanges)
	if err != nil {
		return nil, err
	}
	months, err := Execution(budget, unit, through, s)
	if err != nil {
		return nil, err
	}
	st.Whole = Line{Name: u.Name, Months: months}
	return st, nil
}
