package web

import (
	"context"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// scriptTag matches a script element's start tag.
var scriptTag = regexp.MustCompile(`<script\b[^>]*>`)

// hasInlineScript reports whether a page has a script that the
// Content-Security-Policy blocks: a script element that neither loads a
// file of this site (htmx on every page, the dashboard's) nor is a JSON
// data block.
func hasInlineScript(body string) bool {
	for _, tag := range scriptTag.FindAllString(body, -1) {
		if !strings.Contains(tag, ` src="/static/`) && !strings.Contains(tag, `type="application/json"`) {
			return true
		}
	}
	return false
}

// previewPost posts a form to the preview as the user, as htmx does (with
// the HX-Request header) or as the plain 试算 button does.
func (e *env) previewPost(user, path string, form url.Values, hx bool) *httptest.ResponseRecorder {
	e.t.Helper()
	r := req{method: "POST", path: path + "/edit/preview", form: form, token: e.session(user)}
	if hx {
		r.header = map[string]string{"HX-Request": "true", "HX-Target": "preview-status", "HX-Current-URL": "http://jixiao.example" + path + "/edit"}
	}
	return e.do(r)
}

// rescoreStored scores the stored department-year, changed by change,
// with its pinned frameworks: what a preview must show, computed here
// without the web package.
func rescoreStored(t *testing.T, e *env, code string, year int, change func(ev *evaluation.Evaluation)) *scoring.Result {
	t.Helper()
	rec := e.record(code, year)
	var fws []*framework.Framework
	for _, src := range [][]byte{rec.Framework, rec.ProjectFramework} {
		if len(src) == 0 {
			continue
		}
		f, ds := datafile.PinnedFramework(src)
		if err := ds.Err(); err != nil {
			t.Fatal(err)
		}
		fws = append(fws, f)
	}
	ev := rec.Evaluation
	change(ev)
	res, ds := scoring.ScoreWith(ev, datafile.NewLibrary(fws...), calendar.ScoringOptions())
	if err := ds.Err(); err != nil {
		t.Fatalf("the changed data does not score: %v", err)
	}
	return res
}

// historyLen counts the history rows of a department-year.
func historyLen(t *testing.T, e *env, code string, year int) int {
	t.Helper()
	hs, err := e.st.History(context.Background(), code, year)
	if err != nil {
		t.Fatal(err)
	}
	return len(hs)
}

var (
	previewTotal = regexp.MustCompile(`自评得分 <strong>([0-9.]+)</strong> → <strong class="preview-total">([0-9.]+)</strong> 分，等级 (\S+) → <strong class="preview-grade">([^<]+)</strong>`)
	previewItem  = regexp.MustCompile(`(?s)<h3>保存前请更正以下 (\d+) 处问题</h3>\s*<ul>(.*?)</ul>`)
	saveItem     = regexp.MustCompile(`(?s)<h2 id="errors-h">修改未保存：请更正以下 (\d+) 处问题</h2>\s*<ul>(.*?)</ul>`)
	listItem     = regexp.MustCompile(`<li>(?:<a href="[^"]*">)?(.*?)(?:</a>)?</li>`)
)

// problems lists the texts of a problem list's items.
func problems(t *testing.T, re *regexp.Regexp, body string) []string {
	t.Helper()
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no problem list (%s) in:\n%s", re, firstLines(body, 120))
	}
	var out []string
	for _, it := range listItem.FindAllStringSubmatch(m[2], -1) {
		out = append(out, html.UnescapeString(it[1]))
	}
	if strconv.Itoa(len(out)) != m[1] {
		t.Fatalf("the list counts %s problems and lists %d: %q", m[1], len(out), out)
	}
	return out
}

