package web

import (
	"archive/zip"
	"bytes"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/assess"
	"github.com/jixiao/jixiao/internal/workflow"
)

// The reviewer's form of a project's indicators: the self-score beside
// each entry; a changed score without a reason is refused in the form
// with what was entered kept, nothing saved; with reasons, every changed
// row is saved at once and the project's total and grade after review
// are shown beside its self-score; rows left as they were are not saved;
// after acceptance the department downloads the review letter, which
// names the indicator and the reason.
func TestReviewSetsAndLetter(t *testing.T) {
	e := newEnv(t)
	e.advance(workflow.UnderReview)
	rec := e.record(codeA, yearA)
	p := rec.Evaluation.Projects[0]
	scope := assess.ProjectScope(0, p.Code)
	page := html.UnescapeString(e.get(reviewer, pathA).Body.String())
	if !strings.Contains(page, "复核得分：项目“"+p.Name+"”的指标") || !strings.Contains(page, "复核得分：部门整体绩效目标和检查项") {
		t.Fatal("the workspace has no review form for the project or the department's targets and items")
	}
	post := func(score, reason string) *httptest.ResponseRecorder {
		return e.post(reviewer, pathA+"/reviews", url.Values{"scope": {scope}, "code": {"P1", "T1"}, "score": {score, ""}, "reason": {reason, ""}})
	}
	w := post("5", "")
	body := html.UnescapeString(w.Body.String())
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "指标 P1 的复核得分必须说明理由") || !strings.Contains(body, `value="5"`) {
		t.Fatalf("no reason: %d\n%s", w.Code, firstLines(body, 40))
	}
	if rs, _ := e.st.ReviewScores(t.Context(), codeA, yearA); len(rs) != 0 {
		t.Fatalf("saved after a refusal: %+v", rs)
	}
	if w := post("5", "执行数含预付款"); w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", w.Code, firstLines(w.Body.String(), 20))
	}
	rs, _ := e.st.ReviewScores(t.Context(), codeA, yearA)
	if len(rs) != 1 || rs[0].Scope != scope || rs[0].IndicatorCode != "P1" || rs[0].Score != 500 {
		t.Fatalf("review scores %+v", rs)
	}
	page = html.UnescapeString(e.get(reviewer, pathA).Body.String())
	if !strings.Contains(page, "复核后得分</th>") || !strings.Contains(page, "<strong>") {
		t.Error("the project table does not show the total after review")
	}
	// The report downloaded shows the review beside the self-scores.
	if md := e.get(reviewer, pathA+"/report.md").Body.String(); !strings.Contains(md, "复核得分") || !strings.Contains(md, "执行数含预付款") {
		t.Error("the downloaded report does not show the review score and its reason")
	}
	// The same again is not a change.
	if w := post("5", "执行数含预付款"); w.Code != http.StatusSeeOther {
		t.Fatalf("again: %d", w.Code)
	}
	hs, err := e.st.History(t.Context(), codeA, yearA)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, h := range hs {
		if h.Path == "review."+scope+".P1" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("history rows %d, want 1", n)
	}
	if w := e.get(editorA, pathA+"/review-letter.docx"); w.Code != http.StatusForbidden {
		t.Errorf("letter for the department before acceptance: %d", w.Code)
	}
	if _, err := e.st.Transition(t.Context(), codeA, yearA, workflow.Accepted, e.users[reviewer], "", e.version(codeA, yearA)); err != nil {
		t.Fatal(err)
	}
	w2 := e.get(editorA, pathA+"/review-letter.docx")
	if w2.Code != http.StatusOK || !strings.Contains(w2.Header().Get("Content-Disposition"), "review-letter-106001-2023.docx") {
		t.Fatalf("letter: %d %v", w2.Code, w2.Header())
	}
	zr, err := zip.NewReader(bytes.NewReader(w2.Body.Bytes()), int64(w2.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var doc string
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			doc = string(b)
		}
	}
	for _, want := range []string{"P1 预算执行率", "执行数含预付款", p.Name, "复核调整的指标"} {
		if !strings.Contains(doc, want) {
			t.Errorf("letter lacks %q", want)
		}
	}
}
