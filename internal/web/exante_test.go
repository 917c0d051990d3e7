package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/exante"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/store"
)

// exanteYear opens Tianhe's 2024 and declares two of its projects new:
// the second (150万元, assessed by the department) and the third (600万元,
// by the finance bureau). It returns their codes.
func exanteYear(t *testing.T, e *env) (dept, fin string) {
	t.Helper()
	openDeclaration(t, e)
	rec := e.record(codeA, 2024)
	ev := rec.Evaluation
	ev.Projects[1].Kind, ev.Projects[1].Initial = evaluation.ProjectNew, money.Yuan(1_500_000)
	ev.Projects[2].Kind, ev.Projects[2].Initial = evaluation.ProjectNew, money.Yuan(6_000_000)
	if _, err := e.st.Update(context.Background(), codeA, 2024, ev, nil, rec.Version, editorA, "申报新增项目"); err != nil {
		t.Fatal(err)
	}
	return ev.Projects[1].Code, ev.Projects[2].Code
}

// exanteForm is the example record's entries (examples/exante-qinghe-…)
// as the page's form posts them.
func exanteForm(t *testing.T) url.Values {
	t.Helper()
	path := "../../examples/exante-qinghe-health-2025.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Exante(path, data)
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	r := l.Value
	v := url.Values{"evaluator": {r.Evaluator}, "date": {r.Date.String()}, "period": {r.Project.Period},
		"subject": {r.Report.Subject}, "work": {r.Report.Work}, "assessment": {r.Report.Assessment}, "suggestions": {r.Report.Suggestions}}
	for code, in := range r.Scores {
		v.Set("level-"+code, in.Level)
		if in.Score != nil {
			v.Set("score-"+code, in.Score.String())
		}
		v.Set("work-"+code, in.Work)
		v.Set("reason-"+code, in.Reason)
		for _, c := range in.Checklist {
			if !c.Passed {
				v.Set("item-"+c.Item, "failed")
				v.Set("itemreason-"+c.Item, c.Reason)
				if c.Deduct != nil {
					v.Set("itemdeduct-"+c.Item, c.Deduct.String())
				}
			}
		}
	}
	return v
}