// TestPreview: a new expenditure figure, previewed as htmx asks, gives a
// fragment whose new total and grade are those of the stored data
// rescored with the change here, lists the execution-rate indicator with
// its old and new score and its new trace, and saves nothing.
func TestPreview(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeA, yearA)
	versions, history := before.Version, historyLen(t, e, codeA, yearA)
	in, rateBefore := executionRateNode(t, e, codeA, yearA)
	fin := before.Evaluation.Finance
	cut := money.Fen(int64(fin.Budget.Adjusted) / 5)
	basic := fin.Expenditure.Basic - cut
	total := basic + fin.Expenditure.Project
	want := rescoreStored(t, e, codeA, yearA, func(ev *evaluation.Evaluation) {
		ev.Finance.Expenditure.Basic = basic
		ev.Finance.Stated.Expenditure = &total
	})
	if want.Total == before.Total {
		t.Fatalf("the change does not move the total (%s): the test proves nothing", want.Total)
	}

	form := editFormValues(t, e.get(editorA, pathA+"/edit").Body.String())
	form.Set("finance.expenditure.basic", basic.YuanText())
	form.Set("finance.stated.expenditure", total.YuanText())
	form.Set("reason", "决算批复后更正基本支出")
	w := e.previewPost(editorA, pathA, form, true)
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("preview: %d\n%s", w.Code, firstLines(body, 80))
	}
	if strings.Contains(body, "<html") || strings.Contains(body, "<main") || strings.Contains(body, "<form") {
		t.Fatalf("the htmx preview is not a fragment:\n%s", firstLines(body, 40))
	}
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") || !strings.Contains(w.Header().Get("Vary"), "HX-Request") {
		t.Errorf("preview headers: Content-Type %q, Vary %q", ct, w.Header().Get("Vary"))
	}
	m := previewTotal.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no total now → with the change in:\n%s", body)
	}
	if m[1] != before.Total.String() || m[2] != want.Total.String() || m[3] != before.Grade || m[4] != want.Grade {
		t.Fatalf("preview shows %s → %s, %s → %s; want %s → %s, %s → %s", m[1], m[2], m[3], m[4], before.Total, want.Total, before.Grade, want.Grade)
	}
	// The execution rate, with its old and new score and its new trace.
	rate := scoring.Find(want.Indicators, in.Code)
	line := "<strong>" + in.Code + " " + in.Name + "</strong>：" + rateBefore.String() + " → <strong>" + rate.Score.String() + "</strong> 分"
	if !strings.Contains(body, line) {
		t.Errorf("preview lacks %q", line)
	}
	if rate.Trace.Formula == "" || !strings.Contains(html.UnescapeString(body), rate.Trace.Formula) {
		t.Errorf("preview lacks the execution rate's formula %q", rate.Trace.Formula)
	}
	for _, f := range rate.Trace.Inputs {
		if !strings.Contains(html.UnescapeString(body), f.Name+"："+f.Value) {
			t.Errorf("preview lacks the input %s：%s", f.Name, f.Value)
		}
	}
	// Every indicator listed changed, and every one that changed is listed.
	old := map[string]string{}
	var index func(ns []*scoring.Node)
	index = func(ns []*scoring.Node) {
		for _, n := range ns {
			old[n.Code] = n.Score.String()
			index(n.Children)
		}
	}
	index(rescoreStored(t, e, codeA, yearA, func(*evaluation.Evaluation) {}).Indicators)
	var walk func(ns []*scoring.Node)
	walk = func(ns []*scoring.Node) {
		for _, n := range ns {
			listed := strings.Contains(body, "<strong>"+n.Code+" "+html.EscapeString(n.Name)+"</strong>：")
			if changed := old[n.Code] != n.Score.String(); changed != listed {
				t.Errorf("indicator %s %s: changed %v (%s → %s), listed %v", n.Code, n.Name, changed, old[n.Code], n.Score, listed)
			}
			walk(n.Children)
		}
	}
	walk(want.Indicators)
	// The details go beside the announced status line, out of band.
	if !strings.Contains(body, `<div id="preview-details" hx-swap-oob="true">`) || strings.Index(body, "preview-total") > strings.Index(body, "preview-details") {
		t.Errorf("the fragment is not the status line followed by the out-of-band details:\n%s", firstLines(body, 20))
	}
	if strings.Contains(body, "保存前请更正") {
		t.Errorf("a good form previews with problems:\n%s", body)
	}

	// Nothing was saved: no version, no history, same data.
	after := e.record(codeA, yearA)
	if after.Version != versions || after.Total != before.Total || after.Evaluation.Finance.Expenditure.Basic != fin.Expenditure.Basic {
		t.Fatalf("the preview saved: version %d → %d, total %s → %s", versions, after.Version, before.Total, after.Total)
	}
	if n := historyLen(t, e, codeA, yearA); n != history {
		t.Fatalf("the preview wrote history: %d rows → %d", history, n)
	}

	// Previewing does not keep the save from saving the same form, with
	// the total the preview showed.
	w = e.post(editorA, pathA+"/edit", form)
	e.flashAfter(editorA, w)
	if got := e.record(codeA, yearA); got.Total != want.Total || got.Version != versions+1 {
		t.Fatalf("saved after the preview: total %s (previewed %s), version %d", got.Total, want.Total, got.Version)
	}
}

