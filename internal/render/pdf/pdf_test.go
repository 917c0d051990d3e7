package pdf

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jixiao/jixiao/internal/report/reporttest"
)

func TestRenderA4WithText(t *testing.T) {
	if Browser() == "" {
		t.Skip("Chromium not installed; CI installs it")
	}
	for _, tool := range []string{"pdftotext", "pdfinfo"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s (poppler-utils) not installed; CI installs it", tool)
		}
	}
	var buf bytes.Buffer
	if err := Render(&buf, reporttest.Sample()); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:min(20, buf.Len())])
	}
	f := filepath.Join(t.TempDir(), "r.pdf")
	os.WriteFile(f, buf.Bytes(), 0o644)
	info, _ := exec.Command("pdfinfo", f).Output()
	if !strings.Contains(string(info), "(A4)") {
		t.Errorf("page size is not A4:\n%s", info)
	}
	txt, _ := exec.Command("pdftotext", f, "-").Output()
	s := strings.Join(strings.Fields(string(txt)), "")
	for _, w := range []string{"示例区人民政府办公室2023年度部门整体支出绩效自评报告", "部门整体支出绩效自评表", "管理效率"} {
		if !strings.Contains(s, w) {
			t.Errorf("PDF lacks %q", w)
		}
	}
}

func TestNoBrowserIsAClearError(t *testing.T) {
	t.Setenv("JIXIAO_CHROMIUM", "")
	t.Setenv("PATH", t.TempDir())
	err := Render(&bytes.Buffer{}, reporttest.Sample())
	if !errors.Is(err, ErrNoBrowser) {
		t.Errorf("err = %v, want ErrNoBrowser", err)
	}
}