// The workspace of a declaration lists the new projects that need an
// ex-ante evaluation; the department's editor fills the one the
// department assesses, sees its score with the trace and downloads the
// report; the approver concludes it; the finance bureau's project is the
// reviewer's, not the editor's.
func TestExanteWeb(t *testing.T) {
	e := newEnv(t)
	dept, fin := exanteYear(t, e)
	deptPath := declPath + "/exante/" + url.PathEscape(dept)
	finPath := declPath + "/exante/" + url.PathEscape(fin)

	ws := e.get(editorA, declPath).Body.String()
	for _, want := range []string{"事前绩效评估", `href="` + deptPath + `"`, `href="` + finPath + `"`, "预算部门", "财政部门", "W186", "新增项目年初预算达到 100 万元"} {
		if !strings.Contains(ws, want) {
			t.Errorf("workspace lacks %q", want)
		}
	}

	page := e.get(editorA, deptPath).Body.String()
	for _, want := range []string{`name="level-X1.1"`, `name="item-X3.1.1"`, `name="subject"`, "评估主体 预算部门", "暂不能评分"} {
		if !strings.Contains(page, want) {
			t.Errorf("empty ex-ante page lacks %q", want)
		}
	}
	if p := e.get(reviewer, deptPath).Body.String(); strings.Contains(p, `name="evaluator"`) {
		t.Error("the reviewer gets the department's form")
	}
	if w := e.post(editorA, finPath, exanteForm(t)); w.Code != http.StatusForbidden {
		t.Errorf("editor saving the finance bureau's evaluation: %d", w.Code)
	}
	if w := e.post(approverA, deptPath, exanteForm(t)); w.Code != http.StatusForbidden {
		t.Errorf("approver saving: %d", w.Code)
	}

	// A bad date is refused with what was typed kept.
	form := exanteForm(t)
	form.Set("date", "2024-13-01")
	w := e.post(editorA, deptPath, form)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "评估报告日期") || !strings.Contains(w.Body.String(), template.HTMLEscapeString(string([]rune(form.Get("subject"))[:20]))) {
		t.Errorf("bad date: %d\n%s", w.Code, firstLines(w.Body.String(), 40))
	}

	w = e.post(editorA, deptPath, exanteForm(t))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", w.Code, firstLines(w.Body.String(), 40))
	}
	saved, err := e.st.ExanteEvaluation(context.Background(), codeA, 2024, dept)
	if err != nil || !saved.Scored || saved.Total.String() != "79.5" || saved.Conclusion != "support_adjusted" || saved.CreatedBy != editorA ||
		saved.Amount != money.Yuan(1_500_000) || saved.Record.Project.Name != e.record(codeA, 2024).Evaluation.Projects[1].Name {
		t.Fatalf("stored: scored %v total %s %s by %s amount %s: %v", saved.Scored, saved.Total, saved.Conclusion, saved.CreatedBy, saved.Amount.Wan(), err)
	}
	page = e.get(editorA, deptPath).Body.String()
	for _, want := range []string{"综合得分 <strong>79.5</strong>", "调整后予以支持", `href="` + deptPath + `/report.docx"`, "扣 ", `name="version" value="1"`} {
		if !strings.Contains(page, want) {
			t.Errorf("scored ex-ante page lacks %q", want)
		}
	}
	w = e.get(editorA, deptPath+"/report.docx")
	if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "PK") || !strings.Contains(w.Header().Get("Content-Disposition"), ".docx") {
		t.Errorf("report: %d %q", w.Code, w.Header().Get("Content-Disposition"))
	}

	// The approver concludes; the editor may not.
	conclude := url.Values{"version": {"1"}, "action": {"conclude"}}
	if w := e.post(editorA, deptPath+"/conclude", conclude); w.Code != http.StatusForbidden {
		t.Errorf("editor concluding: %d", w.Code)
	}
	if w := e.post(approverA, deptPath+"/conclude", conclude); w.Code != http.StatusSeeOther {
		t.Fatalf("conclude: %d\n%s", w.Code, firstLines(w.Body.String(), 30))
	}
	if saved, _ = e.st.ExanteEvaluation(context.Background(), codeA, 2024, dept); saved.Status != store.ExanteConcluded {
		t.Errorf("status %s", saved.Status)
	}
	// A concluded record is not edited.
	form = exanteForm(t)
	form.Set("version", "2")
	if w := e.post(editorA, deptPath, form); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "已出结论") {
		t.Errorf("save over a conclusion: %d", w.Code)
	}
	ws = e.get(reviewer, declPath).Body.String()
	i := strings.Index(ws, `href="`+deptPath+`"`)
	j := strings.Index(ws, `href="`+finPath+`"`)
	if i < 0 || j < 0 || !strings.Contains(ws[i:j], "79.5 分，调整后予以支持") || strings.Contains(ws[i:j], "W186") || !strings.Contains(ws[j:], "W186") {
		t.Errorf("workspace after the conclusion:\n%s", ws[max(0, i-200):min(len(ws), j+600)])
	}
	// The finance bureau's project is the reviewer's to fill.
	if w := e.post(reviewer, finPath, exanteForm(t)); w.Code != http.StatusSeeOther {
		t.Errorf("reviewer saving the finance evaluation: %d\n%s", w.Code, firstLines(w.Body.String(), 30))
	}
	if w := e.get(editorA, declPath+"/exante/NOPE"); w.Code != http.StatusNotFound {
		t.Errorf("unknown project: %d", w.Code)
	}
}