// TestPreviewProblems: a preview lists every problem the save would
// refuse, in the same words and order, without an alert, and answers 200
// (the preview worked); the new total is shown when every entry could be
// read, and not when one could not.
func TestPreviewProblems(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeA, yearA)
	fin := before.Evaluation.Finance
	form := editFormValues(t, e.get(editorA, pathA+"/edit").Body.String())

	// Readable, but inconsistent (the stated total left as it was) and
	// without a reason: the total with the change is shown, and both
	// problems.
	basic := fin.Expenditure.Basic - 1_000_000_00
	form.Set("finance.expenditure.basic", basic.YuanText())
	want := rescoreStored(t, e, codeA, yearA, func(ev *evaluation.Evaluation) { ev.Finance.Expenditure.Basic = basic })
	saved := e.post(editorA, pathA+"/edit", form)
	if saved.Code != http.StatusUnprocessableEntity {
		t.Fatalf("save: %d, want 422", saved.Code)
	}
	saveProblems := problems(t, saveItem, saved.Body.String())
	for _, hx := range []bool{true, false} {
		w := e.previewPost(editorA, pathA, form, hx)
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("preview (htmx %v) with problems: %d, want 200", hx, w.Code)
		}
		got := problems(t, previewItem, body)
		if strings.Join(got, "\n") != strings.Join(saveProblems, "\n") {
			t.Errorf("preview (htmx %v) lists\n%q\nthe save\n%q", hx, got, saveProblems)
		}
		if !strings.Contains(strings.Join(got, "\n"), "修改原因：请填写修改原因") || !strings.Contains(strings.Join(got, "\n"), "支出合计（报告所列）") {
			t.Errorf("preview (htmx %v) problems %q", hx, got)
		}
		if m := previewTotal.FindStringSubmatch(body); m == nil || m[2] != want.Total.String() {
			t.Errorf("preview (htmx %v) with readable entries shows no total %s: %v", hx, want.Total, m)
		}
		if !strings.Contains(body, "保存前需更正 2 处问题") {
			t.Errorf("preview (htmx %v): the status line does not count the problems", hx)
		}
		if strings.Contains(body, `role="alert"`) {
			t.Errorf("preview (htmx %v) raises an alert as the editor types", hx)
		}
	}

	// Two entries that cannot be read: both listed, on their fields in the
	// page, and no total with the change (it would use the stored values).
	form = editFormValues(t, e.get(editorA, pathA+"/edit").Body.String())
	form.Set("finance.budget.adjusted", "33086320.005")
	form.Set("targets[3].actual", "约九成")
	form.Set("reason", "更正")
	saveProblems = problems(t, saveItem, e.post(editorA, pathA+"/edit", form).Body.String())
	w := e.previewPost(editorA, pathA, form, true)
	body := w.Body.String()
	if got := problems(t, previewItem, body); w.Code != http.StatusOK || strings.Join(got, "\n") != strings.Join(saveProblems, "\n") || len(got) != 2 {
		t.Errorf("unreadable entries: %d, preview lists %q, the save %q", w.Code, got, saveProblems)
	}
	if previewTotal.MatchString(body) || !strings.Contains(body, "有 2 项填写无法读取，更正后才能计算修改后的得分") {
		t.Errorf("unreadable entries: the preview shows a total:\n%s", firstLines(body, 10))
	}
	page := e.previewPost(editorA, pathA, form, false).Body.String()
	for _, id := range []string{"f-finance-budget-adjusted", "f-targets-3-actual"} {
		if !regexp.MustCompile(`<input id="` + id + `"[^>]* aria-invalid="true" aria-describedby="` + id + `-err"`).MatchString(page) {
			t.Errorf("the preview page does not mark %s invalid", id)
		}
	}
	if !strings.Contains(page, `value="33086320.005"`) || !strings.Contains(page, `value="约九成"`) {
		t.Errorf("the preview page does not show what was entered")
	}
	if v := e.version(codeA, yearA); v != before.Version {
		t.Fatalf("version %d → %d", before.Version, v)
	}
}

