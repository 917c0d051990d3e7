package web

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/workflow"
)

// The department's editor opens the next year from the home page; the
// new year's workspace shows its stage and says when scoring starts, and
// the year's moves are the declaration's.
func TestEditorOpensNextYear(t *testing.T) {
	e := newEnv(t)
	home := e.get(editorA, "/").Body.String()
	if !strings.Contains(home, "开启 2024 年度") || !strings.Contains(home, `name="code" value="`+codeA+`"`) {
		t.Fatalf("editor A's home offers no opening of 2024:\n%s", firstLines(home, 80))
	}
	if home := e.get(approverA, "/").Body.String(); strings.Contains(home, "开启 2024 年度") {
		t.Error("the approver is offered an opening")
	}
	if home := e.get(reviewer, "/").Body.String(); !strings.Contains(home, `href="/years/open"`) {
		t.Error("the reviewer's home has no link to open years")
	}
	// Another department, two at once, an approver: refused.
	for _, c := range []struct {
		user  string
		codes []string
	}{{editorA, []string{codeB}}, {editorA, []string{codeA, codeB}}, {approverA, []string{codeA}}, {editorB, []string{codeA}}} {
		w := e.post(c.user, "/years/open", url.Values{"code": c.codes, "year": {"2024"}})
		if w.Code != 403 {
			t.Errorf("%s opening %v: %d, want 403", c.user, c.codes, w.Code)
		}
	}
	w := e.post(editorA, "/years/open", url.Values{"code": {codeA}, "year": {"2024"}})
	if w.Code != 303 || w.Header().Get("Location") != "/evaluations/"+codeA+"/2024" {
		t.Fatalf("open: %d %s\n%s", w.Code, w.Header().Get("Location"), w.Body.String())
	}
	rec := e.record(codeA, 2024)
	if rec.Stage != workflow.Declaration || rec.Status != workflow.Draft || rec.OpenedFrom != 2023 {
		t.Errorf("stored %s %s from %d", rec.Stage, rec.Status, rec.OpenedFrom)
	}
	h, _ := e.st.History(t.Context(), codeA, 2024)
	if len(h) != 1 || h[0].Actor != editorA || h[0].Reason != "由2023年度开启" {
		t.Errorf("history = %+v", h)
	}
	page := e.get(editorA, "/evaluations/"+codeA+"/2024").Body.String()
	for _, want := range []string{"阶段 <strong class=\"stage stage-declaration\">目标申报</strong>", "由 2023 年度开启", "年终自评得分在“开始年终自评”后计算",
		"申报的绩效目标", "提交申报"} {
		if !strings.Contains(page, want) {
			t.Errorf("workspace lacks %q", want)
		}
	}
	if strings.Contains(page, "report.docx") || strings.Contains(page, "在线修改年终自评数据") || !strings.Contains(page, "在线填写绩效目标申报") {
		t.Error("a declaration offers a report or the year-end edit form, or not the declaration form")
	}
	if w := e.get(editorA, "/evaluations/"+codeA+"/2024/report.docx"); w.Code != 409 || !strings.Contains(w.Body.String(), "尚未开始年终自评") {
		t.Errorf("report of a declaration: %d", w.Code)
	}
	// The list shows the stage instead of a score.
	list := e.get(editorA, "/departments?year=2024").Body.String()
	if !strings.Contains(list, "目标申报 · 草稿") || !strings.Contains(list, `<td class="num">—</td>`) {
		t.Errorf("department list:\n%s", list)
	}
	// Opened once: the home offers 2025 now, and 2024 again is refused.
	if home := e.get(editorA, "/").Body.String(); !strings.Contains(home, "开启 2025 年度") {
		t.Error("after opening 2024 the home does not offer 2025")
	}
	if w := e.post(editorA, "/years/open", url.Values{"code": {codeA}, "year": {"2024"}}); w.Code != 422 || !strings.Contains(w.Body.String(), "2024 年度已存在") {
		t.Errorf("opening again: %d", w.Code)
	}
	// Through the declaration on the web: submit, approve, examine,
	// 批复 into execution, 开始年终自评 into the evaluation stage.
	for _, step := range []struct {
		user, to, flash string
	}{
		{editorA, workflow.Submitted, "已提交申报"},
		{approverA, workflow.Approved, "已审批通过并报送财政"},
		{reviewer, workflow.UnderReview, "已开始审核"},
		{reviewer, workflow.Draft, "已批复：本年度进入“执行监控”阶段"},
		{editorA, workflow.Draft, "已开始年终自评：本年度进入“年终自评”阶段"},
	} {
		v := strconv.Itoa(e.version(codeA, 2024))
		w := e.post(step.user, "/evaluations/"+codeA+"/2024/transition", url.Values{"to": {step.to}, "version": {v}})
		if w.Code != 303 {
			t.Fatalf("%s → %s: %d\n%s", step.user, step.to, w.Code, firstLines(w.Body.String(), 40))
		}
		if got := e.do(req{method: "GET", path: "/evaluations/" + codeA + "/2024", token: e.session(step.user), cookies: w.Result().Cookies()}); !strings.Contains(got.Body.String(), step.flash) {
			t.Errorf("after %s → %s: no %q (status %d)", step.user, step.to, step.flash, got.Code)
		}
	}
	if rec := e.record(codeA, 2024); rec.Stage != workflow.Evaluation || rec.Status != workflow.Draft {
		t.Errorf("after the stage moves: %s %s", rec.Stage, rec.Status)
	}
	// In the evaluation stage the year cannot be scored until its
	// year-end values are in: the workspace lists what is missing and
	// the editor's forms are open.
	w = e.get(editorA, "/evaluations/"+codeA+"/2024")
	if body := w.Body.String(); w.Code != 200 || !strings.Contains(body, "年终自评数据尚未填写完整") || !strings.Contains(body, "targets[0].actual") ||
		strings.Contains(body, "自评得分 <strong>") {
		t.Errorf("workspace in the evaluation stage: %d\n%s", w.Code, firstLines(body, 60))
	}
	if w := e.get(editorA, "/evaluations/"+codeA+"/2024/edit"); w.Code != 200 {
		t.Errorf("edit form in the evaluation stage: %d", w.Code)
	}
	if w := e.get(reviewer, "/evaluations/"+codeA+"/2024/report.docx"); w.Code != 409 {
		t.Errorf("report before the year-end values: %d", w.Code)
	}
}

