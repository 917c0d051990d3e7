package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/rectify"
)

// The reviewer issues Tianhe's two problems as items; the department's
// editor files a measure and reports the work done with evidence; the
// reviewer confirms; the lists show each step. Others cannot move an
// item, and a move without its evidence is refused with what is missing.
func TestRectificationPages(t *testing.T) {
	e := newEnv(t)
	e.advance("accepted")
	year := pathA + "/rectification"
	if w := e.get(editorA, year); w.Code != http.StatusOK || strings.Contains(w.Body.String(), "按上述问题下达") {
		t.Fatalf("editor's year page: %d", w.Code)
	}
	if w := e.post(editorA, year, url.Values{"action": {"problems"}}); w.Code != http.StatusForbidden && w.Code != http.StatusUnprocessableEntity {
		t.Errorf("editor issuing: %d", w.Code)
	}
	page := e.get(reviewer, year)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "B5.6") || !strings.Contains(page.Body.String(), "按上述问题下达") {
		t.Fatalf("reviewer's year page: %d\n%s", page.Code, page.Body)
	}
	if w := e.post(reviewer, year, url.Values{"action": {"problems"}, "reason": {"2023年度绩效评价结果反馈"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("issue: %d\n%s", w.Code, w.Body)
	}
	items, err := e.st.Rectifications(context.Background(), codeA, yearA)
	if err != nil || len(items) != 2 {
		t.Fatalf("items %v, %v", items, err)
	}
	if body := e.get(reviewer, year).Body.String(); strings.Contains(body, "按上述问题下达") || !strings.Contains(body, "均已下达") {
		t.Errorf("the page still offers to issue the problems issued")
	}
	// A hand-made item without a problem is refused on the form.
	if w := e.post(reviewer, year, url.Values{"action": {"add"}, "problem": {""}}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "问题") {
		t.Errorf("empty problem: %d", w.Code)
	}

	if w := e.get(editorA, "/tasks"); !strings.Contains(w.Body.String(), "报送整改措施：2023 年度第 1 号整改事项") {
		t.Errorf("the editor's tasks lack the item:\n%s", w.Body)
	}
	item := year + "/1"
	body := e.get(editorA, item).Body.String()
	for _, want := range []string{"合同", "报送整改措施", "B5.6"} {
		if !strings.Contains(body, want) {
			t.Errorf("editor's item page lacks %q", want)
		}
	}
	v := pageVersion(t, body)
	if w := e.post(editorB, item, url.Values{"action": {"file"}, "version": {v}, "measure": {"x"}}); w.Code != http.StatusNotFound && w.Code != http.StatusForbidden {
		t.Errorf("another department's editor: %d", w.Code)
	}
	if w := e.post(editorA, item, url.Values{"action": {"file"}, "version": {v}, "measure": {"修订合同管理办法，合同签订后5个工作日内备案"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("file: %d\n%s", w.Code, w.Body)
	}
	v = pageVersion(t, e.get(editorA, item).Body.String())
	if w := e.post(editorA, item, url.Values{"action": {"done"}, "version": {v}}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "佐证") {
		t.Errorf("done without evidence: %d", w.Code)
	}
	if w := e.post(editorA, item, url.Values{"action": {"done"}, "version": {v}, "evidence": {"2024年合同备案登记表"}, "evidence_file": {"备案表.pdf"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("done: %d\n%s", w.Code, w.Body)
	}
	if w := e.get(reviewer, "/tasks"); !strings.Contains(w.Body.String(), "确认整改完成情况：2023 年度第 1 号整改事项") {
		t.Errorf("the reviewer's tasks lack the item reported done")
	}
	body = e.get(reviewer, item).Body.String()
	if !strings.Contains(body, "备案表.pdf") || !strings.Contains(body, "确认销号") {
		t.Fatalf("reviewer's item page lacks the evidence or the confirmation")
	}
	if w := e.post(reviewer, item, url.Values{"action": {"confirm"}, "version": {pageVersion(t, body)}, "comment": {"已核实备案记录"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("confirm: %d\n%s", w.Code, w.Body)
	}
	it, err := e.st.Rectification(context.Background(), codeA, yearA, 1)
	if err != nil || it.Status != rectify.Closed {
		t.Fatalf("item 1: %+v, %v", it, err)
	}
	body = e.get(reviewer, item).Body.String()
	// The issuer and the confirmer by name, not by account.
	if !strings.Contains(body, "已销号") || !strings.Contains(body, "办理记录") || !strings.Contains(body, "（财政局审核人）") || strings.Contains(body, "（"+reviewer+"）") {
		t.Errorf("closed item page lacks its status or history")
	}
	list := e.get(reviewer, "/rectification?year=2023").Body.String()
	if !strings.Contains(list, "共 2 项") || !strings.Contains(list, "2023-2") {
		t.Errorf("bureau list:\n%s", list)
	}
	if w := e.get(editorB, "/rectification"); w.Code != http.StatusOK || strings.Contains(w.Body.String(), "2023-1") {
		t.Errorf("another department's editor sees Tianhe's items: %d", w.Code)
	}
	if w := e.get(reviewer, "/rectification?year=abc"); w.Code != http.StatusUnprocessableEntity && w.Code != http.StatusBadRequest {
		t.Errorf("bad year: %d", w.Code)
	}
}