// TestPreviewPage: the plain 试算 button (no JavaScript) gets the whole
// edit page, with what was entered in the form, the preview shown, and
// the save still the form's action; htmx gets the fragment only.
func TestPreviewPage(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeA, yearA)
	form := editFormValues(t, e.get(editorA, pathA+"/edit").Body.String())
	form.Set("targets[2].actual", "85")
	form.Set("reason", "更正完成值")
	want := rescoreStored(t, e, codeA, yearA, func(ev *evaluation.Evaluation) { ev.Targets[2].Actual = "85" })

	frag := e.previewPost(editorA, pathA, form, true)
	w := e.previewPost(editorA, pathA, form, false)
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("plain preview: %d\n%s", w.Code, firstLines(body, 80))
	}
	for _, s := range []string{`<html lang="zh-CN">`, `id="main"`, `class="edit-data"`, `action="` + pathA + `/edit"`,
		`value="85"`, ">更正完成值</textarea>", `name="version" value="` + strconv.Itoa(before.Version) + `"`,
		`<section id="preview" class="preview-panel" aria-labelledby="preview-h"`, `<div id="preview-status" aria-live="polite">`,
		`<div id="preview-details">`} {
		if !strings.Contains(body, s) {
			t.Errorf("plain preview page lacks %s", s)
		}
	}
	if m := previewTotal.FindStringSubmatch(body); m == nil || m[2] != want.Total.String() {
		t.Errorf("plain preview page: total %v, want %s", m, want.Total)
	}
	if strings.Contains(body, "hx-swap-oob") || strings.Contains(body, "修改未保存") {
		t.Errorf("plain preview page has out-of-band markup or says it did not save")
	}
	if fb := frag.Body.String(); frag.Code != http.StatusOK || strings.Contains(fb, "<html") || !strings.Contains(fb, "preview-total") {
		t.Errorf("htmx preview: %d\n%s", frag.Code, firstLines(fb, 10))
	}
	// The page is sound: labels, no inline script or style.
	if strings.Contains(body, "style=") || hasInlineScript(body) {
		t.Errorf("preview page: inline style or script")
	}
	for _, id := range idsOf(body) {
		if !strings.Contains(body, `for="`+id+`"`) {
			t.Errorf("preview page: field %s has no label", id)
		}
	}

	// The edit page, before any preview: htmx posts to the preview as
	// the editor types, the region says that the score is recalculated on
	// save, and the plain button reaches the preview without JavaScript.
	page := e.get(editorA, pathA+"/edit").Body.String()
	for _, s := range []string{
		`hx-post="` + pathA + `/edit/preview" hx-trigger="input changed delay:500ms, change" hx-target="#preview-status"`,
		`formaction="` + pathA + `/edit/preview#preview" formnovalidate`,
		"保存时按本年度的指标框架重新计算得分",
		`<script src="/static/vendor/htmx-2.0.11.min.js" defer></script>`,
		`<meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true,`,
	} {
		if !strings.Contains(page, s) {
			t.Errorf("edit page lacks %s", s)
		}
	}
	// Enter in a field saves, as before: the save is the first button.
	if strings.Index(page, `<button type="submit">保存修改</button>`) > strings.Index(page, "试算（不保存）") {
		t.Errorf("the preview button comes before the save")
	}
	// htmx is served from the binary.
	if w := e.get(anon, "/static/vendor/htmx-2.0.11.min.js"); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), `version:"2.0.11"`) {
		t.Errorf("htmx: %d", w.Code)
	}
}

