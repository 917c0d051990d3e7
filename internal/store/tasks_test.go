package store

import (
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/civil"
	"github.com/jixiao/jixiao/internal/cycle"
	"github.com/jixiao/jixiao/internal/workflow"
)

func day(s string) civil.Date {
	d, err := civil.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Dates of the annual notice: only reviewers and administrators set them,
// with a reason; every problem of a bad input is named at once; rows are
// kept, the latest in force, a region's own before the one for all.
func TestCycleDates(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, _, p := workflowStore(t, dsn)
		in := CycleDate{Year: 2024, Key: cycle.DeclarationDue, Date: day("2023-10-31"), Reason: "2024年预算编制通知"}
		for _, u := range []User{p.editorA, p.approverA} {
			if _, err := s.SetCycleDate(ctx, in, u); apperr.Code(err) != apperr.EFORBIDDEN {
				t.Errorf("%s: %v", u.Username, err)
			}
		}
		_, err := s.SetCycleDate(ctx, CycleDate{Year: 1999, Key: "due", Reason: " "}, p.reviewer)
		if apperr.Code(err) != apperr.EINVALID {
			t.Fatalf("bad input: %v", err)
		}
		for _, want := range []string{"年度 1999 无效", "日期项目 \"due\" 无效", "日期不能为空", "须填写设置原因"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
		_, err = s.SetCycleDate(ctx, CycleDate{Year: 2024, Key: cycle.ReviewDue, Date: day("2030-01-01"), Reason: "x"}, p.reviewer)
		if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "合理范围") {
			t.Errorf("far date: %v", err)
		}
		if n := count(t, s, "cycle_dates"); n != 0 {
			t.Fatalf("refused settings stored %d rows", n)
		}

		first, err := s.SetCycleDate(ctx, in, p.reviewer)
		if err != nil || first.SetBy != p.reviewer.Username || first.ID == 0 {
			t.Fatalf("set: %+v, %v", first, err)
		}
		in.Date, in.Reason = day("2023-11-10"), "通知更正"
		if _, err := s.SetCycleDate(ctx, in, p.admin); err != nil {
			t.Fatal(err)
		}
		regional := CycleDate{Year: 2024, Region: "广州市天河区", Key: cycle.DeclarationDue, Date: day("2023-11-20"), Reason: "区通知"}
		if _, err := s.SetCycleDateAs(ctx, regional, "operator"); err != nil {
			t.Fatal(err)
		}
		all, err := s.CycleDates(ctx, 2024)
		if err != nil || len(all) != 3 || all[0].Date != day("2023-10-31") || all[2].SetBy != "operator" {
			t.Fatalf("rows: %+v, %v", all, err)
		}
		other, err := s.CycleDatesInForce(ctx, 2024, "广州市越秀区")
		if err != nil || len(other) != 1 || other[cycle.DeclarationDue].Date != day("2023-11-10") {
			t.Errorf("in force elsewhere: %+v, %v", other, err)
		}
		own, _ := s.CycleDatesInForce(ctx, 2024, "广州市天河区")
		if own[cycle.DeclarationDue].Date != day("2023-11-20") {
			t.Errorf("in force in the region: %+v", own)
		}
		if none, _ := s.CycleDatesInForce(ctx, 2025, ""); len(none) != 0 {
			t.Errorf("2025: %+v", none)
		}
	})
}

// taskKeys lists the keys of a list's tasks, in order.
func taskKeys(l *TaskList) []string {
	var out []string
	for _, t := range l.Tasks {
		out = append(out, t.Key)
	}
	return out
}

