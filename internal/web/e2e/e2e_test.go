// Package e2e drives the web application in a real headless Chromium:
// the whole review workflow through the pages' forms, the public
// download, axe-core accessibility checks and, on request, screenshots.
//
// The tests skip when no Chromium is installed (set JIXIAO_CHROMIUM to
// its path if it is not on PATH) and the accessibility checks skip when
// axe-core is not found (JIXIAO_AXE, or node_modules at the repository
// root: npm install --no-save axe-core@4). JIXIAO_SCREENSHOTS=1 writes
// PNGs of the main pages to docs/screenshots.
package e2e

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
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
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/web"
	"github.com/jixiao/jixiao/internal/workflow"
)

const (
	codeA    = "106001" // 广州市天河区人民政府办公室 2023
	yearA    = 2023
	codeB    = "999-207001"
	password = "correct-horse-battery"
)

var pathA = "/evaluations/" + codeA + "/" + strconv.Itoa(yearA)

var users = []store.User{
	{Username: "editor-a", DisplayName: "天河填报人", Role: workflow.Editor, DepartmentCode: codeA},
	{Username: "editor-b", DisplayName: "青禾填报人", Role: workflow.Editor, DepartmentCode: codeB},
	{Username: "approver-a", DisplayName: "天河负责人", Role: workflow.Approver, DepartmentCode: codeA},
	{Username: "approver-b", DisplayName: "青禾负责人", Role: workflow.Approver, DepartmentCode: codeB},
	{Username: "reviewer", DisplayName: "财政局审核人", Role: workflow.Reviewer},
	{Username: "admin", DisplayName: "管理员", Role: workflow.Admin},
}

// seedStore opens a store in t.TempDir() with both examples imported and
// one account per role, as the web package's tests seed theirs.
func seedStore(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "e2e.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	lib, ds := datafile.LoadLibrary()
	if err := ds.Err(); err != nil {
		t.Fatal(err)
	}
	var entries []store.Entry
	for _, p := range []string{"../../../examples/tianhe-gov-office-2023.yaml", "../../../examples/qinghe-health-2024.yaml"} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		l, ds := datafile.Evaluation(p, data)
		if err := ds.Err(); err != nil {
			t.Fatal(err)
		}
		ev := l.Value
		res, ds := scoring.ScoreWith(ev, lib, calendar.ScoringOptions())
		if err := ds.Err(); err != nil {
			t.Fatal(err)
		}
		fw, _ := lib.Framework(ev.Framework)
		e := store.Entry{Source: p, Evaluation: ev, Result: res, Framework: fw}
		if len(ev.Projects) > 0 {
			e.ProjectFramework, _ = lib.Framework(ev.ProjectFrameworkID())
		}
		entries = append(entries, e)
	}
	if _, err := st.Import(ctx, entries, "test", "测试数据"); err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if _, err := st.CreateUser(ctx, u, password); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

// findChromium returns the browser's path, or skips the test.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("JIXIAO_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("JIXIAO_CHROMIUM=%s: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("e2e: no Chromium found (install Debian's chromium, or set JIXIAO_CHROMIUM to the browser's path)")
	return ""
}

// axeSource returns axe.min.js, or "" when it is not installed.
func axeSource(t *testing.T) string {
	t.Helper()
	p := os.Getenv("JIXIAO_AXE")
	if p == "" {
		p = filepath.Join("..", "..", "..", "node_modules", "axe-core", "axe.min.js")
	}
	data, err := os.ReadFile(p)
	if err != nil {
		if os.Getenv("JIXIAO_AXE") != "" {
			t.Fatalf("JIXIAO_AXE: %v", err)
		}
		return ""
	}
	return string(data)
}

// suite is one test's server and browser.
type suite struct {
	t       *testing.T
	st      *store.Store
	base    string
	browser context.Context // the first tab; other users get their own browser contexts
	axe     string
	shots   string // directory for screenshots, "" for none
}

func newSuite(t *testing.T) *suite {
	t.Helper()
	chromium := findChromium(t)
	st := seedStore(t)
	srv := httptest.NewServer(web.New(st, web.Options{}))
	t.Cleanup(srv.Close)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	// The first Run starts the browser; it must not carry a timeout.
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}

	s := &suite{t: t, st: st, base: srv.URL, browser: bctx}
	if os.Getenv("JIXIAO_SCREENSHOTS") == "1" {
		s.shots = filepath.Join("..", "..", "..", "docs", "screenshots")
		if err := os.MkdirAll(s.shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// tab is one user's browser context (its own cookie jar).
type tab struct {
	s    *suite
	name string
	ctx  context.Context
}

// newTab opens a fresh browser context: no cookies shared with others.
func (s *suite) newTab(name string) *tab {
	s.t.Helper()
	ctx, cancel := chromedp.NewContext(s.browser, chromedp.WithNewBrowserContext())
	s.t.Cleanup(cancel)
	// The first Run opens the tab, which lives as long as that Run's
	// context: give it the tab's own context, not one with a timeout.
	if err := chromedp.Do(ctx); err != nil {
		s.t.Fatalf("%s: opening a tab: %v", name, err)
	}
	tb := &tab{s: s, name: name, ctx: ctx}
	tb.do(chromedp.EmulateViewport(1280, 900))
	return tb
}

// do runs the steps with a time limit, failing the test on error.
func (tb *tab) do(steps ...chromedp.Action[chromedp.Void]) {
	tb.s.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		tb.s.t.Fatalf("%s: %v", tb.name, err)
	}
}

// eval evaluates a JavaScript expression and decodes its value.
func eval[T any](tb *tab, expr string, opts ...chromedp.EvaluateOption) T {
	tb.s.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		tb.s.t.Fatalf("%s: evaluate %.60q: %v", tb.name, expr, err)
	}
	return v
}

