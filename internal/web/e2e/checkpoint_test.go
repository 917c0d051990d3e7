package e2e

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/monitor"
	"github.com/jixiao/jixiao/internal/report/reporttest"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// executionYear opens department A's 2024, gives its first ≥ project
// indicator quarterly milestones, and approves the targets (批复), in the
// store; it returns the indicator's name.
func executionYear(t *testing.T, st *store.Store) string {
	t.Helper()
	ctx := context.Background()
	byName := map[string]store.User{}
	us, err := st.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		byName[u.Username] = u
	}
	if _, err := st.OpenYears(ctx, []store.OpenRequest{{Code: codeA, Year: 2024}}, "operator", ""); err != nil {
		t.Fatal(err)
	}
	rec, err := st.Get(ctx, codeA, 2024)
	if err != nil {
		t.Fatal(err)
	}
	name := ""
	for i := range rec.Evaluation.Projects {
		for j := range rec.Evaluation.Projects[i].Targets {
			tg := &rec.Evaluation.Projects[i].Targets[j]
			if _, err := strconv.ParseFloat(tg.Target, 64); err == nil && tg.Direction == ">=" && name == "" {
				tg.Milestones = &evaluation.Milestones{Q2: tg.Target, Q4: tg.Target}
				name = tg.Name
			}
		}
	}
	if name == "" {
		t.Fatal("no ≥ project indicator with a number")
	}
	v, err := st.Update(ctx, codeA, 2024, rec.Evaluation, nil, rec.Version, "editor-a", "设置季度节点值")
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct{ to, user string }{
		{workflow.Submitted, "editor-a"}, {workflow.Approved, "approver-a"}, {workflow.UnderReview, "reviewer"}, {workflow.Draft, "reviewer"},
	} {
		if v, err = st.Transition(ctx, codeA, 2024, step.to, byName[step.user], "", v); err != nil {
			t.Fatalf("→ %s: %v", step.to, err)
		}
	}
	return name
}

// fetchFile downloads a path with the tab's session and returns its bytes.
func (tb *tab) fetchFile(path string) []byte {
	tb.s.t.Helper()
	b64 := eval[string](tb, `fetch(`+jsString(path)+`).then(r => { if (!r.ok) throw new Error('HTTP ' + r.status); return r.arrayBuffer() }).then(b => {
		let s = ''; const u = new Uint8Array(b); for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]); return btoa(s) })`, chromedp.EvalAwaitPromise)
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		tb.s.t.Fatal(err)
	}
	return data
}

// The department enters its July progress with a deviation cause on the
// web, the live check asking for the cause until it is given; it saves
// and submits; the monitoring table downloads as Word and as a
// spreadsheet with what was entered.
func TestBrowserCheckpoint(t *testing.T) {
	s := newSuite(t)
	s.axe = axeSource(t)
	behind := executionYear(t, s.st)
	ed := s.newTab("editor")
	ed.signIn("editor-a")
	ed.open("/evaluations/" + codeA + "/2024")
	ed.clickAndLoad(`//a[contains(., "绩效监控表（1—7月）")]`)
	if txt := ed.text(); !strings.Contains(txt, "状态 未填写") || !strings.Contains(txt, "报送截止 2024年8月31日") {
		t.Fatalf("checkpoint page:\n%s", txt)
	}

	// Every indicator on track, except one behind its June milestone.
	rec, err := s.st.Get(context.Background(), codeA, 2024)
	if err != nil {
		t.Fatal(err)
	}
	behindRow := -1
	for i, r := range monitor.Rows(rec.Evaluation, &monitor.Checkpoint{Month: 7}) {
		f := func(n string) string { return fmt.Sprintf("r%d.%s", i, n) }
		v := r.Target.Target
		if r.Milestone != "" {
			v = r.Milestone
		}
		if r.Target.Name == behind && behindRow < 0 {
			v, behindRow = "0", i
		}
		ed.setField(f("to_date"), v)
		ed.setField(f("expected"), r.Target.Target)
		ed.setField(f("likelihood"), monitor.Certain)
	}
	n := 0
	for _, p := range rec.Evaluation.Projects {
		if p.Code != "" {
			ed.setField(fmt.Sprintf("p%d.expected", n), p.Initial.String())
			n++
		}
	}
	check := `document.querySelector('#cp-check').innerText`
	ed.waitFor("the missed milestone in the live check", check+`.includes('W230') && `+check+`.includes('E234') && `+check+`.includes('各项均已填写')`)
	// The cause and the explanation: the E234 goes.
	ed.do(chromedp.Click(fmt.Sprintf(`//input[@name="r%d.causes"][@value="funds"]`, behindRow)))
	ed.setField(fmt.Sprintf("r%d.explanation", behindRow), "上级资金7月下旬才到位，二季度任务顺延")
	ed.setField(fmt.Sprintf("r%d.measures", behindRow), "8月起每月加开两期")
	ed.waitFor("E234 gone", "!"+check+`.includes('E234') && `+check+`.includes('W230')`)
	eval[bool](ed, fmt.Sprintf(`(() => { document.getElementById('r%d').scrollIntoView(); return true })()`, behindRow))
	ed.screenshotTop("checkpoint-entry")
	ed.checkA11y("checkpoint form")
	ed.clickAndLoad(`//form[contains(@class, "checkpoint-form")]//button[@type="submit"]`)
	if f := ed.flash(); !strings.Contains(f, "绩效监控表已保存") {
		t.Fatalf("after saving: %q\n%s", f, ed.text())
	}
	ed.move(workflow.Submitted, "")
	if txt := ed.text(); !strings.Contains(txt, "上级资金7月下旬才到位") || eval[bool](ed, `!!document.querySelector('form.checkpoint-form')`) {
		t.Errorf("submitted report still editable or lost its entry:\n%s", txt)
	}
	ed.screenshotTop("checkpoint-submitted")
	ed.checkA11y("checkpoint report")

	base := "/evaluations/" + codeA + "/2024/monitoring/7/table."
	for _, ext := range []string{"docx", "xlsx"} {
		data := ed.fetchFile(base + ext)
		text := reporttest.MustOfficeText(t, data)
		for _, want := range []string{"项目支出绩效目标执行监控表", behind, "经费保障", "确定能", "上级资金7月下旬才到位", "纠偏措施：8月起每月加开两期"} {
			if !strings.Contains(text, want) {
				t.Errorf("%s lacks %q", ext, want)
			}
		}
	}
}
