package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/workflow"
)

// between returns the part of s from the first from to the next to
// after it, or "" when either is missing.
func between(s, from, to string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	j := strings.Index(s[i:], to)
	if j < 0 {
		return ""
	}
	return s[i : i+j]
}

func readBody(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The editor may withdraw (撤回) a submission until the approver acts: the
// move is offered to the editor only while submitted, leads back to
// draft, and is in history.
func TestWithdrawSubmission(t *testing.T) {
	e := newEnv(t)
	editor := e.signIn(t, editorA)
	if page := editor.get(t, pathA); strings.Contains(page, ">撤回<") {
		t.Error("a draft offers 撤回")
	}
	editor.move(t, workflow.Submitted, "")
	page := editor.get(t, pathA)
	moves := between(page, `id="moves-h"`, "</section>")
	if !strings.Contains(moves, `value="`+workflow.Draft+`"`) || !strings.Contains(moves, `class="secondary">撤回</button>`) {
		t.Fatalf("the submitted workspace does not offer the editor 撤回 as a secondary button:\n%s", moves)
	}
	approver := e.signIn(t, approverA)
	if moves := between(approver.get(t, pathA), `id="moves-h"`, "</section>"); strings.Contains(moves, "撤回") {
		t.Errorf("the approver is offered 撤回:\n%s", moves)
	}

	editor.move(t, workflow.Draft, "发现预算数填错，撤回修改")
	h, err := e.st.History(context.Background(), codeA, yearA)
	if err != nil {
		t.Fatal(err)
	}
	last := h[len(h)-1]
	if last.Path != "status" || last.Old != workflow.Submitted || last.New != workflow.Draft || last.Actor != editorA || last.Reason != "发现预算数填错，撤回修改" {
		t.Errorf("history of the withdrawal %+v", last)
	}
	if page := editor.get(t, pathA); !strings.Contains(page, "已撤回：当前状态为“草稿”") || !strings.Contains(page, `href="`+pathA+`/edit"`) {
		t.Error("after withdrawing, the workspace does not say so or does not offer editing")
	}

	// Once the approver has approved, the editor can no longer withdraw.
	editor.move(t, workflow.Submitted, "")
	approver.move(t, workflow.Approved, "")
	if moves := between(editor.get(t, pathA), `id="moves-h"`, "</section>"); strings.Contains(moves, "撤回") {
		t.Errorf("撤回 offered after approval:\n%s", moves)
	}
	if w := e.post(editorA, pathA+"/transition", url.Values{"to": {workflow.Draft}, "version": {strconv.Itoa(e.version(codeA, yearA))}}); w.Code != http.StatusForbidden {
		t.Errorf("withdraw after approval: %d, want 403", w.Code)
	}
}

// The finance bureau withdraws a publication (撤回公开) with a reason: the
// public list, page and downloads no longer show the year, history keeps
// who, when and why, and publishing again renders fresh files.
func TestUnpublish(t *testing.T) {
	e := newEnv(t)
	e.advance(workflow.Published)
	dept := e.record(codeA, yearA).Department
	publicDoc := "/public/" + codeA + "/2023/report.docx"
	if w := e.get(anon, publicDoc); w.Code != http.StatusOK {
		t.Fatalf("public docx: %d", w.Code)
	}
	first, err := e.st.PublishedDocument(context.Background(), codeA, yearA, "docx")
	if err != nil || first == nil {
		t.Fatalf("the public docx was not stored: %v", err)
	}
	if w := e.get(anon, "/public"); !strings.Contains(w.Body.String(), dept) {
		t.Fatal("the public list lacks the published year")
	}

	rev := e.signIn(t, reviewer)
	moves := between(rev.get(t, pathA), `id="moves-h"`, "</section>")
	if !strings.Contains(moves, `<details class="move move-back">`) || !strings.Contains(moves, "<summary>撤回公开</summary>") ||
		!strings.Contains(moves, "撤回公开原因（必填）") || !strings.Contains(moves, `class="danger">确认撤回公开</button>`) {
		t.Fatalf("the reviewer is not offered 撤回公开 with a reason field:\n%s", moves)
	}
	for _, who := range []string{editorA, approverA, admin} {
		b := e.signIn(t, who)
		if moves := between(b.get(t, pathA), `id="moves-h"`, "</section>"); strings.Contains(moves, "撤回公开") {
			t.Errorf("%s is offered 撤回公开", who)
		}
		form := url.Values{"to": {workflow.Accepted}, "comment": {"不应公开"}, "version": {strconv.Itoa(e.version(codeA, yearA))}}
		if w := e.post(who, pathA+"/transition", form); w.Code != http.StatusForbidden {
			t.Errorf("unpublish by %s: %d, want 403", who, w.Code)
		}
	}

	// Without a reason: refused, with the error in Chinese beside the form
	// that caused it (open), not at the top of the page.
	resp := rev.submit(t, "/transition", url.Values{"to": {workflow.Accepted}, "comment": {"  "}})
	body := readBody(t, resp)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unpublish without a reason: %d", resp.StatusCode)
	}
	form := between(body, `<details class="move move-back" open>`, "</details>")
	if !strings.Contains(form, "撤回公开需要填写原因") || !strings.Contains(form, `role="alert"`) || !strings.Contains(form, `aria-invalid="true"`) {
		t.Errorf("the error is not beside the 撤回公开 form:\n%s", firstLines(between(body, `id="moves-h"`, "</section>"), 40))
	}
	if top := between(body, "<h1>", `id="moves-h"`); strings.Contains(top, "需要填写原因") {
		t.Error("the error is also shown at the top of the page")
	}
	if e.record(codeA, yearA).Status != workflow.Published {
		t.Fatal("a withdrawal without a reason changed the status")
	}

	rev.move(t, workflow.Accepted, "公开版本中的项目支出数据有误")
	if w := e.get(anon, "/public"); strings.Contains(w.Body.String(), dept) {
		t.Error("the public list still shows the withdrawn year")
	}
	for _, p := range []string{"/public/" + codeA + "/2023", publicDoc, "/public/" + codeA + "/2023/report.xlsx"} {
		if w := e.get(anon, p); w.Code != http.StatusNotFound {
			t.Errorf("GET %s after the withdrawal: %d, want 404", p, w.Code)
		}
	}
	// Not even with the ETag of the file that was public.
	w := e.do(req{method: "GET", path: publicDoc, header: map[string]string{"If-None-Match": `"` + first.SHA256 + `"`}})
	if w.Code != http.StatusNotFound {
		t.Errorf("conditional GET after the withdrawal: %d, want 404", w.Code)
	}
	hist := rev.get(t, pathA+"/history")
	row := between(hist, "<tr>\n<td>"+strconv.Itoa(e.version(codeA, yearA)), "</tr>")
	for _, want := range []string{"财政局审核人", "已公开", "已通过", "公开版本中的项目支出数据有误", "<time"} {
		if !strings.Contains(row, want) {
			t.Errorf("history row of the withdrawal lacks %q:\n%s", want, row)
		}
	}

	// Published again: the public downloads come back, rendered afresh
	// for the new version.
	rev.move(t, workflow.Published, "")
	if w := e.get(anon, publicDoc); w.Code != http.StatusOK {
		t.Fatalf("public docx after publishing again: %d", w.Code)
	}
	again, err := e.st.PublishedDocument(context.Background(), codeA, yearA, "docx")
	if err != nil || again == nil || again.Version != e.version(codeA, yearA) || again.Version <= first.Version {
		t.Errorf("file after publishing again %+v, want one stored for version %d", again, e.version(codeA, yearA))
	}
}

