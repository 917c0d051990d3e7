package store

import (
	"io/fs"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
	"github.com/pressly/goose/v3"
)

// Review of every leaf: a project indicator re-scored changes that
// project's total and grade after review and nothing else; a checklist
// item and a target are leaves the reviewer may re-score; a node with
// children, a code the tree lacks and a score above the leaf's points are
// refused naming the code; acceptance is found in history.
func TestReviewLeaves(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		v := setStatus(t, s, code, year, workflow.UnderReview)

		pr := th.Result.Projects[2]
		var leaf *scoring.Node
		for _, n := range pr.Indicators {
			if len(n.Children) > 0 && n.Children[0].Score > 0 {
				leaf = n.Children[0]
				break
			}
		}
		if leaf == nil {
			t.Fatal("no scored project target")
		}
		pscope := "project:" + pr.Code
		// Cut the target to nothing: the project loses its score.
		if err := s.SetReviewScore(ctx, code, year, pscope, leaf.Code, 0, "完成值无佐证", p.reviewer); err != nil {
			t.Fatal(err)
		}
		a, err := s.Reviewed(ctx, code, year)
		if err != nil {
			t.Fatal(err)
		}
		got := a.ProjectReviews[2]
		want := pr.Total - leaf.Score
		if got.Scope != pscope || got.SelfTotal != pr.Total || got.ReviewTotal != want || got.Grade != a.ProjectFramework.Grade(want) || got.Counted != 1 {
			t.Errorf("project after review %+v, want %s", got, want)
		}
		// The project's row keeps its result after review, which results
		// application reads as the project's grade.
		var rt int64
		var rg string
		if err := s.db.QueryRow(s.rebind(`SELECT p.review_total, p.review_grade FROM projects p JOIN department_years dy ON dy.id = p.department_year_id
			JOIN departments d ON d.id = dy.department_id WHERE d.code = ? AND dy.year = ? AND p.seq = 3`), code, year).Scan(&rt, &rg); err != nil || num.Points(rt) != want || rg != got.Grade {
			t.Errorf("project row after review: %d %q (%v), want %s %s", rt, rg, err, want, got.Grade)
		}
		setStatus(t, s, code, year, workflow.Accepted)
		ry, err := s.ResultsOf(ctx, code, year, datafile.DefaultResults())
		if err != nil {
			t.Fatal(err)
		}
		if r := ry.Projects[2]; r.Grade != got.Grade || r.GradeNote != "项目复核后等级" || ry.Projects[0].GradeNote != "项目自评等级（未复核）" {
			t.Errorf("results read %q (%s) and %q", r.Grade, r.GradeNote, ry.Projects[0].GradeNote)
		}
		v = setStatus(t, s, code, year, workflow.UnderReview)
		for i, o := range a.ProjectReviews {
			if i != 2 && o.Counted != 0 {
				t.Errorf("project %d changed: %+v", i, o)
			}
		}
		if a.Review.Total != th.Result.Total || a.Review.Counted != 0 || len(a.Review.Lines) != 1 ||
			a.Review.Lines[0].Reviewer != "reviewer" || a.Review.Lines[0].Reason != "完成值无佐证" || a.Review.Lines[0].Project != pr.Name {
			t.Errorf("department after review %+v", a.Review)
		}
		if l := listingOf(t, s, code, year); l.Review.Counted != 0 || l.Review.Total != th.Result.Total {
			t.Errorf("the stored department result changed: %+v", l.Review)
		}

		// A checklist item and a target of the department.
		b5 := scoring.Find(th.Result.Indicators, "B5")
		item := b5.Items[len(b5.Items)-1]
		if err := s.SetReviewScore(ctx, code, year, ScopeDepartment, item.Code, 0, "合同未备案", p.reviewer); err != nil {
			t.Fatal(err)
		}
		if err := s.SetReviewScore(ctx, code, year, ScopeDepartment, "T1", 400, "数量统计口径不一", p.reviewer); err != nil {
			t.Fatal(err)
		}
		wantTotal := th.Result.Total - item.Score - 100
		if l := listingOf(t, s, code, year); l.Review.Counted != 2 || l.Review.Total != wantTotal {
			t.Errorf("after an item and a target: %+v, want %s", l.Review, wantTotal)
		}

		// Refusals name the code.
		for _, c := range []struct {
			scope, code string
			score       num.Points
			want        string
		}{
			{ScopeDepartment, "B", 100, "不是末级指标"},
			{ScopeDepartment, "A1", 100, "不是末级指标"},
			{pscope, "P2", 100, "不是末级指标"},
			{pscope, "T999", 100, "没有指标或检查项"},
			{ScopeDepartment, item.Code, item.Points + 1, "超出范围"},
			{"seq:1", "P1", 100, "没有复核范围"}, // the projects have codes
		} {
			err := s.SetReviewScore(ctx, code, year, c.scope, c.code, c.score, "复核", p.reviewer)
			if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), c.want) || c.want != "没有复核范围" && !strings.Contains(err.Error(), c.code) {
				t.Errorf("%s %s: %v, want EINVALID with %q", c.scope, c.code, err, c.want)
			}
		}

		if _, ok, err := s.AcceptedAt(ctx, code, year); ok || err != nil {
			t.Errorf("accepted before acceptance: %v %v", ok, err)
		}
		if _, err := s.Transition(ctx, code, year, workflow.Accepted, p.reviewer, "", v); err != nil {
			t.Fatal(err)
		}
		if at, ok, err := s.AcceptedAt(ctx, code, year); !ok || err != nil || at.IsZero() {
			t.Errorf("accepted at %v %v %v", at, ok, err)
		}
	})
}

