package cli

import (
	"archive/zip"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	_, errs, code := run(t, "report", "--all", "--year", "2023", "-o", out)
	if code != 0 || !strings.Contains(errs, "已完成 1/1 份") || !strings.Contains(errs, "1 份报告") {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	if len(zr.File) != 2 || !strings.HasSuffix(zr.File[0].Name, ".docx") || zr.File[1].Name != "汇总表.xlsx" {
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
