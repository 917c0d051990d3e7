package store

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/evaluation"

	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/workflow"
)

// setStatus puts a department-year in a status of the evaluation stage
// directly, and returns its version.
func setStatus(t *testing.T, s *Store, code string, year int, status string) int {
	t.Helper()
	return setStage(t, s, code, year, workflow.Evaluation, status)
}

// setStage puts a department-year in a stage and status directly, and
// returns its version.
func setStage(t *testing.T, s *Store, code string, year int, stage, status string) int {
	t.Helper()
	if _, err := s.db.Exec(s.rebind(`UPDATE department_years SET stage = ?, status = ? WHERE year = ?
		AND department_id = (SELECT id FROM departments WHERE code = ?)`), stage, status, year, code); err != nil {
		t.Fatal(err)
	}
	r, err := s.Get(ctx, code, year)
	if err != nil {
		t.Fatal(err)
	}
	return r.Version
}

// workflowStore holds the Tianhe example (department A) and a variant for
// department B, and the people acting on them.
func workflowStore(t *testing.T, dsn string) (*Store, Entry, people) {
	s := open(t, dsn)
	th := exampleEntry(t, tianhePath)
	b := entry(t, variant(t, th.Evaluation, "900100", 0), "b.yaml")
	mustImport(t, s, []Entry{th, b}, Summary{Created: 2})
	return s, th, mkPeople(t, s, th.Evaluation.Department.Code, "900100")
}

func TestTransitionsByRole(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		roleUser := map[string]User{workflow.Editor: p.editorA, workflow.Approver: p.approverA, workflow.Reviewer: p.reviewer, workflow.Admin: p.admin}
		for _, tr := range workflow.Transitions {
			for _, role := range []string{workflow.Editor, workflow.Approver, workflow.Reviewer, workflow.Admin} {
				actor := roleUser[role]
				v := setStage(t, s, code, year, tr.Stage, tr.From)
				before := len(historyAt(t, s, code, year, "status"))
				beforeStage := len(historyAt(t, s, code, year, "stage"))
				got, err := s.Transition(ctx, code, year, tr.To, actor, "理由："+tr.Action, v)
				r, _ := s.Get(ctx, code, year)
				h := historyAt(t, s, code, year, "status")
				allowed := slices.ContainsFunc(workflow.Transitions, func(o workflow.Transition) bool {
					return o.Stage == tr.Stage && o.From == tr.From && o.To == tr.To && o.Role == role
				})
				if !allowed {
					if apperr.Code(err) != apperr.EFORBIDDEN || !strings.Contains(err.Error(), code) {
						t.Errorf("%s → %s by %s: %v (%s), want apperr.EFORBIDDEN", tr.From, tr.To, role, err, apperr.Code(err))
					}
					if r.Status != tr.From || r.Version != v || len(h) != before {
						t.Errorf("%s → %s by %s refused but changed the store: %s v%d", tr.From, tr.To, role, r.Status, r.Version)
					}
					continue
				}
				if err != nil || got != v+1 {
					t.Errorf("%s → %s by %s: version %d, %v; want %d", tr.From, tr.To, role, got, err, v+1)
					continue
				}
				if r.Status != tr.To || r.Version != v+1 || r.Stage != tr.Target() {
					t.Errorf("%s → %s by %s: stored %s %s v%d", tr.From, tr.To, role, r.Stage, r.Status, r.Version)
				}
				// A stage move records the stage too, with the same reason.
				hs := historyAt(t, s, code, year, "stage")
				if tr.ToStage == "" && len(hs) != beforeStage {
					t.Errorf("%s: a stage row for a move within the stage", tr.Action)
				}
				if tr.ToStage != "" {
					if len(hs) != beforeStage+1 {
						t.Fatalf("%s: %d stage rows, want %d", tr.Action, len(hs), beforeStage+1)
					}
					if st := hs[len(hs)-1]; st.Old != tr.Stage || st.New != tr.ToStage || st.Reason != "理由："+tr.Action || st.Version != v+1 || st.Actor != actor.Username {
						t.Errorf("%s: stage row %+v", tr.Action, st)
					}
				}
				if len(h) != before+1 {
					t.Fatalf("%s → %s: %d status rows, want %d", tr.From, tr.To, len(h), before+1)
				}
				want := Change{Version: v + 1, Actor: actor.Username, ActorName: actor.DisplayName, Action: "status", Path: "status", Old: tr.From, New: tr.To, Reason: "理由：" + tr.Action}
				last := h[len(h)-1]
				last.At = want.At
				if last != want {
					t.Errorf("history row %+v, want %+v", last, want)
				}
			}
		}
		// A move that is no transition at all, by each role.
		for _, u := range p.all() {
			v := setStatus(t, s, code, year, workflow.Draft)
			if _, err := s.Transition(ctx, code, year, workflow.Published, u, "跳过", v); apperr.Code(err) != apperr.EFORBIDDEN {
				t.Errorf("draft → published by %s: %v", fmtUser(u), err)
			}
		}
		v := setStatus(t, s, code, year, workflow.Draft)
		if _, err := s.Transition(ctx, code, year, "bogus", p.editorA, "", v); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("to an unknown status: %v", err)
		}
		if _, err := s.Transition(ctx, "999999", year, workflow.Submitted, p.editorA, "", 1); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("missing department-year: %v", err)
		}
	})
}

