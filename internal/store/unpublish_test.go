package store

import (
	"bytes"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/apperr"
	"github.com/jixiao/jixiao/internal/workflow"
)

// Withdrawing a publication (撤回公开): only a reviewer, only with a
// reason; the move is in history with who and why, the stored public
// files of the published version are gone and are not served again, and
// a later publication stores fresh ones.
func TestUnpublish(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		v := setStatus(t, s, code, year, workflow.Published)
		old := []byte("%PDF-1 published before the withdrawal")
		if d, err := s.SavePublishedDocument(ctx, code, year, v, "pdf", "application/pdf", old); err != nil || d == nil {
			t.Fatalf("save = %v, %v", d, err)
		}

		for _, u := range []User{p.editorA, p.approverA, p.admin} {
			if _, err := s.Transition(ctx, code, year, workflow.Accepted, u, "不应公开", v); apperr.Code(err) != apperr.EFORBIDDEN {
				t.Errorf("unpublish by %s: %v, want apperr.EFORBIDDEN", fmtUser(u), err)
			}
		}
		for _, reason := range []string{"", " \n "} {
			_, err := s.Transition(ctx, code, year, workflow.Accepted, p.reviewer, reason, v)
			if apperr.Code(err) != apperr.EINVALID || !strings.Contains(err.Error(), "撤回公开需要填写原因") {
				t.Errorf("unpublish with reason %q: %v, want apperr.EINVALID naming 撤回公开", reason, err)
			}
		}
		if d, _ := s.PublishedDocument(ctx, code, year, "pdf"); d == nil {
			t.Fatal("a refused withdrawal removed the public file")
		}

		nv, err := s.Transition(ctx, code, year, workflow.Accepted, p.reviewer, "公开的报告中项目数据有误", v)
		if err != nil || nv != v+1 {
			t.Fatalf("unpublish: %d, %v", nv, err)
		}
		if r, _ := s.Get(ctx, code, year); r.Status != workflow.Accepted {
			t.Errorf("status %s after unpublishing, want accepted", r.Status)
		}
		h := historyOf(t, s, code, year, "status")
		last := h[len(h)-1]
		if last.Old != workflow.Published || last.New != workflow.Accepted || last.Actor != p.reviewer.Username ||
			last.ActorName != p.reviewer.DisplayName || last.Reason != "公开的报告中项目数据有误" || last.At.IsZero() || last.Version != nv {
			t.Errorf("history of the withdrawal %+v", last)
		}
		if d, _ := s.PublishedDocument(ctx, code, year, "pdf"); d != nil {
			t.Error("the public file is still served after the withdrawal")
		}
		if n := count(t, s, "published_documents"); n != 0 {
			t.Errorf("%d public files kept after the withdrawal", n)
		}
		// A render of the withdrawn version finishing late stores nothing.
		if d, err := s.SavePublishedDocument(ctx, code, year, v, "pdf", "application/pdf", old); err != nil || d != nil {
			t.Errorf("late save of the withdrawn version = %v, %v; want nothing", d, err)
		}

		// Published again: the old file is not served; a fresh one is stored.
		pv, err := s.Transition(ctx, code, year, workflow.Published, p.reviewer, "", nv)
		if err != nil {
			t.Fatal(err)
		}
		if d, _ := s.PublishedDocument(ctx, code, year, "pdf"); d != nil {
			t.Error("a file of the withdrawn publication is served after publishing again")
		}
		fresh := []byte("%PDF-1 published again")
		if d, err := s.SavePublishedDocument(ctx, code, year, pv, "pdf", "application/pdf", fresh); err != nil || d == nil {
			t.Fatalf("save after publishing again = %v, %v", d, err)
		}
		if d, _ := s.PublishedDocument(ctx, code, year, "pdf"); d == nil || !bytes.Equal(d.Data, fresh) {
			t.Errorf("served %+v, want the file rendered after publishing again", d)
		}
	})
}