func (tb *tab) open(path string) {
	tb.s.t.Helper()
	tb.do(chromedp.Navigate(tb.s.base + path))
}

// clickAndLoad clicks the element and waits for the page it leads to.
func (tb *tab) clickAndLoad(sel string) {
	tb.s.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(sel))); err != nil {
		tb.s.t.Fatalf("%s: click %s: %v", tb.name, sel, err)
	}
}

// text is the visible text of the whole page.
func (tb *tab) text() string {
	tb.s.t.Helper()
	return eval[string](tb, `document.body.innerText`)
}

// flash is the page's status message, "" when there is none.
func (tb *tab) flash() string {
	tb.s.t.Helper()
	return eval[string](tb, `(document.querySelector('.flash') || {textContent: ''}).textContent`)
}

// signIn signs the user in through the login form.
func (tb *tab) signIn(username string) {
	tb.s.t.Helper()
	tb.open("/login")
	tb.do(
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), password),
	)
	tb.clickAndLoad(`//form[@action="/login"]//button[@type="submit"]`)
	if path := eval[string](tb, `location.pathname`); path != "/" {
		tb.s.t.Fatalf("%s: after sign-in at %s, want /\n%s", tb.name, path, tb.text())
	}
}

// move presses the workflow button for the transition to the status on
// the open workspace, with the comment if any, and checks the flash.
func (tb *tab) move(to, comment string) {
	tb.s.t.Helper()
	tb.moveFlash(to, comment, "当前状态为“"+workflow.StatusNames[to]+"”")
}

// moveFlash is move with the flash it should show.
func (tb *tab) moveFlash(to, comment, want string) {
	tb.s.t.Helper()
	form := fmt.Sprintf(`//form[input[@name="to" and @value=%q]]`, to)
	// A move that needs a reason (a return, a withdrawal of a publication)
	// opens its form from a disclosure: press it first, as a person would.
	if eval[bool](tb, `!!document.querySelector('details:not([open]) form input[name="to"][value="`+to+`"]')`) {
		tb.do(chromedp.Click(fmt.Sprintf(`//details[.//form[input[@name="to" and @value=%q]]]/summary`, to)))
	}
	if comment != "" {
		tb.do(chromedp.SendKeys(form+`//textarea`, comment))
	}
	tb.clickAndLoad(form + `//button[@type="submit"]`)
	if f := tb.flash(); !strings.Contains(f, want) {
		tb.s.t.Fatalf("%s: after moving to %s the flash is %q, want %q\n%s", tb.name, to, f, want, tb.text())
	}
}

// moveButtons lists the workflow moves offered on the open workspace, in
// page order: a button's text, or a disclosure's summary for a move that
// opens its reason field first.
func moveButtons(tb *tab) []string {
	tb.s.t.Helper()
	return eval[[]string](tb, `Array.from(document.querySelectorAll('.move-list > .move'), m =>
		(m.tagName === 'DETAILS' ? m.querySelector('summary') : m.querySelector('button')).textContent.trim())`)
}

// media emulates a CSS media type ("print"; "" for the screen again).
func (tb *tab) media(m string) {
	tb.s.t.Helper()
	tb.do(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return chromedp.Void{}, err
	})
}

// score reads the total and grade shown in the workspace.
func (tb *tab) score() (total, grade string) {
	tb.s.t.Helper()
	v := eval[[]string](tb, `Array.from(document.querySelectorAll('p.score strong'), e => e.textContent.trim())`)
	if len(v) != 2 {
		tb.s.t.Fatalf("%s: workspace score line: %q", tb.name, v)
	}
	return v[0], v[1]
}

// screenshot saves the page as docs/screenshots/<name>.png when asked.
func (tb *tab) screenshot(name string) {
	tb.s.t.Helper()
	tb.shoot(name, chromedp.FullScreenshot(100))
}

// screenshotTop saves only what the window shows, for pages whose full
// length (a whole embedded report) would make a very large file.
func (tb *tab) screenshotTop(name string) {
	tb.s.t.Helper()
	tb.shoot(name, chromedp.CaptureScreenshot())
}

