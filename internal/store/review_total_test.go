package store

import (
	"testing"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// firstLeaf is the first applicable leaf of a score tree (a node
// without children: a framework leaf, a target) with a self-score of at
// least min.
func firstLeaf(_ *framework.Framework, ns []*scoring.Node, min num.Points) *scoring.Node {
	for _, n := range ns {
		if n.NotApplicable != "" {
			continue
		}
		if len(n.Children) == 0 && n.Score >= min {
			return n
		}
		if f := firstLeaf(nil, n.Children, min); f != nil {
			return f
		}
	}
	return nil
}

// listingOf is the listing of one department-year as ListFiltered gives it.
func listingOf(t *testing.T, s *Store, code string, year int) Listing {
	t.Helper()
	ls, err := s.ListFiltered(ctx, Filter{DepartmentCode: code, Year: year})
	if err != nil || len(ls) != 1 {
		t.Fatalf("ListFiltered %s %d: %v, %v", code, year, ls, err)
	}
	return ls[0]
}

// The result after review is stored with the year: the self-score until
// a department review score counts, then the total after review by
// assess.AfterReview and its grade, written by SetReviewScore and kept
// through acceptance and publication; a project's review score does not
// change it; an edit of a returned year recomputes it with the review
// scores still on it.
func TestReviewResultStored(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		l := listingOf(t, s, code, year)
		if l.Review != (Review{Total: th.Result.Total, Grade: th.Result.Grade}) {
			t.Fatalf("imported: review %+v, want the self-score %s %s", l.Review, th.Result.Total, th.Result.Grade)
		}

		v := setStatus(t, s, code, year, workflow.UnderReview)
		leaf := firstLeaf(th.Framework, th.Result.Indicators, 300)
		if leaf == nil {
			t.Fatal("no indicator scored 3 points or more")
		}
		// A project's review score leaves the department's total alone.
		pind := th.ProjectFramework.Codes()[0]
		if err := s.SetReviewScore(ctx, code, year, "project:"+th.Evaluation.Projects[0].Code, pind, 0, "项目复核", p.reviewer); err != nil {
			t.Fatal(err)
		}
		if got := listingOf(t, s, code, year).Review; got.Counted != 0 || got.Total != th.Result.Total {
			t.Errorf("after a project review score: %+v, want the self-score", got)
		}
		// Cut the leaf by 3 points: an independent sum of the tree.
		if err := s.SetReviewScore(ctx, code, year, ScopeDepartment, leaf.Code, leaf.Score-300, "佐证不足", p.reviewer); err != nil {
			t.Fatal(err)
		}
		want := Review{Total: th.Result.Total - 300, Grade: th.Framework.Grade(th.Result.Total - 300), Counted: 1}
		if got := listingOf(t, s, code, year).Review; got != want {
			t.Errorf("after a review score: %+v, want %+v", got, want)
		}
		rec, err := s.Get(ctx, code, year)
		if err != nil || rec.Review != want || rec.Total != th.Result.Total {
			t.Errorf("Get: total %s, review %+v, %v; want %s and %+v", rec.Total, rec.Review, err, th.Result.Total, want)
		}
		// The other department is untouched.
		if got := listingOf(t, s, "900100", year).Review; got.Counted != 0 {
			t.Errorf("B: %+v", got)
		}
		ov, err := s.Overview(ctx, Filter{Year: year})
		if err != nil || len(ov.Rows) != 2 || ov.Rows[0].Listing.Review != want && ov.Rows[1].Listing.Review != want {
			t.Errorf("Overview rows %+v, %v", ov.Rows, err)
		}

		// Accepted and published: still there (written again).
		v = rec.Version
		for _, to := range []string{workflow.Accepted, workflow.Published} {
			if v, err = s.Transition(ctx, code, year, to, p.reviewer, "", v); err != nil {
				t.Fatal(err)
			}
			if got := listingOf(t, s, code, year).Review; got != want {
				t.Errorf("%s: %+v, want %+v", to, got, want)
			}
		}
		pub, err := s.ListFiltered(ctx, Visible(nil))
		if err != nil || len(pub) != 1 || pub[0].Review != want {
			t.Errorf("public listing %+v, %v", pub, err)
		}

		// Returned and edited: the new tree with the review score on it.
		setStatus(t, s, code, year, workflow.Returned)
		rec, err = s.Get(ctx, code, year)
		if err != nil {
			t.Fatal(err)
		}
		ev := clone(t, rec.Evaluation)
		ev.Narrative.Conclusion += "（已补充）"
		res, ds := scoring.ScoreWith(ev, library(t), calendar.ScoringOptions())
		if ds.Err() != nil {
			t.Fatal(ds)
		}
		res.Total -= 100 // as if the edit had cost a point elsewhere
		if _, err := s.Update(ctx, code, year, ev, res, rec.Version, "editor", "补充材料"); err != nil {
			t.Fatal(err)
		}
		want2 := Review{Total: res.Total - 300, Grade: th.Framework.Grade(res.Total - 300), Counted: 1}
		if got := listingOf(t, s, code, year).Review; got != want2 {
			t.Errorf("after an edit: %+v, want %+v", got, want2)
		}
	})
}

// Rows stored before migration 00006, or below the current reviewVersion,
// are refilled when the store opens: those with department review scores
// by scoring their stored evaluation with the pinned frameworks.
func TestReviewResultFilledAtOpen(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		setStatus(t, s, code, year, workflow.UnderReview)
		leaf := firstLeaf(th.Framework, th.Result.Indicators, 200)
		if err := s.SetReviewScore(ctx, code, year, ScopeDepartment, leaf.Code, leaf.Score-200, "复核", p.reviewer); err != nil {
			t.Fatal(err)
		}
		want := map[string]Review{
			code:     {Total: th.Result.Total - 200, Grade: th.Framework.Grade(th.Result.Total - 200), Counted: 1},
			"900100": listingOf(t, s, "900100", year).Review,
		}
		if _, err := s.db.Exec(`UPDATE department_years SET review_total = 0, review_grade = '', review_count = 0, review_version = 0`); err != nil {
			t.Fatal(err)
		}
		s.Close()
		s = open(t, dsn)
		for c, w := range want {
			if got := listingOf(t, s, c, year).Review; got != w {
				t.Errorf("%s refilled: %+v, want %+v", c, got, w)
			}
		}
	})
}