// TestPreviewRefused: who may not save may not preview, with the save's
// statuses; htmx gets them as fragments (the sign-in as a redirect of the
// whole page), and a form made from an older version is refused as the
// save refuses it.
func TestPreviewRefused(t *testing.T) {
	for _, c := range []struct {
		status string
		want   map[string]int
	}{
		{workflow.Draft, every(403, editorA, 200, editorB, 404, anon, login)},
		{workflow.Submitted, every(403, editorB, 404, anon, login)},
	} {
		e := newEnv(t)
		if c.status != workflow.Draft {
			e.advance(c.status)
		}
		form := url.Values{"version": {strconv.Itoa(e.version(codeA, yearA))}, "finance.budget.initial": {"30,000,000.00"}}
		for _, role := range roles {
			for _, hx := range []bool{false, true} {
				w := e.previewPost(role, pathA, form, hx)
				body := w.Body.String()
				want := c.want[role]
				switch {
				case want == login && hx:
					if w.Code != http.StatusUnauthorized || w.Header().Get("HX-Redirect") != "/login?next="+url.QueryEscape(pathA+"/edit") {
						t.Errorf("%s, anonymous, htmx: %d HX-Redirect %q", c.status, w.Code, w.Header().Get("HX-Redirect"))
					}
				case want == login:
					if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
						t.Errorf("%s, anonymous: %d %s", c.status, w.Code, w.Header().Get("Location"))
					}
				case w.Code != want:
					t.Errorf("%s as %s (htmx %v): %d, want %d\n%s", c.status, role, hx, w.Code, want, firstLines(body, 40))
				case hx && strings.Contains(body, "<html"):
					t.Errorf("%s as %s: htmx gets a whole page", c.status, role)
				case hx && want != 200 && !strings.Contains(body, `<p class="preview-refused">试算未完成：`):
					t.Errorf("%s as %s: htmx gets no reason:\n%s", c.status, role, body)
				case !hx && want == 403 && !strings.Contains(body, "只有") && !strings.Contains(body, "不能修改"):
					t.Errorf("%s as %s: 403 without the save's reason", c.status, role)
				}
			}
		}
	}

	// A form from an older version: 409, as the save answers.
	e := newEnv(t)
	form := editFormValues(t, e.get(editorA, pathA+"/edit").Body.String())
	form.Set("finance.budget.initial", "30,000,000.00")
	form.Set("reason", "更正")
	e.flashAfter(editorA, e.post(editorA, pathA+"/edit", form))
	form.Set("finance.budget.initial", "31,000,000.00")
	for _, hx := range []bool{true, false} {
		w := e.previewPost(editorA, pathA, form, hx)
		if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "已被他人修改") || strings.Contains(w.Body.String(), "<html") != !hx {
			t.Errorf("stale preview (htmx %v): %d\n%s", hx, w.Code, firstLines(w.Body.String(), 20))
		}
	}
}

