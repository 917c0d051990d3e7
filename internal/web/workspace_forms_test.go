package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/num"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// formAt cuts the form posting to action out of a page, "" when there is
// none.
func formAt(body, action string) string {
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		return ""
	}
	f := body[i:]
	return f[:strings.Index(f, "</form>")]
}

// TestScoreFormState: each self-score form states the indicator's
// state as the page's result has it: the self-score, the points it
// carries after the points of an indicator that does not apply were
// handed on (with the framework's points and why they differ), the points
// lost with the trace's reason; an indicator that does not apply says so.
func TestScoreFormState(t *testing.T) {
	e := newEnv(t)
	res := rescoreStored(t, e, codeB, yearB, func(*evaluation.Evaluation) {})
	b1, b3 := scoring.Find(res.Indicators, "B1"), scoring.Find(res.Indicators, "B3")
	if b1 == nil || b1.NotApplicable == "" || b3 == nil || b3.Points == b3.BasePoints || b3.Lost() <= 0 {
		t.Fatalf("Qinghe's B1 no longer drops out, or B3 has no points handed on or lost: %+v %+v", b1, b3)
	}
	body := html.UnescapeString(e.get(editorB, pathB).Body.String())
	f3 := formAt(body, pathB+"/scores/B3")
	want := "当前状态：<strong>自评</strong> · 自评得分 " + b3.Score.Fixed() + " 分 · 分值 " + b3.Points.Fixed() +
		"（因 B1 不适用，由 " + b3.BasePoints.Fixed() + " 调增） · 失分 " + b3.Lost().Fixed() + "：" + b3.Trace.Deductions[0].Text()
	if !strings.Contains(f3, want) {
		t.Errorf("B3's form lacks\n%s\nin\n%s", want, f3)
	}
	if !strings.Contains(body, "<summary>B3 "+b3.Name+"（自评 "+b3.Score.Fixed()+" / "+b3.Points.Fixed()+" 分）</summary>") {
		t.Errorf("B3's summary does not give the points it carries (%s, not the framework's %s)", b3.Points.Fixed(), b3.BasePoints.Fixed())
	}
	f1 := formAt(body, pathB+"/scores/B1")
	if !strings.Contains(f1, "当前状态：<strong>不适用</strong>") || !strings.Contains(f1, "不适用原因："+b1.NotApplicable) {
		t.Errorf("B1's form does not say it does not apply:\n%s", f1)
	}

	// A reviewer's form: the self-score, then the review score once there
	// is one (已复核).
	e.advance(workflow.UnderReview)
	resA := rescoreStored(t, e, codeA, yearA, func(*evaluation.Evaluation) {})
	b4 := scoring.Find(resA.Indicators, "B4")
	rf := formAt(html.UnescapeString(e.get(reviewer, pathA).Body.String()), pathA+"/review/B4")
	if !strings.Contains(rf, "当前状态：<strong>自评</strong> · 自评得分 "+b4.Score.Fixed()+" 分 · 分值 "+b4.Points.Fixed()) {
		t.Errorf("B4's review form before review:\n%s", rf)
	}
	if err := e.st.SetReviewScore(context.Background(), codeA, yearA, store.ScopeDepartment, "B4", b4.Points-100, "绩效监控记录不完整", e.users[reviewer]); err != nil {
		t.Fatal(err)
	}
	rf = formAt(html.UnescapeString(e.get(reviewer, pathA).Body.String()), pathA+"/review/B4")
	if !strings.Contains(rf, "当前状态：<strong>已复核</strong> · 自评得分 "+b4.Score.Fixed()+" 分 · 复核得分 "+(b4.Points-100).Fixed()+" 分") {
		t.Errorf("B4's review form after review:\n%s", rf)
	}
}