func TestTransitionChecks(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year

		// Department isolation: B's people cannot move A's data.
		v := setStatus(t, s, code, year, workflow.Draft)
		if _, err := s.Transition(ctx, code, year, workflow.Submitted, p.editorB, "", v); apperr.Code(err) != apperr.EFORBIDDEN || !strings.Contains(err.Error(), "900100") {
			t.Errorf("editor of B submits A: %v, want apperr.EFORBIDDEN", err)
		}
		// A stale User value cannot claim another department or role: the
		// stored account decides.
		forged := p.editorB
		forged.DepartmentCode, forged.Role = code, workflow.Editor
		if _, err := s.Transition(ctx, code, year, workflow.Submitted, forged, "", v); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("forged department: %v, want apperr.EFORBIDDEN", err)
		}
		asReviewer := p.editorA
		asReviewer.Role, asReviewer.DepartmentCode = workflow.Reviewer, ""
		v = setStatus(t, s, code, year, workflow.Approved)
		if _, err := s.Transition(ctx, code, year, workflow.UnderReview, asReviewer, "", v); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("forged role: %v, want apperr.EFORBIDDEN", err)
		}
		if _, err := s.Transition(ctx, code, year, workflow.UnderReview, User{}, "", v); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("no actor: %v, want apperr.EUNAUTHORIZED", err)
		}
		v = setStatus(t, s, code, year, workflow.Submitted)
		if _, err := s.Transition(ctx, code, year, workflow.Approved, p.approverB, "", v); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("approver of B approves A: %v, want apperr.EFORBIDDEN", err)
		}

		// Returning needs a comment.
		for _, c := range []string{"", "  \n"} {
			if _, err := s.Transition(ctx, code, year, workflow.Returned, p.approverA, c, v); apperr.Code(err) != apperr.EINVALID {
				t.Errorf("return with comment %q: %v, want apperr.EINVALID", c, err)
			}
		}
		// A stale version is a conflict, and nothing changes.
		if _, err := s.Transition(ctx, code, year, workflow.Approved, p.approverA, "", v-1); apperr.Code(err) != apperr.ECONFLICT {
			t.Errorf("stale version: %v, want apperr.ECONFLICT", err)
		}
		if r, _ := s.Get(ctx, code, year); r.Status != workflow.Submitted || r.Version != v {
			t.Errorf("after refusals: %s v%d", r.Status, r.Version)
		}
		// Disabled accounts cannot act.
		if err := s.DisableUser(ctx, p.approverA.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Transition(ctx, code, year, workflow.Approved, p.approverA, "", v); apperr.Code(err) != apperr.EUNAUTHORIZED {
			t.Errorf("disabled approver: %v, want apperr.EUNAUTHORIZED", err)
		}
		if err := s.EnableUser(ctx, p.approverA.ID); err != nil {
			t.Fatal(err)
		}
		nv, err := s.Transition(ctx, code, year, workflow.Returned, p.approverA, "  请补充项目资料  ", v)
		if err != nil || nv != v+1 {
			t.Fatalf("return: %d, %v", nv, err)
		}
		h := historyOf(t, s, code, year, "status")
		if last := h[len(h)-1]; last.Reason != "请补充项目资料" || last.Old != workflow.Submitted || last.New != workflow.Returned {
			t.Errorf("return history %+v", last)
		}
	})
}