// TestScoreEditInPlace: a score edit made by htmx is saved as before (the
// redirect); the workspace it leads to, asked by htmx, gives the new
// total the focus. Refused, the error comes back in the form it is about,
// open, with what was entered, and takes the focus; without htmx the
// workspace is as it was.
func TestScoreEditInPlace(t *testing.T) {
	e := newEnv(t)
	hx := map[string]string{"HX-Request": "true", "HX-Target": "main"}
	before := e.record(codeA, yearA)
	form := url.Values{"version": {strconv.Itoa(before.Version)}, "item": {"B4.1"}, "outcome": {"failed"}, "reason": {"未制定实施细则"}}
	w := e.do(req{method: "POST", path: pathA + "/scores/B4", form: form, token: e.session(editorA), header: hx})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != pathA {
		t.Fatalf("htmx score edit: %d %s", w.Code, w.Header().Get("Location"))
	}
	after := e.record(codeA, yearA)
	if after.Version != before.Version+1 || after.Total == before.Total {
		t.Fatalf("not saved: version %d, total %s", after.Version, after.Total)
	}
	// The redirect, followed by the browser with the htmx headers.
	page := e.do(req{method: "GET", path: pathA, token: e.session(editorA), header: hx, cookies: w.Result().Cookies()}).Body.String()
	for _, s := range []string{`<p class="score" id="score-summary" aria-live="polite" tabindex="-1" autofocus>自评得分 <strong>` + after.Total.String() + `</strong>`,
		"已保存", `name="version" value="` + strconv.Itoa(after.Version) + `"`} {
		if !strings.Contains(page, s) {
			t.Errorf("workspace after an htmx edit lacks %s", s)
		}
	}
	if strings.Contains(page, `name="version" value="`+strconv.Itoa(before.Version)+`"`) {
		t.Errorf("a form on the workspace keeps the old version")
	}
	if strings.Count(page, "autofocus") != 1 {
		t.Errorf("%d elements ask for the focus", strings.Count(page, "autofocus"))
	}
	// Every score form posts in place and keeps its plain action.
	if n, m := strings.Count(page, `hx-target="#main" hx-select="#main" hx-swap="outerHTML"`), strings.Count(page, `action="`+pathA+`/scores/`); n == 0 || n != m {
		t.Errorf("%d of %d score forms post in place", n, m)
	}
	if plain := e.get(editorA, pathA).Body.String(); strings.Contains(plain, "autofocus") {
		t.Errorf("the workspace without htmx asks for the focus")
	}

	// A checklist item failed with points too many: refused (422) in
	// the form, with what was entered.
	bad := url.Values{"version": {strconv.Itoa(after.Version)}, "item": {"B4.2"}, "outcome": {"failed"}, "deduct": {"x"}, "reason": {"理由"}}
	w = e.do(req{method: "POST", path: pathA + "/scores/B4", form: bad, token: e.session(editorA), header: hx})
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad deduction in place: %d\n%s", w.Code, firstLines(body, 40))
	}
	form4 := body[strings.Index(body, `action="`+pathA+`/scores/B4"`):]
	form4 = form4[:strings.Index(form4, "</form>")]
	for _, s := range []string{`<div id="score-err-B4" class="error" role="alert" tabindex="-1" autofocus>`, "扣分 &#34;x&#34; 不是有效的分数",
		`<option value="B4.2" selected>`, `value="failed" checked`, `name="deduct" type="text" inputmode="decimal" value="x"`, ">理由</textarea>"} {
		if !strings.Contains(form4, s) {
			t.Errorf("refused form lacks %s:\n%s", s, form4)
		}
	}
	if !strings.Contains(body, "<details open>\n<summary>B4 ") || strings.Count(body, "<details open>") != 1 || strings.Count(body, "autofocus") != 1 {
		t.Errorf("the refused form is not the one open, or more than one element asks for the focus")
	}
	if strings.Contains(body, `<div class="error" role="alert"><p>`) {
		t.Errorf("the error is shown at the top as well as in the form")
	}

	// A stale form: 409 in the form, with what is stored now (the new
	// version in every form).
	w = e.do(req{method: "POST", path: pathA + "/scores/B4", form: form, token: e.session(editorA), header: hx})
	if body := w.Body.String(); w.Code != http.StatusConflict || !strings.Contains(body, `id="score-err-B4"`) || !strings.Contains(body, "已被他人修改") ||
		strings.Contains(body, `name="version" value="`+strconv.Itoa(before.Version)+`"`) {
		t.Errorf("stale form in place: %d", w.Code)
	}

	// Without htmx the refusal is in the form too (the whole page
	// comes back): open, with what was entered, the field marked.
	w = e.post(editorA, pathA+"/scores/B4", bad)
	if body := w.Body.String(); w.Code != http.StatusUnprocessableEntity || strings.Contains(body, `<div class="error" role="alert"><p>`) ||
		!strings.Contains(body, "<details open>\n<summary>B4 ") || strings.Count(body, "autofocus") != 1 ||
		!strings.Contains(body, `value="x" aria-invalid="true" aria-describedby="score-err-B4"`) {
		t.Errorf("plain refused score edit: %d\n%s", w.Code, firstLines(body, 60))
	}

	// No longer editable (submitted meanwhile): the error at the top of
	// the workspace, with the focus.
	e.advance(workflow.Submitted)
	form.Set("version", strconv.Itoa(e.version(codeA, yearA)))
	w = e.do(req{method: "POST", path: pathA + "/scores/B4", form: form, token: e.session(editorA), header: hx})
	if body := w.Body.String(); w.Code != http.StatusForbidden || !strings.Contains(body, `<div class="error" role="alert" tabindex="-1" autofocus><p>`) {
		t.Errorf("htmx score edit after submission: %d\n%s", w.Code, firstLines(body, 60))
	}
}

