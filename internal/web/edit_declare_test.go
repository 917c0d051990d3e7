package web

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/framework"
	"github.com/jixiao/jixiao/internal/money"
	"github.com/jixiao/jixiao/internal/workbook"
	"github.com/jixiao/jixiao/internal/workflow"
)

// declPath is the Tianhe office's 2024, opened in the declaration stage.
const declPath = "/evaluations/" + codeA + "/2024"

// openDeclaration opens Tianhe's 2024 from 2023 as its editor would.
func openDeclaration(t *testing.T, e *env) {
	t.Helper()
	w := e.post(editorA, "/years/open", url.Values{"code": {codeA}, "year": {"2024"}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("open 2024: %d\n%s", w.Code, firstLines(w.Body.String(), 40))
	}
	if rec := e.record(codeA, 2024); rec.Stage != workflow.Declaration {
		t.Fatalf("2024 opened in %s", rec.Stage)
	}
}

// declFormValues is the declaration form as a browser posts it: the
// edit form's inputs plus the hidden row counts and ticked checkboxes.
func declFormValues(t *testing.T, page string) url.Values {
	t.Helper()
	v := editFormValues(t, page)
	for _, m := range regexp.MustCompile(`<input type="hidden" name="(rows\.[^"]+)" value="(\d+)">`).FindAllStringSubmatch(page, -1) {
		v.Set(unescapeAttr(m[1]), m[2])
	}
	for _, m := range regexp.MustCompile(`<input id="[^"]*" name="(remove\.[^"]+)" type="checkbox" value="1" checked>`).FindAllStringSubmatch(page, -1) {
		v.Set(unescapeAttr(m[1]), "1")
	}
	return v
}

// declAdd presses an add button of the form and returns the page shown.
func declAdd(t *testing.T, e *env, form url.Values, list string) string {
	t.Helper()
	return pressAdd(t, e, declPath, form, list)
}

// pressAdd presses an add button of the edit form of the year at path
// and returns the page shown.
func pressAdd(t *testing.T, e *env, path string, form url.Values, list string) string {
	t.Helper()
	form = cloneValues(form)
	form.Set("add", list)
	w := e.post(editorA, path+"/edit", form)
	if w.Code != http.StatusOK {
		t.Fatalf("add %s: %d\n%s", list, w.Code, firstLines(w.Body.String(), 80))
	}
	return w.Body.String()
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// preview asks the live check as htmx does and returns the fragment.
func (e *env) declPreview(form url.Values) string {
	e.t.Helper()
	w := e.do(req{method: "POST", path: declPath + "/edit/preview", token: e.session(editorA), form: form, header: map[string]string{"HX-Request": "true"}})
	if w.Code != http.StatusOK {
		e.t.Fatalf("preview: %d\n%s", w.Code, firstLines(w.Body.String(), 40))
	}
	return w.Body.String()
}

// TestDeclarationEdit: in the declaration stage the editor's form is the
// declaration, without year-end fields; the editor adds a project with
// three indicators (each row by its add button), removes a department
// target and changes a quarterly milestone in one save; history names
// every field in Chinese.
func TestDeclarationEdit(t *testing.T) {
	e := newEnv(t)
	openDeclaration(t, e)
	before := e.record(codeA, 2024)
	ws := e.get(editorA, declPath).Body.String()
	if !strings.Contains(ws, `href="`+declPath+`/edit"`) || !strings.Contains(ws, "在线填写绩效目标申报") {
		t.Fatalf("the workspace of a declaration offers no declaration form")
	}
	w := e.get(editorA, declPath+"/edit")
	page := w.Body.String()
	if w.Code != 200 {
		t.Fatalf("declaration form: %d\n%s", w.Code, firstLines(page, 60))
	}
	for _, want := range []string{"部门整体支出绩效目标申报", "部门整体绩效目标", `name="targets[0].milestones.q2"`, `name="projects[0].funds.own"`,
		`name="remove.targets[0]"`, `name="add" value="projects"`, `name="add" value="projects[0].targets"`} {
		if !strings.Contains(page, want) {
			t.Errorf("declaration form lacks %q", want)
		}
	}
	for _, yearEnd := range []string{`.actual"`, `.level"`, `.executed"`, `finance.expenditure`, `.deviation"`} {
		if strings.Contains(page, yearEnd) {
			t.Errorf("declaration form shows a year-end field %s", yearEnd)
		}
	}

	// Add a project, then three indicators to it, each by its button;
	// what was typed before a button survives it.
	form := declFormValues(t, page)
	np := len(before.Evaluation.Projects)
	pp := "projects[" + strconv.Itoa(np) + "]"
	page = declAdd(t, e, form, "projects")
	if !strings.Contains(page, `name="`+pp+`.name"`) || strings.Contains(page, "修改未保存") {
		t.Fatalf("after adding a project the form has no %s, or shows errors:\n%s", pp, firstLines(page, 80))
	}
	form = declFormValues(t, page)
	form.Set(pp+".name", "政务服务“一网通办”推广经费")
	form.Set(pp+".code", "P2024-09")
	form.Set(pp+".kind", evaluation.ProjectNew)
	form.Set(pp+".initial", "120万元")
	form.Set(pp+".goal", "推广一网通办，提升办事便利度。")
	for i := range 3 {
		page = declAdd(t, e, form, pp+".targets")
		form = declFormValues(t, page)
		if form.Get(pp+".name") != "政务服务“一网通办”推广经费" {
			t.Fatalf("add button %d lost the project name: %q", i, form.Get(pp+".name"))
		}
	}
	for j, ind := range []struct{ cat, sub, name, dir, target, unit string }{
		{framework.CategoryOutput, "数量指标", "推广事项数", framework.AtLeast, "150", "项"},
		{framework.CategoryOutput, "时效指标", "按期上线率", framework.AtLeast, "95", "%"},
		{framework.CategoryEffect, "社会效益指标", "群众办事便利度", framework.Qualitative, "明显提升", ""},
	} {
		p := pp + ".targets[" + strconv.Itoa(j) + "]"
		form.Set(p+".category", ind.cat)
		form.Set(p+".subcategory", ind.sub)
		form.Set(p+".name", ind.name)
		form.Set(p+".direction", ind.dir)
		form.Set(p+".target", ind.target)
		form.Set(p+".unit", ind.unit)
		form.Set(p+".basis", evaluation.BasisPlan)
	}
	// Remove the first department target; change a milestone of the
	// first project's first quantitative indicator.
	removedName := before.Evaluation.Targets[0].Name
	form.Set("remove.targets[0]", "1")
	qi := -1
	for j, tg := range before.Evaluation.Projects[0].Targets {
		if tg.Direction == framework.AtLeast {
			qi = j
			break
		}
	}
	if qi < 0 {
		t.Fatal("no ≥ indicator in the first project")
	}
	q := "projects[0].targets[" + strconv.Itoa(qi) + "]"
	ind := before.Evaluation.Projects[0].Targets[qi]
	form.Set(q+".milestones.q1", "")
	form.Set(q+".milestones.q2", "")
	form.Set(q+".milestones.q3", "")
	form.Set(q+".milestones.q4", ind.Target)
	form.Set("reason", "申报新增项目，删除已完成的目标")
	w = e.post(editorA, declPath+"/edit", form)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", w.Code, firstLines(w.Body.String(), 120))
	}
	after := e.record(codeA, 2024)
	if after.Version != before.Version+1 || after.Stage != workflow.Declaration {
		t.Fatalf("version %d → %d, stage %s", before.Version, after.Version, after.Stage)
	}
	ev := after.Evaluation
	if len(ev.Projects) != np+1 {
		t.Fatalf("%d projects, want %d", len(ev.Projects), np+1)
	}
	got := ev.Projects[np]
	if got.Name != "政务服务“一网通办”推广经费" || got.Code != "P2024-09" || got.Kind != evaluation.ProjectNew || got.Initial != money.Yuan(1_200_000) || len(got.Targets) != 3 {
		t.Fatalf("new project %+v", got)
	}
	if got.Targets[1].Name != "按期上线率" || got.Targets[1].Subcategory != "时效指标" || got.Targets[1].Target != "95" || got.Targets[2].Direction != framework.Qualitative {
		t.Errorf("new indicators %+v", got.Targets)
	}
	if len(ev.Targets) != len(before.Evaluation.Targets)-1 || ev.Targets[0].Name == removedName {
		t.Errorf("targets after removing %q: %d, first %q", removedName, len(ev.Targets), ev.Targets[0].Name)
	}
	if m := ev.Projects[0].Targets[qi].Milestones; m == nil || m.Q4 != ind.Target || m.Q1 != "" {
		t.Errorf("milestones %+v", m)
	}
	// History: one row per changed field, each named in Chinese.
	hs := historyAt(t, e, codeA, 2024, after.Version)
	paths := map[string]bool{}
	for _, h := range hs {
		paths[h.Path] = true
		if h.Reason != "修改绩效目标申报：申报新增项目，删除已完成的目标" || h.Actor != editorA {
			t.Errorf("history row %+v", h)
		}
	}
	for _, p := range []string{pp + ".name", pp + ".targets[2].name", q + ".milestones.q4"} {
		if !paths[p] {
			t.Errorf("history lacks %s", p)
		}
	}
	hist := e.get(editorA, declPath+"/history").Body.String()
	for _, want := range []string{"项目“政务服务“一网通办”推广经费”", "四季度", "120"} {
		if !strings.Contains(hist, want) {
			t.Errorf("history page lacks %q", want)
		}
	}
	for _, raw := range []string{">" + pp + ".name<", ">" + q + ".milestones.q4<"} {
		if strings.Contains(hist, raw) {
			t.Errorf("history page shows the raw path %s", raw)
		}
	}
}

// TestDeclarationChecks: the live check shows a target-quality warning
// beside its field as the editor types and drops it when the entry is
// put right; a bad amount is refused next to its field and nothing is
// saved; a form made from an older version is 409.
func TestDeclarationChecks(t *testing.T) {
	e := newEnv(t)
	openDeclaration(t, e)
	before := e.record(codeA, 2024)
	form := declFormValues(t, e.get(editorA, declPath+"/edit").Body.String())
	form.Set("reason", "检查")
	qi := -1
	for j, tg := range before.Evaluation.Projects[0].Targets {
		if tg.Direction == framework.AtLeast && tg.Unit != "" {
			qi = j
			break
		}
	}
	if qi < 0 {
		t.Fatal("no ≥ indicator with a unit in the first project")
	}
	q := "projects[0].targets[" + strconv.Itoa(qi) + "]"
	id := editFieldID("f-", q+".target")
	name := before.Evaluation.Projects[0].Targets[qi].Name
	warn := "指标“" + name + "”的指标值为“≥0”"
	if frag := e.declPreview(form); strings.Contains(frag, warn) {
		t.Fatalf("the stored declaration already has %q", warn)
	}
	zero := cloneValues(form)
	zero.Set(q+".target", "0")
	frag := e.declPreview(zero)
	if !strings.Contains(frag, warn) || !strings.Contains(frag, `href="#`+id+`"`) || !strings.Contains(frag, "绩效目标质量审核") {
		t.Fatalf("≥0 gives no W194 linked to %s:\n%s", id, frag)
	}
	// The full page (the no-script 检查 button) shows it on the field.
	w := e.post(editorA, declPath+"/edit/preview", zero)
	if !regexp.MustCompile(`id="` + id + `-warn" class="field-warning">提示：[^<]*≥0`).MatchString(w.Body.String()) {
		t.Errorf("the field %s shows no warning", id)
	}
	zero.Set(q+".target", "5")
	if frag := e.declPreview(zero); strings.Contains(frag, warn) {
		t.Errorf("the warning stays after the value is put right:\n%s", frag)
	}
	// Removing a project's only 时效 indicator makes W190 name it.
	pi, ti := -1, -1
	for i, p := range before.Evaluation.Projects {
		n, at := 0, -1
		for j, tg := range p.Targets {
			if tg.Subcategory == "时效指标" {
				n, at = n+1, j
			}
		}
		if n == 1 {
			pi, ti = i, at
			break
		}
	}
	if pi < 0 {
		t.Fatal("no project with exactly one 时效 indicator")
	}
	pname := before.Evaluation.Projects[pi].Name
	w190 := regexp.MustCompile("项目“" + regexp.QuoteMeta(pname) + "”缺少产出指标中的[^<]*时效指标")
	if frag := e.declPreview(form); w190.MatchString(frag) {
		t.Fatalf("%s already lacks a 时效 indicator", pname)
	}
	rm := cloneValues(form)
	rm.Set(fmt.Sprintf("remove.projects[%d].targets[%d]", pi, ti), "1")
	if frag := e.declPreview(rm); !w190.MatchString(frag) {
		t.Errorf("removing the 时效 indicator of %s gives no W190:\n%s", pname, frag)
	}

	// A bad amount: refused on its field, named, nothing saved.
	bad := cloneValues(form)
	bad.Set("projects[0].initial", "12万x")
	bad.Set("declaration.funds.own", "1,2,3")
	w = e.post(editorA, declPath+"/edit", bad)
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad amount: %d", w.Code)
	}
	for _, f := range []string{"projects[0].initial", "declaration.funds.own"} {
		fid := editFieldID("f-", f)
		if !regexp.MustCompile(`id="` + fid + `-err" class="field-error">金额格式不正确（应为元或万元`).MatchString(body) {
			t.Errorf("%s: no error beside the field", f)
		}
	}
	if !strings.Contains(body, before.Evaluation.Projects[0].Name) || !strings.Contains(body, `value="12万x"`) {
		t.Errorf("the refusal does not name the project or lost what was typed")
	}
	if e.record(codeA, 2024).Version != before.Version {
		t.Fatal("a bad amount was saved")
	}

	// A stale version: 409, nothing saved.
	ok := cloneValues(form)
	ok.Set("overall_goal", "新的年度总体目标。")
	if w := e.post(editorA, declPath+"/edit", ok); w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	v := e.record(codeA, 2024).Version
	ok.Set("overall_goal", "再改一次。")
	if w := e.post(editorA, declPath+"/edit", ok); w.Code != http.StatusConflict {
		t.Errorf("stale form: %d, want 409", w.Code)
	}
	if got := e.record(codeA, 2024); got.Version != v || got.Evaluation.OverallGoal != "新的年度总体目标。" {
		t.Errorf("stale form saved: version %d, goal %q", got.Version, got.Evaluation.OverallGoal)
	}
}