func TestNotEditableRefusesUpdateAndImport(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		v, err := s.Transition(ctx, code, year, workflow.Submitted, p.editorA, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		changed := clone(t, th.Evaluation)
		changed.Narrative.Conclusion = "提交后的修改。"
		e := entry(t, changed, "changed.yaml")
		before := takeSnapshot(t, s)
		if _, err := s.Update(ctx, code, year, changed, e.Result, v, "editor-a", ""); apperr.Code(err) != apperr.EFORBIDDEN || !strings.Contains(err.Error(), "已提交") {
			t.Errorf("update of a submitted year: %v, want apperr.EFORBIDDEN naming the status", err)
		}
		// The import also creates a department; it must all roll back.
		create := entry(t, variant(t, th.Evaluation, "900200", 0), "new.yaml")
		_, err = s.Import(ctx, []Entry{create, e}, "tester", "")
		if apperr.Code(err) != apperr.EFORBIDDEN || !strings.Contains(err.Error(), code) || !strings.Contains(err.Error(), "changed.yaml") {
			t.Errorf("import over a submitted year: %v, want apperr.EFORBIDDEN naming it", err)
		}
		if after := takeSnapshot(t, s); !reflect.DeepEqual(before, after) {
			t.Errorf("refused writes changed the store:\nbefore %+v\nafter  %+v", before, after)
		}
		// Re-importing it unchanged writes nothing and is allowed.
		mustImport(t, s, []Entry{exampleEntry(t, tianhePath)}, Summary{Unchanged: 1})

		// Once returned, the department may change it again.
		v, err = s.Transition(ctx, code, year, workflow.Returned, p.approverA, "请修改结论", v)
		if err != nil {
			t.Fatal(err)
		}
		if v, err = s.Update(ctx, code, year, changed, e.Result, v, "editor-a", "按意见修改"); err != nil {
			t.Fatalf("update of a returned year: %v", err)
		}
		if _, err := s.Transition(ctx, code, year, workflow.Submitted, p.editorA, "", v); err != nil {
			t.Fatal(err)
		}
		for _, st := range []string{workflow.Approved, workflow.UnderReview, workflow.Accepted, workflow.Published} {
			v := setStatus(t, s, code, year, st)
			if _, err := s.Update(ctx, code, year, th.Evaluation, th.Result, v, "x", ""); apperr.Code(err) != apperr.EFORBIDDEN {
				t.Errorf("update in status %s: %v", st, err)
			}
			if _, err := s.Import(ctx, []Entry{th}, "x", ""); apperr.Code(err) != apperr.EFORBIDDEN {
				t.Errorf("import in status %s: %v", st, err)
			}
		}
	})
}