// Reviewers and administrators open a year for many departments at once:
// the form lists the departments with the previous year and without the
// year, all selected; one failure opens none and says which.
func TestBulkOpenYears(t *testing.T) {
	e := newEnv(t)
	for _, u := range []string{editorA, approverA} {
		if w := e.get(u, "/years/open"); w.Code != 403 {
			t.Errorf("%s: form %d, want 403", u, w.Code)
		}
	}
	form := e.get(reviewer, "/years/open?year=2024").Body.String()
	if !strings.Contains(form, `value="`+codeA+`" checked`) || strings.Contains(form, `value="`+codeB+`"`) {
		t.Errorf("2024 form:\n%s", form)
	}
	// Default: the year after the latest stored one (B has 2024).
	if form := e.get(admin, "/years/open").Body.String(); !strings.Contains(form, `value="`+codeB+`" checked`) || !strings.Contains(form, `href="/years/open?year=2024"`) {
		t.Errorf("default form:\n%s", form)
	}
	if w := e.get(reviewer, "/years/open?year=abc"); w.Code != 422 {
		t.Errorf("bad year: %d", w.Code)
	}
	// B's 2024 exists: nothing is opened, the error names it, the
	// selection and reason come back.
	w := e.post(reviewer, "/years/open", url.Values{"code": {codeA, codeB}, "year": {"2024"}, "reason": {"2024 年预算编制"}})
	if w.Code != 422 || !strings.Contains(w.Body.String(), "部门 "+codeB+" 2024 年度已存在") || !strings.Contains(w.Body.String(), "2024 年预算编制") {
		t.Fatalf("bulk with an existing year: %d\n%s", w.Code, firstLines(w.Body.String(), 60))
	}
	if _, err := e.st.Get(t.Context(), codeA, 2024); err == nil {
		t.Fatal("a refused bulk opening stored a year")
	}
	if w := e.post(reviewer, "/years/open", url.Values{"year": {"2024"}}); w.Code != 422 || !strings.Contains(w.Body.String(), "请至少选择一个部门") {
		t.Errorf("none selected: %d", w.Code)
	}
	w = e.post(reviewer, "/years/open", url.Values{"code": {codeA}, "year": {"2024"}, "reason": {"2024 年预算编制"}})
	if w.Code != 303 || w.Header().Get("Location") != "/departments?year=2024" {
		t.Fatalf("bulk: %d %s", w.Code, w.Header().Get("Location"))
	}
	h, _ := e.st.History(t.Context(), codeA, 2024)
	if len(h) != 1 || h[0].Actor != reviewer || h[0].Reason != "由2023年度开启：2024 年预算编制" {
		t.Errorf("history = %+v", h)
	}
}
