package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/calendar"
	"github.com/jixiao/jixiao/internal/datafile"
	"github.com/jixiao/jixiao/internal/evaluation"
	"github.com/jixiao/jixiao/internal/scoring"
	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workbook"
)

// storeOtherYear stores department A's data again as another year.
func storeOtherYear(t *testing.T, e *env, year int) {
	t.Helper()
	rec := e.record(codeA, yearA)
	ev, err := cloneEvaluation(rec.Evaluation)
	if err != nil {
		t.Fatal(err)
	}
	ev.Year = year
	lib, ds := datafile.LoadLibrary()
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	res, ds := scoring.ScoreWith(ev, lib, calendar.ScoringOptions())
	if ds.Err() != nil {
		t.Fatal(ds)
	}
	fw, _ := lib.Framework(ev.Framework)
	en := store.Entry{Source: "other-year.yaml", Evaluation: ev, Result: res, Framework: fw}
	if len(ev.Projects) > 0 {
		en.ProjectFramework, _ = lib.Framework(ev.ProjectFrameworkID())
	}
	if _, err := e.st.Import(context.Background(), []store.Entry{en}, "test", "测试"); err != nil {
		t.Fatal(err)
	}
}

// An editor's workbook stating another department name (and region) does
// not rename the department: not this year, not the other years, not the
// lists; the data stored carries the registered name, and the editor is
// told so.
func TestUploadKeepsDepartmentMasterData(t *testing.T) {
	e := newEnv(t)
	storeOtherYear(t, e, yearA-1)
	before := e.record(codeA, yearA)
	name, region := before.Department, before.Region

	wb := openXLSX(t, e.downloadWorkbook(editorA, pathA))
	wb.set(workbook.SheetBasic, wb.cell(workbook.SheetBasic, rowLabelHeader, "部门名称", "内容"), "天河区政府办（自行改名）")
	wb.set(workbook.SheetBasic, wb.cell(workbook.SheetBasic, rowLabelHeader, "地区", "内容"), "别的区")
	wb.setNumber(workbook.SheetFinance, wb.cell(workbook.SheetFinance, rowLabelHeader, "全年预算数", financeAmountHeader), 41357900)
	w := e.uploadFile(editorA, pathA+"/workbook", strconv.Itoa(before.Version), "更正预算", "天河.xlsx", wb.bytes())
	page := e.flashAfter(editorA, w)
	for _, want := range []string{"部门名称“天河区政府办（自行改名）”与系统登记的“" + name + "”不一致，以系统登记为准", "所属地区“别的区”", "请联系管理员"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page after the upload does not say %q", want)
		}
	}
	after := e.record(codeA, yearA)
	if after.Version != before.Version+1 || after.Evaluation.Finance.Budget.Adjusted == before.Evaluation.Finance.Budget.Adjusted {
		t.Fatalf("the rest of the upload was not saved: version %d → %d", before.Version, after.Version)
	}
	if after.Department != name || after.Evaluation.Department.Name != name || after.Evaluation.Department.Region != region {
		t.Errorf("this year: listed %q, stored %q in %q", after.Department, after.Evaluation.Department.Name, after.Evaluation.Department.Region)
	}
	if other := e.record(codeA, yearA-1); other.Department != name || other.Version != 1 {
		t.Errorf("the other year: %q version %d", other.Department, other.Version)
	}
	list, err := e.st.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range list {
		if l.DepartmentCode == codeA && l.Department != name {
			t.Errorf("list: %+v", l)
		}
	}
	if body := e.get(reviewer, "/departments").Body.String(); strings.Contains(body, "自行改名") {
		t.Error("the department list shows the editor's name")
	}
	if h, err := e.st.DepartmentHistory(context.Background(), codeA); err != nil || len(h) == 0 || h[len(h)-1].Field != "region" && h[len(h)-1].Field != "create" {
		t.Errorf("department history changed by an upload: %+v, %v", h, err)
	}
}