func (tb *tab) shoot(name string, capture chromedp.Action[[]byte]) {
	tb.s.t.Helper()
	if tb.s.shots == "" {
		return
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, capture)
	if err != nil {
		tb.s.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(tb.s.shots, name+".png"), png, 0o644); err != nil {
		tb.s.t.Fatal(err)
	}
}

// violation is one axe-core rule that failed on a page.
type violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		HTML    string `json:"html"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// checkA11y runs axe-core on the open page and fails on serious or
// critical violations. axe is injected with Runtime.evaluate, which the
// page's Content-Security-Policy does not govern.
func (tb *tab) checkA11y(page string) {
	tb.s.t.Helper()
	tb.audit(page, false)
}

// audit runs axe-core on the open page and fails on serious or critical
// violations, or, strict, on any violation.
func (tb *tab) audit(page string, strict bool) {
	tb.s.t.Helper()
	if tb.s.axe == "" {
		return
	}
	eval[chromedp.Void](tb, tb.s.axe)
	t0 := time.Now()
	raw := eval[[]byte](tb, `axe.run(document, {resultTypes: ['violations']}).then(r => ({
		passes: r.passes.length,
		violations: r.violations.map(v => ({
			id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => ({target: n.target, html: n.html, failureSummary: n.failureSummary})),
		})),
	}))`, chromedp.EvalAwaitPromise)
	var res struct {
		Passes     int         `json:"passes"`
		Violations []violation `json:"violations"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		tb.s.t.Fatalf("axe results on %s: %v\n%s", page, err, raw)
	}
	if res.Passes == 0 {
		tb.s.t.Fatalf("axe on %s checked nothing: %s", page, raw)
	}
	tb.s.t.Logf("axe on %s: %d rules passed, %d violated (%v)", page, res.Passes, len(res.Violations), time.Since(t0).Round(time.Millisecond))
	for _, v := range res.Violations {
		if !strict && v.Impact != "serious" && v.Impact != "critical" {
			tb.s.t.Logf("axe (%s, not failing) on %s: %s — %s (%d elements)", v.Impact, page, v.ID, v.Help, len(v.Nodes))
			continue
		}
		var b strings.Builder
		for _, n := range v.Nodes {
			fmt.Fprintf(&b, "\n    %v: %s\n      %s", n.Target, n.HTML, strings.ReplaceAll(n.Summary, "\n", "\n      "))
		}
		tb.s.t.Errorf("axe %s violation on %s: %s — %s%s", v.Impact, page, v.ID, v.Help, b.String())
	}
}