// TestDeclarationAccess: the approver and other departments may not
// change a declaration; once submitted the editor may not either; in the
// execution stage the declared targets are frozen. The self-score forms
// stay closed before the evaluation stage.
func TestDeclarationAccess(t *testing.T) {
	e := newEnv(t)
	openDeclaration(t, e)
	for user, want := range map[string]int{approverA: 403, editorB: 404, reviewer: 403} {
		if w := e.get(user, declPath+"/edit"); w.Code != want {
			t.Errorf("%s: %d, want %d", user, w.Code, want)
		}
	}
	ws := e.get(editorA, declPath).Body.String()
	if strings.Contains(ws, "修改自评得分") {
		t.Error("a declaration offers the self-score forms")
	}
	v := strconv.Itoa(e.version(codeA, 2024))
	if w := e.post(editorA, declPath+"/transition", url.Values{"to": {workflow.Submitted}, "version": {v}}); w.Code != 303 {
		t.Fatalf("submit: %d", w.Code)
	}
	if w := e.get(editorA, declPath+"/edit"); w.Code != 403 {
		t.Errorf("submitted declaration: %d, want 403", w.Code)
	}
	for _, step := range []struct{ user, to string }{{approverA, workflow.Approved}, {reviewer, workflow.UnderReview}, {reviewer, workflow.Draft}} {
		v := strconv.Itoa(e.version(codeA, 2024))
		if w := e.post(step.user, declPath+"/transition", url.Values{"to": {step.to}, "version": {v}}); w.Code != 303 {
			t.Fatalf("%s → %s: %d", step.user, step.to, w.Code)
		}
	}
	if rec := e.record(codeA, 2024); rec.Stage != workflow.Execution || rec.Status != workflow.Draft {
		t.Fatalf("after 批复: %s %s", rec.Stage, rec.Status)
	}
	// In execution the form holds the registers alone; the workbook is
	// not offered.
	w := e.get(editorA, declPath+"/edit")
	page := w.Body.String()
	if w.Code != 200 || !strings.Contains(page, "添加固定资产") || strings.Contains(page, `name="targets[0].target"`) || strings.Contains(page, "上传填报表") {
		t.Errorf("execution stage: %d\n%s", w.Code, firstLines(page, 40))
	}
	if ws := e.get(editorA, declPath).Body.String(); !strings.Contains(ws, "在线修改台账") || strings.Contains(ws, "上传填报表") {
		t.Error("the workspace of an execution-stage year does not offer the registers form alone")
	}
	form := declFormValues(t, page)
	form.Set("add", "registers.assets")
	page = e.post(editorA, declPath+"/edit", form).Body.String()
	form = declFormValues(t, page)
	n := len(e.record(codeA, 2024).Evaluation.Registers.Assets)
	a := "registers.assets[" + strconv.Itoa(n) + "]"
	form.Set(a+".number", "GZTH-ZC-2024-001")
	form.Set(a+".name", "笔记本电脑")
	form.Set(a+".value", "6,500.00")
	form.Set(a+".last_inventory", "2024-06-30")
	form.Set("reason", "新购资产入账")
	if w := e.post(editorA, declPath+"/edit", form); w.Code != 303 {
		t.Fatalf("execution stage, save an asset: %d\n%s", w.Code, firstLines(w.Body.String(), 60))
	}
	if got := e.record(codeA, 2024).Evaluation.Registers.Assets; len(got) != n+1 || got[n].Name != "笔记本电脑" || got[n].Value != 650_000 {
		t.Errorf("assets after the save: %+v", got[n:])
	}
	if w := e.uploadFile(editorA, declPath+"/workbook", strconv.Itoa(e.version(codeA, 2024)), "上传", "x.xlsx", []byte("x")); w.Code != 403 {
		t.Errorf("workbook upload in execution: %d", w.Code)
	}
}