// Withdrawing a submission (撤回): the department's editor, while the
// approver has not acted; back to draft, editable again, in history.
func TestWithdrawSubmission(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		code, year := th.Evaluation.Department.Code, th.Evaluation.Year
		v, err := s.Transition(ctx, code, year, workflow.Submitted, p.editorA, "", 1)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Transition(ctx, code, year, workflow.Draft, p.editorB, "", v); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("withdraw by another department's editor: %v, want apperr.EFORBIDDEN", err)
		}
		if _, err := s.Transition(ctx, code, year, workflow.Draft, p.approverA, "", v); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("withdraw by the approver: %v, want apperr.EFORBIDDEN", err)
		}
		wv, err := s.Transition(ctx, code, year, workflow.Draft, p.editorA, "", v)
		if err != nil {
			t.Fatalf("withdraw: %v", err)
		}
		h := historyOf(t, s, code, year, "status")
		if last := h[len(h)-1]; last.Old != workflow.Submitted || last.New != workflow.Draft || last.Actor != p.editorA.Username {
			t.Errorf("history of the withdrawal %+v", last)
		}
		changed := clone(t, th.Evaluation)
		changed.Narrative.Conclusion = "撤回后修改的结论。"
		if _, err := s.Update(ctx, code, year, changed, entry(t, changed, "c.yaml").Result, wv, "editor-a", "撤回后修改"); err != nil {
			t.Errorf("update after withdrawing: %v", err)
		}
		// Once the approver has acted, the editor can no longer withdraw.
		v = setStatus(t, s, code, year, workflow.Approved)
		if _, err := s.Transition(ctx, code, year, workflow.Draft, p.editorA, "", v); apperr.Code(err) != apperr.EFORBIDDEN {
			t.Errorf("withdraw after approval: %v, want apperr.EFORBIDDEN", err)
		}
	})
}

// CurrentStatusChanges gives every returned year its latest return, in
// one query, within the filter.
func TestCurrentStatusChanges(t *testing.T) {
	eachBackend(t, func(t *testing.T, dsn string) {
		s, th, p := workflowStore(t, dsn)
		a, year := th.Evaluation.Department.Code, th.Evaluation.Year
		const b = "900100"
		ret := func(code string, approver User, reason string) {
			t.Helper()
			v := setStatus(t, s, code, year, workflow.Submitted)
			if _, err := s.Transition(ctx, code, year, workflow.Returned, approver, reason, v); err != nil {
				t.Fatal(err)
			}
		}
		ret(a, p.approverA, "第一次退回")
		ret(a, p.approverA, "第二次退回：请补充佐证")
		ret(b, p.approverB, "部门 B 的退回")

		got, err := s.CurrentStatusChanges(ctx, Filter{}, workflow.Returned)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].DepartmentCode != a || got[1].DepartmentCode != b {
			t.Fatalf("changes %+v, want A's and B's", got)
		}
		if c := got[0]; c.Year != year || c.Reason != "第二次退回：请补充佐证" || c.ActorName != p.approverA.DisplayName || c.Old != workflow.Submitted || c.At.IsZero() {
			t.Errorf("A's change %+v, want the latest return", c)
		}
		// Within the filter only.
		if got, _ := s.CurrentStatusChanges(ctx, Visible(&p.editorA), workflow.Returned); len(got) != 1 || got[0].DepartmentCode != a {
			t.Errorf("editor A sees %+v, want A's only", got)
		}
		// A year no longer returned drops out.
		setStatus(t, s, b, year, workflow.Submitted)
		if got, _ := s.CurrentStatusChanges(ctx, Filter{}, workflow.Returned); len(got) != 1 || got[0].DepartmentCode != a {
			t.Errorf("after B's resubmission %+v, want A's only", got)
		}
		if got, _ := s.CurrentStatusChanges(ctx, Filter{Status: []string{workflow.Draft}}, workflow.Returned); len(got) != 0 {
			t.Errorf("a filter without the status gives %+v", got)
		}
	})
}