// TestBrowserWorkflow walks department A through the whole workflow in
// the browser, as the editor, the approver and the reviewer, and then
// reads and downloads the published report as the public. Along the way
// it checks the main pages with axe-core and takes the screenshots.
func TestBrowserWorkflow(t *testing.T) {
	start := time.Now()
	s := newSuite(t)
	s.axe = axeSource(t)
	if s.axe == "" {
		t.Log("axe-core not found (set JIXIAO_AXE or npm install axe-core@4 at the repository root): accessibility checks skipped; TestAccessibility reports the skip")
	}
	t.Logf("browser started in %v", time.Since(start).Round(time.Millisecond))
	ctx := context.Background()

	// The login page, signed out.
	editor := s.newTab("editor")
	editor.open("/login")
	editor.checkA11y("login")
	editor.screenshot("login")

	editor.signIn("editor-a")
	editor.checkA11y("home (editor)")
	editor.open("/departments")
	editor.checkA11y("departments (editor)")

	// Edit a score with a reason: B4.1 fails, the total falls by 2 points.
	before, err := s.st.Get(ctx, codeA, yearA)
	if err != nil {
		t.Fatal(err)
	}
	editor.open(pathA)
	total0, grade0 := editor.score()
	if total0 != before.Total.String() || grade0 != before.Grade {
		t.Fatalf("workspace shows %s %s, store has %s %s", total0, grade0, before.Total, before.Grade)
	}
	editor.checkA11y("workspace (editor, draft)")
	editor.screenshot("workspace")
	editor.do(
		chromedp.Click(`//summary[starts-with(normalize-space(), "B4 ")]`),
		chromedp.SetValue(chromedp.ID("item-B4"), "B4.1"),
		chromedp.Click(chromedp.ID("out-B4-failed")),
		chromedp.SendKeys(chromedp.ID("reason-B4"), "尚未制定本单位预算绩效管理实施细则"),
	)
	editor.checkA11y("workspace (editor, edit form open)")
	// htmx saves it in place, without a page load (see TestBrowserPreview).
	editor.do(chromedp.Click(`//form[contains(@action, "/scores/B4")]//button[@type="submit"]`))
	editor.waitFor("the score edit in place", `(document.querySelector('.flash') || {textContent: ''}).textContent.includes('已保存') && !document.querySelector('.htmx-request')`)
	if f := editor.flash(); !strings.Contains(f, "已保存") {
		t.Fatalf("after saving B4 the flash is %q\n%s", f, editor.text())
	}
	after, err := s.st.Get(ctx, codeA, yearA)
	if err != nil {
		t.Fatal(err)
	}
	if after.Total != before.Total-200 {
		t.Fatalf("stored total %s → %s, want 2 points less", before.Total, after.Total)
	}
	total1, grade1 := editor.score()
	if total1 != after.Total.String() || total1 == total0 {
		t.Errorf("workspace total %s → %s, want %s", total0, total1, after.Total)
	}
	if grade1 != after.Grade {
		t.Errorf("workspace grade %s, want %s (was %s)", grade1, after.Grade, grade0)
	}
	t.Logf("score edit: total %s → %s, grade %s → %s", total0, total1, grade0, grade1)
	if !strings.Contains(editor.text(), "尚未制定本单位预算绩效管理实施细则") {
		t.Errorf("workspace does not show the reason")
	}
	editor.open(pathA + "/history")
	if !strings.Contains(editor.text(), "尚未制定本单位预算绩效管理实施细则") {
		t.Errorf("history does not show the reason")
	}
	editor.checkA11y("history")
	editor.screenshot("history")
	editor.open(pathA)
	editor.move(workflow.Submitted, "")
	// Before the approver acts, the editor may withdraw the submission
	// (撤回), edit again, and submit again.
	if got := moveButtons(editor); strings.Join(got, "|") != "撤回" {
		t.Errorf("submitted workspace offers the editor %q, want 撤回", got)
	}
	editor.move(workflow.Draft, "")
	if !strings.Contains(editor.text(), "修改自评得分") {
		t.Errorf("after 撤回 the editor cannot edit the scores")
	}
	editor.move(workflow.Submitted, "")

	approver := s.newTab("approver")
	approver.signIn("approver-a")
	approver.open(pathA)
	approver.move(workflow.Approved, "")

	rev := s.newTab("reviewer")
	rev.signIn("reviewer")
	rev.screenshot("home-reviewer")
	rev.checkA11y("home (reviewer)")
	rev.open("/departments")
	rev.screenshot("departments")
	rev.open(pathA)
	rev.move(workflow.UnderReview, "")
	rev.checkA11y("workspace (reviewer, under review)")
	// The forward move first, as the primary button; the return after it,
	// behind a disclosure that holds its reason field.
	if got := moveButtons(rev); strings.Join(got, "|") != "复核通过|退回修改" {
		t.Errorf("moves under review %q, want 复核通过 then 退回修改", got)
	}
	primary := eval[string](rev, `getComputedStyle(document.querySelector('.moves .move-forward button')).backgroundColor`)
	back := eval[string](rev, `getComputedStyle(document.querySelector('.moves details.move-back > summary')).backgroundColor`)
	if primary == back {
		t.Errorf("the forward and the return buttons look the same (%s)", primary)
	}
	// A comment on one indicator, then the return.
	rev.do(
		chromedp.SendKeys(chromedp.ID("comment-indicator"), "B4"),
		chromedp.SendKeys(chromedp.ID("comment-body"), "B4 监控记录只有上半年，请补充下半年的记录"),
	)
	rev.clickAndLoad(`//form[contains(@action, "/comments")]//button[@type="submit"]`)
	rev.move(workflow.Returned, "请补充绩效运行监控佐证材料")

	editor.open(pathA)
	if !strings.Contains(editor.text(), "请补充绩效运行监控佐证材料") {
		t.Errorf("returned workspace does not show the reviewer's comment")
	}
	if !strings.Contains(eval[string](editor, `(document.querySelector('section.returned') || {}).textContent || ''`), "请补充绩效运行监控佐证材料") {
		t.Errorf("the returned workspace does not open with the return reason")
	}
	if got := eval[string](editor, `(document.querySelector('#ind-B4 .indicator-comments') || {}).textContent || ''`); !strings.Contains(got, "B4 监控记录只有上半年") {
		t.Errorf("the B4 row does not show the reviewer's comment: %q", got)
	}
	editor.checkA11y("workspace (editor, returned)")
	editor.screenshot("workspace-returned")
	editor.open("/")
	if got := eval[string](editor, `(document.querySelector('.task-returned') || {}).textContent || ''`); !strings.Contains(got, "已退回：请补充绩效运行监控佐证材料") || !strings.Contains(got, "财政局审核人") {
		t.Errorf("the editor's task list does not say why the year came back: %q", got)
	}
	editor.checkA11y("home (editor, returned)")
	editor.screenshot("home-editor-returned")
	editor.open(pathA)
	editor.move(workflow.Submitted, "已补充")
	approver.open(pathA)
	approver.move(workflow.Approved, "")
	rev.open(pathA)
	rev.move(workflow.UnderReview, "")

	// The reviewer enters a review score on B4 with a reason: it shows
	// beside the self-score, and the total after review replaces B4's
	// self-score with it.
	selfTotal, _ := rev.score()
	form := `//form[@action="` + pathA + `/review/B4"]`
	rev.do(
		chromedp.Click(`//details[.//form[@action="`+pathA+`/review/B4"]]/summary`),
		chromedp.SetValue(form+`//input[@name="score"]`, "3"),
		chromedp.SendKeys(form+`//textarea[@name="reason"]`, "监控记录仅覆盖上半年"),
	)
	rev.clickAndLoad(form + `//button[@type="submit"]`)
	if f := rev.flash(); !strings.Contains(f, "复核得分已保存") {
		t.Fatalf("review score: flash %q\n%s", f, rev.text())
	}
	if got := eval[string](rev, `document.querySelector('#ind-B4 td:nth-of-type(4)').textContent.trim()`); got != "3" {
		t.Errorf("review score column of B4 shows %q, want 3", got)
	}
	b4 := eval[string](rev, `document.querySelector('#ind-B4 td:nth-of-type(3)').textContent.trim()`)
	if !strings.Contains(rev.text(), "复核后得分") || !strings.Contains(rev.text(), "监控记录仅覆盖上半年") {
		t.Errorf("workspace lacks the total after review or the review reason")
	}
	t.Logf("self-score total %s, B4 self-score %s, review score 3", selfTotal, b4)
	rev.checkA11y("workspace (reviewer, review score entered)")
	rev.screenshot("workspace-reviewer")

	// The reviewer re-scores an indicator of the first project in that
	// project's form, with a reason: the project's total after review
	// shows beside its self-score.
	pform := `//section[@id="review-project-1"]//form`
	prow := pform + `//tr[td[normalize-space(text())="P1"]]`
	rev.do(
		chromedp.SetValue(prow+`//input[@name="score"]`, "5"),
		chromedp.SendKeys(prow+`//input[@name="reason"]`, "执行数含预付款，应予剔除"),
	)
	rev.clickAndLoad(pform + `//button[@type="submit"]`)
	if f := rev.flash(); !strings.Contains(f, "已保存") || !strings.Contains(f, "1 项复核得分") {
		t.Fatalf("project review score: flash %q\n%s", f, rev.text())
	}
	if !strings.Contains(rev.text(), "复核后等级") {
		t.Errorf("the project table lacks the grade after review")
	}
	rev.checkA11y("workspace (reviewer, project review score entered)")
	rev.move(workflow.Accepted, "")

	// Accepted: the department downloads the review letter (复核意见书),
	// which names the changed project indicator and the reason.
	editor.open(pathA)
	if !strings.Contains(editor.text(), "下载复核意见书") {
		t.Errorf("the editor's workspace offers no review letter after acceptance")
	}
	letter := eval[string](editor, `fetch('`+pathA+`/review-letter.docx').then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status)).then(b => {
		const u = new Uint8Array(b); let s = '';
		for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
		return btoa(s);
	})`, chromedp.EvalAwaitPromise)
	if doc := docxBody(t, letter); !strings.Contains(doc, "P1 预算执行率") || !strings.Contains(doc, "执行数含预付款，应予剔除") || !strings.Contains(doc, "监控记录仅覆盖上半年") {
		t.Errorf("the review letter lacks the changed indicators or their reasons")
	}
	rev.move(workflow.Published, "")
	if got, _ := s.st.Get(ctx, codeA, yearA); got == nil || got.Status != workflow.Published {
		t.Fatalf("not published in the store: %+v", got)
	}

	// The public, in a browser context with no session.
	pub := s.newTab("public")
	pub.open("/public")
	if !strings.Contains(pub.text(), after.Department) {
		t.Fatalf("public list lacks %s:\n%s", after.Department, pub.text())
	}
	// The list shows the self-score and the total after review: B4's
	// review score is 10 points below its self-score.
	if cells := eval[[]string](pub, `Array.from(document.querySelectorAll('main tbody tr:first-child td')).map(td => td.textContent.trim())`); len(cells) < 3 ||
		cells[0] != selfTotal || cells[1] == selfTotal {
		t.Errorf("public list row %q: want the self-score %s and a different total after review", cells, selfTotal)
	}
	pub.checkA11y("public list")
	pub.screenshot("public")
	href := eval[string](pub, `document.querySelector('a[href$="/`+codeA+`/2023/report.docx"]').href`)
	checkDocx(t, href)
	pub.clickAndLoad(`//a[@href="/public/` + codeA + `/2023"]`)
	if !strings.Contains(pub.text(), "自评报告") {
		t.Errorf("public report page lacks 自评报告")
	}
	pub.checkA11y("public report")
	if txt := pub.text(); !strings.Contains(txt, "复核后得分") {
		t.Errorf("public report page lacks 复核后得分")
	}
	pub.screenshotTop("public-report")

	// Printed, the public report shows the report alone: no navigation,
	// forms or site header.
	pub.media("print")
	hidden := eval[[]string](pub, `['header.site', 'footer.site', 'nav'].filter(sel => {
		const el = document.querySelector(sel);
		return el && getComputedStyle(el).display !== 'none';
	})`)
	if len(hidden) > 0 {
		t.Errorf("printed public report still shows %v", hidden)
	}
	if !strings.Contains(eval[string](pub, `document.querySelector('main').innerText`), "自评报告") {
		t.Errorf("printed public report lacks the report")
	}
	pub.media("")

	// The finance bureau withdraws the publication (撤回公开) with a reason:
	// the public no longer finds the year, and history keeps who and why.
	rev.open(pathA)
	// Sent without a reason (the browser's own check taken away), it is
	// refused by the server with the error beside the form, kept open.
	rev.do(chromedp.Click(`//details[.//form[input[@name="to" and @value="` + workflow.Accepted + `"]]]/summary`))
	eval[chromedp.Void](rev, `document.querySelector('form input[name="to"][value="`+workflow.Accepted+`"]').form.querySelector('textarea').removeAttribute('required')`)
	rev.clickAndLoad(`//form[input[@name="to" and @value="` + workflow.Accepted + `"]]//button[@type="submit"]`)
	refused := eval[string](rev, `(document.querySelector('details.move-back[open] .error[role="alert"]') || {}).textContent || ''`)
	if !strings.Contains(refused, "撤回公开需要填写原因") {
		t.Errorf("the refused 撤回公开 shows no error beside its form: %q\n%s", refused, rev.text())
	}
	if focused := eval[string](rev, `document.activeElement.className`); focused != "error" {
		t.Errorf("the error beside the form does not take the focus (focus on %q)", focused)
	}
	rev.checkA11y("workspace (reviewer, 撤回公开 refused)")
	rev.screenshot("workspace-unpublish-refused")
	rev.move(workflow.Accepted, "公开版本的项目支出数据有误，撤回更正")
	pub.open("/public")
	if strings.Contains(pub.text(), after.Department) {
		t.Errorf("the public list still shows %s after the withdrawal", after.Department)
	}
	if resp, err := http.Get(href); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Errorf("public docx after the withdrawal: %v %v, want 404", resp, err)
	} else {
		resp.Body.Close()
	}
	rev.open(pathA + "/history")
	if h := rev.text(); !strings.Contains(h, "公开版本的项目支出数据有误，撤回更正") || !strings.Contains(h, "已公开") {
		t.Errorf("history lacks the withdrawal of the publication")
	}
	rev.open(pathA)
	rev.move(workflow.Published, "")
	checkDocx(t, href)
	t.Logf("workflow done in %v", time.Since(start).Round(time.Millisecond))
}