// TestDeclarationWorkbook: the workbook round trip works in the
// declaration stage, the upload assessed for the stage: the downloaded
// workbook goes back unchanged, and one with a year-end value entered
// early is refused naming it (E184).
func TestDeclarationWorkbook(t *testing.T) {
	e := newEnv(t)
	openDeclaration(t, e)
	data := e.downloadWorkbook(editorA, declPath)
	v := strconv.Itoa(e.version(codeA, 2024))
	w := e.uploadFile(editorA, declPath+"/workbook", v, "核对申报", "天河2024.xlsx", data)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	if flash := e.flashAfter(editorA, w); !strings.Contains(flash, "没有修改任何数据") && !strings.Contains(flash, "绩效目标申报已更新") {
		t.Errorf("flash %q", flash)
	}
	rec := e.record(codeA, 2024)
	wb := openXLSX(t, data)
	cell := wb.cell(workbook.SheetTargets, "三级指标", rec.Evaluation.Targets[0].Name, "实际完成值")
	wb.set(workbook.SheetTargets, cell, "12")
	w = e.uploadFile(editorA, declPath+"/workbook", strconv.Itoa(rec.Version), "提前填写实际值", "天河2024.xlsx", wb.bytes())
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "开始年终自评") {
		t.Errorf("a year-end value in a declaration: %d\n%s", w.Code, firstLines(w.Body.String(), 80))
	}
	if e.record(codeA, 2024).Version != rec.Version {
		t.Error("the refused workbook was saved")
	}
}
