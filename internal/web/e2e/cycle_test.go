package e2e

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/workflow"
)

// TestBrowserDeclarationCycle follows the beginning of a year through
// the browser: the editor opens 2024 and declares a project indicator;
// the approver forwards; the reviewer comments on that indicator and
// returns; the editor sees the comment beside it, fixes the value and
// submits again; after 批复 the editor proposes a 目标调整 of another
// indicator with a reason and the reviewer, from the task list, approves
// it seeing the field before and after; the year moves to the
// evaluation stage and the year-end report states the adjusted target as
// adjusted.
func TestBrowserDeclarationCycle(t *testing.T) {
	s := newSuite(t)
	s.axe = axeSource(t)
	path := "/evaluations/" + codeA + "/2024"
	stepIn := func(tb *tab, stage, to, comment string) {
		t.Helper()
		tb.moveFlash(to, comment, "当前状态为“"+workflow.StatusName(stage, to)+"”")
	}

	editor := s.newTab("editor")
	editor.signIn("editor-a")
	editor.clickAndLoad(`//form[@action="/years/open"]//button[@type="submit"]`)
	editor.clickAndLoad(`//a[contains(., "在线填写绩效目标申报")]`)
	editor.clickAndLoad(`//button[@name="add"][@value="projects[0].targets"]`)
	n := atoi(t, eval[string](editor, `document.querySelector('input[name="rows.projects[0].targets"]').value`))
	row := "projects[0].targets[" + strconv.Itoa(n-1) + "]"
	for _, f := range [][2]string{{"code", "T90"}, {"category", "output"}, {"subcategory", "时效指标"}, {"direction", "<="},
		{"name", "值班信息报送时限"}, {"target", "60"}, {"unit", "分钟"}, {"basis", "plan"}} {
		editor.setField(row+"."+f[0], f[1])
	}
	editor.do(chromedp.SendKeys(chromedp.ID("edit-reason"), "增加时效指标"))
	editor.clickAndLoad(`//button[@type="submit"][not(@name)][contains(., "保存修改")]`)
	if f := editor.flash(); !strings.Contains(f, "绩效目标申报已保存") {
		t.Fatalf("after saving the declaration: %q\n%s", f, editor.text())
	}
	stepIn(editor, workflow.Declaration, workflow.Submitted, "")

	approver := s.newTab("approver")
	approver.signIn("approver-a")
	approver.open(path)
	stepIn(approver, workflow.Declaration, workflow.Approved, "")

	reviewer := s.newTab("reviewer")
	reviewer.signIn("reviewer")
	reviewer.open(path)
	stepIn(reviewer, workflow.Declaration, workflow.UnderReview, "")
	rec, err := s.st.Get(context.Background(), codeA, 2024)
	if err != nil {
		t.Fatal(err)
	}
	project := rec.Evaluation.Projects[0]
	key := "project:" + project.Code + "#T90"
	comment := "报送时限偏宽，请按值班制度要求压缩至30分钟以内"
	reviewer.setField("target", key)
	reviewer.do(chromedp.SendKeys(chromedp.ID("comment-body"), comment))
	reviewer.clickAndLoad(`//form[@action="` + path + `/comments"]//button[@type="submit"]`)
	stepIn(reviewer, workflow.Declaration, workflow.Returned, "请按意见修改时效指标")

	editor.open(path)
	declRow := `document.querySelector('tr[id^="decl-project-"][id$="-T90"]')`
	if got := eval[string](editor, `(`+declRow+` || {innerText: ''}).innerText`); !strings.Contains(got, comment) || !strings.Contains(got, "值班信息报送时限") {
		t.Errorf("the indicator's row on the workspace: %q", got)
	}
	if txt := editor.text(); !strings.Contains(txt, "退回原因") || !strings.Contains(txt, "有意见的指标") {
		t.Errorf("the returned workspace does not point to the comment:\n%s", txt)
	}
	editor.clickAndLoad(`//a[contains(., "在线填写绩效目标申报")]`)
	fs := `document.querySelector('fieldset#g-projects-0-targets-` + strconv.Itoa(n-1) + `')`
	if got := eval[string](editor, fs+`.innerText`); !strings.Contains(got, comment) {
		t.Errorf("the declaration form does not show the comment beside the indicator:\n%s", got)
	}
	eval[bool](editor, `(() => { `+fs+`.scrollIntoView(); return true })()`)
	editor.screenshotTop("declaration-comment")
	editor.setField(row+".target", "30")
	editor.do(chromedp.SendKeys(chromedp.ID("edit-reason"), "按审核意见压缩报送时限"))
	editor.clickAndLoad(`//button[@type="submit"][not(@name)][contains(., "保存修改")]`)
	if f := editor.flash(); !strings.Contains(f, "绩效目标申报已保存") {
		t.Fatalf("after fixing: %q\n%s", f, editor.text())
	}
	stepIn(editor, workflow.Declaration, workflow.Submitted, "")
	approver.open(path)
	stepIn(approver, workflow.Declaration, workflow.Approved, "")
	reviewer.open(path)
	stepIn(reviewer, workflow.Declaration, workflow.UnderReview, "")
	reviewer.moveFlash(workflow.Draft, "", "本年度进入“执行监控”阶段")

	// 目标调整 of the project's first indicator (值班天数 ≥365).
	editor.open(path)
	editor.setField("scope", project.Code)
	editor.clickAndLoad(`//form[contains(@class, "adjust-scope")]//button[@type="submit"]`)
	old := project.Targets[0]
	target := "projects[0].targets[0].target"
	if got := eval[string](editor, `document.querySelector('[name="`+target+`"]').value`); got != old.Target {
		t.Fatalf("the adjustment form shows %q for %s, want %q", got, old.Name, old.Target)
	}
	editor.setField(target, "360")
	editor.do(chromedp.SendKeys(chromedp.ID("edit-reason"), "因办公场所搬迁，5天值班由区应急指挥中心代为承担"))
	editor.checkA11y("adjustment proposal")
	editor.screenshot("adjustment-propose")
	editor.clickAndLoad(`//button[@type="submit"][contains(., "提交目标调整申请")]`)
	if f := editor.flash(); !strings.Contains(f, "已提交目标调整申请第1号") {
		t.Fatalf("after proposing: %q\n%s", f, editor.text())
	}

	reviewer.open("/")
	if txt := reviewer.text(); !strings.Contains(txt, "待审核的目标调整") || !strings.Contains(txt, "5天值班由区应急指挥中心代为承担") {
		t.Errorf("the reviewer's task list lacks the adjustment:\n%s", txt)
	}
	reviewer.clickAndLoad(`//a[contains(@href, "/adjustments/1")]`)
	changes := eval[[][]string](reviewer, `Array.from(document.querySelectorAll('table.adjust-changes tbody tr'), r => Array.from(r.cells, c => c.innerText.trim()))`)
	if len(changes) != 1 || !strings.Contains(changes[0][0], old.Name) || changes[0][1] != "≥365天" || changes[0][2] != "≥360天" {
		t.Errorf("the comparison: %q, want %s ≥365天 → ≥360天", changes, old.Name)
	}
	reviewer.do(chromedp.Click(chromedp.ID("decision-approve")))
	reviewer.do(chromedp.SendKeys(chromedp.ID("decide-comment"), "同意调整"))
	reviewer.checkA11y("adjustment decision")
	reviewer.screenshot("adjustment-decide")
	reviewer.clickAndLoad(`//button[@type="submit"][contains(., "提交审核结论")]`)
	if f := reviewer.flash(); !strings.Contains(f, "已批准目标调整第1号") {
		t.Fatalf("after approving: %q\n%s", f, reviewer.text())
	}

	editor.open(path)
	if txt := editor.text(); !strings.Contains(txt, "≥360天（经第1号目标调整，原为≥365天）") || !strings.Contains(txt, "已批准") {
		t.Errorf("the workspace does not show the adjusted target:\n%s", txt)
	}
	editor.checkA11y("workspace (execution, adjustments)")
	editor.screenshotOf("workspace-adjustments", "#adjustments")
	editor.moveFlash(workflow.Draft, "", "本年度进入“年终自评”阶段")

	// The year-end values, as the editor would enter them: 2023's.
	fillYearEnd(t, s, 2024, 2023)
	editor.open(path)
	md := eval[string](editor, `fetch('`+path+`/report.md').then(r => r.ok ? r.text() : 'HTTP ' + r.status)`, chromedp.EvalAwaitPromise)
	if !strings.Contains(md, "≥360天（经第1号目标调整，原为≥365天）") {
		t.Errorf("the year-end report does not state the adjusted target:\n%.3000s", md)
	}
}

