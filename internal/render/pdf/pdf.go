// Package pdf prints the HTML report to PDF with headless Chromium, the
// way a person would print it from the browser: the HTML renderer's print
// stylesheet sets A4 paper and the official margins. Chromium is an
// outside program; when it is not installed Render says so plainly.
//
// Printing goes through a Service: one long-lived Chromium per Service,
// started on first use and started again if it dies, printing at most
// Options.Pages documents at once (one tab each) with a bounded queue of
// waiting renders. The command line uses the process-wide Default service
// through Render; the web server owns a Service of its own.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"sync"

	"github.com/jixiao/jixiao/internal/render/html"
	"github.com/jixiao/jixiao/internal/report"
)

// ErrNoBrowser is returned when no Chromium is installed.
var ErrNoBrowser = errors.New("生成 PDF 需要安装 Chromium 浏览器（Debian/麒麟/统信：apt-get install chromium），或改用 docx 格式后用 WPS、LibreOffice 另存为 PDF")

// Browser returns the path of an installed Chromium, or "".
// JIXIAO_CHROMIUM, when set, names it.
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

var (
	defaultMu  sync.Mutex
	defaultSvc *Service
)

// Default returns the process-wide service (default Options), creating it
// on first use. Its browser starts only when something is printed; call
// CloseDefault before the process exits.
func Default() *Service {
	defaultMu.Lock()
	defer defaultMu.Unlock()
	if defaultSvc == nil {
		defaultSvc = New(Options{})
	}
	return defaultSvc
}

// DefaultFontNote says why the process-wide service printed with whole
// system fonts (slower) instead of font subsets, or "" when it did not
// (or printed nothing).
func DefaultFontNote() string {
	defaultMu.Lock()
	s := defaultSvc
	defaultMu.Unlock()
	if s == nil {
		return ""
	}
	if st := s.Stats(); st.Renders > 0 {
		return st.FontError
	}
	return ""
}

// CloseDefault closes the process-wide service, if it was created, and
// stops its browser. A later Default creates a new one.
func CloseDefault() error {
	defaultMu.Lock()
	s := defaultSvc
	defaultSvc = nil
	defaultMu.Unlock()
	if s == nil {
		return nil
	}
	return s.Close()
}

// Render writes the document as PDF with the process-wide service. It is
// what the command line calls (`jixiao report … --format pdf`).
func Render(w io.Writer, d *report.Document) error {
	if Browser() == "" {
		return ErrNoBrowser
	}
	return Default().Render(context.Background(), w, d)
}

// Render writes the document as PDF: the HTML report printed by the
// service's browser. ctx bounds the wait for a free page and the printing.
func (s *Service) Render(ctx context.Context, w io.Writer, d *report.Document) error {
	var page bytes.Buffer
	if err := html.Render(&page, d); err != nil {
		return err
	}
	data, err := s.Print(ctx, page.Bytes())
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}
