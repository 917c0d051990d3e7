package store

import (
	"os"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/diag"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
)

// exanteRecord is the Qinghe example record, moved to the Tianhe 2023
// year for its project THZFB-2023-02, and assessed.
func exanteRecord(t *testing.T, edit func(*exante.Evaluation)) *exante.Assessment {
	t.Helper()
	path := "../../examples/exante-qinghe-health-2025.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Exante(path, data)
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	r := l.Value
	r.Year, r.Department.Code, r.Department.Name = 2023, "106001", "天河区人民政府办公室"
	r.Project.Code, r.Project.Name = "THZFB-2023-02", "区政府会议及重大活动保障经费"
	if edit != nil {
		edit(r)
	}
	return exante.Assess(r, library(t), exante.Options{})
}

// An ex-ante evaluation is created, saved at the version read, concluded
// and reopened, each step in the year's history, the year's own version
// untouched; the store's Get carries it to the assessment pipeline
// (Record.Cycle), where it decides W186 and B1.1.
func TestExanteLife(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, _, _ := workflowStore(t, dsn)
		code, year := "106001", 2023
		before, err := s.Get(ctx, code, year)
		if err != nil {
			t.Fatal(err)
		}
		a := exanteRecord(t, nil)
		if a.Result == nil {
			t.Fatalf("example does not score: %v", a.Findings)
		}
		e, err := s.SaveExante(ctx, code, year, ExanteSave{Assessment: a}, "editor1", "填写事前绩效评估")
		if err != nil {
			t.Fatal(err)
		}
		fw, _ := library(t).Framework(exante.DefaultFramework)
		if e.Version != 1 || e.Status != ExanteDraft || !e.Scored || e.Total != num.Points(7950) || e.Conclusion != framework.ConclusionAdjusted ||
			e.ProjectCode != "THZFB-2023-02" || e.Amount != a.Evaluation.Project.Amount || e.Assessor != exante.AssessorDepartment ||
			string(e.Framework) != string(fw.Source) || e.Record.Report.Subject != a.Evaluation.Report.Subject || e.CreatedBy != "editor1" {
			t.Fatalf("created: %s v%d %s %v %s %s", e.ProjectCode, e.Version, e.Status, e.Scored, e.Total, e.Conclusion)
		}
		if _, err := s.SaveExante(ctx, code, year, ExanteSave{Assessment: a}, "editor1", "再建一份"); apperr.Code(err) != apperr.ECONFLICT {
			t.Errorf("second record of the project: %v", err)
		}

		// Raised to 予以支持: X3.1 from 5 to 6 points... by raising one level.
		better := exanteRecord(t, func(r *exante.Evaluation) {
			for c, in := range r.Scores {
				if in.Level != "met" && in.Level != "" {
					in.Level = "met"
					in.Score = nil
					r.Scores[c] = in
				}
			}
		})
		if better.Result == nil || better.Conclusion != framework.ConclusionSupport {
			t.Fatalf("better record: %v %v", better.Conclusion, better.Findings)
		}
		if _, err := s.SaveExante(ctx, code, year, ExanteSave{Assessment: better, Version: 2}, "editor1", "x"); apperr.Code(err) != apperr.ECONFLICT {
			t.Errorf("stale save: %v", err)
		}
		e, err = s.SaveExante(ctx, code, year, ExanteSave{Assessment: better, Version: 1}, "editor1", "按评估组意见修改")
		if err != nil || e.Version != 2 || e.Conclusion != framework.ConclusionSupport {
			t.Fatalf("save: %+v %v", e, err)
		}
		r, _ := s.Get(ctx, code, year)
		if x := r.Cycle.Exante["THZFB-2023-02"]; x.ID != e.ID || x.Concluded || x.Supported() {
			t.Errorf("cycle of a draft: %+v", x)
		}
		stamp := r.CycleStamp

		if _, err := s.ConcludeExante(ctx, code, year, "THZFB-2023-02", 1, true, "approver1", ""); apperr.Code(err) != apperr.ECONFLICT {
			t.Errorf("stale conclude: %v", err)
		}
		e, err = s.ConcludeExante(ctx, code, year, "THZFB-2023-02", 2, true, "approver1", "")
		if err != nil || e.Status != ExanteConcluded || e.ConcludedBy != "approver1" || e.ConcludedAt.IsZero() || e.Version != 3 {
			t.Fatalf("conclude: %+v %v", e, err)
		}
		if _, err := s.SaveExante(ctx, code, year, ExanteSave{Assessment: better, Version: 3}, "editor1", "x"); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("save of a concluded record: %v", err)
		}
		r, _ = s.Get(ctx, code, year)
		if x := r.Cycle.Exante["THZFB-2023-02"]; !x.Supported() || x.Total != better.Result.Total.String() || r.CycleStamp == stamp {
			t.Errorf("cycle after conclusion: %+v, stamp %q → %q", x, stamp, r.CycleStamp)
		}
		if r.Version != before.Version {
			t.Errorf("the year's version moved: %d → %d", before.Version, r.Version)
		}

		// The pipeline: project 02 declared new needs its evaluation, and
		// has a supported one; project 03 (also new) has none.
		ev := clone(t, r.Evaluation)
		for i := range ev.Projects {
			if ev.Projects[i].Initial >= r.Cycle.ExanteFrom {
				t.Fatalf("test premise: project %s at %s", ev.Projects[i].Code, ev.Projects[i].Initial.Wan())
			}
		}
		r.Cycle.ExanteFrom = ev.Projects[2].Initial // 36万元: 02 (98万元) and 03 need one
		ev.Projects[1].Kind, ev.Projects[2].Kind = evaluation.ProjectNew, evaluation.ProjectNew
		lib, err := datafile.PinnedLibrary(r.Framework, r.ProjectFramework)
		if err != nil {
			t.Fatal(err)
		}
		as := assess.Assess(ev, lib, assess.Options{Calendar: calendar.ScoringOptions().Calendar, Cycle: r.Cycle, Stored: true})
		w := as.Findings.WithCode(diag.ExanteMissing)
		if len(w) != 1 || w[0].Path != "projects[2]" {
			t.Errorf("W186: %v", w)
		}

		if _, err := s.ConcludeExante(ctx, code, year, "THZFB-2023-02", 3, false, "approver1", " "); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("reopen without a reason: %v", err)
		}
		e, err = s.ConcludeExante(ctx, code, year, "THZFB-2023-02", 3, false, "approver1", "预算调整，重新评估")
		if err != nil || e.Status != ExanteDraft || e.ConcludedBy != "" || !e.ConcludedAt.IsZero() {
			t.Fatalf("reopen: %+v %v", e, err)
		}

		h, err := s.History(ctx, code, year)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range h {
			if strings.HasPrefix(c.Path, "exante[") {
				got = append(got, c.Field(r.Evaluation)+"："+c.Old+"→"+c.New)
			}
		}
		want := []string{
			"项目“区政府会议及重大活动保障经费”事前绩效评估：→79.5 分（调整后予以支持）",
			"项目“区政府会议及重大活动保障经费”事前绩效评估评估内容：79.5 分（调整后予以支持）→" + better.Result.Total.String() + " 分（予以支持）",
			"项目“区政府会议及重大活动保障经费”事前绩效评估状态：评估中→已出结论：予以支持",
			"项目“区政府会议及重大活动保障经费”事前绩效评估状态：已出结论：予以支持→评估中",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("history:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		list, err := s.ExanteEvaluations(ctx, code, year)
		if err != nil || len(list) != 1 || list[0].Version != 4 {
			t.Errorf("list: %v %v", list, err)
		}
	})
}

