package evaluation

import (
	"maps"
	"strconv"
	"strings"
)

// CarryOver is the document of a year opened from the previous one
// (docs/cycle.md §5): what carries over is copied, what the new year must
// declare afresh or report at its end is left empty. From prev it keeps
//
//   - the department's profile (name, code, parent and region, which the
//     store sets from its master data anyway, functions, organisation,
//     staffing, short name), the illustrative note, the framework ids,
//     the weights and the report settings other than the signing date;
//   - the overall goal and the key tasks, as drafts to revise;
//   - the department targets and every project (continuing projects: the
//     document has no project period yet, so all of them) as proposals:
//     declared fields kept (code, category, name, unit, direction,
//     target value, points; a project's code, name, unit and goal), each
//     project marked continuing (延续),
//     year-end fields emptied, a project's budget amounts empty; a target
//     without a code gets T<n>, n above the highest T-number of its scope;
//   - the register items still open: every asset card (flags kept),
//     contracts not yet filed or not yet published, procurement
//     intentions planned in year;
//   - prev's final accounts as the prior-year figures: its total income
//     as finance.prior_income, the actual 三公 and public funds spending
//     as their prior_actual.
//
// Scores, problems, measures, narrative, disclosures and prev's finances
// are not carried. prev is not changed.
func CarryOver(prev *Evaluation, year int) *Evaluation {
	ev := &Evaluation{
		Year:             year,
		Framework:        prev.Framework,
		ProjectFramework: prev.ProjectFramework,
		Illustrative:     prev.Illustrative,
		OverallGoal:      prev.OverallGoal,
		Report: ReportInfo{
			Label:          prev.Report.Label,
			ShareDecimals:  copyPtr(prev.Report.ShareDecimals),
			GrowthDecimals: copyPtr(prev.Report.GrowthDecimals),
		},
	}
	d := prev.Department
	ev.Department = Department{
		Name: d.Name, ShortName: d.ShortName, Code: d.Code, Parent: d.Parent, Region: d.Region,
		Functions: append([]string(nil), d.Functions...), Organisation: d.Organisation,
	}
	if d.Staffing != nil {
		s := *d.Staffing
		ev.Department.Staffing = &s
	}
	if len(prev.Weights) > 0 {
		ev.Weights = maps.Clone(prev.Weights)
	}
	ev.KeyTasks = KeyTasks{Intro: prev.KeyTasks.Intro, Items: append([]Task(nil), prev.KeyTasks.Items...)}
	ev.Targets = proposeTargets(prev.Targets)
	for _, p := range prev.Projects {
		ev.Projects = append(ev.Projects, Project{
			Name: p.Name, Code: p.Code, Unit: p.Unit, Goal: p.Goal, Kind: ProjectContinuing,
			Targets: proposeTargets(p.Targets),
		})
	}
	ev.Finance.PriorIncome = prev.IncomeTotal()
	if s := prev.Finance.Sangong; s != nil {
		ev.Finance.Sangong = &Sangong{
			Overseas:         prior(s.Overseas),
			VehiclePurchase:  prior(s.VehiclePurchase),
			VehicleOperation: prior(s.VehicleOperation),
			Reception:        prior(s.Reception),
		}
	}
	if pf := prev.Finance.PublicFunds; pf != nil {
		p := prior(*pf)
		ev.Finance.PublicFunds = &p
	}
	ev.Registers = openRegisters(prev.Registers, year)
	return ev
}

// prior is a budget line of the new year: last year's actual as its
// prior actual, the year's own budget and actual still to come.
func prior(ba BudgetActual) BudgetActual {
	a := ba.Actual
	return BudgetActual{PriorActual: &a}
}

// proposeTargets copies the declared fields of targets and leaves the
// year-end fields empty; targets without a code are given one.
func proposeTargets(ts []Target) []Target {
	if len(ts) == 0 {
		return nil
	}
	next := 1
	for _, t := range ts {
		if n, ok := tNumber(t.Code); ok && n >= next {
			next = n + 1
		}
	}
	out := make([]Target, len(ts))
	for i, t := range ts {
		code := t.Code
		if code == "" {
			code = "T" + strconv.Itoa(next)
			next++
		}
		out[i] = Target{
			Code: code, Category: t.Category, Subcategory: t.Subcategory, Name: t.Name, Unit: t.Unit,
			Direction: t.Direction, Target: t.Target, Points: copyPtr(t.Points),
		}
	}
	return out
}

// tNumber reads the n of an assigned code T<n>.
func tNumber(code string) (int, bool) {
	rest, ok := strings.CutPrefix(code, "T")
	if !ok || rest == "" {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || strconv.Itoa(n) != rest {
		return 0, false
	}
	return n, true
}

// openRegisters keeps the register items still open in year: every asset
// card, contracts not filed or not published, intentions planned in
// year. It returns nil when nothing is open.
func openRegisters(r *Registers, year int) *Registers {
	if r == nil {
		return nil
	}
	out := &Registers{Assets: append([]Asset(nil), r.Assets...)}
	for _, c := range r.Contracts {
		if c.Filed.IsZero() || c.Published.IsZero() {
			out.Contracts = append(out.Contracts, c)
		}
	}
	for _, in := range r.Intentions {
		if !in.PlannedStart.IsZero() && in.PlannedStart.Year() == year {
			out.Intentions = append(out.Intentions, in)
		}
	}
	if len(out.Assets)+len(out.Contracts)+len(out.Intentions) == 0 {
		return nil
	}
	return out
}

func copyPtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
