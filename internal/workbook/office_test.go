package workbook

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// soffice converts file into dir in the given format with LibreOffice,
// using a private profile so parallel runs do not share (and lock) one,
// and returns the path of the result. It skips the test without
// LibreOffice.
func soffice(t *testing.T, dir, file, format string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping LibreOffice conversion in short mode")
	}
	bin := ""
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Skip("LibreOffice (soffice) is not installed; install it to check that workbooks open")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out := filepath.Join(dir, "out")
	cmd := exec.CommandContext(ctx, bin,
		"-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--norestore", "--convert-to", format, "--outdir", out, file)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, msg)
	}
	ext, _, _ := strings.Cut(format, ":")
	res := filepath.Join(out, strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))+"."+ext)
	if _, err := os.Stat(res); err != nil {
		t.Fatalf("LibreOffice wrote no %s: %v", format, err)
	}
	return res
}

// The template opens in LibreOffice: it converts to a PDF, and the text
// the PDF holds includes the sheets' headers (when pdftotext is there).
func TestLibreOfficeTemplate(t *testing.T) {
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "template.xlsx")
	if err := os.WriteFile(xlsx, template(t), 0o644); err != nil {
		t.Fatal(err)
	}
	pdf := soffice(t, dir, xlsx, "pdf")
	data, err := os.ReadFile(pdf)
	if err != nil || !bytes.HasPrefix(data, []byte("%PDF")) {
		t.Fatalf("not a PDF: %v", err)
	}
	p, err := exec.LookPath("pdftotext")
	if err != nil {
		return
	}
	text, err := exec.Command(p, "-enc", "UTF-8", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	flat := strings.Join(strings.Fields(string(text)), "")
	for _, want := range []string{"填表说明", "部门名称", "因公出国（境）费", "年度指标值", "采购合同自签订之日起7个工作日内备案"} {
		if !strings.Contains(flat, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
}

// A workbook saved again by LibreOffice (its own shared strings, number
// storage and styles) reads back to the same evaluation.
func TestLibreOfficeResave(t *testing.T) {
	dir := t.TempDir()
	ev := loadExample(t, exampleFiles[0])
	in := filepath.Join(dir, "tianhe.xlsx")
	if err := os.WriteFile(in, writeEval(t, ev), 0o644); err != nil {
		t.Fatal(err)
	}
	out := soffice(t, dir, in, "xlsx:Calc MS Excel 2007 XML")
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, ds := Read("resaved.xlsx", data)
	if len(ds) > 0 {
		t.Fatal(ds.Error())
	}
	if !reflect.DeepEqual(ev, got) {
		t.Fatalf("LibreOffice's copy reads differently:\n%s", diffEval(ev, got))
	}
}