// Transition buttons: the forward move first, as the primary button; the
// return after it, styled apart, opening its reason field.
func TestMoveButtons(t *testing.T) {
	e := newEnv(t)
	e.advance(workflow.UnderReview)
	moves := between(e.signIn(t, reviewer).get(t, pathA), `id="moves-h"`, "</section>")
	accept := strings.Index(moves, `class="primary">复核通过</button>`)
	ret := strings.Index(moves, "<summary>退回修改</summary>")
	if accept < 0 || ret < 0 || accept > ret {
		t.Fatalf("复核通过 (primary) is not before 退回修改 (%d, %d):\n%s", accept, ret, moves)
	}
	back := between(moves, `<details class="move move-back">`, "</details>")
	if !strings.Contains(back, `value="`+workflow.Returned+`"`) || !strings.Contains(back, `required`) || !strings.Contains(back, `class="danger">确认退回修改</button>`) {
		t.Errorf("the return does not open a form needing a reason:\n%s", back)
	}
	// Every move's form is named and its field labelled.
	for _, m := range []string{`aria-label="复核通过"`, `aria-label="退回修改"`, `<label for="comment-0">`, `<label for="comment-1">`} {
		if !strings.Contains(moves, m) {
			t.Errorf("moves lack %s", m)
		}
	}
}

