// Package demo fills a fresh store with the bundled examples and a
// synthetic district whose department-years stand in every workflow state,
// with an account for each role, so the product can be shown without any
// data of one's own.
package demo

import (
	"context"
	"fmt"

	"github.com/jixiao/jixiao/examples"
	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/gen"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Password is the password of every demo account. It is printed by
// `jixiao demo` and must never be used outside a demonstration.
const Password = "jixiao-demo-2024"

// Account is a demo sign-in.
type Account struct {
	Username, Role, Department string
}

// Options say how large the synthetic district is.
type Options struct {
	Departments int // default 24
	Seed        uint64
}

// Seed imports the examples and a synthetic district, moves the district's
// department-years through the workflow so every status is present, and
// creates the demo accounts. It returns the accounts.
func Seed(ctx context.Context, st *store.Store, o Options) ([]Account, error) {
	if o.Departments == 0 {
		o.Departments = 24
	}
	lib, ds := datafile.LoadLibrary()
	if err := ds.Err(); err != nil {
		return nil, err
	}
	evs, err := bundled()
	if err != nil {
		return nil, err
	}
	evs = append(evs, gen.Province(gen.Options{Departments: o.Departments, Years: 1, FirstYear: 2024, Projects: 4, Seed: o.Seed})...)
	entries := make([]store.Entry, 0, len(evs))
	cal := calendar.ScoringOptions().Calendar
	for _, ev := range evs {
		a := assess.Assess(ev, lib, assess.Options{Calendar: cal})
		if err := a.Err(); err != nil {
			return nil, fmt.Errorf("%s %d：%w", ev.Department.Code, ev.Year, err)
		}
		entries = append(entries, store.Entry{Source: "demo", Evaluation: ev, Result: a.Result, Framework: a.Framework, ProjectFramework: a.ProjectFramework})
	}
	if _, err := st.Import(ctx, entries, "demo", "演示数据"); err != nil {
		return nil, err
	}

	reviewer, err := st.CreateUser(ctx, store.User{Username: "reviewer", DisplayName: "财政局绩效科 审核人", Role: workflow.Reviewer}, Password)
	if err != nil {
		return nil, err
	}
	if _, err := st.CreateUser(ctx, store.User{Username: "admin", DisplayName: "系统管理员", Role: workflow.Admin}, Password); err != nil {
		return nil, err
	}
	accounts := []Account{{"reviewer", workflow.Reviewer, ""}, {"admin", workflow.Admin, ""}}
	// Every department gets an editor and an approver; the first two
	// (the examples) are listed for sign-in.
	users := map[string][2]store.User{}
	for i, ev := range evs {
		code := ev.Department.Code
		if _, ok := users[code]; ok {
			continue
		}
		ed, err := st.CreateUser(ctx, store.User{Username: fmt.Sprintf("editor%d", i+1), DisplayName: ev.Department.Name + " 填报人", Role: workflow.Editor, DepartmentCode: code}, Password)
		if err != nil {
			return nil, err
		}
		ap, err := st.CreateUser(ctx, store.User{Username: fmt.Sprintf("approver%d", i+1), DisplayName: ev.Department.Name + " 负责人", Role: workflow.Approver, DepartmentCode: code}, Password)
		if err != nil {
			return nil, err
		}
		users[code] = [2]store.User{ed, ap}
		if i < 2 {
			accounts = append(accounts, Account{ed.Username, workflow.Editor, code}, Account{ap.Username, workflow.Approver, code})
		}
	}
	// Walk the synthetic departments to a spread of statuses: the i-th
	// goes as far along the path as i mod the path's length says.
	path := []struct {
		to   string
		who  int // 0 editor, 1 approver, 2 reviewer
		note string
	}{
		{workflow.Submitted, 0, ""},
		{workflow.Approved, 1, ""},
		{workflow.UnderReview, 2, ""},
		{workflow.Returned, 2, "请补充项目绩效指标的佐证材料。"},
		{workflow.Submitted, 0, ""},
		{workflow.Approved, 1, ""},
		{workflow.UnderReview, 2, ""},
		{workflow.Accepted, 2, ""},
		{workflow.Published, 2, ""},
	}
	stops := []int{0, 1, 2, 3, 4, 8, 9} // draft, submitted, approved, under review, returned, accepted, published
	for i, ev := range evs[2:] {
		steps := stops[i%len(stops)]
		version := 1
		for _, p := range path[:steps] {
			actor := reviewer
			if p.who < 2 {
				actor = users[ev.Department.Code][p.who]
			}
			v, err := st.Transition(ctx, ev.Department.Code, ev.Year, p.to, actor, p.note, version)
			if err != nil {
				return nil, fmt.Errorf("%s %d → %s：%w", ev.Department.Code, ev.Year, p.to, err)
			}
			version = v
		}
	}
	// A district's new budget year in the declaration stage (目标申报):
	// the next year of every department of the first generated department's
	// district, opened from its stored year as a finance bureau would at
	// budget time.
	if len(evs) > 2 {
		region := evs[2].Department.Region
		var open []store.OpenRequest
		for _, ev := range evs[2:] {
			if ev.Department.Region == region {
				open = append(open, store.OpenRequest{Code: ev.Department.Code, Year: ev.Year + 1, From: ev.Year})
			}
		}
		if _, err := st.OpenYears(ctx, open, reviewer.Username, "演示：开启下一预算年度的绩效目标申报"); err != nil {
			return nil, fmt.Errorf("开启%s下一年度：%w", region, err)
		}
	}
	return accounts, nil
}

// bundled reads the embedded example files.
func bundled() ([]*evaluation.Evaluation, error) {
	names, err := examples.DepartmentYears()
	if err != nil {
		return nil, err
	}
	var out []*evaluation.Evaluation
	for _, n := range names {
		data, err := examples.FS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		l, ds := datafile.Evaluation(n, data)
		if err := ds.Err(); err != nil {
			return nil, err
		}
		out = append(out, l.Value)
	}
	return out, nil
}