// Migration 00015 rewrites the project positions stored as review scopes
// before it: to "project:CODE" when the project at that position has a
// code, else "seq:N"; its down migration puts the positions back.
func TestReviewScopeMigration(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		th := exampleEntry(t, tianhePath)
		b := variant(t, th.Evaluation, "900100", 0)
		for i := range b.Projects {
			b.Projects[i].Code = ""
		}
		mustImport(t, s, []Entry{th, entry(t, b, "b.yaml")}, Summary{Created: 2})
		p := mkPeople(t, s, th.Evaluation.Department.Code, "900100")
		prov := migrations15(t, s)
		if _, err := prov.DownTo(ctx, 14); err != nil {
			t.Fatal(err)
		}
		ins := s.rebind(`INSERT INTO review_scores (department_year_id, scope, indicator_code, score, reason, reviewer_id, at)
			SELECT dy.id, ?, ?, 100, '复核', ?, CURRENT_TIMESTAMP FROM department_years dy JOIN departments d ON d.id = dy.department_id WHERE d.code = ?`)
		for _, r := range []struct{ dept, scope, code string }{
			{th.Evaluation.Department.Code, "1", "P1"},
			{th.Evaluation.Department.Code, "3", "P1"},
			{th.Evaluation.Department.Code, ScopeDepartment, "A3"},
			{"900100", "2", "P1"},
		} {
			if _, err := s.db.Exec(ins, r.scope, r.code, p.reviewer.ID, r.dept); err != nil {
				t.Fatal(err)
			}
		}
		scopes := func() []string {
			rows, err := s.db.Query(`SELECT d.code || ' ' || r.scope FROM review_scores r JOIN department_years dy ON dy.id = r.department_year_id
				JOIN departments d ON d.id = dy.department_id ORDER BY 1`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var out []string
			for rows.Next() {
				var x string
				if err := rows.Scan(&x); err != nil {
					t.Fatal(err)
				}
				out = append(out, x)
			}
			return out
		}
		if _, err := prov.UpTo(ctx, 15); err != nil {
			t.Fatal(err)
		}
		tc := th.Evaluation.Department.Code
		want := []string{tc + " department", tc + " project:" + th.Evaluation.Projects[0].Code, tc + " project:" + th.Evaluation.Projects[2].Code, "900100 seq:2"}
		if got := scopes(); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("after 00015: %q, want %q", got, want)
		}
		// The rewritten scopes are those SetReviewScore and the pipeline use
		// (with every later migration, which the store's reads need).
		if _, err := prov.Up(ctx); err != nil {
			t.Fatal(err)
		}
		setStatus(t, s, "900100", th.Evaluation.Year, workflow.UnderReview)
		a, err := s.Reviewed(ctx, "900100", th.Evaluation.Year)
		if err != nil || a.ProjectReviews[1].Counted != 1 {
			t.Errorf("seq:2 after the migration: %+v, %v", a.ProjectReviews[1], err)
		}
		if _, err := prov.DownTo(ctx, 14); err != nil {
			t.Fatal(err)
		}
		want = []string{tc + " 1", tc + " 3", tc + " department", "900100 2"}
		if got := scopes(); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("after 00015 down: %q, want %q", got, want)
		}
		if _, err := prov.Up(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

// migrations15 is a goose provider over the store's migrations.
func migrations15(t *testing.T, s *Store) *goose.Provider {
	t.Helper()
	sub, err := fs.Sub(migrations, "migrations/"+s.dialect)
	if err != nil {
		t.Fatal(err)
	}
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	p, err := goose.NewProvider(dialect, s.db, sub, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// SetReviewScores is all or nothing and lists every problem at once; at
// most MaxReviewInputs a call.
func TestSetReviewScoresAllOrNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		setStatus(t, s, code, year, workflow.UnderReview)
		pscope := "project:" + th.Evaluation.Projects[0].Code
		err := s.SetReviewScores(ctx, code, year, []ReviewInput{
			{Scope: ScopeDepartment, Code: "T1", Score: 400, Reason: "口径不一"},
			{Scope: pscope, Code: "P1", Score: 500, Reason: ""},
			{Scope: pscope, Code: "P2", Score: 100, Reason: "复核"},
			{Scope: ScopeDepartment, Code: "T1", Score: 300, Reason: "重复"},
		}, p.reviewer)
		msg := ""
		if err != nil {
			msg = err.Error()
		}
		if apperr.Code(err) != apperr.EINVALID || !strings.Contains(msg, "P1：填写复核得分必须说明理由") || !strings.Contains(msg, "P2 不是末级指标") || !strings.Contains(msg, "T1 重复提交") {
			t.Errorf("mixed batch: %v", err)
		}
		if n := count(t, s, "review_scores"); n != 0 {
			t.Errorf("%d review scores kept from a refused batch", n)
		}
		if err := s.SetReviewScores(ctx, code, year, []ReviewInput{
			{Scope: ScopeDepartment, Code: "T1", Score: 400, Reason: "口径不一"},
			{Scope: pscope, Code: "P1", Score: 500, Reason: "执行数含预付款"},
		}, p.reviewer); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, "review_scores"); n != 2 {
			t.Errorf("%d review scores, want 2", n)
		}
		if got := listingOf(t, s, code, year).Review; got.Counted != 1 || got.Total != th.Result.Total-100 {
			t.Errorf("after the batch: %+v", got)
		}
		many := make([]ReviewInput, MaxReviewInputs+1)
		if err := s.SetReviewScores(ctx, code, year, many, p.reviewer); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "一次最多") {
			t.Errorf("too many: %v", err)
		}
	})
}
