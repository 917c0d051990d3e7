package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// acceptA walks Tianhe 2023 to accepted as its people would.
func acceptA(t *testing.T, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	byName := map[string]store.User{}
	all, err := st.ListUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range all {
		byName[u.Username] = u
	}
	rec, err := st.Get(ctx, codeA, yearA)
	if err != nil {
		t.Fatal(err)
	}
	v := rec.Version
	for _, m := range []struct{ to, who string }{{workflow.Submitted, "editor-a"}, {workflow.Approved, "approver-a"},
		{workflow.UnderReview, "reviewer"}, {workflow.Accepted, "reviewer"}} {
		if v, err = st.Transition(ctx, codeA, yearA, m.to, byName[m.who], "", v); err != nil {
			t.Fatal(m.to, err)
		}
	}
}

// The reviewer decides how a project's result is applied, with another
// amount than suggested and a reason; the department's next year shows
// the decision as 参考 on its workspace and its declaration form.
func TestBrowserResults(t *testing.T) {
	s := newSuite(t)
	acceptA(t, s.st)
	reviewer := s.newTab("reviewer")
	reviewer.signIn("reviewer")
	reviewer.clickAndLoad(`//nav//a[@href="/results"]`)
	reviewer.open("/results?year=2023")
	txt := reviewer.text()
	for _, want := range []string{"已通过复核或已公开的部门年度 1 个", "106001 广州市天河区人民政府办公室", "THZFB-2023-06 地方志编纂工作经费", "优先保障", "560,000.00", "未决定"} {
		if !strings.Contains(txt, want) {
			t.Fatalf("results page lacks %q:\n%s", want, txt)
		}
	}
	reviewer.checkA11y("results")
	row := `r-106001-project-THZFB-2023-06`
	reviewer.do(chromedp.Click(`//tr[preceding-sibling::tr[1][@id="` + row + `"]]//summary`))
	set := func(id, v string) {
		t.Helper()
		if !eval[bool](reviewer, `(() => { const el = document.getElementById(`+jsString(id)+`); if (!el) return false; el.value = `+jsString(v)+`; return true })()`) {
			t.Fatalf("no field %s", id)
		}
	}
	set(row+"-decision", "reduce")
	set(row+"-amount", "504,000.00")
	// Without a reason the store refuses: the decision differs.
	reviewer.clickAndLoad(`//tr[preceding-sibling::tr[1][@id="` + row + `"]]//button[@type="submit"]`)
	if txt := reviewer.text(); !strings.Contains(txt, "须说明理由") {
		t.Fatalf("decision without reason accepted:\n%s", txt)
	}
	// The form came back open with what was typed.
	if v := eval[string](reviewer, `document.getElementById(`+jsString(row+"-amount")+`).value`); v != "504,000.00" {
		t.Fatalf("amount kept %q", v)
	}
	reviewer.do(chromedp.SendKeys(`#`+row+`-reason`, "会议类支出压减，按九折安排"))
	reviewer.clickAndLoad(`//tr[preceding-sibling::tr[1][@id="` + row + `"]]//button[@type="submit"]`)
	if f := reviewer.flash(); !strings.Contains(f, "核减10%，504,000.00 元") {
		t.Fatalf("flash %q\n%s", f, reviewer.text())
	}
	reviewer.screenshotTop("results")
	if txt := reviewer.text(); !strings.Contains(txt, "理由：会议类支出压减，按九折安排") {
		t.Errorf("decision not shown:\n%s", txt)
	}

	// The department opens 2024: the decision is there as 参考.
	editor := s.newTab("editor")
	editor.signIn("editor-a")
	editor.clickAndLoad(`//form[@action="/years/open"]//button[@type="submit"]`)
	for _, page := range []string{"workspace", "declaration form"} {
		if page == "declaration form" {
			editor.clickAndLoad(`//a[contains(., "在线填写绩效目标申报")]`)
		}
		txt := editor.text()
		for _, want := range []string{"以前年度评价结果应用（参考）", "THZFB-2023-06 地方志编纂工作经费\t2023\t优\t优先保障\t核减10%（会议类支出压减，按九折安排）\t504,000.00"} {
			if !strings.Contains(txt, want) {
				t.Errorf("%s lacks %q:\n%s", page, want, txt)
			}
		}
	}
	editor.checkA11y("declaration form with results reference")
}
