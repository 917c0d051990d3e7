package store

import (
	"reflect"
	"slices"
	"testing"

	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/workflow"
)

func TestOverview(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn) // A (Tianhe) and B (900100), both th's year
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		// C: next year, another region, no parent, its own spending.
		c := variant(t, th.Evaluation, "900200", year+1)
		c.Department.Region, c.Department.Parent = "示例市另一区", ""
		c.Finance.Expenditure.Basic, c.Finance.Expenditure.Project = money.Yuan(1234567)+89, 0
		mustImport(t, s, []Entry{entry(t, c, "c.yaml")}, Summary{Created: 1})

		// The latest year by default.
		ov, err := s.Overview(ctx, Visible(&p.reviewer))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(ov.Years, []int{year, year + 1}) || ov.Year != year+1 || len(ov.Rows) != 1 {
			t.Fatalf("default overview: years %v, year %d, %d rows", ov.Years, ov.Year, len(ov.Rows))
		}
		if r := ov.Rows[0]; r.DepartmentCode != "900200" || r.Region != "示例市另一区" || r.Parent != "" ||
			r.Basic != money.Yuan(1234567)+89 || r.Project != 0 || r.Spending() != r.Basic {
			t.Errorf("C: %+v", r)
		}

		// A year: the listing columns as ListFiltered gives them, the
		// region, parent and spending as stored.
		setStatus(t, s, code, year, workflow.UnderReview)
		ov, err = s.Overview(ctx, Visible(&p.reviewer).And(Filter{Year: year}))
		if err != nil {
			t.Fatal(err)
		}
		ls, err := s.ListFiltered(ctx, Filter{Year: year})
		if err != nil {
			t.Fatal(err)
		}
		if ov.Year != year || len(ov.Rows) != len(ls) || len(ls) != 2 {
			t.Fatalf("year %d: %d rows, ListFiltered %d", year, len(ov.Rows), len(ls))
		}
		for i, r := range ov.Rows {
			if r.Listing != ls[i] {
				t.Errorf("row %d listing %+v, want %+v", i, r.Listing, ls[i])
			}
			ev, err := s.Get(ctx, r.DepartmentCode, r.Year)
			if err != nil {
				t.Fatal(err)
			}
			d, x := ev.Evaluation.Department, ev.Evaluation.Finance.Expenditure
			if r.Region != d.Region || r.Parent != d.Parent || r.Basic != x.Basic || r.Project != x.Project {
				t.Errorf("row %s: region %q parent %q spending %s + %s; stored %q %q %s + %s",
					r.DepartmentCode, r.Region, r.Parent, r.Basic, r.Project, d.Region, d.Parent, x.Basic, x.Project)
			}
			if r.Region == "" || r.Parent == "" || r.Basic == 0 {
				t.Errorf("row %s: the example's region, parent and spending are missing", r.DepartmentCode)
			}
		}

		// Review scores: every scope, on the row they belong to only.
		ind := "A3" // a leaf
		pind := th.ProjectFramework.Codes()[0]
		if err := s.SetReviewScore(ctx, code, year, ScopeDepartment, ind, 300, "复核", p.reviewer); err != nil {
			t.Fatal(err)
		}
		if err := s.SetReviewScore(ctx, code, year, "project:"+th.Evaluation.Projects[0].Code, pind, 200, "项目复核", p.reviewer); err != nil {
			t.Fatal(err)
		}
		ov, err = s.Overview(ctx, Visible(&p.reviewer).And(Filter{Year: year}))
		if err != nil {
			t.Fatal(err)
		}
		// The result after review as stored: the department score counts,
		// the project's does not; on A only.
		i := slices.IndexFunc(ov.Rows, func(r OverviewRow) bool { return r.DepartmentCode == code })
		if i < 0 || ov.Rows[i].Review.Counted != 1 {
			t.Errorf("review of A: %+v", ov.Rows[i].Review)
		}
		for _, r := range ov.Rows {
			if r.DepartmentCode != code && r.Review.Counted > 0 {
				t.Errorf("review on %s: %+v", r.DepartmentCode, r.Review)
			}
		}

		// Visibility narrows as in ListFiltered; a year with nothing
		// selected gives no rows but still the years there are.
		for _, tc := range []struct {
			name  string
			f     Filter
			years []int
			year  int
			codes []string
		}{
			{"editor A", Visible(&p.editorA), []int{year}, year, []string{code}},
			{"editor A asks for next year", Visible(&p.editorA).And(Filter{Year: year + 1}), []int{year}, year + 1, nil},
			{"public", Visible(nil), nil, 0, nil},
			{"reviewer, a year without data", Visible(&p.reviewer).And(Filter{Year: 1999}), []int{year, year + 1}, 1999, nil},
			{"statuses", Visible(&p.admin).And(Filter{Status: []string{workflow.UnderReview}}), []int{year}, year, []string{code}},
			{"nothing", Visible(&User{Role: "root"}), nil, 0, nil},
		} {
			ov, err := s.Overview(ctx, tc.f)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var codes []string
			for _, r := range ov.Rows {
				codes = append(codes, r.DepartmentCode)
			}
			if !reflect.DeepEqual(ov.Years, tc.years) || ov.Year != tc.year || !reflect.DeepEqual(codes, tc.codes) {
				t.Errorf("%s: years %v year %d rows %v; want %v %d %v", tc.name, ov.Years, ov.Year, codes, tc.years, tc.year, tc.codes)
			}
		}
		setStatus(t, s, "900200", year+1, workflow.Published)
		if ov, err := s.Overview(ctx, Visible(nil)); err != nil || ov.Year != year+1 || len(ov.Rows) != 1 || ov.Rows[0].Basic != c.Finance.Expenditure.Basic {
			t.Errorf("public after publication: %+v, %v", ov, err)
		}
	})
}