// TestPreviewProject: a project's executed amount changes the project's
// score; the preview shows the project's total before and after, as
// rescored here, with the indicators that change.
func TestPreviewProject(t *testing.T) {
	e := newEnv(t)
	rec := e.record(codeB, yearB)
	if len(rec.Evaluation.Projects) == 0 {
		t.Fatalf("Qinghe has no projects any more")
	}
	p0 := rec.Evaluation.Projects[0]
	executed := p0.Adjusted / 2
	want := rescoreStored(t, e, codeB, yearB, func(ev *evaluation.Evaluation) { ev.Projects[0].Executed = executed })
	before := rescoreStored(t, e, codeB, yearB, func(*evaluation.Evaluation) {})
	if want.Projects[0].Total == before.Projects[0].Total {
		t.Fatalf("half the budget executed does not change project %s's score", p0.Name)
	}
	form := editFormValues(t, e.get(editorB, pathB+"/edit").Body.String())
	form.Set("projects[0].executed", executed.YuanText())
	w := e.previewPost(editorB, pathB, form, true)
	body := html.UnescapeString(w.Body.String())
	line := "项目自评得分 " + before.Projects[0].Total.String() + " → <strong>" + want.Projects[0].Total.String() + "</strong> 分"
	if w.Code != http.StatusOK || !strings.Contains(body, "<h3>项目："+p0.Name+"</h3>") || !strings.Contains(body, line) {
		t.Fatalf("project preview: %d, want %q in:\n%s", w.Code, line, body)
	}
	if m := previewTotal.FindStringSubmatch(body); m == nil || m[2] != want.Total.String() {
		t.Errorf("department total with the project change: %v, want %s", m, want.Total)
	}
	if v := e.version(codeB, yearB); v != rec.Version {
		t.Fatalf("version %d → %d", rec.Version, v)
	}
}