// An administrator's change of master data is in the department's
// history with the administrator and the reason, and needs a reason.
func TestAdminRenameRecorded(t *testing.T) {
	e := newEnv(t)
	rec := e.record(codeA, yearA)
	form := url.Values{"code": {codeA}, "name": {"天河区人民政府办公室（新）"}, "parent": {rec.Parent}, "region": {rec.Region}}
	if w := e.adminPost("/admin/departments", form); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "必须填写原因") {
		t.Errorf("rename without a reason: %d", w.Code)
	}
	form.Set("reason", "机构改革更名")
	if w := e.adminPost("/admin/departments", form); w.Code != http.StatusSeeOther {
		t.Fatalf("rename: %d\n%s", w.Code, firstLines(w.Body.String(), 60))
	}
	h, err := e.st.DepartmentHistory(context.Background(), codeA)
	if err != nil {
		t.Fatal(err)
	}
	last := h[len(h)-1]
	if last.Field != "name" || last.Actor != admin || last.Old != rec.Department || last.New != "天河区人民政府办公室（新）" || last.Reason != "机构改革更名" {
		t.Errorf("history: %+v", h)
	}
	if got := e.record(codeA, yearA).Department; got != "天河区人民政府办公室（新）" {
		t.Errorf("listed as %q", got)
	}
	// The workbook the editor downloads carries the registered name.
	wb := openXLSX(t, e.downloadWorkbook(editorA, pathA))
	if v, _ := wb.f.GetCellValue(workbook.SheetBasic, wb.cell(workbook.SheetBasic, rowLabelHeader, "部门名称", "内容")); v != "天河区人民政府办公室（新）" {
		t.Errorf("the workbook names the department %q", v)
	}
	page := e.get(admin, "/admin/departments?code="+codeA).Body.String()
	if !strings.Contains(page, "机构改革更名") || !strings.Contains(page, "修改记录") {
		t.Error("the department page does not show the history")
	}
}

// badTexts are the texts every boundary refuses in a name: NUL, a
// right-to-left override, a line break, and one character over the limit.
func badTexts() map[string]string {
	return map[string]string{
		"NUL":       "天河\x00办",
		"U+202E":    "天河\u202e办",
		"line":      "天河\n办",
		"over-long": strings.Repeat("办", evaluation.Limits.Name+1),
	}
}

// Text that breaks the rule is refused with the field named, 422 and not
// 500 (on PostgreSQL a NUL used to be an internal error), and nothing is
// written: in a workbook's department name, indicator name and narrative,
// in the edit form, in a comment, in the administrator's department form.
func TestTextRefusedAtBoundary(t *testing.T) {
	e := newEnv(t)
	before := e.record(codeA, yearA)
	nothingWritten := func(what string) {
		t.Helper()
		r := e.record(codeA, yearA)
		if r.Version != before.Version || r.Department != before.Department {
			t.Errorf("%s: written (version %d → %d, name %q)", what, before.Version, r.Version, r.Department)
		}
	}
	blank := e.downloadWorkbook(editorA, pathA)
	for kind, bad := range badTexts() {
		for _, c := range []struct {
			field string
			edit  func(wb *xlsxEdit)
		}{
			{"部门名称", func(wb *xlsxEdit) {
				wb.set(workbook.SheetBasic, wb.cell(workbook.SheetBasic, rowLabelHeader, "部门名称", "内容"), bad)
			}},
			{"指标名称", func(wb *xlsxEdit) {
				wb.set(workbook.SheetTargets, wb.cell(workbook.SheetTargets, "编码", before.Evaluation.Targets[0].Code, "三级指标"), bad)
			}},
			{"履职效能分析", func(wb *xlsxEdit) {
				v := bad
				if kind == "line" {
					return // a paragraph may break lines
				}
				if kind == "over-long" {
					v = strings.Repeat("成", evaluation.Limits.Paragraph+1)
				}
				wb.set(workbook.SheetBasic, wb.cell(workbook.SheetBasic, rowLabelHeader, "履职成效", "内容"), v)
			}},
		} {
			if kind == "NUL" {
				// A workbook cannot carry a NUL: XML 1.0 has no such
				// character and the reader drops it. The edit form, the
				// comment and the department form below get it.
				continue
			}
			wb := openXLSX(t, blank)
			c.edit(wb)
			data := wb.bytes()
			if string(data) == string(blank) {
				continue
			}
			w := e.uploadFile(editorA, pathA+"/workbook", strconv.Itoa(before.Version), "测试", "天河.xlsx", data)
			body := w.Body.String()
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, c.field) {
				t.Errorf("workbook %s in %s: %d, want 422 naming the field\n%s", kind, c.field, w.Code, firstLines(body, 40))
			}
			nothingWritten("workbook " + kind + " " + c.field)
		}

		// The edit form's paragraph (a deviation) and one-line text.
		page := e.get(editorA, pathA+"/edit").Body.String()
		form := editFormValues(t, page)
		if kind != "line" {
			v := bad
			if kind == "over-long" {
				v = strings.Repeat("因", evaluation.Limits.Paragraph+1)
			}
			form.Set("targets[0].deviation", v)
		} else {
			form.Set("reason", "原因\x1b")
		}
		if kind != "line" {
			form.Set("reason", "测试")
		}
		w := e.post(editorA, pathA+"/edit", form)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), map[bool]string{true: "修改原因", false: "偏差原因"}[kind == "line"]) {
			t.Errorf("edit form %s: %d, want 422 naming the field\n%s", kind, w.Code, firstLines(w.Body.String(), 40))
		}
		nothingWritten("edit form " + kind)

		// A comment (a paragraph: a line break is fine there).
		if kind != "line" {
			v := bad
			if kind == "over-long" {
				v = strings.Repeat("意", 5001)
			}
			w = e.post(reviewer, pathA+"/comments", url.Values{"body": {v}})
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "意见内容") {
				t.Errorf("comment %s: %d, want 422 naming the field", kind, w.Code)
			}
			if cs, err := e.st.Comments(context.Background(), codeA, yearA); err != nil || len(cs) != 0 {
				t.Errorf("comment %s stored: %v, %v", kind, cs, err)
			}
		}

		// The administrator's department form.
		w = e.adminPost("/admin/departments", url.Values{"code": {codeA}, "name": {bad}, "reason": {"测试"}})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "部门名称") {
			t.Errorf("department name %s: %d, want 422 naming the field", kind, w.Code)
		}
		w = e.adminPost("/admin/departments", url.Values{"code": {codeA}, "name": {before.Department}, "region": {bad}, "reason": {"测试"}})
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "所属地区") {
			t.Errorf("department region %s: %d, want 422 naming the field", kind, w.Code)
		}
		nothingWritten("department form " + kind)
	}
	// A NUL in a path or a sign-in name is no record and no account, not
	// an internal error.
	if w := e.get(reviewer, "/evaluations/106%00001/2023"); w.Code != http.StatusNotFound {
		t.Errorf("NUL in the path: %d, want 404", w.Code)
	}
	if w := e.do(req{method: "POST", path: "/login", form: url.Values{"username": {"adm\x00in"}, "password": {password}}}); w.Code >= 500 {
		t.Errorf("NUL in the username: %d", w.Code)
	}
}