// docxBody is the body XML of a Word document given in base64.
func docxBody(t *testing.T, b64 string) string {
	t.Helper()
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, _ := io.ReadAll(rc)
			return string(b)
		}
	}
	t.Fatal("no word/document.xml")
	return ""
}

// checkDocx fetches the report and checks it is a Word document.
func checkDocx(t *testing.T, href string) {
	t.Helper()
	resp, err := http.Get(href)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", href, resp.StatusCode, body)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("%s is not a zip: %v", href, err)
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			return
		}
	}
	t.Fatalf("%s has no word/document.xml", href)
}

// TestAccessibility reports whether axe-core is available, so that a
// skipped accessibility check shows in the test output; the checks
// themselves run inside TestBrowserWorkflow.
func TestAccessibility(t *testing.T) {
	findChromium(t)
	if axeSource(t) == "" {
		t.Skip("axe-core not found: set JIXIAO_AXE to axe.min.js, or run npm install --no-save axe-core@4 at the repository root")
	}
}

// TestBrowserDashboard opens the finance dashboard as the reviewer, with a
// review score recorded on department A: every chart is drawn on a canvas
// without breaking the Content-Security-Policy, the page passes the
// accessibility audit, and without JavaScript the tables show the figures
// and no empty chart box is left.
func TestBrowserDashboard(t *testing.T) {
	s := newSuite(t)
	s.axe = axeSource(t)
	ctx := context.Background()
	us, err := s.st.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]store.User{}
	for _, u := range us {
		byName[u.Username] = u
	}
	for _, step := range []struct{ to, user string }{
		{workflow.Submitted, "editor-a"}, {workflow.Approved, "approver-a"}, {workflow.UnderReview, "reviewer"},
	} {
		rec, err := s.st.Get(ctx, codeA, yearA)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.st.Transition(ctx, codeA, yearA, step.to, byName[step.user], "", rec.Version); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.st.SetReviewScore(ctx, codeA, yearA, store.ScopeDepartment, "B4", 500, "未制定实施细则", byName["reviewer"]); err != nil {
		t.Fatal(err)
	}

	rev := s.newTab("reviewer")
	// Record Content-Security-Policy violations from the first script on.
	rev.do(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample));`,
		})
		return chromedp.Void{}, err
	})
	rev.signIn("reviewer")
	rev.clickAndLoad(`//nav[@aria-label="主导航"]//a[@href="/dashboard"]`)
	rev.open("/dashboard?year=2023")
	charts := []string{"chart-grades", "chart-ranking", "chart-reviewed", "chart-spending", "chart-statuses"}
	// ECharts draws after the deferred scripts run; wait for the last.
	rev.do(chromedp.WaitVisible(`#chart-statuses canvas`))
	for _, id := range charts {
		drawn := eval[bool](rev, `(() => {
			const box = document.getElementById('`+id+`');
			const c = box && box.querySelector('canvas');
			if (!box || box.hidden || box.getAttribute('data-drawn') !== 'true' || !c || c.width === 0 || c.height === 0) return false;
			// Something was painted: not every pixel is transparent.
			const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
			for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;
			return false;
		})()`)
		if !drawn {
			t.Errorf("dashboard: %s was not drawn", id)
		}
		if label := eval[string](rev, `document.getElementById('`+id+`').getAttribute('aria-label') || ''`); label == "" {
			t.Errorf("dashboard: %s lost its aria-label", id)
		}
	}
	if v := eval[[]string](rev, `window.__csp || ['no listener']`); len(v) > 0 {
		t.Errorf("dashboard: Content-Security-Policy violations: %q", v)
	}
	if got := eval[string](rev, `document.querySelector('#table-reviewed tbody th').textContent`); !strings.Contains(got, "天河") {
		t.Errorf("dashboard: review table names %q, want department A", got)
	}
	rev.checkA11y("dashboard")
	rev.screenshot("dashboard")

	// Without JavaScript: the tables, and no empty chart boxes.
	nojs := s.newTab("reviewer without JavaScript")
	nojs.signIn("reviewer")
	nojs.do(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return chromedp.Void{}, err
	})
	nojs.open("/dashboard?year=2023")
	nojs.do(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		return chromedp.Void{}, err
	})
	hidden := eval[int](nojs, `Array.from(document.querySelectorAll('[role="img"]')).filter(e => e.offsetHeight > 0 || e.querySelector('canvas')).length`)
	tables := eval[int](nojs, `Array.from(document.querySelectorAll('main table')).filter(e => e.offsetHeight > 0).length`)
	if hidden != 0 || tables < 5 {
		t.Errorf("dashboard without JavaScript: %d chart boxes shown, %d tables visible", hidden, tables)
	}

	// Department users are refused.
	ed := s.newTab("editor")
	ed.signIn("editor-a")
	ed.open("/dashboard")
	if txt := ed.text(); !strings.Contains(txt, "财政绩效看板仅供") {
		t.Errorf("editor on the dashboard: %s", txt)
	}
}