// A draft may be incomplete and is then not scored, so it cannot be
// concluded; a record of another year, or with forbidden text, is refused
// naming every problem.
func TestExanteRefuses(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, _, _ := workflowStore(t, dsn)
		code, year := "106001", 2023
		draft := exanteRecord(t, func(r *exante.Evaluation) { delete(r.Scores, "X1.1") })
		e, err := s.SaveExante(ctx, code, year, ExanteSave{Assessment: draft}, "editor1", "先存草稿")
		if err != nil || e.Scored || e.Conclusion != "" {
			t.Fatalf("draft: scored %v %q %v", e != nil && e.Scored, e.Conclusion, err)
		}
		if _, err := s.ConcludeExante(ctx, code, year, e.ProjectCode, e.Version, true, "approver1", ""); apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "无法评分") {
			t.Errorf("conclude an unscored draft: %v", err)
		}
		bad := exanteRecord(t, func(r *exante.Evaluation) {
			r.Year = 2024
			r.Project.Code = "THZFB-2023-09"
			r.Report.Work = "正文\u202e反转"
		})
		_, err = s.SaveExante(ctx, code, year, ExanteSave{Assessment: bad}, "editor1", "x")
		if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "2024 年度") || !strings.Contains(err.Error(), "评估工作开展情况") {
			t.Errorf("bad record: %v", err)
		}
		if _, err := s.ExanteEvaluation(ctx, code, year, "THZFB-2023-09"); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("refused record stored: %v", err)
		}
		if _, err := s.SaveExante(ctx, "999999", year, ExanteSave{Assessment: exanteRecord(t, func(r *exante.Evaluation) { r.Department.Code = "999999" })}, "editor1", "x"); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("unknown year: %v", err)
		}
	})
}

// The total a year keeps follows its ex-ante records: an import of a year
// with a new project from the threshold is scored with them (the file's
// own score knew none), and concluding the project's evaluation scores
// the stored year again, its version unchanged.
func TestExanteStoredTotal(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		plain := exampleEntry(t, tianhePath)
		ev := clone(t, plain.Evaluation)
		ev.Projects[1].Kind, ev.Projects[1].Initial = evaluation.ProjectNew, ev.Projects[1].Initial*2
		e := entry(t, ev, "new.yaml")
		mustImport(t, s, []Entry{e}, Summary{Created: 1})
		r, err := s.Get(ctx, "106001", 2023)
		if err != nil {
			t.Fatal(err)
		}
		fileTotal := e.Result.Total
		b1 := scoring.Find(e.Result.Indicators, "B1").Score
		if r.Total != fileTotal-b1 || b1 == 0 {
			t.Fatalf("stored total %s, want the file's %s less B1 %s", r.Total, fileTotal, b1)
		}
		saved, err := s.SaveExante(ctx, "106001", 2023, ExanteSave{Assessment: exanteRecord(t, func(x *exante.Evaluation) {
			x.Project.Amount = ev.Projects[1].Initial
		})}, "operator", "补录")
		if err != nil {
			t.Fatal(err)
		}
		if r2, _ := s.Get(ctx, "106001", 2023); r2.Total != r.Total {
			t.Errorf("a draft changed the total: %s → %s", r.Total, r2.Total)
		}
		if _, err := s.ConcludeExante(ctx, "106001", 2023, saved.ProjectCode, saved.Version, true, "operator", ""); err != nil {
			t.Fatal(err)
		}
		r2, _ := s.Get(ctx, "106001", 2023)
		if r2.Total != fileTotal || r2.Version != r.Version || r2.Review.Total != fileTotal {
			t.Errorf("after the conclusion: total %s (want %s), review total %s, version %d → %d", r2.Total, fileTotal, r2.Review.Total, r.Version, r2.Version)
		}
	})
}