func TestReview(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		ind := "A3" // the execution rate: a leaf of the department's tree
		pind := th.ProjectFramework.Codes()[0]
		pscope := "project:" + th.Evaluation.Projects[1].Code

		// Only while under review.
		for _, st := range []string{workflow.Draft, workflow.Approved, workflow.Accepted} {
			setStatus(t, s, code, year, st)
			if err := s.SetReviewScore(ctx, code, year, ScopeDepartment, ind, 500, "复核", p.reviewer); apperr.Code(err) != apperr.EFORBIDDEN {
				t.Errorf("review score in status %s: %v, want apperr.EFORBIDDEN", st, err)
			}
		}
		v := setStatus(t, s, code, year, workflow.UnderReview)
		// Only by reviewers.
		for _, u := range []User{p.editorA, p.approverA, p.editorB, p.admin} {
			if err := s.SetReviewScore(ctx, code, year, ScopeDepartment, ind, 500, "复核", u); apperr.Code(err) != apperr.EFORBIDDEN {
				t.Errorf("review score by %s: %v, want apperr.EFORBIDDEN", fmtUser(u), err)
			}
		}
		for _, c := range []struct {
			scope, ind string
			score      num.Points
			reason     string
		}{
			{ScopeDepartment, ind, 500, ""},
			{ScopeDepartment, ind, 500, "   "},
			{ScopeDepartment, "no-such-indicator", 500, "复核"},
			{ScopeDepartment, ind, -1, "复核"},
			{ScopeDepartment, ind, num.Whole(101), "复核"},
			{"0", pind, 100, "复核"},
			{"01", pind, 100, "复核"},
			{"99", pind, 100, "复核"},
			{"2", pind, 100, "复核"}, // positions are "seq:N" now
			{"seq:99", pind, 100, "复核"},
			{"project", pind, 100, "复核"},
			{"project:NOPE", pind, 100, "复核"},
			{pscope, "P2", 100, "复核"},           // has targets below it: not a leaf
			{ScopeDepartment, "A", 100, "复核"},   // not a leaf
			{pscope, pind, num.Whole(11), "复核"}, // above the leaf's 10 points
		} {
			if err := s.SetReviewScore(ctx, code, year, c.scope, c.ind, c.score, c.reason, p.reviewer); apperr.Code(err) != apperr.EINVALID {
				t.Errorf("SetReviewScore(%q, %q, %v, %q): %v, want apperr.EINVALID", c.scope, c.ind, c.score, c.reason, err)
			}
		}
		if n := count(t, s, "review_scores"); n != 0 {
			t.Fatalf("%d review scores after refusals", n)
		}
		if err := s.SetReviewScore(ctx, code, year, ScopeDepartment, ind, 850, "佐证材料不足", p.reviewer); err != nil {
			t.Fatal(err)
		}
		if err := s.SetReviewScore(ctx, code, year, ScopeDepartment, ind, 900, "补充材料后调整", p.reviewer); err != nil {
			t.Fatal(err)
		}
		if err := s.SetReviewScore(ctx, code, year, pscope, pind, 1000, "项目复核", p.reviewer); err != nil {
			t.Fatal(err)
		}
		// The same again writes nothing.
		if err := s.SetReviewScore(ctx, code, year, pscope, pind, 1000, "项目复核", p.reviewer); err != nil {
			t.Fatal(err)
		}
		scores, err := s.ReviewScores(ctx, code, year)
		if err != nil {
			t.Fatal(err)
		}
		if len(scores) != 2 || scores[0].Scope != ScopeDepartment || scores[1].Scope != pscope || scores[1].Score != 1000 ||
			scores[0].IndicatorCode != ind || scores[0].Score != 900 || scores[0].Reason != "补充材料后调整" || scores[0].Reviewer != "reviewer" || scores[0].At.IsZero() {
			t.Errorf("review scores %+v", scores)
		}
		var rows []Change
		for _, c := range historyOf(t, s, code, year, "update") {
			if strings.HasPrefix(c.Path, "review.") {
				rows = append(rows, c)
			}
		}
		want := []Change{
			{Version: v, Actor: "reviewer", ActorName: "用户reviewer", Action: "update", Path: "review.department." + ind, Old: "", New: "8.5", Reason: "佐证材料不足"},
			{Version: v, Actor: "reviewer", ActorName: "用户reviewer", Action: "update", Path: "review.department." + ind, Old: "8.5", New: "9", Reason: "补充材料后调整"},
			{Version: v, Actor: "reviewer", ActorName: "用户reviewer", Action: "update", Path: "review." + pscope + "." + pind, Old: "", New: "10", Reason: "项目复核"},
		}
		for i := range rows {
			rows[i].At = want[0].At
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("review history\n%+v\nwant\n%+v", rows, want)
		}
		// Review scores leave the version alone: the reviewer accepts at v.
		if _, err := s.Transition(ctx, code, year, workflow.Accepted, p.reviewer, "", v); err != nil {
			t.Errorf("accept after scoring: %v", err)
		}
		if err := s.SetReviewScore(ctx, code, year, ScopeDepartment, ind, 100, "晚了", p.reviewer); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("review score after acceptance: %v", err)
		}

		// Comments: reviewers and the department's own people.
		for _, u := range []User{p.reviewer, p.editorA, p.approverA} {
			if _, err := s.AddComment(ctx, code, year, "", ind, "意见来自 "+u.Username, u); err != nil {
				t.Errorf("comment by %s: %v", fmtUser(u), err)
			}
		}
		for _, u := range []User{p.editorB, p.approverB, p.admin} {
			if _, err := s.AddComment(ctx, code, year, "", "", "不应保存", u); apperr.Code(err) != apperr.EFORBIDDEN {
				t.Errorf("comment by %s: %v, want apperr.EFORBIDDEN", fmtUser(u), err)
			}
		}
		if _, err := s.AddComment(ctx, code, year, "", "", "  ", p.reviewer); apperr.Code(err) != apperr.EINVALID {
			t.Errorf("empty comment: %v", err)
		}
		c, err := s.AddComment(ctx, code, year, "", "", "整体意见", p.reviewer)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ResolveComment(ctx, code, year, c.ID, true, p.editorB); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("resolve by another department: %v", err)
		}
		if err := s.ResolveComment(ctx, "900100", year, c.ID, true, p.editorB); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("resolve a comment of another department-year: %v", err)
		}
		if err := s.ResolveComment(ctx, code, year, c.ID, true, p.editorA); err != nil {
			t.Fatal(err)
		}
		cs, err := s.Comments(ctx, code, year)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 4 || cs[0].Author != "reviewer" || cs[0].IndicatorCode != ind || cs[1].AuthorName != "用户editor-a" ||
			cs[3].IndicatorCode != "" || !cs[3].Resolved || cs[0].Resolved || cs[3].Body != "整体意见" {
			t.Errorf("comments %+v", cs)
		}
		// Each comment names its author's role, so pages can mark the
		// reviewer's and the approver's.
		for i, want := range []string{workflow.Reviewer, workflow.Editor, workflow.Approver, workflow.Reviewer} {
			if i < len(cs) && cs[i].AuthorRole != want {
				t.Errorf("comment %d by %s: role %q, want %q", i, cs[i].Author, cs[i].AuthorRole, want)
			}
		}
		if other, err := s.Comments(ctx, "900100", year); err != nil || len(other) != 0 {
			t.Errorf("comments of B: %+v, %v", other, err)
		}

		// A comment on a project's indicator keeps its scope; a scope
		// of another form is refused.
		pc, err := s.AddComment(ctx, code, year, ProjectScope("P-01"), "T2", "项目指标意见", p.reviewer)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"2", "project:", "project:P\x00"} {
			if _, err := s.AddComment(ctx, code, year, bad, "T2", "范围无效", p.reviewer); apperr.Code(err) != apperr.EINVALID {
				t.Errorf("comment with scope %q: %v, want EINVALID", bad, err)
			}
		}
		cs, err = s.Comments(ctx, code, year)
		if err != nil {
			t.Fatal(err)
		}
		if last := cs[len(cs)-1]; len(cs) != 5 || last.ID != pc.ID || last.Scope != "project:P-01" || last.IndicatorCode != "T2" || cs[0].Scope != "" {
			t.Errorf("comments with a project scope %+v", cs)
		}
		if code, ok := ScopeProject(cs[len(cs)-1].Scope); !ok || code != "P-01" {
			t.Errorf("ScopeProject(%q) = %q, %v", cs[len(cs)-1].Scope, code, ok)
		}
	})
}