// fillYearEnd gives Tianhe's year the year-end values of the year from,
// matching indicators by position (an indicator from lacks is reported
// as met), and stores it as the editor's upload would.
func fillYearEnd(t *testing.T, s *suite, year, from int) {
	t.Helper()
	ctx := context.Background()
	rec, err := s.st.Get(ctx, codeA, year)
	if err != nil {
		t.Fatal(err)
	}
	prev, err := s.st.Get(ctx, codeA, from)
	if err != nil {
		t.Fatal(err)
	}
	var ev evaluation.Evaluation
	b, _ := json.Marshal(prev.Evaluation)
	if err := json.Unmarshal(b, &ev); err != nil {
		t.Fatal(err)
	}
	cur := rec.Evaluation
	ev.Year, ev.Finance.PriorIncome = year, cur.Finance.PriorIncome
	codes := func(dst []evaluation.Target, src []evaluation.Target) []evaluation.Target {
		for i := range src {
			if i < len(dst) {
				dst[i].Code = src[i].Code
				continue
			}
			t := src[i]
			t.Actual = t.Target
			dst = append(dst, t)
		}
		return dst
	}
	ev.Targets = codes(ev.Targets, cur.Targets)
	for i := range ev.Projects {
		ev.Projects[i].Targets = codes(ev.Projects[i].Targets, cur.Projects[i].Targets)
	}
	lib, ds := datafile.LoadLibrary()
	if err := ds.Err(); err != nil {
		t.Fatal(err)
	}
	res, ds := scoring.ScoreWith(&ev, lib, calendar.ScoringOptions())
	if err := ds.Err(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.st.Update(ctx, codeA, year, &ev, res, rec.Version, "editor-a", "填写年终自评数据"); err != nil {
		t.Fatal(err)
	}
}
