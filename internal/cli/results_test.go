package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
	"github.com/xuri/excelize/v2"
)

// acceptTianhe imports the Tianhe example and walks it to accepted as
// the people of the workflow would.
func acceptTianhe(t *testing.T) {
	t.Helper()
	t.Setenv("JIXIAO_DB", filepath.Join(t.TempDir(), "j.db"))
	if _, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatal(errs)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, os.Getenv("JIXIAO_DB"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	users := map[string]store.User{}
	for _, role := range []string{workflow.Editor, workflow.Approver, workflow.Reviewer} {
		dept := "106001"
		if role == workflow.Reviewer {
			dept = ""
		}
		u, err := st.CreateUser(ctx, store.User{Username: role, DisplayName: role, Role: role, DepartmentCode: dept}, "a-long-password-1")
		if err != nil {
			t.Fatal(err)
		}
		users[role] = u
	}
	rec, err := st.Get(ctx, "106001", 2023)
	if err != nil {
		t.Fatal(err)
	}
	v := rec.Version
	for _, m := range []struct{ to, role string }{{workflow.Submitted, workflow.Editor}, {workflow.Approved, workflow.Approver},
		{workflow.UnderReview, workflow.Reviewer}, {workflow.Accepted, workflow.Reviewer}} {
		if v, err = st.Transition(ctx, "106001", 2023, m.to, users[m.role], "", v); err != nil {
			t.Fatal(m.to, err)
		}
	}
}

func TestResultsCommand(t *testing.T) {
	acceptTianhe(t)
	out, errs, code := run(t, "results", "2023")
	if code != 0 || !strings.Contains(out, "2023 年度绩效评价结果应用：1 个部门年度") || !strings.Contains(out, "部门整体") ||
		!strings.Contains(out, "THZFB-2023-01 政务值班值守保障经费") || !strings.Contains(out, "未决定") {
		t.Fatalf("text: exit %d\n%s%s", code, out, errs)
	}
	js, errs, code := run(t, "results", "2023", "--format", "json")
	var rows []resultRowJSON
	if code != 0 || json.Unmarshal([]byte(js), &rows) != nil || len(rows) < 2 {
		t.Fatalf("json: exit %d %s\n%s", code, errs, js)
	}
	if r := rows[0]; r.Scope != "department" || r.Grade == "" || r.Rule == "" || r.Suggested == "" || !strings.Contains(r.Trace, r.Rule) || r.BaseName != "年初预算数" {
		t.Errorf("department row %+v", r)
	}
	if r := rows[1]; r.Type != "recurring" || r.ProjectCode == "" {
		t.Errorf("project row %+v", r)
	}
	xlsx := filepath.Join(t.TempDir(), "r.xlsx")
	if _, errs, code := run(t, "results", "2023", "--format", "xlsx", "-o", xlsx); code != 0 {
		t.Fatal(errs)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("结果应用", "A1"); v != "2023年度绩效评价结果应用表" {
		t.Errorf("title %q", v)
	}
	if v, _ := f.GetCellValue("结果应用", "N2"); v != "处理建议" {
		t.Errorf("heading N2 %q", v)
	}
	if typ, _ := f.GetCellType("结果应用", "O3"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("budget cell type %v: want a number", typ)
	}
	if v, _ := f.GetCellValue("结果应用", "Q4"); v != "未决定" {
		t.Errorf("decision Q4 %q", v)
	}
	panes, err := f.GetPanes("结果应用")
	if err != nil || !panes.Freeze || panes.YSplit != 2 {
		t.Errorf("panes %+v %v", panes, err)
	}
	for _, args := range [][]string{
		{"results"},
		{"results", "二〇二三"},
		{"results", "2023", "--format", "xlsx"},
		{"results", "2023", "--format", "xml"},
		{"results", "2023", "--grade", "合格"},
	} {
		_, errs, code := run(t, args...)
		if code == 0 || englishIn(errs) != nil {
			t.Errorf("jixiao %s: exit %d %q", strings.Join(args, " "), code, errs)
		}
	}
}

// A results rules file in the rules directory replaces the built-in one:
// the local rule's suggestion is what the command gives.
func TestResultsLocalRules(t *testing.T) {
	acceptTianhe(t)
	base, err := os.ReadFile("../../rules/results-default.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The local rule: a department graded 优 or 良 is funded as needed
	// (据实保障) instead of having its total kept (保障预算总额).
	local := strings.Replace(string(base), "id: results-default", "id: results-local", 1)
	local = strings.Replace(local, "suggestion: protect_total", "suggestion: as_needed", 1)
	if local == string(base) {
		t.Fatal("the built-in file changed: the test's edit no longer applies")
	}
	out, errs, code := run(t, "results", "2023", "--format", "json")
	if code != 0 || !strings.Contains(out, "保障预算总额") {
		t.Fatalf("built-in rules: exit %d\n%s%s", code, out, errs)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "results-local.yaml"), []byte(local), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("JIXIAO_RULES", dir)
	out, errs, code = run(t, "results", "2023", "--format", "json")
	if code != 0 || strings.Contains(out, "保障预算总额") || !strings.Contains(out, "据实保障") {
		t.Fatalf("local rules: exit %d\n%s%s", code, out, errs)
	}
	// A broken local file is refused, named, and nothing is guessed.
	if err := os.WriteFile(filepath.Join(dir, "results-local.yaml"), []byte(local+"\nunknown_field: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, errs, code = run(t, "results", "2023")
	if code == 0 || !strings.Contains(errs, "results-local.yaml") {
		t.Fatalf("broken local rules: exit %d\n%s", code, errs)
	}
}