func TestListFilteredVisible(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		other := entry(t, variant(t, th.Evaluation, "900100", year+1), "b2.yaml")
		mustImport(t, s, []Entry{other}, Summary{Created: 1})
		setStatus(t, s, "900100", year, workflow.Published)
		setStatus(t, s, code, year, workflow.UnderReview)

		list := func(f Filter) []string {
			t.Helper()
			ls, err := s.ListFiltered(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, l := range ls {
				out = append(out, l.DepartmentCode+"/"+l.Status)
			}
			return out
		}
		a, bPub, bDraft := code+"/under_review", "900100/published", "900100/draft"
		for _, c := range []struct {
			name string
			f    Filter
			want []string
		}{
			{"public", Visible(nil), []string{bPub}},
			{"editor A", Visible(&p.editorA), []string{a}},
			{"approver B", Visible(&p.approverB), []string{bPub, bDraft}},
			{"reviewer", Visible(&p.reviewer), []string{a, bPub, bDraft}},
			{"admin", Visible(&p.admin), []string{a, bPub, bDraft}},
			{"editor A asks for B", Visible(&p.editorA).And(Filter{DepartmentCode: "900100"}), nil},
			{"public asks for drafts", Visible(nil).And(Filter{Status: []string{workflow.Draft}}), nil},
			{"public asks for B", Visible(nil).And(Filter{DepartmentCode: "900100"}), []string{bPub}},
			{"approver B asks for a year", Visible(&p.approverB).And(Filter{Year: year + 1}), []string{bDraft}},
			{"reviewer asks for statuses", Visible(&p.reviewer).And(Filter{Status: []string{workflow.UnderReview, workflow.Draft}}), []string{a, bDraft}},
			{"year conflict", Filter{Year: year}.And(Filter{Year: year + 1}), nil},
			{"disabled user", Visible(&User{Role: workflow.Reviewer, Disabled: true}), []string{bPub}},
			{"editor without department", Visible(&User{Role: workflow.Editor}), nil},
			{"unknown role", Visible(&User{Role: "root"}), nil},
		} {
			if got := list(c.f); !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
	})
}