// TestPointsAdjustment: the reason given for points that differ from the
// framework's names the indicators that do not apply whose points reached
// the indicator: the siblings that name it in redistribute_to, or all that
// name none that applies, or, through a parent, the parent's.
func TestPointsAdjustment(t *testing.T) {
	p := func(f float64) num.Points { return num.Points(f * 100) }
	fw := &framework.Framework{Indicators: []*framework.Indicator{
		{Code: "A", Children: []*framework.Indicator{{Code: "A1"}, {Code: "A2"}}},
		{Code: "B", RedistributeTo: []string{"A"}},
		{Code: "C"},
		{Code: "D", Children: []*framework.Indicator{
			{Code: "D1", RedistributeTo: []string{"D3"}}, {Code: "D2"}, {Code: "D3"},
			{Code: "D4", RedistributeTo: []string{"X"}},
		}},
	}}
	a1 := &scoring.Node{Code: "A1", Points: p(6), BasePoints: p(5)}
	d2 := &scoring.Node{Code: "D2", Points: p(3), BasePoints: p(2)}
	d3 := &scoring.Node{Code: "D3", Points: p(7), BasePoints: p(4)}
	roots := []*scoring.Node{
		{Code: "A", Points: p(12), BasePoints: p(10), Children: []*scoring.Node{a1, {Code: "A2", Points: p(6), BasePoints: p(5)}}},
		{Code: "B", BasePoints: p(2), NotApplicable: "无"},
		{Code: "C", Points: p(8), BasePoints: p(8)},
		{Code: "D", Points: p(10), BasePoints: p(10), Children: []*scoring.Node{
			{Code: "D1", BasePoints: p(2), NotApplicable: "无"}, d2, d3,
			{Code: "D4", BasePoints: p(2), NotApplicable: "无"},
		}},
	}
	for code, want := range map[string]string{
		"A":  "因 B 不适用，由 10.00 调增",
		"A1": "因 B 不适用、上级指标 A 分值调整，由 5.00 调增",
		"C":  "",
		"D2": "因 D4 不适用，由 2.00 调增", // D1 goes to D3 only; D4 names no sibling, so to all
		"D3": "因 D1、D4 不适用，由 4.00 调增",
	} {
		path := nodePath(roots, code)
		if got := pointsAdjustment(fw, roots, path); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}

// TestFormErrorsInPlace: a refused review or comment form comes back
// (422) with the error in that form, the field it is about marked
// (aria-invalid, aria-describedby the error) and what was entered kept,
// not at the top of the page; a score edit refused by the scoring's
// findings marks the field the findings are about.
func TestFormErrorsInPlace(t *testing.T) {
	e := newEnv(t)

	// A score edit that loses points without a reason (plain form, no
	// htmx): the reason field is marked.
	v := strconv.Itoa(e.version(codeA, yearA))
	w := e.post(editorA, pathA+"/scores/B4", url.Values{"version": {v}, "item": {"B4.1"}, "outcome": {"failed"}})
	body := w.Body.String()
	f := formAt(body, pathA+"/scores/B4")
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(f, `id="score-err-B4"`) || !strings.Contains(f, "未说明原因") ||
		!strings.Contains(f, `name="reason" rows="2" aria-invalid="true" aria-describedby="score-err-B4">`) {
		t.Errorf("score edit without a reason: %d\n%s", w.Code, f)
	}
	if strings.Contains(body, `<div class="error" role="alert"><p>`) || strings.Contains(body, `id="findings-h"`) {
		t.Errorf("the score edit's error is also at the top of the page")
	}

	// An outcome the item cannot have: the choices are marked.
	w = e.post(editorA, pathA+"/scores/B4", url.Values{"version": {v}, "item": {"B4.1"}, "outcome": {"auto"}})
	f = formAt(w.Body.String(), pathA+"/scores/B4")
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(f, "不由台账评定") ||
		strings.Count(f, `name="outcome" value="auto" checked aria-invalid="true" aria-describedby="score-err-B4">`) != 1 ||
		strings.Count(f, `aria-invalid="true"`) != 3 {
		t.Errorf("an outcome the item cannot have: %d\n%s", w.Code, f)
	}

	// Comments: an unknown indicator, then an empty body.
	w = e.post(editorA, pathA+"/comments", url.Values{"indicator": {"NOPE"}, "body": {"请补充佐证材料"}})
	body = w.Body.String()
	f = formAt(body, pathA+"/comments")
	for _, s := range []string{`<div id="comment-err" class="error" role="alert" tabindex="-1" autofocus><p>指标框架中没有指标 &#34;NOPE&#34;</p></div>`,
		`name="indicator" type="text" value="NOPE" aria-invalid="true" aria-describedby="comment-err">`, `>请补充佐证材料</textarea>`} {
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(f, s) {
			t.Errorf("comment on an unknown indicator: %d, form lacks %s:\n%s", w.Code, s, f)
		}
	}
	if strings.Contains(body, `<div class="error" role="alert"><p>`) {
		t.Errorf("the comment's error is also at the top of the page")
	}
	w = e.post(editorA, pathA+"/comments", url.Values{"indicator": {"B4"}, "body": {"  "}})
	f = formAt(w.Body.String(), pathA+"/comments")
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(f, `name="body" rows="3" required aria-invalid="true" aria-describedby="comment-err">`) ||
		!strings.Contains(f, `value="B4">`) {
		t.Errorf("empty comment: %d\n%s", w.Code, f)
	}

	// Review scores: not a number, above the points, no reason.
	e.advance(workflow.UnderReview)
	for _, c := range []struct {
		score, reason, field, message string
	}{
		{"abc", "理由", "score", "复核得分 &#34;abc&#34; 不是有效的分数"},
		{"999", "理由", "score", "超出范围"},
		{"10", "", "reason", "请填写复核理由"},
	} {
		w = e.post(reviewer, pathA+"/review/B4", url.Values{"score": {c.score}, "reason": {c.reason}})
		body = w.Body.String()
		f = formAt(body, pathA+"/review/B4")
		marked := `name="score" type="text" inputmode="decimal" required value="` + c.score + `" aria-invalid="true" aria-describedby="review-err-B4 rstate-B4">`
		if c.field == "reason" {
			marked = `name="reason" rows="2" required aria-invalid="true" aria-describedby="review-err-B4">`
		}
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(f, `<div id="review-err-B4" class="error" role="alert" tabindex="-1" autofocus><p>`) ||
			!strings.Contains(f, c.message) || !strings.Contains(f, marked) || !strings.Contains(f, ">"+c.reason+"</textarea>") {
			t.Errorf("review score %q reason %q: %d, want %s marked:\n%s", c.score, c.reason, w.Code, c.field, f)
		}
		if !strings.Contains(body, "<details open>\n<summary>B4 ") || strings.Count(body, "<details open>") != 1 ||
			strings.Contains(body, `<div class="error" role="alert"><p>`) {
			t.Errorf("review score %q: the form is not the one open, or the error is at the top", c.score)
		}
	}
	// Nothing was saved.
	if rs, err := e.st.ReviewScores(context.Background(), codeA, yearA); err != nil || len(rs) != 0 {
		t.Errorf("review scores after refusals: %v %v", rs, err)
	}
	// An error about no one form stays at the top: a reviewer may not
	// edit the self-score.
	w = e.post(reviewer, pathA+"/scores/B4", url.Values{"version": {strconv.Itoa(e.version(codeA, yearA))}})
	if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), `<div class="error" role="alert"><p>只有本部门`) {
		t.Errorf("a reviewer's score edit: %d", w.Code)
	}
}
