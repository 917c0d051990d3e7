package e2e

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/money"
)

// exanteEntries are the example record's entries (examples/exante-…) by
// the ex-ante page's field names.
func exanteEntries(t *testing.T) map[string]string {
	t.Helper()
	path := "../../../examples/exante-qinghe-health-2025.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Exante(path, data)
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	r := l.Value
	v := map[string]string{"evaluator": r.Evaluator, "date": r.Date.String(), "period": r.Project.Period,
		"subject": r.Report.Subject, "work": r.Report.Work, "assessment": r.Report.Assessment, "suggestions": r.Report.Suggestions}
	for code, in := range r.Scores {
		if in.Level != "" {
			v["level-"+code] = in.Level
		}
		if in.Score != nil {
			v["score-"+code] = in.Score.String()
		}
		v["work-"+code] = in.Work
		if in.Reason != "" {
			v["reason-"+code] = in.Reason
		}
		for _, c := range in.Checklist {
			if !c.Passed {
				v["item-"+c.Item], v["itemreason-"+c.Item] = "failed", c.Reason
				if c.Deduct != nil {
					v["itemdeduct-"+c.Item] = c.Deduct.String()
				}
			}
		}
	}
	return v
}

// A declaration with a new project from the ex-ante threshold: the
// editor finds it on the workspace, fills its ex-ante evaluation on the
// page, saves and sees the score with its trace; the approver gives the
// conclusion and the workspace no longer flags the project.
func TestBrowserExante(t *testing.T) {
	s := newSuite(t)
	editor := s.newTab("editor")
	editor.signIn("editor-a")
	editor.clickAndLoad(`//form[@action="/years/open"]//button[@type="submit"]`)
	ctx := context.Background()
	rec, err := s.st.Get(ctx, codeA, 2024)
	if err != nil {
		t.Fatal(err)
	}
	ev := rec.Evaluation
	ev.Projects[1].Kind, ev.Projects[1].Initial = evaluation.ProjectNew, money.Yuan(1_500_000)
	if _, err := s.st.Update(ctx, codeA, 2024, ev, nil, rec.Version, "editor-a", "申报新增项目"); err != nil {
		t.Fatal(err)
	}
	editor.open("/evaluations/" + codeA + "/2024")
	if txt := editor.text(); !strings.Contains(txt, "需开展事前绩效评估的新增项目（1 个）") || !strings.Contains(txt, "未开展") {
		t.Fatalf("workspace:\n%s", txt)
	}
	editor.clickAndLoad(`//section[@aria-labelledby="exante-h"]//a`)
	editor.checkA11y("ex-ante page (empty)")
	for name, value := range exanteEntries(t) {
		js := `(() => { const el = document.querySelector('[name=` + jsString(name) + `]'); if (!el) return false; el.value = ` + jsString(value) + `; return true })()`
		if !eval[bool](editor, js) {
			t.Fatalf("the form has no field %s", name)
		}
	}
	editor.clickAndLoad(`//button[contains(., "保存事前绩效评估")]`)
	if f := editor.flash(); !strings.Contains(f, "综合得分 79.5 分") {
		t.Fatalf("after saving: %q\n%s", f, editor.text())
	}
	txt := editor.text()
	for _, want := range []string{"综合得分 79.5 / 100 分", "调整后予以支持", "下载评估报告（docx）", "扣 1 分"} {
		if !strings.Contains(txt, want) {
			t.Errorf("scored page lacks %q", want)
		}
	}
	editor.checkA11y("ex-ante page (scored)")
	editor.screenshotTop("exante")

	approver := s.newTab("approver")
	approver.signIn("approver-a")
	approver.open("/evaluations/" + codeA + "/2024/exante/" + ev.Projects[1].Code)
	approver.clickAndLoad(`//button[contains(., "出具评估结论")]`)
	if f := approver.flash(); !strings.Contains(f, "已出具评估结论：调整后予以支持") {
		t.Fatalf("after concluding: %q\n%s", f, approver.text())
	}
	approver.open("/evaluations/" + codeA + "/2024")
	approver.screenshotOf("exante-workspace", "section.exante")
	if txt := approver.text(); !strings.Contains(txt, "已出结论") || strings.Contains(txt, "W186") {
		t.Errorf("workspace after the conclusion:\n%s", txt)
	}
}
