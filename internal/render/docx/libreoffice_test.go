package docx

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/jixiao/jixiao/internal/report/reporttest"
)

// TestLibreOffice converts the rendered sample to PDF with LibreOffice and
// checks the text and page size of the result. CI installs LibreOffice and
// poppler-utils; without them the test is skipped.
func TestLibreOffice(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping LibreOffice conversion in short mode")
	}
	soffice := lookPath("soffice", "libreoffice")
	if soffice == "" {
		t.Skip("LibreOffice (soffice) is not installed; install it to check that the .docx opens")
	}
	pdftotext, pdfinfo := lookPath("pdftotext"), lookPath("pdfinfo")
	if pdftotext == "" || pdfinfo == "" {
		t.Skip("pdftotext/pdfinfo (poppler-utils) are not installed")
	}

	dir := t.TempDir()
	docx := filepath.Join(dir, "sample.docx")
	var buf bytes.Buffer
	d := reporttest.Sample()
	if err := Render(&buf, d); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(docx, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// A private profile and HOME, so parallel runs do not share
	// LibreOffice's user installation (which it locks).
	profile := filepath.Join(dir, "profile")
	cmd := exec.CommandContext(ctx, soffice,
		"-env:UserInstallation=file://"+filepath.ToSlash(profile),
		"--headless", "--norestore",
		"--convert-to", "pdf", "--outdir", dir, docx)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, "sample.pdf")
	if _, err := os.Stat(pdf); err != nil {
		t.Fatalf("LibreOffice wrote no PDF: %v", err)
	}

	out, err := exec.CommandContext(ctx, pdftotext, "-enc", "UTF-8", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Lines wrap and LibreOffice may space CJK from Latin text, so compare
	// without white space.
	text := stripSpace(string(out))
	for _, want := range []string{
		d.Title,
		"一、部门基本情况",
		"（一）部门职能",
		"部门整体支出绩效自评表",
		"管理效率",
		"18.5",
		"加强作风建设<&>。",
		"示例区人民政府办公室",
		"—1—",
		"—2—",
	} {
		if !strings.Contains(text, stripSpace(want)) {
			t.Errorf("PDF text lacks %q", want)
		}
	}

	info, err := exec.CommandContext(ctx, pdfinfo, pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`Page size:\s+([\d.]+) x ([\d.]+) pts`).FindSubmatch(info)
	if m == nil {
		t.Fatalf("pdfinfo reports no page size:\n%s", info)
	}
	w, _ := strconv.ParseFloat(string(m[1]), 64)
	h, _ := strconv.ParseFloat(string(m[2]), 64)
	if w < 594 || w > 596.5 || h < 841 || h > 843 {
		t.Errorf("page size %.2f x %.2f pts, want A4 (595 x 842)", w, h)
	}
	// The page break puts the table on a second page.
	if !regexp.MustCompile(`(?m)^Pages:\s+2$`).Match(info) {
		t.Errorf("want 2 pages; pdfinfo says:\n%s", info)
	}
}

func lookPath(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

func stripSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