func tasksOf(t *testing.T, s *Store, u User, today string) *TaskList {
	t.Helper()
	l, err := s.Tasks(ctx, u, day(today))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Each role's tasks follow the year through the workflow, with the dates
// of the annual notice and the cycle rules, overdue first; each user sees
// only the department-years it may see.
func TestTasks(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code

		// Both 2023 years are drafts in the evaluation stage: each editor
		// submits its own, no date set yet.
		l := tasksOf(t, s, p.editorA, "2024-03-01")
		if got := strings.Join(taskKeys(l), ","); got != "evaluate:"+code+":2023" || l.Total != 1 {
			t.Fatalf("editor A: %s (%d)", got, l.Total)
		}
		if tk := l.Tasks[0]; !tk.Due.IsZero() || tk.Overdue || tk.Title != "提交 2023 年度绩效自评" || tk.Link != "/evaluations/"+code+"/2023" || tk.Department == "" {
			t.Errorf("task %+v", tk)
		}
		if got := strings.Join(taskKeys(tasksOf(t, s, p.editorB, "2024-03-01")), ","); got != "evaluate:900100:2023" {
			t.Errorf("editor B: %s", got)
		}
		for _, u := range []User{p.approverA, p.reviewer, p.admin} {
			if l := tasksOf(t, s, u, "2024-03-01"); l.Total != 0 {
				t.Errorf("%s has %v", u.Username, taskKeys(l))
			}
		}

		// The notice's date: for all regions, and B's region set apart.
		for _, d := range []CycleDate{
			{Year: 2023, Key: cycle.EvaluationDue, Date: day("2024-03-31"), Reason: "通知"},
			{Year: 2023, Key: cycle.ReviewDue, Date: day("2024-05-31"), Reason: "通知"},
		} {
			if _, err := s.SetCycleDate(ctx, d, p.reviewer); err != nil {
				t.Fatal(err)
			}
		}
		l = tasksOf(t, s, p.editorA, "2024-04-01")
		if tk := l.Tasks[0]; tk.Due != day("2024-03-31") || !tk.Overdue || l.Overdue != 1 || !strings.Contains(tk.DueBasis, "绩效自评报送截止日期") {
			t.Errorf("overdue: %+v", l)
		}
		if l := tasksOf(t, s, p.editorA, "2024-03-31"); l.Tasks[0].Overdue {
			t.Errorf("due today is not overdue: %+v", l.Tasks[0])
		}

		// Submitted: the approver forwards it; forwarded: the reviewer
		// reviews it by review_due.
		v, err := s.Transition(ctx, code, 2023, workflow.Submitted, p.editorA, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		if l := tasksOf(t, s, p.editorA, "2024-03-01"); l.Total != 0 {
			t.Errorf("editor after submitting: %v", taskKeys(l))
		}
		if got := taskKeys(tasksOf(t, s, p.approverA, "2024-03-01")); len(got) != 1 || got[0] != "approve_evaluation:"+code+":2023" {
			t.Errorf("approver A: %v", got)
		}
		if got := taskKeys(tasksOf(t, s, p.approverB, "2024-03-01")); len(got) != 0 {
			t.Errorf("approver B: %v", got)
		}
		if _, err := s.Transition(ctx, code, 2023, workflow.Approved, p.approverA, "", v); err != nil {
			t.Fatal(err)
		}
		l = tasksOf(t, s, p.reviewer, "2024-06-01")
		if len(l.Tasks) != 1 || l.Tasks[0].Kind != TaskReview || l.Tasks[0].Due != day("2024-05-31") || !l.Tasks[0].Overdue {
			t.Errorf("reviewer: %+v", l.Tasks)
		}

		// A disabled account has none.
		if err := s.DisableUser(ctx, p.reviewer.ID); err != nil {
			t.Fatal(err)
		}
		if l := tasksOf(t, s, p.reviewer, "2024-06-01"); l.Total != 0 {
			t.Errorf("disabled reviewer: %v", taskKeys(l))
		}
	})
}