// Text outside evaluations — a self-score reason, a transition reason, a
// review reason, a display name — is refused with the field named, 422
// and not 500, and nothing is written.
func TestTextRefusedOutsideEvaluations(t *testing.T) {
	e := newEnv(t)
	version := func() string { return strconv.Itoa(e.version(codeA, yearA)) }
	before := e.version(codeA, yearA)
	check := func(what, field string, w interface {
		Result() *http.Response
	}, body string) {
		t.Helper()
		if code := w.Result().StatusCode; code != http.StatusUnprocessableEntity || !strings.Contains(body, field) {
			t.Errorf("%s: %d, want 422 naming %s\n%s", what, code, field, firstLines(body, 30))
		}
	}
	w := e.post(editorA, pathA+"/scores/B4", url.Values{"item": {"B4.1"}, "outcome": {"failed"}, "reason": {"未制定\x00实施细则"}, "version": {version()}})
	check("self-score reason", "检查项说明", w, w.Body.String())
	w = e.post(editorA, pathA+"/transition", url.Values{"to": {"submitted"}, "comment": {"提交\u202e说明"}, "version": {version()}})
	check("transition reason", "原因", w, w.Body.String())
	if v := e.version(codeA, yearA); v != before {
		t.Errorf("written: version %d → %d", before, v)
	}
	f := adminNewUserForm("new-editor")
	f.Set("display_name", "新\u202e填报人")
	w = e.adminPost("/admin/users", f)
	check("display name", "显示名称", w, w.Body.String())
	if u, err := e.st.ListUsers(context.Background()); err != nil || len(u) != len(seedUsers) {
		t.Errorf("users after the refusal: %d, %v", len(u), err)
	}
	e.advance("under_review")
	w = e.post(reviewer, pathA+"/review/B4", url.Values{"score": {"10"}, "reason": {"复核\x00"}, "version": {version()}})
	check("review reason", "复核理由", w, w.Body.String())
	if rs, err := e.st.ReviewScores(context.Background(), codeA, yearA); err != nil || len(rs) != 0 {
		t.Errorf("review scores after the refusal: %v, %v", rs, err)
	}
}