// TestBrowserAdmin walks the administrator's pages and uploads a broken
// framework file through the file input: every page, and the page that
// lists the upload's errors, passes the accessibility audit.
func TestBrowserAdmin(t *testing.T) {
	s := newSuite(t)
	s.axe = axeSource(t)
	adm := s.newTab("admin")
	adm.signIn("admin")
	adm.clickAndLoad(`//nav[@aria-label="主导航"]//a[@href="/admin"]`)
	adm.checkA11y("admin")
	for _, p := range []string{"/admin/users", "/admin/departments", "/admin/frameworks"} {
		adm.open(p)
		adm.checkA11y(p)
	}
	// Enough accounts for two pages: the second, with the page links
	// and the count, is the screenshot.
	for i := 1; i <= 55; i++ {
		u := store.User{Username: fmt.Sprintf("staff-%02d", i), DisplayName: fmt.Sprintf("青禾职员%d", i), Role: workflow.Editor, DepartmentCode: codeB}
		if _, err := s.st.CreateUser(context.Background(), u, password); err != nil {
			t.Fatal(err)
		}
	}
	adm.open("/admin/users")
	adm.clickAndLoad(`//nav[@aria-label="账号列表分页"]//a[@rel="next"]`)
	if got := eval[string](adm, `document.querySelector('p.user-count').textContent`); !strings.Contains(got, "共 61 个账号，本页显示第 51–61 个（第 2 / 2 页") {
		t.Errorf("admin users, page 2: %q", got)
	}
	adm.checkA11y("/admin/users?page=2")
	adm.screenshot("admin-users")
	adm.do(chromedp.SendKeys(chromedp.ID("user-q"), "天河"))
	adm.clickAndLoad(`//form[@role="search"]//button[@type="submit"]`)
	if got := eval[int](adm, `document.querySelectorAll('table.admin-users tbody tr').length`); got != 2 {
		t.Errorf("admin users searched for 天河: %d rows, want 2 (editor-a, approver-a)", got)
	}
	adm.checkA11y("/admin/users?q=天河")

	broken := filepath.Join(t.TempDir(), "broken.yaml")
	if err := os.WriteFile(broken, []byte("id: broken\nversion: \"1\"\nname: 坏框架\nindicators:\n  - code: A\n    name: 甲\n    points: 150\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	adm.open("/admin/frameworks")
	adm.do(chromedp.SetUploadFiles(`#framework-file`, []string{broken}))
	adm.clickAndLoad(`//form[.//input[@id="framework-file"]]//button[@type="submit"]`)
	alert := eval[string](adm, `(document.querySelector('[role="alert"]') || {innerText: ''}).innerText`)
	if !strings.Contains(alert, "第") || eval[int](adm, `document.querySelectorAll('[role="alert"] li').length`) < 2 {
		t.Errorf("broken framework upload: the errors listed are %q, want several, with lines", alert)
	}
	adm.checkA11y("/admin/frameworks (upload refused)")
	adm.screenshot("admin-frameworks-errors")
	list, err := s.st.ListFrameworkVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range list {
		if v.FrameworkID == "broken" {
			t.Errorf("the broken framework was stored: %+v", v)
		}
	}
}

// screenshotOf saves the element sel as docs/screenshots/<name>.png when
// asked.
func (tb *tab) screenshotOf(name, sel string) {
	tb.s.t.Helper()
	if tb.s.shots == "" {
		return
	}
	ctx, cancel := context.WithTimeout(tb.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(sel))
	if err != nil {
		tb.s.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(tb.s.shots, name+".png"), png, 0o644); err != nil {
		tb.s.t.Fatal(err)
	}
}

// TestBrowserForms: a score form states the indicator's points after
// redistribution; a refused score edit shows its error in the form, the
// field marked; a user changes their own password on /account, with the
// errors beside the fields first; each page passes the audit.
func TestBrowserForms(t *testing.T) {
	s := newSuite(t)
	s.axe = axeSource(t)
	ed := s.newTab("editor-b")
	ed.signIn("editor-b")
	pathB := "/evaluations/" + codeB + "/2024"
	ed.open(pathB)
	state := eval[string](ed, `document.getElementById('state-B3').textContent`)
	if !strings.Contains(state, "因 B1 不适用") {
		t.Errorf("B3's form does not say why its points changed: %q", state)
	}
	form := `//form[contains(@action, "/scores/B3")]`
	ed.do(
		chromedp.Click(`//summary[starts-with(normalize-space(), "B3 ")]`),
		chromedp.Click(chromedp.ID("out-B3-failed")),
		chromedp.SendKeys(chromedp.ID("deduct-B3"), "半分"),
		chromedp.SendKeys(chromedp.ID("reason-B3"), "部分信息未公开"),
	)
	ed.do(chromedp.Click(form + `//button[@type="submit"]`))
	ed.waitFor("the refused edit in its form", `!!document.getElementById('score-err-B3') && !document.querySelector('.htmx-request')`)
	if got := eval[string](ed, `document.getElementById('deduct-B3').getAttribute('aria-invalid') + ' ' + document.getElementById('deduct-B3').value`); got != "true 半分" {
		t.Errorf("the refused deduction: %q, want marked and kept", got)
	}
	ed.checkA11y("workspace (score edit refused)")
	ed.screenshotOf("workspace-form-error", `section[aria-labelledby="edit-h"]`)

	// The account page, from the header.
	ed.clickAndLoad(`//header//a[@href="/account"]`)
	ed.checkA11y("account")
	ed.do(
		chromedp.SendKeys(chromedp.ID("account-current"), "not-my-password"),
		chromedp.SendKeys(chromedp.ID("account-new"), "short"),
		chromedp.SendKeys(chromedp.ID("account-new2"), "other"),
	)
	ed.clickAndLoad(`//form[@action="/account/password"]//button[@type="submit"]`)
	if n := eval[int](ed, `document.querySelectorAll('form [aria-invalid="true"]').length`); n != 2 {
		t.Errorf("account form: %d fields marked, want 2 (new password, confirmation)\n%s", n, ed.text())
	}
	ed.checkA11y("account (refused)")
	ed.screenshot("account")
	ed.do(
		chromedp.SendKeys(chromedp.ID("account-current"), password),
		chromedp.SendKeys(chromedp.ID("account-new"), "a-brand-new-password"),
		chromedp.SendKeys(chromedp.ID("account-new2"), "a-brand-new-password"),
	)
	ed.clickAndLoad(`//form[@action="/account/password"]//button[@type="submit"]`)
	if f := ed.flash(); !strings.Contains(f, "已修改您的密码") {
		t.Fatalf("password change: flash %q\n%s", f, ed.text())
	}
	if _, err := s.st.Authenticate(context.Background(), "editor-b", "a-brand-new-password"); err != nil {
		t.Errorf("the new password: %v", err)
	}
}