// In a year being carried out the editor is asked for each checkpoint
// month's report from the first day of the month, due by the cycle rule;
// a stored draft is due on its own date; once submitted it is the
// approver's, then the reviewer's (no date).
func TestCheckpointTasks(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code := th.Evaluation.Department.Code
		approvedYear(t, s, code, p)
		if _, err := s.SetCycleDate(ctx, CycleDate{Year: 2023, Key: cycle.EvaluationDue, Date: day("2024-03-31"), Reason: "通知"}, p.admin); err != nil {
			t.Fatal(err)
		}
		if l := tasksOf(t, s, p.editorA, "2024-06-30"); strings.Contains(strings.Join(taskKeys(l), ","), "checkpoint") {
			t.Errorf("before July: %v", taskKeys(l))
		}
		l := tasksOf(t, s, p.editorA, "2024-07-01")
		want := []string{"evaluate:" + code + ":2023", "checkpoint:" + code + ":2024:7"}
		if strings.Join(taskKeys(l), ",") != strings.Join(want, ",") {
			t.Fatalf("July: %v, want %v (overdue first)", taskKeys(l), want)
		}
		if tk := l.Tasks[1]; tk.Due != day("2024-08-31") || tk.Overdue || tk.Link != "/evaluations/"+code+"/2024/monitoring/7" {
			t.Errorf("checkpoint task %+v", tk)
		}

		r, err := s.Get(ctx, code, 2024)
		if err != nil {
			t.Fatal(err)
		}
		full := fullCheckpoint(r.Evaluation)
		cv, _, err := s.SaveCheckpoint(ctx, code, 2024, full, 0, p.editorA, "")
		if err != nil {
			t.Fatal(err)
		}
		l = tasksOf(t, s, p.editorA, "2024-09-02")
		if len(l.Tasks) != 2 || l.Tasks[1].Key != "checkpoint:"+code+":2024:7" || !l.Tasks[1].Overdue || l.Tasks[1].Due != day("2024-08-31") {
			t.Fatalf("stored draft: %+v", l.Tasks)
		}
		if _, err := s.TransitionCheckpoint(ctx, code, 2024, 7, workflow.Submitted, p.editorA, "", cv); err != nil {
			t.Fatal(err)
		}
		if got := taskKeys(tasksOf(t, s, p.editorA, "2024-09-02")); len(got) != 1 {
			t.Errorf("editor after submitting: %v", got)
		}
		if got := taskKeys(tasksOf(t, s, p.approverA, "2024-09-02")); len(got) != 1 || got[0] != "approve_checkpoint:"+code+":2024:7" {
			t.Errorf("approver: %v", got)
		}
		if _, err := s.TransitionCheckpoint(ctx, code, 2024, 7, workflow.Approved, p.approverA, "", cv+1); err != nil {
			t.Fatal(err)
		}
		l = tasksOf(t, s, p.reviewer, "2024-09-02")
		if len(l.Tasks) != 1 || l.Tasks[0].Kind != TaskReviewCheckpoint || !l.Tasks[0].Due.IsZero() {
			t.Errorf("reviewer: %+v", l.Tasks)
		}
	})
}

// SortTasks puts overdue tasks first, then dated ones by date, then the
// rest; Tasks keeps at most MaxTasks with the count of all.
func TestSortTasks(t *testing.T) {
	ts := []Task{
		{Key: "none"},
		{Key: "late", Due: day("2024-01-05"), Overdue: true},
		{Key: "soon", Due: day("2024-02-01")},
		{Key: "later", Due: day("2024-03-01")},
		{Key: "latest", Due: day("2024-01-01"), Overdue: true},
	}
	SortTasks(ts)
	var got []string
	for _, tk := range ts {
		got = append(got, tk.Key)
	}
	if strings.Join(got, ",") != "latest,late,soon,later,none" {
		t.Errorf("order %v", got)
	}
}

// A user's e-mail address is one bare address or none; it is read back
// with the account.
func TestEmail(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s := open(t, dsn)
		u := mkUser(t, s, "wang", workflow.Editor, "106001")
		for _, bad := range []string{"wang", "王 <wang@example.cn>", "wang@example.cn\r\nBcc: x@y.cn", "a@b", strings.Repeat("a", 250) + "@x.cn"} {
			if err := s.SetEmail(ctx, u.ID, bad); apperr.Code(err) != apperr.EINVALID {
				t.Errorf("%q: %v", bad, err)
			}
		}
		if err := s.SetEmail(ctx, u.ID, " wang@example.gov.cn "); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetUser(ctx, u.ID)
		if err != nil || got.Email != "wang@example.gov.cn" {
			t.Fatalf("%+v, %v", got, err)
		}
		if err := s.SetEmail(ctx, 9999, ""); apperr.Code(err) != apperr.ENOTFOUND {
			t.Errorf("unknown user: %v", err)
		}
	})
}