// History names fields in words: the status, review scores with their
// indicator and project, data fields as the current data names them.
func TestChangeField(t *testing.T) {
	ev := &evaluation.Evaluation{Targets: []evaluation.Target{{Name: "政务信息采用"}}, Projects: []evaluation.Project{{Name: "会议保障"}}}
	for path, want := range map[string]string{
		"status":                  "状态",
		"review.department.B5":    "复核得分（指标 B5）",
		"review.1.P2.1":           "项目“会议保障”复核得分（指标 P2.1）",
		"review.7.P1":             "项目 7 复核得分（指标 P1）",
		"targets[0].actual":       "绩效目标“政务信息采用”实际完成值",
		"finance.budget.adjusted": "全年预算数",
		"adjustments[3].status":   "目标调整第3号状态",
		"baseline[2]":             "批复的绩效目标第 2 版（校验码）",
	} {
		if got := (Change{Path: path}).Field(ev); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
	for _, c := range []struct{ path, value, want string }{
		{"status", workflow.Returned, "已退回"},
		{"adjustments[1].status", AdjustmentApproved, "已批准"},
		{"adjustments[1].status", "", ""},
		{"targets[0].target", "approved", "approved"},
		{"registers.contracts[2].sme", "true", "是"},
		{"registers.assets[0].idle", "false", "否"},
	} {
		if got := (Change{Path: c.path}).ValueName(c.value); got != c.want {
			t.Errorf("ValueName(%s, %q) = %q, want %q", c.path, c.value, got, c.want)
		}
	}
}

// historyAt returns the history rows of a department-year at a path.
func historyAt(t *testing.T, s *Store, code string, year int, path string) []Change {
	t.Helper()
	h, err := s.History(ctx, code, year)
	if err != nil {
		t.Fatal(err)
	}
	var out []Change
	for _, c := range h {
		if c.Path == path {
			out = append(out, c)
		}
	}
	return out
}