// A returned year shows why wherever the editor looks: the task list says
// 已退回 with the reason, who and when; each indicator with a comment shows
// it beside its row and its score form.
func TestReturnReasonEverywhere(t *testing.T) {
	e := newEnv(t)
	e.advance(workflow.UnderReview)
	rev := e.signIn(t, reviewer)
	for ind, body := range map[string]string{"B4": "B4 佐证材料不全，请补充监控记录", "": "整体意见：请核对决算数"} {
		resp := rev.submit(t, "/comments", url.Values{"indicator": {ind}, "body": {body}})
		if resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("comment on %q: %d", ind, resp.StatusCode)
		}
	}
	rev.move(t, workflow.Returned, "请补充绩效运行监控佐证材料")

	editor := e.signIn(t, editorA)
	home := editor.get(t, "/")
	task := between(home, `href="`+pathA+`"`, "</tr>")
	if !strings.Contains(task, "已退回：请补充绩效运行监控佐证材料") || !strings.Contains(task, "财政局审核人") || !strings.Contains(task, "<time") {
		t.Errorf("the editor's task list does not say why the year came back:\n%s", task)
	}

	page := editor.get(t, pathA)
	row := between(page, `<tr id="ind-B4"`, "</tr>")
	if !strings.Contains(row, `class="indicator-comments"`) || !strings.Contains(row, "B4 佐证材料不全，请补充监控记录") || !strings.Contains(row, "财政局审核人（财政审核人）") {
		t.Errorf("the B4 row does not show the reviewer's comment:\n%s", row)
	}
	if other := between(page, `<tr id="ind-B1"`, "</tr>"); other == "" || strings.Contains(other, "indicator-comments") {
		t.Errorf("a row without comments shows some (or is missing):\n%s", other)
	}
	if strings.Contains(between(page, `id="scores-h"`, "</section>"), "整体意见") {
		t.Error("a comment on the year is shown on an indicator")
	}
	form := between(page, "<summary>B4 ", "</form>")
	if !strings.Contains(form, "有 1 条意见") || !strings.Contains(form, "B4 佐证材料不全，请补充监控记录") {
		t.Errorf("the B4 score form does not show its comment:\n%s", form)
	}
	if returned := between(page, `id="returned-h"`, "</section>"); !strings.Contains(returned, `href="#ind-B4"`) {
		t.Errorf("the return reason does not point to the commented indicator:\n%s", returned)
	}
	// The approver's comment is marked as theirs.
	editor.move(t, workflow.Submitted, "已补充")
	approver := e.signIn(t, approverA)
	if resp := approver.submit(t, "/comments", url.Values{"indicator": {"B1"}, "body": {"请说明预算编制依据"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("approver's comment: %d", resp.StatusCode)
	}
	if row := between(editor.get(t, pathA), `<tr id="ind-B1"`, "</tr>"); !strings.Contains(row, "天河负责人（部门负责人）") || !strings.Contains(row, "请说明预算编制依据") {
		t.Errorf("the B1 row does not show the approver's comment:\n%s", row)
	}
	// Resubmitted, the task list no longer says 已退回.
	if home := editor.get(t, "/"); strings.Contains(home, "已退回：") {
		t.Error("the task list still says 已退回 after resubmission")
	}
}
