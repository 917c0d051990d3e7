package cli

import (
	"archive/zip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/store"
	"github.com/jixiao/jixiao/internal/workflow"
)

// report --all writes every year's report and the summary into one zip,
// says so on standard error, and refuses what it cannot do with usage
// errors that name the flag.
func TestReportAll(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JIXIAO_DB", filepath.Join(dir, "j.db"))
	if _, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	out := filepath.Join(dir, "2023.zip")
	// Standard error is not a terminal here: no progress unless asked.
	_, errs, code := run(t, "report", "--all", "--year", "2023", "-o", out)
	if code != 0 || strings.Contains(errs, "已完成") || !strings.Contains(errs, "1 份报告") || !strings.Contains(errs, "绩效评价结果通报.docx") {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	_, errs, code = run(t, "report", "--all", "--year", "2023", "--progress", "always", "-o", out)
	if code != 0 || !strings.Contains(errs, "已完成 1/1（100%）") {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 3 || !strings.HasSuffix(zr.File[0].Name, ".docx") || zr.File[1].Name != "汇总表.xlsx" || zr.File[2].Name != "绩效评价结果通报.docx" {
		t.Fatalf("zip holds %d files: %v", len(zr.File), zr.File)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".jixiao-*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--all", "-o", out}, "--year"},
		{[]string{"--all", "--year", "2023", "-o", filepath.Join(dir, "a.docx")}, ".zip"},
		{[]string{"--all", "--year", "2023", "--status", "done", "-o", out}, "未知状态"},
		{[]string{"--all", "--year", "2023", "--kind", "declaration", "-o", out}, "--kind evaluation"},
		{[]string{"--all", "--year", "2023", tianhe, "-o", out}, "多余的参数"},
		{[]string{tianhe, "--year", "2023", "-o", out}, "只与 --all 同用"},
		{[]string{"--all", "--year", "2023", "--progress", "sometimes", "-o", out}, "--progress"},
	} {
		_, errs, code := run(t, append([]string{"report"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("report %v: exit %d, want 2 naming %q:\n%s", c.args, code, c.want, errs)
		}
	}
	// A year with nothing to bundle writes nothing.
	none := filepath.Join(dir, "2030.zip")
	if _, errs, code := run(t, "report", "--all", "--year", "2030", "-o", none); code != 1 || !strings.Contains(errs, "2030 年度没有") {
		t.Errorf("empty year: exit %d:\n%s", code, errs)
	}
	if _, err := os.Stat(none); !os.IsNotExist(err) {
		t.Errorf("a zip was written for an empty year: %v", err)
	}
}

// bulletin writes the year's results bulletin in the format asked.
func TestBulletinCommand(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("JIXIAO_DB", filepath.Join(dir, "j.db"))
	if _, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	out, errs, code := run(t, "bulletin", "--year", "2023", "--format", "md", "-o", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"关于2023年度部门整体支出绩效评价结果的通报", "2023年度共有1个部门", "“优”1个（占100.0%）",
		"广州市天河区人民政府办公室", "采购管理", "存在的问题2条（涉及1个部门）", "30日"} {
		if !strings.Contains(out, want) {
			t.Errorf("bulletin lacks %q:\n%s", want, out)
		}
	}
	docx := filepath.Join(dir, "b.docx")
	if _, errs, code := run(t, "bulletin", "--year", "2023", "-o", docx); code != 0 || !strings.Contains(errs, "1 个部门") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := zip.OpenReader(docx); err != nil {
		t.Errorf("not a Word file: %v", err)
	}
	if _, errs, code := run(t, "bulletin", "-o", docx); code != 2 || !strings.Contains(errs, "--year") {
		t.Errorf("no year: exit %d: %s", code, errs)
	}
	if _, errs, code := run(t, "bulletin", "--year", "2031", "-o", docx); code != 1 || !strings.Contains(errs, "2031 年度没有") {
		t.Errorf("empty year: exit %d: %s", code, errs)
	}
}

// publish --all publishes the accepted years as a reviewer account; a dry
// run writes nothing; another role is refused.
func TestPublishCommand(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "j.db")
	t.Setenv("JIXIAO_DB", dsn)
	if _, errs, code := run(t, "import", tianhe); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	users := map[string]store.User{}
	for _, u := range []store.User{{Username: "ed", Role: workflow.Editor, DepartmentCode: "106001"},
		{Username: "ap", Role: workflow.Approver, DepartmentCode: "106001"}, {Username: "rv", Role: workflow.Reviewer}, {Username: "ad", Role: workflow.Admin}} {
		c, err := st.CreateUser(ctx, u, "correct horse battery staple")
		if err != nil {
			t.Fatal(err)
		}
		users[u.Username] = c
	}
	r, _ := st.Get(ctx, "106001", 2023)
	v := r.Version
	for _, m := range []struct{ to, by string }{{workflow.Submitted, "ed"}, {workflow.Approved, "ap"}, {workflow.UnderReview, "rv"}, {workflow.Accepted, "rv"}} {
		if v, err = st.Transition(ctx, "106001", 2023, m.to, users[m.by], "", v); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	if _, errs, code := run(t, "publish", "--year", "2023"); code != 2 || !strings.Contains(errs, "--all") {
		t.Errorf("without --all: exit %d: %s", code, errs)
	}
	if _, errs, code := run(t, "publish", "--all", "--year", "2023", "--actor", "ad"); code == 0 || !strings.Contains(errs, "财政审核人") {
		t.Errorf("as admin: exit %d: %s", code, errs)
	}
	if _, errs, code := run(t, "publish", "--all", "--year", "2023", "--actor", "nobody"); code != 1 || !strings.Contains(errs, "nobody") {
		t.Errorf("unknown account: exit %d: %s", code, errs)
	}
	out, errs, code := run(t, "publish", "--all", "--year", "2023", "--actor", "rv", "--dry-run")
	if code != 0 || !strings.Contains(out, "将公开（试运行，未写入） 1 个部门年度") || !strings.Contains(out, "106001") {
		t.Fatalf("dry run: exit %d: %s%s", code, out, errs)
	}
	if out, _, _ := run(t, "list"); strings.Contains(out, "已公开") {
		t.Fatalf("the dry run published:\n%s", out)
	}
	out, errs, code = run(t, "publish", "--all", "--year", "2023", "--actor", "rv", "--reason", "年度结果公开")
	if code != 0 || !strings.Contains(out, "已公开 1 个部门年度") {
		t.Fatalf("publish: exit %d: %s%s", code, out, errs)
	}
	if out, _, _ := run(t, "history", "106001", "2023"); !strings.Contains(out, "年度结果公开") {
		t.Errorf("history lacks the publication:\n%s", out)
	}
	out, _, code = run(t, "publish", "--all", "--year", "2023", "--actor", "rv")
	if code != 0 || !strings.Contains(out, "没有“已通过”的部门年度") {
		t.Errorf("again: exit %d: %s", code, out)
	}
}
