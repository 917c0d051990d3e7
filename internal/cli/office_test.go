package cli

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// The whole Tianhe report in Markdown is kept as a golden file, so any
// change to its wording or figures shows in review.
func TestTianheGolden(t *testing.T) {
	out, errs, code := run(t, "report", tianhe, "--format", "md", "-o", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	golden := filepath.Join("testdata", "tianhe-2023.md")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if out != string(want) {
		t.Errorf("report differs from %s; run go test ./internal/cli -run TestTianheGolden -update and review the diff", golden)
	}
}

// LibreOffice opens the Word and spreadsheet reports and the converted PDF
// carries the computed figures.
func TestReportOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) not installed; CI installs it")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) not installed; CI installs it")
	}
	dir := t.TempDir()
	for _, f := range []string{"docx", "xlsx"} {
		src := filepath.Join(dir, "tianhe."+f)
		if _, errs, code := run(t, "report", tianhe, "-o", src); code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		outDir := filepath.Join(dir, f)
		cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "lo-"+f), "--headless", "--convert-to", "pdf", "--outdir", outDir, src)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("soffice %s: %v\n%s", f, err, out)
		}
		pdf := filepath.Join(outDir, "tianhe.pdf")
		txt, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", f, err)
		}
		s := strings.Join(strings.Fields(string(txt)), "")
		want := []string{"部门整体支出绩效自评表", "3308.63", "自评等级：优", "项目支出绩效自评表"}
		if f == "docx" {
			want = append(want, "部门整体支出绩效自评报告", "增幅14.2%", "占总支出的83.23%", "自评97分")
		}
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Errorf("%s → PDF lacks %q", f, w)
			}
		}
	}
}
