// Package pdf prints the HTML report to PDF with headless Chromium, the
// way a person would print it from the browser: the HTML renderer's print
// stylesheet sets A4 paper and the official margins. Chromium is an
// outside program; when it is not installed Render says so plainly.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/jixiao/jixiao/internal/render/html"
	"github.com/jixiao/jixiao/internal/report"
)

// ErrNoBrowser is returned when no Chromium is installed.
var ErrNoBrowser = errors.New("生成 PDF 需要安装 Chromium 浏览器（Debian/麒麟/统信：apt-get install chromium），或改用 docx 格式后用 WPS、LibreOffice 另存为 PDF")

// Browser returns the path of an installed Chromium, or "".
func Browser() string {
	if p := os.Getenv("JIXIAO_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Timeout bounds one conversion.
var Timeout = 60 * time.Second

// Render writes the document as PDF.
func Render(w io.Writer, d *report.Document) error {
	browser := Browser()
	if browser == "" {
		return ErrNoBrowser
	}
	dir, err := os.MkdirTemp("", "jixiao-pdf-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	page := filepath.Join(dir, "report.html")
	var buf bytes.Buffer
	if err := html.Render(&buf, d); err != nil {
		return err
	}
	if err := os.WriteFile(page, buf.Bytes(), 0o600); err != nil {
		return err
	}
	out := filepath.Join(dir, "report.pdf")
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	// The flags keep Chromium off the network (these machines are often
	// offline, and it would otherwise try to reach update servers) and
	// give it a fresh profile so parallel runs do not clash.
	cmd := exec.CommandContext(ctx, browser,
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"),
		"--no-pdf-header-footer", "--print-to-pdf="+out, "file://"+page)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("Chromium 转换 PDF 失败：%v\n%s", err, lastLines(msg, 5))
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return fmt.Errorf("Chromium 未生成 PDF：%w", err)
	}
	_, err = w.Write(data)
	return err
}

func lastLines(b []byte, n int) string {
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