// At year end B1.1 预算编制 is decided from the records: a new project
// from the threshold without a supported ex-ante evaluation costs it, the
// trace naming the project; once its evaluation is concluded (a record
// beside the year, which does not change the year's version), the
// workspace scores it again and the trace names the record.
func TestExanteYearEnd(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.users[editorA]
	sc, err := e.srv.load(ctx, &u, codeA, "2023")
	if err != nil {
		t.Fatal(err)
	}
	ev, err := cloneEvaluation(sc.rec.Evaluation)
	if err != nil {
		t.Fatal(err)
	}
	p := &ev.Projects[1]
	p.Kind, p.Initial = evaluation.ProjectNew, money.Yuan(1_500_000)
	a := sc.rescore(ev, changeOptions())
	if a.Result == nil {
		t.Fatalf("not scored: %v", a.Findings.Errors())
	}
	if _, err := e.st.Update(ctx, codeA, yearA, ev, a.Result, sc.rec.Version, editorA, "新增项目"); err != nil {
		t.Fatal(err)
	}
	b1 := func() string {
		t.Helper()
		ws := e.get(reviewer, pathA).Body.String()
		i := strings.Index(ws, `<tr id="ind-B1"`)
		if i < 0 {
			t.Fatal("no B1 row")
		}
		j := strings.Index(ws[i:], "</tr>")
		return ws[i : i+j]
	}
	row := b1()
	if !strings.Contains(row, "扣 3 分") || !strings.Contains(row, p.Name) || !strings.Contains(row, "未开展事前绩效评估") {
		t.Errorf("B1 without an evaluation:\n%s", row)
	}
	version := e.version(codeA, yearA)

	rec := exanteRecordFor(t, codeA, yearA, p)
	saved, err := e.st.SaveExante(ctx, codeA, yearA, store.ExanteSave{Assessment: rec}, "operator", "导入")
	if err != nil {
		t.Fatal(err)
	}
	if row := b1(); !strings.Contains(row, "扣 3 分") || !strings.Contains(row, "尚未出具结论") {
		t.Errorf("B1 with a draft:\n%s", row)
	}
	if _, err := e.st.ConcludeExante(ctx, codeA, yearA, p.Code, saved.Version, true, "operator", ""); err != nil {
		t.Fatal(err)
	}
	row = b1()
	if strings.Contains(row, "扣 ") || !strings.Contains(row, "调整后予以支持，79.5 分") {
		t.Errorf("B1 with a supported evaluation:\n%s", row)
	}
	if v := e.version(codeA, yearA); v != version {
		t.Errorf("the year's version moved: %d → %d", version, v)
	}
}

// exanteRecordFor is the example ex-ante record, assessed, for project p
// of the year.
func exanteRecordFor(t *testing.T, code string, year int, p *evaluation.Project) *exante.Assessment {
	t.Helper()
	path := "../../examples/exante-qinghe-health-2025.yaml"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, ds := datafile.Exante(path, data)
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	r := l.Value
	r.Year, r.Department.Code = year, code
	r.Project.Code, r.Project.Name, r.Project.Amount = p.Code, p.Name, p.Initial
	lib, ds := datafile.LoadLibrary()
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	return exante.Assess(r, lib, exante.Options{})
}

// The declaration form's live check says W186 as soon as the editor
// marks a project new at an amount that needs an ex-ante evaluation, and
// not below it.
func TestExanteLiveOnDeclaration(t *testing.T) {
	e := newEnv(t)
	openDeclaration(t, e)
	form := declFormValues(t, e.get(editorA, declPath+"/edit").Body.String())
	form.Set("projects[1].kind", evaluation.ProjectNew)
	form.Set("projects[1].initial", "99万元")
	if frag := e.declPreview(form); strings.Contains(frag, "未开展事前绩效评估") {
		t.Errorf("W186 below the threshold:\n%s", firstLines(frag, 40))
	}
	form.Set("projects[1].initial", "150万元")
	if frag := e.declPreview(form); !strings.Contains(frag, "年初预算 150 万元，未开展事前绩效评估") {
		t.Errorf("no W186 from the threshold:\n%s", firstLines(frag, 60))
	}
}
