package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/scoring"
)

// waitFor waits until the JavaScript expression is truthy on the open page.
func (tb *tab) waitFor(what, expr string) {
	tb.s.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		tb.s.t.Fatalf("%s: waiting for %s: %v\n%s", tb.name, what, err, tb.text())
	}
}

// recordCSP collects the page's Content-Security-Policy violations in
// window.__csp, from the first script of every page on.
func (tb *tab) recordCSP() {
	tb.s.t.Helper()
	tb.do(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample));`,
		})
		return chromedp.Void{}, err
	})
}

// noCSPViolations fails the test if the open page broke the policy.
func (tb *tab) noCSPViolations(where string) {
	tb.s.t.Helper()
	if v := eval[[]string](tb, `window.__csp || ['no listener']`); len(v) > 0 {
		tb.s.t.Errorf("%s: Content-Security-Policy violations: %q", where, v)
	}
}

// mark leaves a marker on the window: it survives exactly as long as no
// page is loaded.
func (tb *tab) mark() {
	tb.s.t.Helper()
	eval[chromedp.Void](tb, `window.__stay = 'no page load'`)
}

func (tb *tab) stillMarked(after string) {
	tb.s.t.Helper()
	if v := eval[string](tb, `window.__stay || 'reloaded'`); v != "no page load" {
		tb.s.t.Fatalf("%s: %s loaded a page", tb.name, after)
	}
}

// checkA11yStrict runs axe-core on the open page and fails on any
// violation, whatever its impact.
func (tb *tab) checkA11yStrict(where string) {
	tb.s.t.Helper()
	tb.audit(where, true)
}

// rescoreA scores department A as stored, changed by change, with its
// pinned frameworks: the total a preview must show, computed here.
func (s *suite) rescoreA(change func(ev *evaluation.Evaluation)) *scoring.Result {
	s.t.Helper()
	rec, err := s.st.Get(context.Background(), codeA, yearA)
	if err != nil {
		s.t.Fatal(err)
	}
	var fws []*framework.Framework
	for _, src := range [][]byte{rec.Framework, rec.ProjectFramework} {
		if len(src) == 0 {
			continue
		}
		f, ds := datafile.PinnedFramework(src)
		if err := ds.Err(); err != nil {
			s.t.Fatal(err)
		}
		fws = append(fws, f)
	}
	change(rec.Evaluation)
	res, ds := scoring.ScoreWith(rec.Evaluation, datafile.NewLibrary(fws...), calendar.ScoringOptions())
	if err := ds.Err(); err != nil {
		s.t.Fatal(err)
	}
	return res
}

// TestBrowserPreview: the editor types a new expenditure figure on the
// edit page and the preview shows the new total, computed here, without a
// page load; the page with the preview passes axe with no violation; the
// save saves it. Without JavaScript the 试算 button gives the same
// preview as a page. Then, on the workspace, a score edit updates the
// total in place, gives it the focus, and a second edit right after is
// saved too (every form got the new version); a refused one comes back in
// its form.
func TestBrowserPreview(t *testing.T) {
	s := newSuite(t)
	s.axe = axeSource(t)
	ctx := context.Background()
	before, err := s.st.Get(ctx, codeA, yearA)
	if err != nil {
		t.Fatal(err)
	}
	fin := before.Evaluation.Finance
	basic := fin.Expenditure.Basic - money.Fen(int64(fin.Budget.Adjusted)/5)
	total := basic + fin.Expenditure.Project
	want := s.rescoreA(func(ev *evaluation.Evaluation) {
		ev.Finance.Expenditure.Basic = basic
		ev.Finance.Stated.Expenditure = &total
	})
	if want.Total == before.Total {
		t.Fatalf("the change does not move the total")
	}

	ed := s.newTab("editor")
	ed.recordCSP()
	ed.signIn("editor-a")
	ed.open(pathA + "/edit")
	ed.waitFor("htmx, configured for the CSP", `window.htmx && htmx.config.allowEval === false && htmx.config.allowScriptTags === false && htmx.config.includeIndicatorStyles === false && htmx.config.selfRequestsOnly === true`)
	ed.mark()

	// Type the new figures as a person does.
	ed.do(
		chromedp.Clear(chromedp.ID("f-finance-expenditure-basic")),
		chromedp.SendKeys(chromedp.ID("f-finance-expenditure-basic"), basic.YuanText()),
		chromedp.Clear(chromedp.ID("f-finance-stated-expenditure")),
		chromedp.SendKeys(chromedp.ID("f-finance-stated-expenditure"), total.YuanText()),
	)
	ed.waitFor("the preview of the new figures", `(() => {
		const t = document.querySelector('#preview-status .preview-total');
		return t && t.textContent === '`+want.Total.String()+`' && !document.querySelector('.htmx-request');
	})()`)
	ed.stillMarked("the preview")
	status := eval[string](ed, `document.getElementById('preview-status').textContent`)
	for _, x := range []string{"自评得分 " + before.Total.String() + " → " + want.Total.String() + " 分", "等级 " + before.Grade + " → " + want.Grade, "保存前需更正 1 处问题"} {
		if !strings.Contains(status, x) {
			t.Errorf("preview status %q lacks %q", status, x)
		}
	}
	if live := eval[string](ed, `document.getElementById('preview-status').getAttribute('aria-live')`); live != "polite" {
		t.Errorf("the preview status is not a polite live region: %q", live)
	}
	details := eval[string](ed, `document.getElementById('preview-details').innerText`)
	for _, x := range []string{"预算执行率", "执行率 =", "修改原因：请填写修改原因"} {
		if !strings.Contains(details, x) {
			t.Errorf("preview details lack %q:\n%s", x, details)
		}
	}
	// The reason: the preview runs again, now without problems.
	ed.do(chromedp.SendKeys(chromedp.ID("edit-reason"), "决算批复后更正基本支出"))
	ed.waitFor("the preview without problems", `(() => {
		const s = document.getElementById('preview-status').textContent;
		return s.includes('`+want.Total.String()+`') && !s.includes('保存前需更正') && !document.querySelector('.htmx-request');
	})()`)
	ed.stillMarked("the second preview")
	if v, _ := s.st.Get(ctx, codeA, yearA); v.Version != before.Version {
		t.Fatalf("the preview saved: version %d → %d", before.Version, v.Version)
	}
	ed.noCSPViolations("edit page with a preview")
	ed.checkA11yStrict("edit page (preview shown)")
	ed.screenshotTop("edit-preview") // the whole form, with its registers, is too long for one image

	// Save: a page load, as before, with the previewed total.
	ed.clickAndLoad(`//form[@class="edit-data"]//button[normalize-space()="保存修改"]`)
	if f := ed.flash(); !strings.Contains(f, "填报数据已保存") || !strings.Contains(f, want.Total.String()) {
		t.Fatalf("after saving, the flash is %q\n%s", f, ed.text())
	}
	saved, err := s.st.Get(ctx, codeA, yearA)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Total != want.Total || saved.Version != before.Version+1 {
		t.Fatalf("saved total %s version %d, want %s version %d", saved.Total, saved.Version, want.Total, before.Version+1)
	}

	// Without JavaScript: the 试算 button posts the form and gets the page
	// with the preview.
	nojs := s.newTab("editor without JavaScript")
	nojs.signIn("editor-a")
	nojs.do(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return chromedp.Void{}, err
	})
	nojs.open(pathA + "/edit")
	nojs.do(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		return chromedp.Void{}, err
	})
	if eval[bool](nojs, `!!window.htmx`) {
		t.Fatalf("htmx ran with JavaScript disabled")
	}
	if st := eval[string](nojs, `document.getElementById('preview-status').textContent`); !strings.Contains(st, "保存时按本年度的指标框架重新计算得分") {
		t.Errorf("without JavaScript the preview region says %q", st)
	}
	back := fin.Expenditure.Basic
	wantBack := s.rescoreA(func(ev *evaluation.Evaluation) { ev.Finance.Expenditure.Basic = back })
	nojs.do(
		chromedp.Clear(chromedp.ID("f-finance-expenditure-basic")),
		chromedp.SendKeys(chromedp.ID("f-finance-expenditure-basic"), back.YuanText()),
	)
	nojs.clickAndLoad(`//form[@class="edit-data"]//button[starts-with(normalize-space(), "试算")]`)
	if path := eval[string](nojs, `location.pathname`); path != pathA+"/edit/preview" {
		t.Errorf("the 试算 button led to %s", path)
	}
	if got := eval[string](nojs, `(document.querySelector('#preview-status .preview-total') || {textContent: 'none'}).textContent`); got != wantBack.Total.String() {
		t.Errorf("without JavaScript the preview shows %s, want %s\n%s", got, wantBack.Total, nojs.text())
	}
	if v, _ := s.st.Get(ctx, codeA, yearA); v.Version != saved.Version {
		t.Fatalf("the plain preview saved")
	}

	// Score edits in place on the workspace.
	ed.open(pathA)
	ed.waitFor("htmx", `!!window.htmx`)
	ed.mark()
	total0, _ := ed.score()
	editB4 := func(item, outcome, deduct, reason string) {
		t.Helper()
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.Click(`//summary[starts-with(normalize-space(), "B4 ")]`),
			chromedp.SetValue(chromedp.ID("item-B4"), item),
			chromedp.Click(chromedp.ID("out-B4-" + outcome)),
		}
		if deduct != "" {
			steps = append(steps, chromedp.SendKeys(chromedp.ID("deduct-B4"), deduct))
		}
		steps = append(steps,
			chromedp.SendKeys(chromedp.ID("reason-B4"), reason),
			chromedp.Click(`//form[contains(@action, "/scores/B4")]//button[@type="submit"]`),
		)
		ed.do(steps...)
	}
	editB4("B4.1", "failed", "", "尚未制定本单位预算绩效管理实施细则")
	v1 := saved.Version + 1
	ed.waitFor("the first score edit in place", `document.querySelector('p.meta').textContent.includes('版本 `+strconv.Itoa(v1)+` ') && !document.querySelector('.htmx-request')`)
	ed.stillMarked("the first score edit")
	first, err := s.st.Get(ctx, codeA, yearA)
	if err != nil {
		t.Fatal(err)
	}
	total1, grade1 := ed.score()
	if first.Version != v1 || total1 != first.Total.String() || total1 == total0 || grade1 != first.Grade {
		t.Fatalf("after the first edit in place: page %s %s, store %s %s version %d (was %s)", total1, grade1, first.Total, first.Grade, first.Version, total0)
	}
	if f := ed.flash(); !strings.Contains(f, "已保存") {
		t.Errorf("after the first edit in place the flash is %q", f)
	}
	// htmx applies autofocus when the swapped content settles, a moment
	// after the swap.
	ed.waitFor("the focus on the score summary after the edit in place", `document.activeElement && document.activeElement.id === 'score-summary'`)
	if n := eval[int](ed, `Array.from(document.querySelectorAll('input[name="version"]')).filter(e => e.value !== '`+strconv.Itoa(v1)+`').length`); n != 0 {
		t.Errorf("%d forms kept an old version after the edit in place", n)
	}
	ed.checkA11yStrict("workspace (after a score edit in place)")

	// A second edit right after: saved too, no conflict.
	editB4("B4.2", "failed", "", "尚未开展绩效运行监控")
	ed.waitFor("the second score edit in place", `document.querySelector('p.meta').textContent.includes('版本 `+strconv.Itoa(v1+1)+` ') && !document.querySelector('.htmx-request')`)
	ed.stillMarked("the second score edit")
	second, err := s.st.Get(ctx, codeA, yearA)
	if err != nil {
		t.Fatal(err)
	}
	total2, _ := ed.score()
	if second.Version != v1+1 || total2 != second.Total.String() || second.Total == first.Total {
		t.Fatalf("after the second edit in place: page %s, store %s version %d", total2, second.Total, second.Version)
	}
	if txt := ed.text(); strings.Contains(txt, "已被他人修改") {
		t.Fatalf("the second edit in place met a conflict:\n%s", txt)
	}

	// Refused: the error in its form, open, with the focus; nothing saved.
	editB4("B4.2", "failed", "x", "扣分有误")
	ed.waitFor("the refused edit in its form", `!!document.getElementById('score-err-B4') && !document.querySelector('.htmx-request')`)
	ed.stillMarked("the refused edit")
	ed.waitFor("the focus on the error after the refused edit", `document.activeElement && document.activeElement.id === 'score-err-B4'`)
	if !eval[bool](ed, `document.getElementById('score-err-B4').closest('details').open && document.getElementById('deduct-B4').value === 'x'`) {
		t.Errorf("the refused form is not open with what was entered")
	}
	if v, _ := s.st.Get(ctx, codeA, yearA); v.Version != second.Version {
		t.Fatalf("a refused edit saved")
	}
	ed.noCSPViolations("workspace after edits in place")
	ed.checkA11yStrict("workspace (a score edit refused in place)")
}
